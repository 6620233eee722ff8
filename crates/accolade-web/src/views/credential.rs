use serde::Serialize;

use super::{Layout, Status, VerificationView};

/// The public page of one issued credential: the page people share.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialView {
    pub layout: Layout,
    /// The credential's `id`; shown as text.
    pub credential_id: String,
    /// The page's URL without extension; `{credential_url}.json` is the download and
    /// `/verify?url={credential_url}` the independent check.
    pub credential_url: String,
    pub achievement_name: String,
    /// "Badge", "Certificate", "Course", …
    pub achievement_type: String,
    pub description: String,
    pub image_url: Option<String>,
    pub image_alt: String,
    /// `None` shows "Issued to a verified email holder".
    pub recipient_name: Option<String>,
    pub issuer_name: String,
    /// The issuer's page, e.g. `/issuers/{slug}`.
    pub issuer_url: String,
    pub issuer_logo_url: Option<String>,
    /// Formatted dates, e.g. "12 March 2025".
    pub issued_on: String,
    pub expires_on: Option<String>,
    /// Plain text; blank lines separate paragraphs.
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub alignments: Vec<AlignmentView>,
    /// Preformatted, e.g. "2.5 CEUs".
    pub credits: Option<String>,
    pub evidence: Vec<EvidenceView>,
    pub status: Status,
    /// The issuer's reason when revoked or suspended.
    pub status_reason: Option<String>,
    pub verification: VerificationView,
}

/// A skill or an alignment to a framework, shown as a chip.
#[derive(Debug, Clone, Serialize)]
pub struct AlignmentView {
    pub name: String,
    /// e.g. "ESCO", "O*NET".
    pub framework: Option<String>,
    pub code: Option<String>,
    pub url: Option<String>,
}

/// One piece of evidence attached to the award.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub name: String,
    pub description: Option<String>,
    pub url: Option<String>,
}
