use serde::Serialize;
use serde_json::Value;

use super::{DownloadsView, Layout, Status, VerificationView};

/// The public page of one issued credential: the page people share.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialView {
    pub layout: Layout,
    /// The credential's `id`; shown as text.
    pub credential_id: String,
    /// The id cut after each `/`, where the page lets a long id wrap.
    pub credential_id_parts: Vec<String>,
    /// The page's URL without extension; `{credential_url}.json` is the download.
    pub credential_url: String,
    /// The credential's absolute URL, which `/verify?url=` checks independently.
    pub verify_url: String,
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
    /// Markdown; the page renders it through the sanitizer.
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub alignments: Vec<AlignmentView>,
    /// Preformatted, e.g. "2.5 CEUs".
    pub credits: Option<String>,
    pub evidence: Vec<EvidenceView>,
    /// The language of the achievement's texts (`inLanguage`), e.g. `de`.
    pub language: Option<String>,
    /// That language's name for people, in the page's language ("German", "Deutsch").
    pub language_name: Option<String>,
    /// The issuer's custom fields and their values for this award.
    pub results: Vec<ResultView>,
    pub status: Status,
    /// The issuer's reason when revoked or suspended.
    pub status_reason: Option<String>,
    /// The corrected credential that superseded this one, as a same-origin path.
    pub replaced_by_url: Option<String>,
    /// The renewal issued for this credential, as a same-origin path.
    pub renewed_by_url: Option<String>,
    pub verification: VerificationView,
    /// The downloads panel; `None` hides it.
    pub downloads: Option<DownloadsView>,
    /// The share panel; `None` hides it.
    pub share: Option<super::ShareView>,
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
    /// Markdown; the page renders it through the sanitizer.
    pub narrative: Option<String>,
}

/// A custom field of the achievement with this award's value.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub label: String,
    pub value: String,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The credential's results that have a value, labelled by the achievement's result
/// descriptions (custom fields).
pub fn results_of(credential: &Value) -> Vec<ResultView> {
    let subject = &credential["credentialSubject"];
    let descriptions = subject["achievement"]["resultDescription"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    subject["result"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|r| {
                    let value = text(r, "value")?;
                    let id = text(r, "resultDescription");
                    let label = descriptions
                        .iter()
                        .find(|d| id.is_some() && text(d, "id") == id)
                        .and_then(|d| text(d, "name"))
                        .unwrap_or_else(|| "Result".to_owned());
                    Some(ResultView { label, value })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The credential's evidence (`evidence`, one object or a list).
pub fn evidence_of(credential: &Value) -> Vec<EvidenceView> {
    let items = match &credential["evidence"] {
        Value::Array(list) => list.clone(),
        one @ Value::Object(_) => vec![one.clone()],
        _ => Vec::new(),
    };
    items
        .iter()
        .map(|e| {
            let url = text(e, "id");
            EvidenceView {
                name: text(e, "name")
                    .or_else(|| url.clone())
                    .unwrap_or_else(|| "Evidence".to_owned()),
                description: text(e, "description"),
                url,
                narrative: text(e, "narrative"),
            }
        })
        .collect()
}

/// `text` cut after each `/` (the pieces joined give it back): where a URL may wrap.
pub fn wrap_points(text: &str) -> Vec<String> {
    text.split_inclusive('/').map(str::to_owned).collect()
}
