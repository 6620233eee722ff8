//! The API's request and response bodies. Their OpenAPI schemas are derived from these
//! types, so the document cannot drift from what the handlers read and write.

use accolade_app::{App, AppError, AppResult, NewAchievement};
use accolade_core::{Achievement, AwardLinks, AwardSummary, ExpiryPolicy, ImageId, OrgId};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

/// An RFC 9457 problem: every error the API answers has this body
/// (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProblemDoc {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, in words meant for a person.
    pub detail: Option<String>,
    /// The request field the problem is about, when it is about one.
    pub field: Option<String>,
}

/// A time as RFC 3339, in UTC and to the second.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// An RFC 3339 time from a request field.
pub(crate) fn parse_time(field: &'static str, raw: &str) -> AppResult<OffsetDateTime> {
    OffsetDateTime::parse(raw.trim(), &Rfc3339).map_err(|_| {
        AppError::invalid_field(
            field,
            "Give the time in RFC 3339 form, such as 2026-05-01T09:00:00Z.",
        )
    })
}

/// The achievement's texts in one more language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub(crate) struct TranslationDto {
    /// A BCP 47 language tag, such as `de` or `pt-BR`.
    pub language: String,
    pub name: String,
    pub description: String,
    /// Markdown; the default language's narrative when absent.
    #[serde(default)]
    pub criteria_narrative: Option<String>,
}

/// An achievement (a badge class).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AchievementOut {
    pub id: String,
    pub name: String,
    pub description: String,
    /// What it takes to earn it (Markdown).
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    /// An Open Badges 3.0 achievement type, such as `Badge` or `Certificate`.
    pub achievement_type: String,
    /// The badge image (SVG), if it has one.
    pub image_url: Option<String>,
    pub tags: Vec<String>,
    pub credits: Option<f64>,
    /// The language of the texts above (BCP 47).
    pub language: String,
    pub translations: Vec<TranslationDto>,
    /// Months after issue at which each award expires, if they expire that way.
    pub expires_after_months: Option<u32>,
    /// The achievement's public page.
    pub url: String,
    /// Incremented on every change; the `ETag` is this number in quotes.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl AchievementOut {
    pub fn of(app: &App, a: &Achievement) -> Self {
        Self {
            id: a.id.to_string(),
            name: a.name.clone(),
            description: a.description.clone(),
            criteria_narrative: a.criteria_narrative.clone(),
            criteria_url: a.criteria_url.clone(),
            achievement_type: a.achievement_type.clone(),
            image_url: a.image_id.map(|i| app.urls().image(i)),
            tags: a.tags.clone(),
            credits: a.credits,
            language: a.language.to_string(),
            translations: a
                .translations
                .iter()
                .map(|t| TranslationDto {
                    language: t.language.to_string(),
                    name: t.name.clone(),
                    description: t.description.clone(),
                    criteria_narrative: t.criteria_narrative.clone(),
                })
                .collect(),
            expires_after_months: match a.expiry {
                ExpiryPolicy::MonthsAfterIssue(m) => Some(m),
                _ => None,
            },
            url: app.urls().achievement(a.id),
            version: a.version,
            created_at: rfc3339(a.created_at),
            updated_at: rfc3339(a.updated_at),
        }
    }
}

/// An achievement's fields to create it with, or to change (fields left out stay as they
/// are on update; `name` and `description` are needed on create).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Data analysis fundamentals", "description": "Cleans, explores and charts a data set.", "criteria_narrative": "Complete every module and pass the final exam with 80 %.", "tags": ["data"], "expires_after_months": 24}))]
pub(crate) struct AchievementIn {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 5000, pattern = "\\S")]
    pub description: Option<String>,
    /// What it takes to earn it (Markdown).
    pub criteria_narrative: Option<String>,
    /// A page describing the criteria (https).
    pub criteria_url: Option<String>,
    /// An Open Badges 3.0 achievement type (`Badge` when absent).
    pub achievement_type: Option<String>,
    /// The badge image as a `data:` URI (PNG, JPEG, WebP or SVG), or the id of an image the
    /// organization already has.
    pub image: Option<String>,
    pub tags: Option<Vec<String>>,
    pub credits: Option<f64>,
    /// The language of the texts (BCP 47; `en` when absent).
    pub language: Option<String>,
    /// Replaces every translation.
    pub translations: Option<Vec<TranslationDto>>,
    /// Each award expires this many months after issue; 0 for never.
    #[schema(maximum = 1200)]
    pub expires_after_months: Option<u32>,
}

impl AchievementIn {
    /// Writes the given fields into `into`.
    pub async fn apply(self, app: &App, org: OrgId, into: &mut NewAchievement) -> AppResult<()> {
        if let Some(v) = self.name {
            into.name = v;
        }
        if let Some(v) = self.description {
            into.description = v;
        }
        if self.criteria_narrative.is_some() {
            into.criteria_narrative = self.criteria_narrative;
        }
        if self.criteria_url.is_some() {
            into.criteria_url = self.criteria_url;
        }
        if self.achievement_type.is_some() {
            into.achievement_type = self.achievement_type;
        }
        if let Some(v) = self.tags {
            into.tags = v;
        }
        if self.credits.is_some() {
            into.credits = self.credits;
        }
        if self.language.is_some() {
            into.language = self.language;
        }
        if let Some(v) = self.translations {
            into.translations = v.iter().map(super::achievements::translation).collect();
        }
        if let Some(m) = self.expires_after_months {
            into.expiry = match m {
                0 => ExpiryPolicy::Never,
                m => ExpiryPolicy::MonthsAfterIssue(m),
            };
        }
        if let Some(image) = self.image {
            into.image_id = Some(image_of(app, org, &image).await?);
        }
        Ok(())
    }
}

/// The image a request names: a `data:` URI stored as a new image, or an existing id.
async fn image_of(app: &App, org: OrgId, raw: &str) -> AppResult<ImageId> {
    let bad = || {
        AppError::invalid_field(
            "image",
            "Give the image as a data: URI with base64 content, or an image id.",
        )
    };
    if let Some(rest) = raw.strip_prefix("data:") {
        let (_, data) = rest.split_once(";base64,").ok_or_else(bad)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| bad())?;
        return Ok(app.add_image(Some(org), bytes).await?.id);
    }
    raw.parse().map_err(|_| AppError::NotFound("image"))
}

/// The achievement's current content, as an update starts from.
pub(crate) fn editable(a: &Achievement) -> NewAchievement {
    NewAchievement {
        org_id: a.org_id,
        name: a.name.clone(),
        description: a.description.clone(),
        criteria_narrative: a.criteria_narrative.clone(),
        criteria_url: a.criteria_url.clone(),
        achievement_type: Some(a.achievement_type.clone()),
        image_id: a.image_id,
        alignments: a.alignments.clone(),
        credits: a.credits,
        tags: a.tags.clone(),
        expiry: a.expiry,
        language: Some(a.language.to_string()),
        translations: a
            .translations
            .iter()
            .map(|t| accolade_app::NewTranslation {
                language: t.language.to_string(),
                name: t.name.clone(),
                description: t.description.clone(),
                criteria_narrative: t.criteria_narrative.clone(),
                field_labels: t.field_labels.clone(),
            })
            .collect(),
        custom_fields: a.custom_fields.clone(),
        evidence_requirements: a.evidence_requirements.clone(),
    }
}

/// An award: one issued credential.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AwardOut {
    pub id: String,
    pub achievement_id: String,
    pub recipient_email: String,
    pub recipient_name: Option<String>,
    /// `active`, `suspended`, `revoked` or `expired` (an active award past its expiry).
    pub state: String,
    /// Why it was suspended or revoked.
    pub status_reason: Option<String>,
    pub status_changed_at: Option<String>,
    pub issued_at: String,
    pub valid_until: Option<String>,
    /// The credential's public page.
    pub url: String,
    pub created_at: String,
    /// The award that corrected (re-issued) this one.
    pub replaced_by: Option<String>,
    /// The award this one corrects.
    pub replaces: Option<String>,
    /// The award that renewed this one.
    pub renewed_by: Option<String>,
    /// The award this one renews.
    pub renewal_of: Option<String>,
}

impl AwardOut {
    pub fn of(
        app: &App,
        a: &AwardSummary,
        links: Option<&AwardLinks>,
        now: OffsetDateTime,
    ) -> Self {
        let id = |x: Option<accolade_core::AwardId>| x.map(|i| i.to_string());
        Self {
            id: a.id.to_string(),
            achievement_id: a.achievement_id.to_string(),
            recipient_email: a.recipient_email.as_str().to_owned(),
            recipient_name: a.recipient_name.clone(),
            state: a.state_at(now).as_str().to_owned(),
            status_reason: a.status_reason.clone(),
            status_changed_at: a.status_changed_at.map(rfc3339),
            issued_at: rfc3339(a.issued_at),
            valid_until: a.valid_until.map(rfc3339),
            url: app.urls().credential(a.id),
            created_at: rfc3339(a.created_at),
            replaced_by: id(links.and_then(|l| l.replaced_by)),
            replaces: id(links.and_then(|l| l.replaces)),
            renewed_by: id(links.and_then(|l| l.renewed_by)),
            renewal_of: id(links.and_then(|l| l.renewal_of)),
        }
    }
}
