//! What the issuer adds to one award: the language, custom field values and evidence,
//! checked against the achievement.

use super::{NewAward, NewEvidence};
use crate::checks::{check_http_url, parse_lang_tag};
use crate::{AppError, AppResult};
use accolade_core::{Achievement, LangTag};
use accolade_credentials::model::Evidence;

const MAX_EVIDENCE: usize = 20;
const MAX_FIELD_VALUE: usize = 500;
const MAX_EVIDENCE_NARRATIVE: usize = 10_000;

/// The per-award part of a credential.
#[derive(Debug, Clone)]
pub(crate) struct IssueDetails {
    /// The language of the achievement's texts in the credential (`inLanguage`).
    pub language: LangTag,
    /// `(field key, value)` in the achievement's field order.
    pub values: Vec<(String, String)>,
    pub evidence: Vec<Evidence>,
}

impl IssueDetails {
    /// The achievement's default language, no values, no evidence (as in bulk issuing).
    pub fn plain(achievement: &Achievement) -> Self {
        Self {
            language: achievement.language.clone(),
            values: Vec::new(),
            evidence: Vec::new(),
        }
    }
}

fn invalid(field: impl Into<std::borrow::Cow<'static, str>>, msg: impl Into<String>) -> AppError {
    AppError::invalid_field(field, msg)
}

fn evidence(items: &[NewEvidence]) -> AppResult<Vec<Evidence>> {
    let trimmed = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    for item in items {
        let url = match trimmed(&item.url) {
            Some(u) => Some(check_http_url("evidence", "the evidence link", &u)?),
            None => None,
        };
        let name = trimmed(&item.name);
        let narrative = trimmed(&item.narrative);
        if url.is_none() && narrative.is_none() {
            if name.is_some() {
                return Err(invalid(
                    "evidence",
                    format!(
                        "Give the evidence “{}” a link or a description.",
                        name.unwrap_or_default()
                    ),
                ));
            }
            continue;
        }
        if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(invalid(
                "evidence",
                "Shorten the title of the evidence to at most 200 characters.",
            ));
        }
        if narrative
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_EVIDENCE_NARRATIVE)
        {
            return Err(invalid(
                "evidence_narrative",
                format!(
                    "Shorten the description of the evidence to at most {MAX_EVIDENCE_NARRATIVE} characters."
                ),
            ));
        }
        out.push(Evidence {
            id: url,
            name,
            narrative,
            ..Evidence::default()
        });
    }
    if out.len() > MAX_EVIDENCE {
        return Err(invalid(
            "evidence",
            format!("Give at most {MAX_EVIDENCE} pieces of evidence."),
        ));
    }
    Ok(out)
}

/// Checks the language, the custom field values (required ones present, no unknown keys)
/// and the evidence of `new` against `achievement`.
pub(crate) fn issue_details(achievement: &Achievement, new: &NewAward) -> AppResult<IssueDetails> {
    let language = match new.language.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => {
            let tag = parse_lang_tag("language", raw)?;
            if achievement.localized(&tag).is_none() {
                let offered: Vec<&str> =
                    achievement.languages().iter().map(|l| l.as_str()).collect();
                return Err(invalid(
                    "language",
                    format!(
                        "{} has no texts in {tag}. Choose one of its languages: {}.",
                        achievement.name,
                        offered.join(", ")
                    ),
                ));
            }
            tag
        }
        _ => achievement.language.clone(),
    };
    if let Some(key) = new
        .field_values
        .keys()
        .find(|k| !achievement.custom_fields.iter().any(|f| f.key == **k))
    {
        return Err(invalid(
            format!("field_values.{key}"),
            format!("{} has no custom field “{key}”.", achievement.name),
        ));
    }
    let mut values = Vec::new();
    for field in &achievement.custom_fields {
        let value = new
            .field_values
            .get(&field.key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty());
        match value {
            Some(v) if v.chars().count() > MAX_FIELD_VALUE => {
                return Err(invalid(
                    format!("field_values.{}", field.key),
                    format!(
                        "Shorten “{}” to at most {MAX_FIELD_VALUE} characters.",
                        field.label
                    ),
                ));
            }
            Some(v) => values.push((field.key.clone(), v.to_owned())),
            None if field.required => {
                return Err(invalid(
                    format!("field_values.{}", field.key),
                    format!("Enter “{}”: this badge requires it.", field.label),
                ));
            }
            None => {}
        }
    }
    Ok(IssueDetails {
        language,
        values,
        evidence: evidence(&new.evidence)?,
    })
}
