//! Issuing: an award becomes a signed OpenBadgeCredential that embeds the issuer profile and
//! the achievement as they are at this moment (in the language chosen), points at the
//! organization's revocation list at a random position, and is stored exactly as signed.

mod credential;
pub(crate) mod details;

pub use credential::{CUSTOM_FIELD_RESULT_TYPE, describe_achievement, field_result_id};

use crate::status::STATUS_LIST_BITS;
use crate::{App, AppError, AppResult, rfc3339};
use accolade_core::{AchievementId, Actor, Award, AwardId, AwardStatus, AwardSummary};
use accolade_credentials::proof::{self, ProofOptions};
use accolade_store::{IssuedAward, StoreError, Succession};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// What it takes to issue one award.
#[derive(Debug, Clone, Default)]
pub struct NewAward {
    pub achievement_id: AchievementId,
    pub recipient_email: String,
    pub recipient_name: Option<String>,
    /// Defaults to now.
    pub issued_at: Option<OffsetDateTime>,
    /// Overrides the achievement's expiry policy for this award.
    pub valid_until: Option<OffsetDateTime>,
    /// A BCP 47 tag among the achievement's languages; its default language when `None`.
    pub language: Option<String>,
    /// Custom field key → value; every required field needs one.
    pub field_values: BTreeMap<String, String>,
    pub evidence: Vec<NewEvidence>,
}

/// One piece of evidence: a link, a narrative (Markdown), or both.
#[derive(Debug, Clone, Default)]
pub struct NewEvidence {
    pub url: Option<String>,
    pub name: Option<String>,
    pub narrative: Option<String>,
}

/// The latest expiry an award may be given: a hundred years after its issue.
const MAX_VALIDITY: Duration = Duration::days(36_525);

/// Status list positions are drawn at random so that a position reveals nothing about when
/// or to whom a credential was issued; a full list is refused rather than overfilled.
pub(crate) const MAX_FILL: usize = STATUS_LIST_BITS * 3 / 4;

fn random_index() -> AppResult<u32> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| AppError::internal("reading the random source", e))?;
    Ok(u32::from_le_bytes(b) % STATUS_LIST_BITS as u32)
}

/// The award a new one continues: a corrected re-issue revokes and supersedes it, a renewal
/// links to it. Either only while it is active and not yet continued that way.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Continues<'a> {
    Corrects(&'a Award),
    Renews(&'a Award),
}

impl App {
    /// Issues one award and returns it with its signed credential. The award, the earner's
    /// email (with its claim token) and the audit entry are written in one transaction:
    /// either all are stored or none is.
    pub async fn award(&self, actor: &Actor, new: NewAward) -> AppResult<Award> {
        self.issue(actor, new, None)
            .await?
            .ok_or_else(|| AppError::internal_msg("an award without predecessor was refused"))
    }

    /// The webhook events of an issue: `award.issued`, or `award.renewed` (naming the award
    /// it renews), or for a correction `award.issued` (naming the award it replaces) and
    /// `award.revoked` for the replaced one.
    fn issue_events(
        &self,
        award: &Award,
        continues: Option<Continues<'_>>,
        reason: &str,
    ) -> Vec<crate::webhooks::WebhookEvent> {
        use crate::webhooks::EventType;
        let summary = award.summary();
        let with = |mut event: crate::webhooks::WebhookEvent, key: &str, old: &Award| {
            if let Some(data) = event.data.as_object_mut() {
                data.insert(key.into(), old.id.to_string().into());
            }
            event
        };
        match continues {
            None => vec![self.award_event(EventType::AwardIssued, &summary)],
            Some(Continues::Renews(old)) => vec![with(
                self.award_event(EventType::AwardRenewed, &summary),
                "renews_award_id",
                old,
            )],
            Some(Continues::Corrects(old)) => {
                let revoked = AwardSummary {
                    status: AwardStatus::Revoked,
                    status_reason: Some(reason.to_owned()),
                    ..old.summary()
                };
                vec![
                    with(
                        self.award_event(EventType::AwardIssued, &summary),
                        "replaces_award_id",
                        old,
                    ),
                    self.award_event(EventType::AwardRevoked, &revoked),
                ]
            }
        }
    }

    /// Issues one award, continuing `continues` if given, in one transaction with
    /// everything it writes. `Ok(None)`, and nothing written, when the award it continues
    /// is no longer active or was already continued that way.
    pub(crate) async fn issue(
        &self,
        actor: &Actor,
        new: NewAward,
        continues: Option<Continues<'_>>,
    ) -> AppResult<Option<Award>> {
        let achievement = self.achievement(new.achievement_id).await?;
        let org = self.org(achievement.org_id).await?;
        let email = crate::checks::parse_email("recipient_email", &new.recipient_email)?;
        let name = new
            .recipient_name
            .as_deref()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::invalid_field(
                "recipient_name",
                "Shorten the recipient's name to at most 200 characters.",
            ));
        }
        let issued_at = new
            .issued_at
            .map_or_else(|| self.now(), |t| t.replace_nanosecond(0).unwrap_or(t));
        let valid_until = match new.valid_until {
            Some(u) => {
                let u = u.replace_nanosecond(0).unwrap_or(u);
                if u <= issued_at {
                    return Err(AppError::invalid_field(
                        "valid_until",
                        "Choose an expiry date after the issue date.",
                    ));
                }
                if u - issued_at > MAX_VALIDITY {
                    return Err(AppError::invalid_field(
                        "valid_until",
                        "Choose an expiry date less than a hundred years after the issue date.",
                    ));
                }
                Some(u)
            }
            None => achievement.expiry.expiry_for(issued_at),
        };
        if valid_until.is_some_and(|u| u <= issued_at) {
            return Err(AppError::invalid_field(
                "issued_at",
                "This badge expires on a fixed date before this issue date. Choose an earlier issue date, or change the badge's expiry.",
            ));
        }
        let details = details::issue_details(&achievement, &new)?;
        if self.store.org_award_total(org.id).await? as usize >= MAX_FILL {
            return Err(AppError::StatusListFull);
        }
        let (key_record, key) = self.signing_key(&org).await?;
        for _ in 0..16 {
            let id = AwardId::new();
            let index = random_index()?;
            let unsigned = self.credential_json_with(
                &org,
                &achievement,
                (id, index),
                (&email, name.as_deref()),
                (issued_at, valid_until),
                &details,
            )?;
            let options = ProofOptions::assertion(
                self.verification_method(&org, &key_record),
                Some(rfc3339(self.now())),
            );
            let signed = proof::sign(&unsigned, &key, &options)
                .map_err(|e| AppError::internal("signing the credential", e))?;
            let award = Award {
                id,
                org_id: org.id,
                achievement_id: achievement.id,
                recipient_email: email.clone(),
                recipient_name: name.clone(),
                issued_at,
                valid_until,
                status: AwardStatus::Active,
                status_reason: None,
                status_changed_at: None,
                status_index: index,
                key_id: key_record.id,
                credential: serde_json::to_string_pretty(&signed)
                    .map_err(|e| AppError::internal("serializing the signed credential", e))?,
                created_at: self.now(),
            };
            // The earner's email and its claim token, sent later by a job.
            let email = self.badge_issued_email(&org, &achievement, &award)?;
            let detail = format!("{} to {}", achievement.name, award.recipient_email.as_str());
            let mut audit = vec![self.audit_event(
                org.id,
                actor,
                "award.issue",
                &award.id.to_string(),
                &detail,
            )];
            let reason = format!("Superseded by {}", award.id);
            let follows = match continues {
                None => None,
                Some(Continues::Corrects(old)) => {
                    let old_id = old.id.to_string();
                    audit.push(self.audit_event(org.id, actor, "award.revoke", &old_id, &reason));
                    let detail = format!("corrected credential {} replaces {old_id}", award.id);
                    let new_id = award.id.to_string();
                    audit.push(self.audit_event(org.id, actor, "award.reissue", &new_id, &detail));
                    Some(Succession::Supersedes {
                        old: old.id,
                        reason: &reason,
                    })
                }
                Some(Continues::Renews(old)) => {
                    let detail = format!("renewed by {}", award.id);
                    let old_id = old.id.to_string();
                    audit.push(self.audit_event(org.id, actor, "award.renew", &old_id, &detail));
                    Some(Succession::Renews { old: old.id })
                }
            };
            let issued = IssuedAward {
                award: &award,
                email: Some(&email.email),
                claims: std::slice::from_ref(&email.claim),
                audit: &audit,
                follows,
            };
            match self.store.insert_issued_award(&issued).await {
                Ok(true) => {
                    self.metrics.credentials_issued.inc(&["single"]);
                    self.verdicts.due([award.id]);
                    if let Some(Continues::Corrects(old) | Continues::Renews(old)) = continues {
                        self.page_changed(old.id);
                    }
                    // Right after the issue's transaction committed.
                    let events = self.issue_events(&award, continues, &reason);
                    self.notify_webhooks(org.id, &events).await;
                    return Ok(Some(award));
                }
                Ok(false) => return Ok(None),
                // That position is taken: draw again.
                Err(StoreError::Conflict {
                    what: "status_index",
                }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::StatusListFull)
    }

    pub async fn award_by_id(&self, id: AwardId) -> AppResult<Award> {
        self.store
            .award(id)
            .await?
            .ok_or(AppError::NotFound("award"))
    }
}
