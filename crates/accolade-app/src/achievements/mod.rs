//! Achievements (badge classes): their texts in any number of languages, criteria,
//! alignments, custom fields, expiry policy. Editing one never changes credentials already
//! issued (each stores what it embedded when signed); two people editing it at once are
//! told, not silently overwritten: every save names the version it started from.

mod catalog;
mod frameworks;
mod validate;

pub use catalog::{criteria_summary, search_catalog};
pub use frameworks::{ALIGNMENT_FRAMEWORKS, Framework};

use crate::{App, AppError, AppResult};
use accolade_core::{
    Achievement, AchievementId, Actor, AlignmentSpec, CustomField, ExpiryPolicy, ImageId, OrgId,
};
use std::collections::BTreeMap;
use validate::Draft;

/// An achievement's content: what it takes to create one, and what an edit replaces.
#[derive(Debug, Clone, Default)]
pub struct NewAchievement {
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    /// Markdown.
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    /// An OB 3.0 achievement type (`Badge` when empty).
    pub achievement_type: Option<String>,
    pub image_id: Option<ImageId>,
    pub alignments: Vec<AlignmentSpec>,
    pub credits: Option<f64>,
    pub tags: Vec<String>,
    pub expiry: ExpiryPolicy,
    /// A BCP 47 tag: the language of the texts above (`en` when empty).
    pub language: Option<String>,
    pub translations: Vec<NewTranslation>,
    /// An empty key is derived from the label.
    pub custom_fields: Vec<CustomField>,
    pub evidence_requirements: Option<String>,
}

/// The achievement's texts in one more language.
#[derive(Debug, Clone, Default)]
pub struct NewTranslation {
    /// A BCP 47 tag.
    pub language: String,
    pub name: String,
    pub description: String,
    /// Markdown; empty uses the default language's narrative.
    pub criteria_narrative: Option<String>,
    /// Custom field key → label in this language.
    pub field_labels: BTreeMap<String, String>,
}

impl Draft {
    fn into_achievement(self, id: AchievementId, org_id: OrgId) -> Achievement {
        Achievement {
            id,
            org_id,
            name: self.name,
            description: self.description,
            criteria_narrative: self.criteria_narrative,
            criteria_url: self.criteria_url,
            achievement_type: self.achievement_type,
            image_id: self.image_id,
            alignments: self.alignments,
            credits: self.credits,
            tags: self.tags,
            expiry: self.expiry,
            language: self.language,
            translations: self.translations,
            custom_fields: self.custom_fields,
            evidence_requirements: self.evidence_requirements,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
            version: 0,
        }
    }
}

impl App {
    /// The image must be the organization's own (or a platform image).
    async fn check_image(&self, org: OrgId, image: Option<ImageId>) -> AppResult<()> {
        if let Some(img) = image {
            let image = self
                .store
                .image(img)
                .await?
                .ok_or(AppError::NotFound("image"))?;
            if image.org_id.is_some_and(|o| o != org) {
                return Err(AppError::NotFound("image"));
            }
        }
        Ok(())
    }

    pub async fn create_achievement(
        &self,
        actor: &Actor,
        new: NewAchievement,
    ) -> AppResult<Achievement> {
        let org = self.org(new.org_id).await?;
        let draft = validate::draft(&new)?;
        self.check_image(org.id, draft.image_id).await?;
        let now = self.now();
        let achievement = Achievement {
            created_at: now,
            updated_at: now,
            version: 1,
            ..draft.into_achievement(AchievementId::new(), org.id)
        };
        self.store.insert_achievement(&achievement).await?;
        self.audit(
            org.id,
            actor,
            "achievement.create",
            &achievement.id.to_string(),
            &achievement.name,
        )
        .await?;
        Ok(achievement)
    }

    /// Replaces the achievement's content with `changes` if it is still at
    /// `expected_version` (the version the editor started from); otherwise fails with
    /// [`AppError::Conflict`] and changes nothing. `changes.org_id` must be the
    /// achievement's organization (another organization's achievement is "not found").
    /// Awards already issued keep the credential they were signed with.
    pub async fn update_achievement(
        &self,
        actor: &Actor,
        id: AchievementId,
        expected_version: i64,
        changes: NewAchievement,
    ) -> AppResult<Achievement> {
        let current = self.achievement(id).await?;
        if current.org_id != changes.org_id {
            return Err(AppError::NotFound("achievement"));
        }
        if current.version != expected_version {
            return Err(edited_meanwhile());
        }
        let draft = validate::draft(&changes)?;
        self.check_image(current.org_id, draft.image_id).await?;
        let updated = Achievement {
            created_at: current.created_at,
            updated_at: self.now(),
            version: expected_version + 1,
            ..draft.into_achievement(current.id, current.org_id)
        };
        if !self
            .store
            .update_achievement(&updated, expected_version)
            .await?
        {
            return Err(edited_meanwhile());
        }
        let detail = if current.name == updated.name {
            format!("{} (version {})", updated.name, updated.version)
        } else {
            format!(
                "{} → {} (version {})",
                current.name, updated.name, updated.version
            )
        };
        self.audit(
            updated.org_id,
            actor,
            "achievement.update",
            &updated.id.to_string(),
            &detail,
        )
        .await?;
        // Right after the update was written.
        let event = crate::webhooks::WebhookEvent::new(
            crate::webhooks::EventType::AchievementUpdated,
            serde_json::json!({
                "achievement_id": updated.id.to_string(),
                "organization_id": updated.org_id.to_string(),
                "name": updated.name,
                "version": updated.version,
            }),
        );
        self.notify_webhooks(updated.org_id, &[event]).await;
        Ok(updated)
    }

    pub async fn achievement(&self, id: AchievementId) -> AppResult<Achievement> {
        self.store
            .achievement(id)
            .await?
            .ok_or(AppError::NotFound("achievement"))
    }

    /// The achievement if it belongs to `org`; another organization's is "not found".
    pub async fn org_achievement(&self, org: OrgId, id: AchievementId) -> AppResult<Achievement> {
        let a = self.achievement(id).await?;
        if a.org_id == org {
            Ok(a)
        } else {
            Err(AppError::NotFound("achievement"))
        }
    }

    pub async fn achievements(&self, org: OrgId) -> AppResult<Vec<Achievement>> {
        Ok(self.store.achievements(org).await?)
    }
}

fn edited_meanwhile() -> AppError {
    AppError::Conflict(
        "Someone else saved this achievement while you were editing it, so your changes \
         were not saved. Compare them with the current version and save again."
            .into(),
    )
}
