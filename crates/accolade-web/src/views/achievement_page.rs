//! The public page of a badge class: what it is, how it is earned, who awards it.

use serde::Serialize;

use super::{AlignmentView, Layout};

/// `/achievements/{id}` for people (programs get the achievement's JSON).
#[derive(Debug, Clone, Serialize)]
pub struct AchievementPageView {
    pub layout: Layout,
    pub name: String,
    /// The type in words: "Course", "Apprenticeship certificate", …
    pub achievement_type: String,
    pub description: String,
    pub image_url: Option<String>,
    pub image_alt: String,
    /// The language of the texts when it is not the page's (`lang` attributes).
    pub language: Option<String>,
    /// Markdown; the page renders it through the sanitizer.
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub alignments: Vec<AlignmentView>,
    /// Preformatted, e.g. "2.5 credits".
    pub credits: Option<String>,
    /// How long an award stays valid, in words.
    pub validity: String,
    pub tags: Vec<String>,
    pub issuer_name: String,
    /// The issuer's page, `/issuers/{slug}`.
    pub issuer_url: String,
    pub issuer_logo_url: Option<String>,
    pub issuer_description: Option<String>,
    /// The achievement as JSON-LD, `/achievements/{id}.json`.
    pub json_url: String,
    /// The achievement's absolute URL (its `id`).
    pub achievement_id: String,
}
