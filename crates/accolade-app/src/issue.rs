//! Issuing: an award becomes a signed OpenBadgeCredential that embeds the issuer profile and
//! the achievement as they are at this moment, points at the organization's revocation list
//! at a random position, and is stored exactly as signed.

use crate::status::STATUS_LIST_BITS;
use crate::{App, AppError, AppResult, rfc3339};
use accolade_core::{
    Achievement, AchievementId, Award, AwardId, AwardStatus, Email, Organization, StatusPurpose,
};
use accolade_credentials::identity;
use accolade_credentials::model::{
    Achievement as ObAchievement, AchievementCredential, AchievementSubject, AchievementType,
    Alignment, CredentialStatus, Criteria, DateTime, IdentifierType, IdentityObject, Image,
    Profile, StatusListIndex,
};
use accolade_credentials::proof::{self, ProofOptions};
use accolade_store::StoreError;
use time::OffsetDateTime;

/// What it takes to issue one award.
#[derive(Debug, Clone)]
pub struct NewAward {
    pub achievement_id: AchievementId,
    pub recipient_email: String,
    pub recipient_name: Option<String>,
    /// Defaults to now.
    pub issued_at: Option<OffsetDateTime>,
}

/// Status list positions are drawn at random so that a position reveals nothing about when
/// or to whom a credential was issued; a full list is refused rather than overfilled.
pub(crate) const MAX_FILL: usize = STATUS_LIST_BITS * 3 / 4;

fn random_index() -> AppResult<u32> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(u32::from_le_bytes(b) % STATUS_LIST_BITS as u32)
}

fn model_err(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("building the credential: {e}"))
}

impl App {
    /// Issues one award and returns it with its signed credential.
    pub async fn award(&self, new: NewAward) -> AppResult<Award> {
        let achievement = self.achievement(new.achievement_id).await?;
        let org = self.org(achievement.org_id).await?;
        let email =
            Email::parse(&new.recipient_email).map_err(|e| AppError::Invalid(e.to_string()))?;
        let name = new
            .recipient_name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(AppError::Invalid(
                "the recipient name is longer than 200 characters".into(),
            ));
        }
        let issued_at = new
            .issued_at
            .map_or_else(|| self.now(), |t| t.replace_nanosecond(0).unwrap_or(t));
        let valid_until = achievement.expiry.expiry_for(issued_at);
        if valid_until.is_some_and(|u| u <= issued_at) {
            return Err(AppError::Invalid(
                "the achievement's fixed expiry date is before the issue date".into(),
            ));
        }
        if self.store.count_awards(org.id).await? as usize >= MAX_FILL {
            return Err(AppError::StatusListFull);
        }
        let (key_record, key) = self.signing_key(&org).await?;
        for _ in 0..16 {
            let id = AwardId::new();
            let index = random_index()?;
            let unsigned = self.credential_json(
                &org,
                &achievement,
                id,
                index,
                &email,
                name.as_deref(),
                issued_at,
                valid_until,
            )?;
            let options = ProofOptions::assertion(
                self.verification_method(&org, &key_record),
                Some(rfc3339(self.now())),
            );
            let signed = proof::sign(&unsigned, &key, &options)
                .map_err(|e| AppError::Internal(e.to_string()))?;
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
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                created_at: self.now(),
            };
            match self.store.insert_award(&award).await {
                Ok(()) => {
                    // The earner's email: queued (two inserts), sent later by a job.
                    let email = self.badge_issued_email(&org, &achievement, &award);
                    self.queue_notification(email).await;
                    return Ok(award);
                }
                Err(StoreError::Conflict { .. }) => continue, // that position is taken: draw again
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::StatusListFull)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn credential_json(
        &self,
        org: &Organization,
        achievement: &Achievement,
        id: AwardId,
        index: u32,
        email: &Email,
        name: Option<&str>,
        issued_at: OffsetDateTime,
        valid_until: Option<OffsetDateTime>,
    ) -> AppResult<serde_json::Value> {
        let urls = self.urls();
        let mut issuer = Profile::new(urls.issuer_did(&org.slug), org.name.clone());
        issuer.url = Some(org.url.clone());
        issuer.email = org.email.as_ref().map(|e| e.as_str().to_owned());
        issuer.description = org.description.clone();
        issuer.image = org
            .image_id
            .map(|i| Image::new(urls.image(i)).with_caption(org.name.clone()));

        let criteria = Criteria {
            id: achievement.criteria_url.clone(),
            narrative: achievement.criteria_narrative.clone(),
            ..Criteria::default()
        };
        let mut ob = ObAchievement::new(
            urls.achievement(achievement.id),
            achievement.name.clone(),
            achievement.description.clone(),
            criteria,
        );
        ob.achievement_type = Some(
            serde_json::from_value::<AchievementType>(serde_json::Value::String(
                achievement.achievement_type.clone(),
            ))
            .map_err(model_err)?,
        );
        ob.image = achievement
            .image_id
            .map(|i| Image::new(urls.image(i)).with_caption(achievement.name.clone()));
        ob.credits_available = achievement.credits;
        ob.tag = achievement.tags.clone();
        ob.alignment = achievement
            .alignments
            .iter()
            .map(|a| {
                let mut al = Alignment::new(a.target_name.clone(), a.target_url.clone());
                al.target_code = a.target_code.clone();
                al.target_framework = a.target_framework.clone();
                al
            })
            .collect();

        let salt = identity::new_salt().map_err(model_err)?;
        let hashed = IdentityObject::hashed(
            IdentifierType::EmailAddress,
            identity::hash_email(email, &salt),
            Some(salt),
        );
        let mut subject = AchievementSubject::with_identifier(hashed, ob);
        if let Some(n) = name {
            subject
                .identifier
                .push(IdentityObject::plain(IdentifierType::Name, n));
        }
        if let Some(c) = achievement.credits {
            subject.credits_earned = Some(c);
        }

        let list = urls.status_list(&org.slug, StatusPurpose::Revocation);
        let status = CredentialStatus {
            id: Some(format!("{list}#{index}")),
            r#type: "BitstringStatusListEntry".into(),
            status_purpose: Some("revocation".into()),
            status_list_index: Some(StatusListIndex::Text(index.to_string())),
            status_list_credential: Some(list),
            status_size: None,
            extra: Default::default(),
        };
        let date = |t| DateTime::parse(&rfc3339(t)).map_err(model_err);
        let mut builder = AchievementCredential::builder(urls.credential(id), issuer, subject)
            .name(achievement.name.clone())
            .valid_from(date(issued_at)?)
            .credential_status(status);
        if let Some(u) = valid_until {
            builder = builder.valid_until(date(u)?);
        }
        let credential = builder.build().map_err(model_err)?;
        credential.to_json_value().map_err(model_err)
    }

    pub async fn award_by_id(&self, id: AwardId) -> AppResult<Award> {
        self.store
            .award(id)
            .await?
            .ok_or(AppError::NotFound("award"))
    }
}
