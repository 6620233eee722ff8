//! An achievement's texts in other languages, and the fields its issuer fills in per award.

use super::{Achievement, LangTag};
use std::collections::BTreeMap;

/// The achievement's texts in one more language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AchievementTranslation {
    pub language: LangTag,
    pub name: String,
    pub description: String,
    /// Markdown; when absent the default language's narrative is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria_narrative: Option<String>,
    /// Custom field key → label in this language; missing keys use the default label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_labels: BTreeMap<String, String>,
}

/// A value the issuer records with each award (a student number, a grade, a project
/// title, …).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomField {
    /// Stable identifier: lower-case letters, digits, `-` and `_`.
    pub key: String,
    /// The label in the achievement's default language.
    pub label: String,
    /// Every award must give a value.
    #[serde(default)]
    pub required: bool,
}

/// The achievement's texts in one language, falling back to the default language for
/// texts that have no translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized<'a> {
    pub language: &'a LangTag,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria_narrative: Option<&'a str>,
    /// `(field, label)` in the achievement's field order.
    pub fields: Vec<(&'a CustomField, &'a str)>,
}

impl Achievement {
    /// The default language followed by the translations' languages.
    pub fn languages(&self) -> Vec<&LangTag> {
        std::iter::once(&self.language)
            .chain(self.translations.iter().map(|t| &t.language))
            .collect()
    }

    /// The texts in `language`, or `None` when the achievement has no such translation.
    pub fn localized(&self, language: &LangTag) -> Option<Localized<'_>> {
        let default_fields = || self.custom_fields.iter().map(|f| (f, f.label.as_str()));
        if *language == self.language {
            return Some(Localized {
                language: &self.language,
                name: &self.name,
                description: &self.description,
                criteria_narrative: self.criteria_narrative.as_deref(),
                fields: default_fields().collect(),
            });
        }
        let t = self.translations.iter().find(|t| t.language == *language)?;
        Some(Localized {
            language: &t.language,
            name: &t.name,
            description: &t.description,
            criteria_narrative: t
                .criteria_narrative
                .as_deref()
                .or(self.criteria_narrative.as_deref()),
            fields: default_fields()
                .map(|(f, label)| {
                    let translated = t.field_labels.get(&f.key).map(String::as_str);
                    (f, translated.filter(|l| !l.is_empty()).unwrap_or(label))
                })
                .collect(),
        })
    }
}
