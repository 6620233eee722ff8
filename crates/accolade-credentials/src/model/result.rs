//! Results: what an achievement can result in (`ResultDescription`, `RubricCriterionLevel`)
//! and what the subject got (`Result`).

use serde::{Deserialize, Serialize};

use super::{Alignment, Extra, ResultStatusType, ResultType, one_or_many};

/// A result of the subject (`Result`, in `credentialSubject.result`).
///
/// Named after the OB class; [`super::AchievementResult`] is an alias that does not shadow
/// `std::result::Result`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Result {
    /// Contains `"Result"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// The id of the `ResultDescription` this result is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_description: Option<String>,
    /// The value (a grade, a score, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The id of the `RubricCriterionLevel` achieved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<String>,
    /// Status; required when the result type is `Status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ResultStatusType>,
    /// Alignments of the result.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for Result {
    fn default() -> Self {
        Self {
            r#type: vec!["Result".to_owned()],
            result_description: None,
            value: None,
            achieved_level: None,
            status: None,
            alignment: Vec::new(),
            extra: Extra::new(),
        }
    }
}

impl Result {
    /// A value for the result description `result_description` (its id).
    pub fn value(result_description: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            result_description: Some(result_description.into()),
            value: Some(value.into()),
            ..Self::default()
        }
    }

    /// A status for the result description `result_description` (its id).
    pub fn status(result_description: impl Into<String>, status: ResultStatusType) -> Self {
        Self {
            result_description: Some(result_description.into()),
            status: Some(status),
            ..Self::default()
        }
    }
}

/// A possible result of an achievement (`ResultDescription`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDescription {
    /// IRI, referenced by `Result.resultDescription`.
    pub id: String,
    /// Contains `"ResultDescription"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Name.
    pub name: String,
    /// Type of result.
    pub result_type: ResultType,
    /// Allowed values, ordered from low to high.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_value: Vec<String>,
    /// Id of the rubric level required to earn the achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_level: Option<String>,
    /// Value required to earn the achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_value: Option<String>,
    /// Rubric levels.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rubric_criterion_level: Vec<RubricCriterionLevel>,
    /// Minimum value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_min: Option<String>,
    /// Maximum value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
    /// Alignments.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ResultDescription {
    /// A result description with the required properties (`type: ["ResultDescription"]`).
    pub fn new(id: impl Into<String>, name: impl Into<String>, result_type: ResultType) -> Self {
        Self {
            id: id.into(),
            r#type: vec!["ResultDescription".to_owned()],
            name: name.into(),
            result_type,
            allowed_value: Vec::new(),
            required_level: None,
            required_value: None,
            rubric_criterion_level: Vec::new(),
            value_min: None,
            value_max: None,
            alignment: Vec::new(),
            extra: Extra::new(),
        }
    }
}

/// A level of a rubric criterion (`RubricCriterionLevel`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricCriterionLevel {
    /// IRI, referenced by `Result.achievedLevel` and `requiredLevel`.
    pub id: String,
    /// Contains `"RubricCriterionLevel"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Level label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Points (as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<String>,
    /// Alignments.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl RubricCriterionLevel {
    /// A level with the required properties (`type: ["RubricCriterionLevel"]`).
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            r#type: vec!["RubricCriterionLevel".to_owned()],
            name: name.into(),
            description: None,
            level: None,
            points: None,
            alignment: Vec::new(),
            extra: Extra::new(),
        }
    }
}
