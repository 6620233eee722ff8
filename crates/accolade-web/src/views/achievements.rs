//! The achievements section of the workspace: the list, the authoring form and the form
//! that issues one badge.

use serde::Serialize;

use super::{FieldView, Layout};

/// One achievement in the list.
#[derive(Debug, Clone, Serialize)]
pub struct AchievementRow {
    pub name: String,
    pub achievement_type: String,
    pub image_url: Option<String>,
    /// e.g. "en, fr, de".
    pub languages: String,
    pub tags: Vec<String>,
    pub expiry: String,
    pub edit_url: Option<String>,
    pub issue_url: Option<String>,
    /// The public page of the achievement (its JSON for programs).
    pub public_url: String,
    /// What happened to the badge's awards: views, verifications, shares…
    pub totals: super::TotalsView,
}

/// The organization's achievements.
#[derive(Debug, Clone, Serialize)]
pub struct AchievementsView {
    pub layout: Layout,
    pub slug: String,
    pub org_name: String,
    pub can_edit: bool,
    pub achievements: Vec<AchievementRow>,
    pub notice: Option<String>,
}

/// An alignment row of the form (blank rows are ignored when saved).
#[derive(Debug, Clone, Default, Serialize)]
pub struct AlignmentRow {
    pub name: String,
    pub url: String,
    pub code: String,
    pub framework: String,
}

/// A custom field row of the form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomFieldRow {
    pub key: String,
    pub label: String,
    pub required: bool,
}

/// A translated label of a custom field in a translation row.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldLabelRow {
    pub key: String,
    /// The label in the default language, as a hint.
    pub default_label: String,
    pub label: String,
}

/// A translation row of the form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TranslationRow {
    pub language: String,
    pub name: String,
    pub description: String,
    pub criteria_narrative: String,
    pub field_labels: Vec<FieldLabelRow>,
}

/// A framework offered for alignments.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkOption {
    pub name: String,
    pub url: String,
    pub about: String,
}

/// An image of the organization's library, offered as the badge image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageChoice {
    pub id: String,
    pub url: String,
    pub selected: bool,
}

/// The stored achievement, shown beside the form when someone else saved it meanwhile.
#[derive(Debug, Clone, Serialize)]
pub struct CurrentVersionView {
    pub version: i64,
    pub updated: String,
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub achievement_type: String,
    pub languages: String,
    pub tags: String,
    pub custom_fields: String,
}

/// Create or edit an achievement.
#[derive(Debug, Clone, Serialize)]
pub struct AchievementFormView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub heading: String,
    pub action: String,
    pub submit_label: String,
    /// The version the edit started from; `None` when creating.
    pub version: Option<i64>,
    /// Name, description, criteria, type, language, credits, tags, evidence requirements.
    pub fields: Vec<FieldView>,
    pub expiry_kind: String,
    pub expiry_date: String,
    pub expiry_months: String,
    pub images: Vec<ImageChoice>,
    pub no_image_selected: bool,
    pub designer_url: String,
    pub alignments: Vec<AlignmentRow>,
    pub frameworks: Vec<FrameworkOption>,
    pub custom_fields: Vec<CustomFieldRow>,
    pub translations: Vec<TranslationRow>,
    pub notice: Option<String>,
    /// A refusal of the form as a whole (or of an input it does not show).
    pub error: Option<String>,
    /// A refusal shown at an input the template draws itself.
    pub refused: Option<super::FieldError>,
    pub conflict: Option<CurrentVersionView>,
    pub script_src: Option<String>,
    /// When editing: the issue form and the public page of the achievement.
    pub issue_url: Option<String>,
    pub public_url: Option<String>,
    /// Just created: the notice offers to issue it.
    pub created: bool,
}

/// Issue one badge of an achievement.
#[derive(Debug, Clone, Serialize)]
pub struct IssueFormView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub achievement_name: String,
    pub action: String,
    /// Recipient, dates, language.
    pub fields: Vec<FieldView>,
    /// One input per custom field (`field-{key}`).
    pub custom_fields: Vec<FieldView>,
    /// Evidence links: `(url field, name field)`.
    pub evidence_links: Vec<(FieldView, FieldView)>,
    pub evidence_narrative: FieldView,
    /// What the achievement asks issuers to collect; safe HTML from Markdown in the page.
    pub evidence_requirements: Option<String>,
    pub expiry_policy: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// The credential page of the award just issued.
    pub issued_url: Option<String>,
    /// Bulk issue, and the CSV template of this badge.
    pub bulk_url: String,
    pub template_url: String,
}
