use accolade_app::i18n::{Lang, format_date, tr, tr_with};
use accolade_credentials::verify::{Check, CheckKind, Flags, Outcome, Report, Verdict};
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
    /// The icon drawn beside it.
    pub glyph: &'static str,
}

impl CheckView {
    pub fn new(label: impl Into<String>, outcome: Outcome, message: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            outcome,
            message: message.into(),
            glyph: match outcome {
                Outcome::Passed => "check",
                Outcome::Failed => "cross",
                Outcome::Warning => "warning",
                Outcome::Skipped => "skip",
                Outcome::Inconclusive => "question",
            },
        }
    }
}

impl From<&Check> for CheckView {
    fn from(check: &Check) -> Self {
        Self::new(label(check.check), check.outcome, sentence(&check.message))
    }
}
impl CheckView {
    /// The check in `lang`. English keeps the verifier's own, more specific words; other
    /// languages say what the outcome means for that kind of check (the exact technical
    /// reason stays in the JSON report). Timestamps read as dates either way.
    pub fn in_lang(lang: Lang, check: &Check, flags: Flags) -> Self {
        let message = if lang == Lang::En {
            sentence(&readable_dates(lang, &check.message))
        } else {
            translated(lang, check, flags)
        };
        Self::new(label(check.check), check.outcome, message)
    }
}

/// A check's explanation in `lang`, from what was checked and how it came out.
fn translated(lang: Lang, check: &Check, flags: Flags) -> String {
    let dates = timestamps(&check.message);
    let date = |i: usize| {
        dates
            .get(i)
            .and_then(|raw| parse_time(raw))
            .map(|at| format_date(lang, at))
    };
    match check.outcome {
        Outcome::Passed => passed(lang, check.check, date(0), date(1)),
        Outcome::Failed => failed(lang, check.check, flags, date(0)),
        Outcome::Warning => {
            tr(lang, "It passed, with a warning the full report explains.").to_owned()
        }
        Outcome::Skipped => skipped(lang, check),
        Outcome::Inconclusive => inconclusive(lang, check.check),
    }
}

fn passed(lang: Lang, kind: CheckKind, from: Option<String>, until: Option<String>) -> String {
    match kind {
        CheckKind::Parse => tr(lang, "The credential could be read."),
        CheckKind::Context => tr(
            lang,
            "It uses the standard Verifiable Credentials and Open Badges vocabularies.",
        ),
        CheckKind::Shape => tr(lang, "It is a well-formed Open Badges credential."),
        CheckKind::Proof => tr(
            lang,
            "The signature matches the content exactly: nothing was changed after signing.",
        ),
        CheckKind::Key => tr(
            lang,
            "The signing key was found where the credential says it is published.",
        ),
        CheckKind::IssuerKey => tr(lang, "The signing key belongs to the issuer."),
        CheckKind::ValidityPeriod => {
            return match (from, until) {
                (Some(from), Some(until)) => tr_with(
                    lang,
                    "Valid from {from} until {until}.",
                    &[("from", &from), ("until", &until)],
                ),
                (Some(from), None) => tr_with(
                    lang,
                    "Valid since {from}, with no expiry.",
                    &[("from", &from)],
                ),
                _ => tr(lang, "It is within its validity period.").to_owned(),
            };
        }
        CheckKind::Status => tr(lang, "The issuer has not revoked or suspended it."),
        CheckKind::Recipient => tr(lang, "It was issued to the recipient given."),
    }
    .to_owned()
}

fn failed(lang: Lang, kind: CheckKind, flags: Flags, first_date: Option<String>) -> String {
    match kind {
        CheckKind::Parse => tr(lang, "The input could not be read as a badge."),
        CheckKind::Context => tr(
            lang,
            "It does not use the standard vocabularies, so its meaning cannot be relied on.",
        ),
        CheckKind::Shape => tr(lang, "It is not a well-formed Open Badges credential."),
        CheckKind::Proof => tr(
            lang,
            "The signature does not match: the content was changed after signing, or it was not signed as it claims.",
        ),
        CheckKind::Key => tr(
            lang,
            "The signing key is not published where the credential says it is.",
        ),
        CheckKind::IssuerKey => tr(lang, "The signing key does not belong to the issuer."),
        CheckKind::ValidityPeriod => {
            return match (first_date, flags.expired, flags.not_yet_valid) {
                (Some(d), true, _) => tr_with(lang, "Expired on {date}.", &[("date", &d)]),
                (Some(d), _, true) => {
                    tr_with(lang, "Not valid yet: valid from {date}.", &[("date", &d)])
                }
                _ => tr(lang, "Its validity dates cannot be read.").to_owned(),
            };
        }
        CheckKind::Status if flags.revoked => tr(lang, "The issuer has revoked this credential."),
        CheckKind::Status if flags.suspended => {
            tr(lang, "The issuer has suspended this credential.")
        }
        CheckKind::Status => tr(lang, "Its status entry is not valid."),
        CheckKind::Recipient => tr(lang, "It was not issued to the recipient given."),
    }
    .to_owned()
}

fn skipped(lang: Lang, check: &Check) -> String {
    match check.check {
        CheckKind::Status if check.message.contains("names no status list") => tr(
            lang,
            "The credential names no status list, so it cannot be revoked.",
        ),
        CheckKind::Recipient => tr(lang, "No recipient was asked about."),
        _ => tr(lang, "Not checked, because an earlier check did not pass."),
    }
    .to_owned()
}

fn inconclusive(lang: Lang, kind: CheckKind) -> String {
    match kind {
        CheckKind::Status => tr(
            lang,
            "Its status list could not be reached or read, so revocation could not be checked.",
        ),
        CheckKind::Key | CheckKind::IssuerKey => tr(
            lang,
            "The signing key could not be fetched, so it could not be checked.",
        ),
        CheckKind::Proof => tr(
            lang,
            "The signature could not be checked (its kind is not supported or its key is missing).",
        ),
        _ => tr(lang, "This could not be checked."),
    }
    .to_owned()
}

fn parse_time(raw: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339).ok()
}

/// The RFC 3339 timestamps in a message, in order.
fn timestamps(message: &str) -> Vec<String> {
    message
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | ';'))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| w.len() >= 20 && parse_time(w).is_some())
        .map(str::to_owned)
        .collect()
}

/// The message with its timestamps written as dates ("2026-12-07T19:30:00Z" → "7 December
/// 2026").
fn readable_dates(lang: Lang, message: &str) -> String {
    let mut out = message.to_owned();
    for raw in timestamps(message) {
        if let Some(at) = parse_time(&raw) {
            out = out.replace(&raw, &format_date(lang, at));
        }
    }
    out
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
    /// When the signature and key were checked, formatted, if that was before `checked_at`
    /// (a verdict kept from an earlier check of the same credential bytes).
    pub signature_checked_at: Option<String>,
    pub checks: Vec<CheckView>,
}

impl VerificationView {
    pub fn from_report(report: &Report, checked_at: impl Into<String>) -> Self {
        Self::from_report_in(Lang::En, report, checked_at)
    }

    /// The panel in `lang` (check labels are translated by the template; explanations the
    /// catalogs do not have stay as the verifier wrote them).
    pub fn from_report_in(lang: Lang, report: &Report, checked_at: impl Into<String>) -> Self {
        Self {
            summary: summary(lang, report),
            checked_at: checked_at.into(),
            signature_checked_at: None,
            checks: report
                .checks
                .iter()
                .map(|c| CheckView::in_lang(lang, c, report.flags))
                .collect(),
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
        Verdict::Invalid if flags.not_yet_valid => {
            "Not valid yet: this credential's validity period has not started."
        }
        Verdict::Valid if warned => "Valid, with a warning: see the checks below.",
        Verdict::Valid => "Valid: authentic, unaltered and current.",
        Verdict::Invalid => "Not valid: see the check that failed below.",
        Verdict::Unchecked => {
            "Could not be checked: something it depends on could not be reached or read, so it is not shown as valid."
        }
    };
    tr_with(lang, text, &[("issuer", &issuer)])
}
