//! The earner's import pages: `/backpack/import` (the form and the list of imported badges)
//! and `/backpack/imports/{id}` (one imported badge with its verification report).

use serde::Serialize;

use super::{Layout, ReportView};

/// `/backpack/import`. The form posts `multipart/form-data` with `csrf`, `file` (a baked
/// PNG/SVG or a JSON/JWT file), `text` (pasted JSON or JWT) and `url`.
#[derive(Debug, Clone, Serialize)]
pub struct EarnerImportView {
    pub layout: Layout,
    pub csrf: String,
    /// Why the last submission was refused; nothing was stored.
    pub error: Option<String>,
    /// The pasted text and URL, to refill the form after an error.
    pub text: String,
    pub url: String,
    pub imports: Vec<ImportedBadgeRow>,
}

/// One imported badge in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedBadgeRow {
    pub href: String,
    pub name: String,
    pub issuer_name: Option<String>,
    /// "Open Badges 2.0 (hosted assertion)", …
    pub kind: String,
    /// `valid`, `invalid` or `unchecked` (`unverified` in reports stored before).
    pub verdict: String,
    /// "Verified", "Not verified", "Could not be checked".
    pub verdict_label: String,
    pub imported_on: String,
}

/// `/backpack/imports/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedBadgeView {
    pub layout: Layout,
    pub csrf: String,
    pub id: String,
    pub name: String,
    /// `valid`, `invalid` or `unchecked` (`unverified` in reports stored before).
    pub verdict: String,
    pub verdict_label: String,
    pub source_url: Option<String>,
    /// The uploaded baked image, served sandboxed from this site.
    pub image_href: Option<String>,
    pub imported_on: String,
    pub report: ReportView,
}

/// The words for a stored verdict.
pub fn verdict_label(verdict: &str) -> &'static str {
    match verdict {
        "valid" => "Verified",
        "unchecked" | "unverified" => "Could not be checked",
        _ => "Not verified",
    }
}
