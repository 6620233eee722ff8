use accolade_app::i18n::Lang;
use accolade_credentials::verify::{CredentialKind, InputFormat, Report};
use serde::Serialize;
use serde_json::Value;

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
            checks: report.checks.iter().map(CheckView::from).collect(),
            checked_at: checked_at.into(),
            credential_json: report
                .credential
                .as_ref()
                .and_then(|c| serde_json::to_string_pretty(c).ok()),
        }
    }
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
