//! Re-issuing and renewing. A signed credential never changes, so both make a new award
//! that keeps the old one's language, custom field values and evidence: a correction (a
//! misspelt name, a wrong email, another language) supersedes the old credential, which is
//! revoked and points at its replacement; a renewal continues an expiring one with validity
//! from the achievement's policy as of today, and leaves the old one as it is.

use super::{why_not_reissue, why_not_renew};
use crate::issue::{Continues, NewEvidence};
use crate::{App, AppError, AppResult, NewAward};
use accolade_core::{Actor, Award, AwardId};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a corrected credential changes: the recipient as it should have been, and its
/// language (`None` keeps the original's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Correction {
    pub recipient_email: String,
    pub recipient_name: Option<String>,
    pub language: Option<String>,
}

/// The details of a credential that its re-issue or renewal keeps: its language, custom
/// field values and evidence, read back from the signed credential.
struct Carried {
    language: Option<String>,
    field_values: BTreeMap<String, String>,
    evidence: Vec<NewEvidence>,
}

fn carried(credential: &str) -> Carried {
    let v: Value = serde_json::from_str(credential).unwrap_or(Value::Null);
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let many = |v: Option<&Value>| match v {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let field_values = many(v.pointer("/credentialSubject/result"))
        .iter()
        .filter_map(|r| {
            let description = text(r, "resultDescription")?;
            let (_, key) = description.rsplit_once("#field-")?;
            Some((key.to_owned(), text(r, "value")?))
        })
        .collect();
    let evidence = many(v.get("evidence"))
        .iter()
        .map(|e| NewEvidence {
            url: text(e, "id"),
            name: text(e, "name"),
            narrative: text(e, "narrative"),
        })
        .collect();
    Carried {
        language: text(&v, "inLanguage"),
        field_values,
        evidence,
    }
}

impl App {
    /// Issues a corrected credential in place of `id`: the same achievement and dates for
    /// the corrected recipient. The old award is revoked with "Superseded by {new id}" and
    /// links to the new one (its public page says so), in the transaction that stores the
    /// new award. The earner gets the new badge's email, not a revocation notice. If the old
    /// award was revoked, suspended or re-issued meanwhile, nothing is issued (`Conflict`).
    pub async fn reissue(
        &self,
        actor: &Actor,
        id: AwardId,
        correction: Correction,
    ) -> AppResult<Award> {
        let old = self.award_by_id(id).await?;
        if let Some(refusal) = why_not_reissue(&old, &self.award_links(id).await?) {
            return Err(refusal);
        }
        let kept = carried(&old.credential);
        let language = correction
            .language
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .or(kept.language);
        let new = NewAward {
            achievement_id: old.achievement_id,
            recipient_email: correction.recipient_email,
            recipient_name: correction.recipient_name,
            issued_at: Some(old.issued_at),
            valid_until: old.valid_until,
            language,
            field_values: kept.field_values,
            evidence: kept.evidence,
        };
        // One transaction: the new award, its email and audit entries, and the old one's
        // revocation, which holds only while it is still active and not yet superseded.
        self.issue(actor, new, Some(Continues::Corrects(&old)))
            .await?
            .ok_or_else(|| {
                AppError::Conflict("The badge changed while it was being re-issued. Reload the page and try again.".into())
            })
    }

    /// Issues a renewal of `id` for the same recipient, valid from now under the
    /// achievement's expiry policy, and links the two in the same transaction. The old award
    /// stays as it is (it expires on its own date). If it was renewed, suspended or revoked
    /// meanwhile, nothing is issued (`Conflict`).
    pub async fn renew(&self, actor: &Actor, id: AwardId) -> AppResult<Award> {
        let old = self.award_by_id(id).await?;
        if let Some(refusal) = why_not_renew(&old, &self.award_links(id).await?) {
            return Err(refusal);
        }
        let kept = carried(&old.credential);
        let new = NewAward {
            achievement_id: old.achievement_id,
            recipient_email: old.recipient_email.as_str().to_owned(),
            recipient_name: old.recipient_name.clone(),
            issued_at: None,
            valid_until: None,
            language: kept.language,
            field_values: kept.field_values,
            evidence: kept.evidence,
        };
        self.issue(actor, new, Some(Continues::Renews(&old)))
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "The badge was renewed or revoked in the meantime. Reload the page to see it."
                        .into(),
                )
            })
    }
}
