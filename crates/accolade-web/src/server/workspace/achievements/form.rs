//! The authoring form's data: read from the submitted fields (repeated rows are named
//! `al-{i}-name`, `cf-{i}-label`, `tr-{i}-language`, …) or from a stored achievement, turned
//! into the application's `NewAchievement`, and back into inputs when the page is shown
//! again. Blank rows are ignored.

use crate::views::{AlignmentRow, CustomFieldRow, FieldLabelRow, TranslationRow};
use accolade_app::{AppError, NewAchievement, NewTranslation};
use accolade_core::{Achievement, AlignmentSpec, CustomField, ExpiryPolicy, OrgId};
use std::collections::BTreeMap;
use time::macros::{format_description, time};

/// Submitted form fields, in order (names may repeat).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Rows named `{prefix}-{index}-{part}`: index → part → value, in index order.
    pub fn rows(&self, prefix: &str) -> BTreeMap<usize, BTreeMap<String, String>> {
        let mut rows: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
        for (k, v) in &self.0 {
            let Some(rest) = k.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
                continue;
            };
            let Some((index, part)) = rest.split_once('-') else {
                continue;
            };
            if let Ok(i) = index.parse::<usize>()
                && i < 200
            {
                rows.entry(i)
                    .or_default()
                    .insert(part.to_owned(), v.clone());
            }
        }
        rows
    }
}

/// The form's values, as typed.
#[derive(Debug, Clone, Default)]
pub struct AchievementInput {
    pub name: String,
    pub description: String,
    pub criteria_narrative: String,
    pub criteria_url: String,
    pub achievement_type: String,
    pub language: String,
    pub credits: String,
    pub tags: String,
    pub evidence_requirements: String,
    pub image: String,
    /// `never`, `fixed_date` or `months`.
    pub expiry_kind: String,
    pub expiry_date: String,
    pub expiry_months: String,
    pub alignments: Vec<AlignmentRow>,
    pub custom_fields: Vec<CustomFieldRow>,
    pub translations: Vec<TranslationRow>,
}

fn part(row: &BTreeMap<String, String>, name: &str) -> String {
    row.get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// A refusal of one of the form's own inputs (named as in the form).
fn invalid(field: &'static str, msg: &str) -> AppError {
    AppError::invalid_field(field, msg)
}

impl AchievementInput {
    pub fn blank() -> Self {
        Self {
            achievement_type: "Badge".into(),
            language: "en".into(),
            expiry_kind: "never".into(),
            ..Self::default()
        }
    }

    pub fn from_form(f: &FormData) -> Self {
        let alignments = f
            .rows("al")
            .values()
            .map(|r| AlignmentRow {
                name: part(r, "name"),
                url: part(r, "url"),
                code: part(r, "code"),
                framework: part(r, "framework"),
            })
            .filter(|a| !(a.name.is_empty() && a.url.is_empty() && a.code.is_empty()))
            .collect();
        let custom_fields = f
            .rows("cf")
            .values()
            .map(|r| CustomFieldRow {
                key: part(r, "key"),
                label: part(r, "label"),
                required: !part(r, "required").is_empty(),
            })
            .filter(|c| !(c.key.is_empty() && c.label.is_empty()))
            .collect();
        let translations = f
            .rows("tr")
            .values()
            .map(|r| TranslationRow {
                language: part(r, "language"),
                name: part(r, "name"),
                description: part(r, "description"),
                criteria_narrative: part(r, "criteria"),
                field_labels: r
                    .iter()
                    .filter_map(|(k, v)| {
                        k.strip_prefix("label-").map(|key| FieldLabelRow {
                            key: key.to_owned(),
                            default_label: String::new(),
                            label: v.trim().to_owned(),
                        })
                    })
                    .collect(),
            })
            .filter(|t| {
                !(t.language.is_empty()
                    && t.name.is_empty()
                    && t.description.is_empty()
                    && t.criteria_narrative.is_empty())
            })
            .collect();
        Self {
            name: f.get("name").into(),
            description: f.get("description").into(),
            criteria_narrative: f.get("criteria_narrative").into(),
            criteria_url: f.get("criteria_url").into(),
            achievement_type: f.get("achievement_type").into(),
            language: f.get("language").into(),
            credits: f.get("credits").into(),
            tags: f.get("tags").into(),
            evidence_requirements: f.get("evidence_requirements").into(),
            image: f.get("image").into(),
            expiry_kind: f.get("expiry_kind").into(),
            expiry_date: f.get("expiry_date").into(),
            expiry_months: f.get("expiry_months").into(),
            alignments,
            custom_fields,
            translations,
        }
    }

    pub fn from_achievement(a: &Achievement) -> Self {
        let (expiry_kind, expiry_date, expiry_months) = match a.expiry {
            ExpiryPolicy::Never => ("never", String::new(), String::new()),
            ExpiryPolicy::FixedDate(d) => ("fixed_date", d.date().to_string(), String::new()),
            ExpiryPolicy::MonthsAfterIssue(m) => ("months", String::new(), m.to_string()),
        };
        Self {
            name: a.name.clone(),
            description: a.description.clone(),
            criteria_narrative: a.criteria_narrative.clone().unwrap_or_default(),
            criteria_url: a.criteria_url.clone().unwrap_or_default(),
            achievement_type: a.achievement_type.clone(),
            language: a.language.to_string(),
            credits: a.credits.map(|c| c.to_string()).unwrap_or_default(),
            tags: a.tags.join(", "),
            evidence_requirements: a.evidence_requirements.clone().unwrap_or_default(),
            image: a.image_id.map(|i| i.to_string()).unwrap_or_default(),
            expiry_kind: expiry_kind.into(),
            expiry_date,
            expiry_months,
            alignments: a
                .alignments
                .iter()
                .map(|al| AlignmentRow {
                    name: al.target_name.clone(),
                    url: al.target_url.clone(),
                    code: al.target_code.clone().unwrap_or_default(),
                    framework: al.target_framework.clone().unwrap_or_default(),
                })
                .collect(),
            custom_fields: a
                .custom_fields
                .iter()
                .map(|f| CustomFieldRow {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    required: f.required,
                })
                .collect(),
            translations: a
                .translations
                .iter()
                .map(|t| TranslationRow {
                    language: t.language.to_string(),
                    name: t.name.clone(),
                    description: t.description.clone(),
                    criteria_narrative: t.criteria_narrative.clone().unwrap_or_default(),
                    field_labels: t
                        .field_labels
                        .iter()
                        .map(|(k, v)| FieldLabelRow {
                            key: k.clone(),
                            default_label: String::new(),
                            label: v.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn expiry(&self) -> Result<ExpiryPolicy, AppError> {
        match self.expiry_kind.as_str() {
            "" | "never" => Ok(ExpiryPolicy::Never),
            "fixed_date" => {
                let date = time::Date::parse(
                    self.expiry_date.trim(),
                    format_description!("[year]-[month]-[day]"),
                )
                .map_err(|_| {
                    invalid(
                        "expiry_date",
                        "Enter the date every award expires on, like 2027-06-30.",
                    )
                })?;
                // The award stays valid through the whole day.
                Ok(ExpiryPolicy::FixedDate(
                    date.with_time(time!(23:59:59)).assume_utc(),
                ))
            }
            "months" => self
                .expiry_months
                .trim()
                .parse::<u32>()
                .map(ExpiryPolicy::MonthsAfterIssue)
                .map_err(|_| {
                    invalid(
                        "expiry_months",
                        "Enter the number of months after issue as a whole number, like 12.",
                    )
                }),
            _ => Err(invalid("expiry_kind", "Choose when awards expire.")),
        }
    }

    /// The application's input; malformed numbers, dates and ids are refused here, the
    /// rest by the application.
    pub fn to_new(&self, org_id: OrgId) -> Result<NewAchievement, AppError> {
        let credits = match self.credits.trim() {
            "" => None,
            c => Some(
                c.replace(',', ".")
                    .parse::<f64>()
                    .map_err(|_| invalid("credits", "Enter the credits as a number, like 2.5."))?,
            ),
        };
        let image_id = match self.image.trim() {
            "" => None,
            i => Some(i.parse().map_err(|_| AppError::NotFound("image"))?),
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(NewAchievement {
            org_id,
            name: self.name.clone(),
            description: self.description.clone(),
            criteria_narrative: opt(&self.criteria_narrative),
            criteria_url: opt(&self.criteria_url),
            achievement_type: opt(&self.achievement_type),
            image_id,
            alignments: self
                .alignments
                .iter()
                .map(|a| AlignmentSpec {
                    target_name: a.name.clone(),
                    target_url: a.url.clone(),
                    target_code: opt(&a.code),
                    target_framework: opt(&a.framework),
                })
                .collect(),
            credits,
            tags: self.tags.split(',').map(|t| t.trim().to_owned()).collect(),
            expiry: self.expiry()?,
            language: opt(&self.language),
            translations: self
                .translations
                .iter()
                .map(|t| NewTranslation {
                    language: t.language.clone(),
                    name: t.name.clone(),
                    description: t.description.clone(),
                    criteria_narrative: opt(&t.criteria_narrative),
                    field_labels: t
                        .field_labels
                        .iter()
                        .map(|l| (l.key.clone(), l.label.clone()))
                        .collect(),
                })
                .collect(),
            custom_fields: self
                .custom_fields
                .iter()
                .map(|c| CustomField {
                    key: c.key.clone(),
                    label: c.label.clone(),
                    required: c.required,
                })
                .collect(),
            evidence_requirements: opt(&self.evidence_requirements),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_grouped_by_index() {
        let f = FormData(vec![
            ("name".into(), "Badge".into()),
            ("al-1-name".into(), "Second".into()),
            ("al-0-name".into(), "First".into()),
            ("al-0-url".into(), "https://a.example".into()),
            ("al-x-name".into(), "ignored".into()),
            ("tr-0-label-grade".into(), "Note".into()),
        ]);
        let rows = f.rows("al");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[&0]["name"], "First");
        assert_eq!(rows[&1]["name"], "Second");
        assert_eq!(f.rows("tr")[&0]["label-grade"], "Note");
        assert_eq!(f.get("name"), "Badge");
        assert_eq!(f.get("missing"), "");
    }
}
