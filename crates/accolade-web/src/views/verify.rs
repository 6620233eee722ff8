use accolade_app::IssuedHere;
use accolade_app::i18n::{Lang, format_date, tr, tr_with};
use accolade_core::AwardState;
use accolade_credentials::verify::{CredentialKind, InputFormat, Report};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{CheckView, Layout, Status};

/// The verify page. The form posts `multipart/form-data` to `/verify` with the fields
/// `input` (pasted JSON, JWT or URL), `file` (an image or JSON file) and `email`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyView {
    pub layout: Layout,
    /// What was pasted, to refill the text area.
    pub input: String,
    /// The recipient email to check, to refill its field.
    pub email: String,
    /// A problem with the submission itself (nothing given, file too large…).
    pub error: Option<String>,
    pub report: Option<ReportView>,
}

/// A verification report as the verify page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub status: Status,
    pub summary: String,
    /// What the input was, in words: "JSON credential", "Baked PNG image", …
    pub format: String,
    /// Which kind of badge it holds: "Open Badges 3.0 (VC-JWT)", "Open Badges 2.0 (hosted
    /// assertion)", …; `None` when nothing could be read.
    pub kind: Option<String>,
    pub issuer_name: Option<String>,
    pub issuer_id: Option<String>,
    pub achievement_name: Option<String>,
    /// The language the credential declares for its texts (`inLanguage`), if any.
    pub language: Option<String>,
    /// Only `data:image/…` URLs are taken from a credential: the page's CSP blocks
    /// other origins, and a verifier should not make the reader's browser fetch them.
    pub image_url: Option<String>,
    pub checks: Vec<CheckView>,
    /// Formatted, e.g. "12 March 2025, 14:03 UTC".
    pub checked_at: String,
    /// The checked credential, pretty-printed.
    pub credential_json: Option<String>,
    /// To whom it was issued: the name the issuer gave (on this instance) or the one the
    /// credential's subject carries.
    pub recipient_name: Option<String>,
    /// When it became valid and when it ends, as dates in the page's language.
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    /// The badge's page: on this instance, or the credential's own `https` id.
    pub badge_page: Option<String>,
    /// Why and since when the issuer revoked or suspended it, as this instance recorded.
    pub status_detail: Option<String>,
}

impl ReportView {
    pub fn from_report(report: &Report, checked_at: impl Into<String>) -> Self {
        Self::from_report_in(Lang::En, report, checked_at)
    }

    /// The report with its summary in `lang`; the template translates the labels.
    pub fn from_report_in(lang: Lang, report: &Report, checked_at: impl Into<String>) -> Self {
        let achievement = report.credential.as_ref().and_then(achievement_of);
        Self {
            status: Status::from_report(report),
            summary: super::checks::summary(lang, report),
            format: format_label(report.format).to_owned(),
            kind: (report.kind != CredentialKind::Unknown).then(|| report.kind.label().to_owned()),
            issuer_name: report.issuer_name.clone(),
            issuer_id: report.issuer_id.clone(),
            achievement_name: achievement
                .and_then(|a| a.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            language: report.credential.as_ref().and_then(|c| {
                [
                    achievement.and_then(|a| a.get("inLanguage")),
                    c.get("inLanguage"),
                ]
                .into_iter()
                .flatten()
                .find_map(Value::as_str)
                .filter(|tag| {
                    tag.len() <= 35 && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
                .map(str::to_owned)
            }),
            image_url: achievement.and_then(inline_image),
            checks: report
                .checks
                .iter()
                .map(|c| CheckView::in_lang(lang, c, report.flags))
                .collect(),
            checked_at: checked_at.into(),
            credential_json: report
                .credential
                .as_ref()
                .and_then(|c| serde_json::to_string_pretty(c).ok()),
            recipient_name: report
                .credential
                .as_ref()
                .and_then(subject_of)
                .and_then(|s| s.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            valid_from: credential_date(lang, report, &["validFrom", "issuanceDate", "issuedOn"]),
            valid_until: credential_date(
                lang,
                report,
                &["validUntil", "expirationDate", "expires"],
            ),
            badge_page: report
                .credential
                .as_ref()
                .and_then(|c| c.get("id"))
                .and_then(Value::as_str)
                .filter(|id| id.starts_with("https://"))
                .map(str::to_owned),
            status_detail: None,
        }
    }

    /// Adds what this instance knows of a credential it issued: its recipient, page and
    /// image, and the issuer's reason for a revocation or suspension.
    pub fn with_issued_here(mut self, lang: Lang, here: IssuedHere) -> Self {
        if here.recipient_name.is_some() {
            self.recipient_name = here.recipient_name;
        }
        self.badge_page = Some(here.page_url);
        if here.image_url.is_some() && self.image_url.is_none() {
            self.image_url = here.image_url;
        }
        let since = here.status.since.map(|t| format_date(lang, t));
        let head = match (here.status.state, since) {
            (AwardState::Revoked, Some(d)) => Some(tr_with(
                lang,
                "Revoked by the issuer on {date}",
                &[("date", &d)],
            )),
            (AwardState::Revoked, None) => Some(tr(lang, "Revoked by the issuer").to_owned()),
            (AwardState::Suspended, Some(d)) => Some(tr_with(
                lang,
                "Suspended by the issuer on {date}",
                &[("date", &d)],
            )),
            (AwardState::Suspended, None) => Some(tr(lang, "Suspended by the issuer").to_owned()),
            (AwardState::Active | AwardState::Expired, _) => None,
        };
        self.status_detail = head.map(|h| match here.status.reason {
            Some(r) => format!("{h}: {r}"),
            None => h,
        });
        self
    }
}

/// The credential's subject (the first, when there are several); for an Open Badges 2.0
/// assertion, its recipient.
fn subject_of(credential: &Value) -> Option<&Value> {
    match credential.get("credentialSubject")? {
        Value::Array(items) => items.first(),
        other => Some(other),
    }
}

/// The first of `names` the credential has as a date, in the page's language.
fn credential_date(lang: Lang, report: &Report, names: &[&str]) -> Option<String> {
    let credential = report.credential.as_ref()?;
    names.iter().find_map(|name| {
        let text = credential.get(*name)?.as_str()?;
        let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        Some(format_date(lang, at))
    })
}

/// Every input format, for the translation catalogs.
pub const INPUT_FORMATS: [InputFormat; 5] = [
    InputFormat::Json,
    InputFormat::Jwt,
    InputFormat::Png,
    InputFormat::Svg,
    InputFormat::Unknown,
];

pub fn format_label(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Json => "JSON credential",
        InputFormat::Jwt => "JWT credential",
        InputFormat::Png => "Baked PNG image",
        InputFormat::Svg => "Baked SVG image",
        InputFormat::Unknown => "Unrecognised input",
    }
}

/// `credentialSubject.achievement`, taking the first subject when there are several; for an
/// Open Badges 2.0 assertion, its BadgeClass.
fn achievement_of(credential: &Value) -> Option<&Value> {
    if let Some(badge) = credential.get("badge").filter(|b| b.is_object()) {
        return Some(badge);
    }
    let subject = credential.get("credentialSubject")?;
    let subject = match subject {
        Value::Array(items) => items.first()?,
        other => other,
    };
    subject.get("achievement")
}

fn inline_image(achievement: &Value) -> Option<String> {
    let image = achievement.get("image")?;
    let url = match image {
        Value::String(s) => s.as_str(),
        other => other.get("id")?.as_str()?,
    };
    const ALLOWED: [&str; 5] = [
        "data:image/png",
        "data:image/svg+xml",
        "data:image/jpeg",
        "data:image/webp",
        "data:image/gif",
    ];
    ALLOWED
        .iter()
        .any(|prefix| url.starts_with(prefix))
        .then(|| url.to_owned())
}
