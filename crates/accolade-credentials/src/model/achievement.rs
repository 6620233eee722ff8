//! `Achievement` and the objects it holds: `Criteria`, `Alignment`, `Related`.

use serde::{Deserialize, Serialize};

use super::{
    AchievementType, AlignmentTargetType, EndorsementCredential, Extra, IdentifierEntry, Image,
    Profile, ResultDescription, number, one_or_many,
};

/// What was achieved (`Achievement`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    /// IRI of the achievement.
    pub id: String,
    /// Contains `"Achievement"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Kind of achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<AchievementType>,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// How it is earned.
    pub criteria: Criteria,
    /// Badge image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Who created the achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<Profile>,
    /// Credits available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "number::serialize_opt")]
    pub credits_available: Option<f64>,
    /// Alignments to frameworks and standards.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// Result descriptions (the possible results of the subject).
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result_description: Vec<ResultDescription>,
    /// Keywords.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Field of study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    /// Specialization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialization: Option<String>,
    /// Human-readable code (e.g. a course code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    /// BCP 47 language code of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// Other identifiers.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
    /// The same achievement in other languages or versions.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Endorsements of the achievement.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsement: Vec<EndorsementCredential>,
    /// Endorsements in VC-JWT form (compact JWS strings).
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsement_jwt: Vec<String>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for Achievement {
    fn default() -> Self {
        Self {
            id: String::new(),
            r#type: vec!["Achievement".to_owned()],
            achievement_type: None,
            name: String::new(),
            description: String::new(),
            criteria: Criteria::default(),
            image: None,
            creator: None,
            credits_available: None,
            alignment: Vec::new(),
            result_description: Vec::new(),
            tag: Vec::new(),
            version: None,
            field_of_study: None,
            specialization: None,
            human_code: None,
            in_language: None,
            other_identifier: Vec::new(),
            related: Vec::new(),
            endorsement: Vec::new(),
            endorsement_jwt: Vec::new(),
            extra: Extra::new(),
        }
    }
}

impl Achievement {
    /// An achievement with the four required properties (`type: ["Achievement"]`).
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        description: impl Into<String>,
        criteria: Criteria,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            description: description.into(),
            criteria,
            ..Self::default()
        }
    }
}

/// How an achievement is earned (`Criteria`). OB 3.0 needs an `id` or a `narrative`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Criteria {
    /// URL of a page that describes the criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Markdown narrative of the criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Criteria {
    /// Criteria given as a Markdown narrative.
    pub fn narrative(text: impl Into<String>) -> Self {
        Self {
            narrative: Some(text.into()),
            ..Self::default()
        }
    }

    /// Criteria published at a URL.
    pub fn url(id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::default()
        }
    }
}

/// An alignment to a framework, standard or competency (`Alignment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    /// Contains `"Alignment"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Name of the target.
    pub target_name: String,
    /// URL of the target.
    pub target_url: String,
    /// Code of the target in its framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    /// Description of the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    /// Name of the framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    /// Type of the target node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<AlignmentTargetType>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Alignment {
    /// An alignment with the required name and URL (`type: ["Alignment"]`).
    pub fn new(target_name: impl Into<String>, target_url: impl Into<String>) -> Self {
        Self {
            r#type: vec!["Alignment".to_owned()],
            target_name: target_name.into(),
            target_url: target_url.into(),
            target_code: None,
            target_description: None,
            target_framework: None,
            target_type: None,
            extra: Extra::new(),
        }
    }
}

/// The same achievement in another language or version (`Related`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Related {
    /// IRI of the related achievement.
    pub id: String,
    /// Contains `"Related"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// BCP 47 language code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Related {
    /// A related achievement (`type: ["Related"]`).
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            r#type: vec!["Related".to_owned()],
            in_language: None,
            version: None,
            extra: Extra::new(),
        }
    }
}
