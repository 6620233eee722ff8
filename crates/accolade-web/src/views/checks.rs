use accolade_app::i18n::{Lang, tr_with};
use accolade_credentials::verify::{Check, CheckKind, Outcome, Report, Verdict};
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
        Self::from_report_in(Lang::En, report, checked_at)
    }

    /// The panel with its summary in `lang` (check labels are translated by the template;
    /// the verifier's own explanations stay in English).
    pub fn from_report_in(lang: Lang, report: &Report, checked_at: impl Into<String>) -> Self {
        Self {
            summary: summary(lang, report),
            checked_at: checked_at.into(),
            checks: report.checks.iter().map(CheckView::from).collect(),
        }
    }
}

/// Every check label, for the translation catalogs.
pub const CHECK_KINDS: [CheckKind; 9] = [
    CheckKind::Parse,
    CheckKind::Context,
    CheckKind::Shape,
    CheckKind::Proof,
    CheckKind::Key,
    CheckKind::IssuerKey,
    CheckKind::ValidityPeriod,
    CheckKind::Status,
    CheckKind::Recipient,
];

/// The report's one-sentence summary in `lang`. The common outcomes are written in the
/// language; one that quotes the verifier's explanation stays as the verifier wrote it.
pub fn summary(lang: Lang, report: &Report) -> String {
    if lang == Lang::En {
        return report.summary.clone();
    }
    let issuer = match (&report.issuer_name, &report.issuer_id) {
        (Some(n), Some(i)) => format!("{n} ({i})"),
        (None, Some(i)) => i.clone(),
        _ => String::new(),
    };
    let warned = report.checks.iter().any(|c| {
        matches!(c.check, CheckKind::Status | CheckKind::IssuerKey) && c.outcome == Outcome::Warning
    });
    let flags = report.flags;
    let text = match report.verdict {
        Verdict::Valid if !warned && !issuer.is_empty() => {
            "Valid: authentic, unaltered and current, issued by {issuer}."
        }
        Verdict::Invalid if flags.revoked && !issuer.is_empty() => {
            "Revoked: the issuer {issuer} has revoked this credential."
        }
        Verdict::Invalid if flags.suspended && !issuer.is_empty() => {
            "Suspended: the issuer {issuer} has suspended this credential."
        }
        Verdict::Invalid if !flags.revoked && !flags.suspended && flags.expired => {
            "Expired: this credential is past its validity period."
        }
        _ => return report.summary.clone(),
    };
    tr_with(lang, text, &[("issuer", &issuer)])
}
