use accolade_credentials::verify::{Check, CheckKind, Outcome, Report};
use serde::Serialize;

/// One line of a verification panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckView {
    /// What was checked, in words: "Signature", "Issuer key", …
    pub label: String,
    /// Serialized as `passed`, `failed`, `warning` or `skipped`.
    pub outcome: Outcome,
    /// The verifier's plain-words explanation.
    pub message: String,
}

impl CheckView {
    pub fn new(label: impl Into<String>, outcome: Outcome, message: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            outcome,
            message: message.into(),
        }
    }
}

impl From<&Check> for CheckView {
    fn from(check: &Check) -> Self {
        Self::new(label(check.check), check.outcome, sentence(&check.message))
    }
}

/// The verifier's messages are clauses ("the signature matches…"); the panel shows them as
/// sentences.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.extend(chars);
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// The words a reader sees for each kind of check.
pub fn label(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::Parse => "Readable",
        CheckKind::Context => "Standard vocabulary",
        CheckKind::Shape => "Open Badges format",
        CheckKind::Proof => "Signature",
        CheckKind::Key => "Signing key",
        CheckKind::IssuerKey => "Issuer key",
        CheckKind::ValidityPeriod => "Validity period",
        CheckKind::Status => "Revocation status",
        CheckKind::Recipient => "Recipient",
    }
}

/// The verification panel of the credential page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerificationView {
    /// One sentence, e.g. the report's summary.
    pub summary: String,
    /// When the checks ran, formatted, e.g. "12 March 2025, 14:03 UTC".
    pub checked_at: String,
    pub checks: Vec<CheckView>,
}

impl VerificationView {
    pub fn from_report(report: &Report, checked_at: impl Into<String>) -> Self {
        Self {
            summary: report.summary.clone(),
            checked_at: checked_at.into(),
            checks: report.checks.iter().map(CheckView::from).collect(),
        }
    }
}
