//! The recipient: `AchievementSubject` and `IdentityObject`.

use serde::{Deserialize, Serialize};

use super::{
    Achievement, DateTime, Extra, IdentifierType, Image, Profile, Result, number, one_or_many,
};

/// The recipient and what they achieved (`AchievementSubject`, the `credentialSubject`).
/// OB 3.0 needs an `id` or at least one `identifier`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
    /// IRI of the recipient (often a DID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Contains `"AchievementSubject"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Identifiers of the recipient, usually a hashed email address.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    /// The achievement.
    pub achievement: Achievement,
    /// Results.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<Result>,
    /// Credits earned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "number::serialize_opt")]
    pub credits_earned: Option<f64>,
    /// Start of the activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<DateTime>,
    /// End of the activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<DateTime>,
    /// License number, for a license.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_number: Option<String>,
    /// Role of the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Academic term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The organization that assessed the recipient, when not the issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Profile>,
    /// An image specific to this recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Markdown narrative specific to this recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for AchievementSubject {
    fn default() -> Self {
        Self {
            id: None,
            r#type: vec!["AchievementSubject".to_owned()],
            identifier: Vec::new(),
            achievement: Achievement::default(),
            result: Vec::new(),
            credits_earned: None,
            activity_start_date: None,
            activity_end_date: None,
            license_number: None,
            role: None,
            term: None,
            source: None,
            image: None,
            narrative: None,
            extra: Extra::new(),
        }
    }
}

impl AchievementSubject {
    /// A subject identified by an IRI (e.g. a DID).
    pub fn with_id(id: impl Into<String>, achievement: Achievement) -> Self {
        Self {
            id: Some(id.into()),
            achievement,
            ..Self::default()
        }
    }

    /// A subject identified by an `IdentityObject` (e.g. a hashed email address).
    pub fn with_identifier(identifier: IdentityObject, achievement: Achievement) -> Self {
        Self {
            identifier: vec![identifier],
            achievement,
            ..Self::default()
        }
    }

    /// Whether the subject has an `id` or an `identifier`, as OB 3.0 requires.
    pub fn has_recipient(&self) -> bool {
        self.id.is_some() || !self.identifier.is_empty()
    }
}

fn identity_object_type() -> String {
    "IdentityObject".to_owned()
}

/// An identifier of the recipient (`IdentityObject`). The schema allows no other properties,
/// so none are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    /// Always the string `"IdentityObject"`.
    #[serde(rename = "type", default = "identity_object_type")]
    #[serde(deserialize_with = "one_or_many::deserialize_single")]
    pub r#type: String,
    /// Whether `identity_hash` is a hash (`alg$hex`) or the plain value.
    pub hashed: bool,
    /// `sha256$…` (or legacy `md5$…`) when hashed, else the plain identifier.
    pub identity_hash: String,
    /// Kind of identifier, e.g. `emailAddress`.
    pub identity_type: IdentifierType,
    /// Salt appended to the identifier before hashing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

impl IdentityObject {
    /// A hashed identifier: `identity_hash` is `alg$hex` computed with `salt`.
    pub fn hashed(
        identity_type: IdentifierType,
        identity_hash: impl Into<String>,
        salt: Option<String>,
    ) -> Self {
        Self {
            r#type: identity_object_type(),
            hashed: true,
            identity_hash: identity_hash.into(),
            identity_type,
            salt,
        }
    }

    /// A plain (unhashed) identifier.
    pub fn plain(identity_type: IdentifierType, value: impl Into<String>) -> Self {
        Self {
            r#type: identity_object_type(),
            hashed: false,
            identity_hash: value.into(),
            identity_type,
            salt: None,
        }
    }
}
