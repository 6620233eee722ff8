//! Open Badges 2.0 for displayers that predate OB 3.0: each award also has a hosted
//! Assertion, its achievement a BadgeClass and its organization an Issuer profile, at stable
//! URLs under `/ob2/`. Verification is `hosted`: a displayer fetches the assertion from its
//! URL, on the issuer's origin, and the answer is always current, so a revoked award answers
//! `410 Gone` with `revoked: true` and the issuer's reason.
//!
//! The recipient is the same salted SHA-256 of the email as in the OB 3.0 credential (the two
//! standards hash alike), so neither form reveals the address.

use crate::{App, AppError, AppResult, rfc3339};
use accolade_core::{AchievementId, Award, AwardId, AwardStatus, Organization};
use accolade_credentials::identity;
use serde_json::{Value, json};

/// The OB 2.0 JSON-LD context (bundled with the credentials crate; never fetched here).
pub const OB2_CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// A hosted assertion as it stands now.
#[derive(Debug, Clone)]
pub struct HostedAssertion {
    pub json: Value,
    /// Revoked: served as `410 Gone`, as OB 2.0 asks.
    pub gone: bool,
}

impl App {
    /// `{base}/ob2/assertions/{award}`.
    pub fn ob2_assertion_url(&self, id: AwardId) -> String {
        format!("{}/ob2/assertions/{id}", self.urls().base())
    }

    /// `{base}/ob2/badges/{achievement}`.
    pub fn ob2_badge_url(&self, id: AchievementId) -> String {
        format!("{}/ob2/badges/{id}", self.urls().base())
    }

    /// `{base}/ob2/issuers/{slug}`.
    pub fn ob2_issuer_url(&self, org: &Organization) -> String {
        format!("{}/ob2/issuers/{}", self.urls().base(), org.slug)
    }

    /// The hosted OB 2.0 Assertion of an award.
    pub async fn ob2_assertion(&self, id: AwardId) -> AppResult<HostedAssertion> {
        let award = self.award_by_id(id).await?;
        let mut doc = json!({
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": self.ob2_assertion_url(award.id),
            "recipient": recipient(&award)?,
            "badge": self.ob2_badge_url(award.achievement_id),
            "verification": {"type": "hosted"},
            "issuedOn": rfc3339(award.issued_at),
        });
        if let Some(until) = award.valid_until {
            doc["expires"] = rfc3339(until).into();
        }
        let gone = award.status == AwardStatus::Revoked;
        if award.status != AwardStatus::Active {
            // OB 2.0 has no suspension: a suspended award is reported revoked while it lasts.
            let reason = match (award.status, award.status_reason.as_deref()) {
                (AwardStatus::Suspended, Some(r)) => format!("Suspended by the issuer: {r}"),
                (AwardStatus::Suspended, None) => "Suspended by the issuer".to_owned(),
                (_, Some(r)) => r.to_owned(),
                (_, None) => "Revoked by the issuer".to_owned(),
            };
            doc["revoked"] = true.into();
            doc["revocationReason"] = reason.into();
        }
        Ok(HostedAssertion { json: doc, gone })
    }

    /// The OB 2.0 BadgeClass of an achievement, as it stands now.
    pub async fn ob2_badge_class(&self, id: AchievementId) -> AppResult<Value> {
        let a = self.achievement(id).await?;
        let org = self.org(a.org_id).await?;
        let image = match a.image_id {
            Some(i) => self.urls().image(i),
            None => format!("{}/image.png", self.ob2_badge_url(a.id)),
        };
        let description = if a.description.trim().is_empty() {
            a.name.clone()
        } else {
            a.description.clone()
        };
        let mut criteria = json!({});
        if let Some(url) = &a.criteria_url {
            criteria["id"] = url.clone().into();
        }
        criteria["narrative"] = a
            .criteria_narrative
            .clone()
            .unwrap_or_else(|| description.clone())
            .into();
        let mut doc = json!({
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": self.ob2_badge_url(a.id),
            "name": a.name,
            "description": description,
            "image": image,
            "criteria": criteria,
            "issuer": self.ob2_issuer_url(&org),
        });
        let alignment: Vec<Value> = a
            .alignments
            .iter()
            .map(|al| {
                let mut v = json!({"targetName": al.target_name, "targetUrl": al.target_url});
                if let Some(code) = &al.target_code {
                    v["targetCode"] = code.clone().into();
                }
                if let Some(framework) = &al.target_framework {
                    v["targetFramework"] = framework.clone().into();
                }
                v
            })
            .collect();
        if !alignment.is_empty() {
            doc["alignment"] = alignment.into();
        }
        if !a.tags.is_empty() {
            doc["tags"] = a.tags.clone().into();
        }
        Ok(doc)
    }

    /// The OB 2.0 Issuer profile of an organization.
    pub async fn ob2_issuer(&self, slug: &str) -> AppResult<Value> {
        let org = self.org_by_slug(slug).await?;
        let mut doc = json!({
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": self.ob2_issuer_url(&org),
            "name": org.name,
            "url": org.url,
        });
        if let Some(email) = &org.email {
            doc["email"] = email.as_str().into();
        }
        if let Some(d) = &org.description {
            doc["description"] = d.clone().into();
        }
        if let Some(i) = org.image_id {
            doc["image"] = self.urls().image(i).into();
        }
        Ok(doc)
    }
}

/// The recipient as OB 2.0 writes it: the credential's salted email hash, reused.
fn recipient(award: &Award) -> AppResult<Value> {
    let credential: Value = serde_json::from_str(&award.credential)
        .map_err(|e| AppError::internal(format!("award {} has unreadable JSON", award.id), e))?;
    let hashed = credential["credentialSubject"]["identifier"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["identityType"] == "emailAddress" && i["hashed"] == true);
    let (identity, salt) = match hashed {
        Some(i) => (
            i["identityHash"].as_str().unwrap_or_default().to_owned(),
            i["salt"].as_str().map(str::to_owned),
        ),
        None => {
            // Credentials written before hashing was the rule: hash now, salted per award.
            let salt = award.id.to_string().replace('-', "");
            (
                identity::hash_email(&award.recipient_email, &salt),
                Some(salt),
            )
        }
    };
    let mut r = json!({"type": "email", "hashed": true, "identity": identity});
    if let Some(salt) = salt {
        r["salt"] = salt.into();
    }
    Ok(r)
}
