//! The checks an achievement's texts, translations, fields, alignments and tags pass before
//! they are stored, on creation and on every edit alike.

use super::{ALIGNMENT_FRAMEWORKS, NewAchievement, NewTranslation};
use crate::checks::{check_http_url, check_text, parse_lang_tag, too_long};
use crate::{AppError, AppResult};
use accolade_core::{
    AchievementTranslation, AlignmentSpec, CustomField, ExpiryPolicy, ImageId, LangTag,
};
use accolade_credentials::model::AchievementType;
use std::collections::{BTreeMap, HashSet};

const MAX_NARRATIVE: usize = 20_000;
const MAX_TRANSLATIONS: usize = 50;
const MAX_FIELDS: usize = 20;
const MAX_ALIGNMENTS: usize = 50;
const MAX_TAGS: usize = 30;
/// Longest expiry policy: a hundred years.
const MAX_MONTHS: u32 = 1200;

/// An achievement's editable content, checked.
pub(super) struct Draft {
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub achievement_type: String,
    pub image_id: Option<ImageId>,
    pub alignments: Vec<AlignmentSpec>,
    pub credits: Option<f64>,
    pub tags: Vec<String>,
    pub expiry: ExpiryPolicy,
    pub language: LangTag,
    pub translations: Vec<AchievementTranslation>,
    pub custom_fields: Vec<CustomField>,
    pub evidence_requirements: Option<String>,
}

fn invalid(field: &'static str, msg: impl Into<String>) -> AppError {
    AppError::invalid_field(field, msg)
}

/// Trimmed text, `None` when blank; refused when longer than `max` characters.
fn optional_text(
    field: &'static str,
    label: &str,
    text: Option<&str>,
    max: usize,
) -> AppResult<Option<String>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().count() > max => Err(too_long(field, label, max)),
        Some(t) => Ok(Some(t.to_owned())),
        None => Ok(None),
    }
}

pub(super) fn parse_language(raw: &str) -> AppResult<LangTag> {
    if raw.trim().is_empty() {
        return Ok(LangTag::english());
    }
    parse_lang_tag("language", raw)
}

fn parse_achievement_type(raw: &str) -> AppResult<String> {
    let raw = if raw.trim().is_empty() { "Badge" } else { raw };
    let t: AchievementType =
        serde_json::from_value(serde_json::Value::String(raw.trim().to_owned()))
            .map_err(|_| unknown_type(raw))?;
    if !t.is_valid() {
        return Err(unknown_type(raw));
    }
    Ok(t.as_str().to_owned())
}

fn unknown_type(raw: &str) -> AppError {
    invalid(
        "achievement_type",
        format!(
            "“{}” is not an achievement type. Choose one from the list (Badge, Certificate, Course, …) or write your own as ext:YourType.",
            raw.trim()
        ),
    )
}

/// A field key from the key given, or from the label when no key is given:
/// lower-case letters, digits, `-` and `_`, at most 40.
fn field_key(key: &str, label: &str) -> AppResult<String> {
    let key = key.trim();
    if key.is_empty() {
        let mut derived = String::new();
        for c in label.trim().chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                derived.push(c);
            } else if !derived.is_empty() && !derived.ends_with('-') {
                derived.push('-');
            }
        }
        let derived: String = derived.trim_end_matches('-').chars().take(40).collect();
        let derived = derived.trim_end_matches('-').to_owned();
        return if derived.is_empty() {
            Err(invalid(
                "custom_fields",
                format!(
                    "Give the custom field “{}” a key of lower-case letters, digits, - or _.",
                    label.trim()
                ),
            ))
        } else {
            Ok(derived)
        };
    }
    let ok = key.len() <= 40
        && key.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(key.to_owned())
    } else {
        Err(invalid(
            "custom_fields",
            format!(
                "The custom field key “{key}” may only have lower-case letters, digits, - and _ (at most 40), starting with a letter or digit."
            ),
        ))
    }
}

fn custom_fields(fields: &[CustomField]) -> AppResult<Vec<CustomField>> {
    if fields.len() > MAX_FIELDS {
        return Err(invalid(
            "custom_fields",
            format!("An achievement can have at most {MAX_FIELDS} custom fields."),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for f in fields {
        let label = check_text("custom_fields", "the custom field's label", &f.label, 200)?;
        let key = field_key(&f.key, &label)?;
        if !seen.insert(key.clone()) {
            return Err(invalid(
                "custom_fields",
                format!("Two custom fields have the key “{key}”. Give each its own key."),
            ));
        }
        out.push(CustomField {
            key,
            label,
            required: f.required,
        });
    }
    Ok(out)
}

fn translations(
    default: &LangTag,
    fields: &[CustomField],
    input: &[NewTranslation],
) -> AppResult<Vec<AchievementTranslation>> {
    if input.len() > MAX_TRANSLATIONS {
        return Err(invalid(
            "translations",
            format!("An achievement can have at most {MAX_TRANSLATIONS} translations."),
        ));
    }
    let mut seen = HashSet::from([default.clone()]);
    let mut out = Vec::new();
    for t in input {
        let language = parse_lang_tag("translations", &t.language)?;
        if !seen.insert(language.clone()) {
            return Err(invalid(
                "translations",
                format!(
                    "There is more than one text in {language}. Give each language once, and not the language of the main texts again."
                ),
            ));
        }
        let mut field_labels = BTreeMap::new();
        for (key, label) in &t.field_labels {
            let Some(label) =
                optional_text("translations", "a custom field's label", Some(label), 200)?
            else {
                continue;
            };
            if !fields.iter().any(|f| f.key == *key) {
                return Err(invalid(
                    "translations",
                    format!(
                        "The {language} translation labels a custom field “{key}” that the achievement does not have."
                    ),
                ));
            }
            field_labels.insert(key.clone(), label);
        }
        out.push(AchievementTranslation {
            name: check_text(
                "translations",
                &format!("the name in {language}"),
                &t.name,
                200,
            )?,
            description: check_text(
                "translations",
                &format!("the description in {language}"),
                &t.description,
                5000,
            )?,
            criteria_narrative: optional_text(
                "translations",
                &format!("the criteria in {language}"),
                t.criteria_narrative.as_deref(),
                MAX_NARRATIVE,
            )?,
            field_labels,
            language,
        });
    }
    Ok(out)
}

fn alignments(input: &[AlignmentSpec]) -> AppResult<Vec<AlignmentSpec>> {
    if input.len() > MAX_ALIGNMENTS {
        return Err(invalid(
            "alignments",
            format!("An achievement can have at most {MAX_ALIGNMENTS} skills and alignments."),
        ));
    }
    input
        .iter()
        .map(|a| {
            // Without a URL of its own, an alignment to a bundled framework points at the
            // framework's home page.
            let framework_url = ALIGNMENT_FRAMEWORKS
                .iter()
                .find(|f| {
                    a.target_framework
                        .as_deref()
                        .is_some_and(|n| n.trim().eq_ignore_ascii_case(f.name))
                })
                .map(|f| f.url);
            let url = match (a.target_url.trim(), framework_url) {
                ("", Some(u)) => u,
                (given, _) => given,
            };
            Ok(AlignmentSpec {
                target_name: check_text(
                    "alignments",
                    "the name of the skill or standard",
                    &a.target_name,
                    500,
                )?,
                target_url: check_http_url(
                    "alignments",
                    &format!("the address of “{}”", a.target_name.trim()),
                    url,
                )?,
                target_code: optional_text(
                    "alignments",
                    "the code",
                    a.target_code.as_deref(),
                    200,
                )?,
                target_framework: optional_text(
                    "alignments",
                    "the framework",
                    a.target_framework.as_deref(),
                    200,
                )?,
            })
        })
        .collect()
}

fn tags(input: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in input.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if t.chars().count() > 60 {
            return Err(invalid(
                "tags",
                format!("Shorten the tag “{t}” to at most 60 characters."),
            ));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(invalid("tags", format!("Give at most {MAX_TAGS} tags.")));
    }
    Ok(out)
}

/// Checks everything but the image (which needs the store).
pub(super) fn draft(new: &NewAchievement) -> AppResult<Draft> {
    let name = check_text("name", "the name", &new.name, 200)?;
    let description = check_text("description", "the description", &new.description, 5000)?;
    let criteria_narrative = optional_text(
        "criteria_narrative",
        "the criteria",
        new.criteria_narrative.as_deref(),
        MAX_NARRATIVE,
    )?;
    let criteria_url = match new.criteria_url.as_deref().map(str::trim) {
        Some(u) if !u.is_empty() => Some(check_http_url("criteria_url", "the criteria page", u)?),
        _ => None,
    };
    if criteria_narrative.is_none() && criteria_url.is_none() {
        return Err(invalid(
            "criteria_narrative",
            "Describe what an earner did to earn this badge, or give the address of a page that does.",
        ));
    }
    if new
        .credits
        .is_some_and(|c| !c.is_finite() || !(0.0..=10_000.0).contains(&c))
    {
        return Err(invalid(
            "credits",
            "Enter the credits as a number between 0 and 10,000, like 2.5.",
        ));
    }
    if let ExpiryPolicy::MonthsAfterIssue(m) = new.expiry
        && !(1..=MAX_MONTHS).contains(&m)
    {
        return Err(invalid(
            "expiry",
            format!("Enter a number of months between 1 and {MAX_MONTHS}."),
        ));
    }
    let language = parse_language(new.language.as_deref().unwrap_or(""))?;
    let custom_fields = custom_fields(&new.custom_fields)?;
    Ok(Draft {
        translations: translations(&language, &custom_fields, &new.translations)?,
        name,
        description,
        criteria_narrative,
        criteria_url,
        achievement_type: parse_achievement_type(new.achievement_type.as_deref().unwrap_or(""))?,
        image_id: new.image_id,
        alignments: alignments(&new.alignments)?,
        credits: new.credits,
        tags: tags(&new.tags)?,
        expiry: new.expiry,
        language,
        custom_fields,
        evidence_requirements: optional_text(
            "evidence_requirements",
            "the evidence to collect",
            new.evidence_requirements.as_deref(),
            5000,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys_come_from_labels_or_are_checked() {
        assert_eq!(field_key("", "Student ID №").unwrap(), "student-id");
        assert_eq!(field_key("", "  Final grade (%) ").unwrap(), "final-grade");
        assert_eq!(field_key("grade_2", "x").unwrap(), "grade_2");
        assert!(field_key("", "★★").is_err());
        assert!(field_key("Grade", "x").is_err());
        assert!(field_key("a b", "x").is_err());
        assert!(field_key("-a", "x").is_err());
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        let t = tags(&[" Data ".into(), "data".into(), "".into(), "ok ✓".into()]).unwrap();
        assert_eq!(t, ["Data", "ok ✓"]);
    }
}
