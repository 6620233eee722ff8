//! Achievements (badge classes).

use crate::orgs::{check_http_url, check_text};
use crate::{App, AppError, AppResult};
use accolade_core::{Achievement, AchievementId, AlignmentSpec, ExpiryPolicy, ImageId, OrgId};
use accolade_credentials::model::AchievementType;

/// What it takes to create an achievement.
#[derive(Debug, Clone, Default)]
pub struct NewAchievement {
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    /// An OB 3.0 achievement type (`Badge` when empty).
    pub achievement_type: Option<String>,
    pub image_id: Option<ImageId>,
    pub alignments: Vec<AlignmentSpec>,
    pub credits: Option<f64>,
    pub tags: Vec<String>,
    pub expiry: ExpiryPolicy,
}

fn parse_achievement_type(raw: &str) -> AppResult<String> {
    let t: AchievementType =
        serde_json::from_value(serde_json::Value::String(raw.trim().to_owned()))
            .map_err(|_| AppError::Invalid(format!("unknown achievement type {raw:?}")))?;
    if !t.is_valid() {
        return Err(AppError::Invalid(format!(
            "unknown achievement type {raw:?}: use an Open Badges type (Badge, Certificate, Certification, Course, License, MicroCredential, …) or ext:YourType"
        )));
    }
    Ok(t.as_str().to_owned())
}

impl App {
    pub async fn create_achievement(&self, new: NewAchievement) -> AppResult<Achievement> {
        let org = self.org(new.org_id).await?;
        let name = check_text("name", &new.name, 200)?;
        let description = check_text("description", &new.description, 5000)?;
        let narrative = new
            .criteria_narrative
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        let criteria_url = match new
            .criteria_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(u) => Some(check_http_url("criteria URL", u)?),
            None => None,
        };
        if narrative.is_none() && criteria_url.is_none() {
            return Err(AppError::Invalid(
                "criteria are required: a narrative, a URL, or both".into(),
            ));
        }
        if narrative
            .as_ref()
            .is_some_and(|n| n.chars().count() > 20_000)
        {
            return Err(AppError::Invalid(
                "the criteria narrative is longer than 20,000 characters".into(),
            ));
        }
        let achievement_type =
            parse_achievement_type(new.achievement_type.as_deref().unwrap_or("Badge"))?;
        if new
            .credits
            .is_some_and(|c| !c.is_finite() || !(0.0..=10_000.0).contains(&c))
        {
            return Err(AppError::Invalid(
                "credits must be a number between 0 and 10,000".into(),
            ));
        }
        for a in &new.alignments {
            check_text("alignment name", &a.target_name, 500)?;
            check_http_url("alignment URL", &a.target_url)?;
        }
        if let Some(img) = new.image_id {
            let image = self
                .store
                .image(img)
                .await?
                .ok_or(AppError::NotFound("image"))?;
            if image.org_id.is_some_and(|o| o != org.id) {
                return Err(AppError::NotFound("image"));
            }
        }
        let tags: Vec<String> = new
            .tags
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        let now = self.now();
        let achievement = Achievement {
            id: AchievementId::new(),
            org_id: org.id,
            name,
            description,
            criteria_narrative: narrative,
            criteria_url,
            achievement_type,
            image_id: new.image_id,
            alignments: new.alignments,
            credits: new.credits,
            tags,
            expiry: new.expiry,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.store.insert_achievement(&achievement).await?;
        Ok(achievement)
    }

    pub async fn achievement(&self, id: AchievementId) -> AppResult<Achievement> {
        self.store
            .achievement(id)
            .await?
            .ok_or(AppError::NotFound("achievement"))
    }

    pub async fn achievements(&self, org: OrgId) -> AppResult<Vec<Achievement>> {
        Ok(self.store.achievements(org).await?)
    }
}
