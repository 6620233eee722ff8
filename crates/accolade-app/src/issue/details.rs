//! What the issuer adds to one award: the language, custom field values and evidence,
//! checked against the achievement.

use super::{NewAward, NewEvidence};
use crate::orgs::check_http_url;
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

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::Invalid(msg.into())
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
            Some(u) => Some(check_http_url("the evidence link", &u)?),
            None => None,
        };
        let name = trimmed(&item.name);
        let narrative = trimmed(&item.narrative);
        if url.is_none() && narrative.is_none() {
            if name.is_some() {
                return Err(invalid(format!(
                    "the evidence {:?} needs a link or a narrative",
                    name.unwrap_or_default()
                )));
            }
            continue;
        }
        if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(invalid("an evidence name is longer than 200 characters"));
        }
        if narrative
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_EVIDENCE_NARRATIVE)
        {
            return Err(invalid(format!(
                "the evidence narrative is longer than {MAX_EVIDENCE_NARRATIVE} characters"
            )));
        }
        out.push(Evidence {
            id: url,
            name,
            narrative,
            ..Evidence::default()
        });
    }
    if out.len() > MAX_EVIDENCE {
        return Err(invalid(format!(
            "at most {MAX_EVIDENCE} pieces of evidence"
        )));
    }
    Ok(out)
}

/// Checks the language, the custom field values (required ones present, no unknown keys)
/// and the evidence of `new` against `achievement`.
pub(crate) fn issue_details(achievement: &Achievement, new: &NewAward) -> AppResult<IssueDetails> {
    let language = match new.language.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => {
            let tag = LangTag::parse(raw).map_err(|e| invalid(e.to_string()))?;
            if achievement.localized(&tag).is_none() {
                let offered: Vec<&str> =
                    achievement.languages().iter().map(|l| l.as_str()).collect();
                return Err(invalid(format!(
                    "{} has no text in {tag}; it is written in {}",
                    achievement.name,
                    offered.join(", ")
                )));
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
        return Err(invalid(format!(
            "{} has no custom field {key:?}",
            achievement.name
        )));
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
                return Err(invalid(format!(
                    "{} is longer than {MAX_FIELD_VALUE} characters",
                    field.label
                )));
            }
            Some(v) => values.push((field.key.clone(), v.to_owned())),
            None if field.required => {
                return Err(invalid(format!("{} is required", field.label)));
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
