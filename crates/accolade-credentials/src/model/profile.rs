//! `Profile` (issuers, creators, sources), its address, and `IdentifierEntry`.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::{EndorsementCredential, Extra, IdentifierType, Image, number, one_or_many};

/// A person or organization (`Profile`): the issuer, an achievement's creator, a subject's
/// source, a parent organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// IRI of the profile (an HTTPS URL, a DID, a `urn:uuid:`).
    pub id: String,
    /// Contains `"Profile"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Display name. The 1EdTech validator expects one on the issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Endorsements of this profile.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsement: Vec<EndorsementCredential>,
    /// Endorsements in VC-JWT form (compact JWS strings).
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsement_jwt: Vec<String>,
    /// Logo or picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Contact email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Other identifiers of the profile.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
    /// Name of an official representing the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<String>,
    /// Parent organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_org: Option<Box<Profile>>,
    /// Family name (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Given name (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Additional name (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_name: Option<String>,
    /// Patronymic name (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic_name: Option<String>,
    /// Honorific prefix (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    /// Honorific suffix (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
    /// Family name prefix (persons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_prefix: Option<String>,
    /// Date of birth, `YYYY-MM-DD` (kept as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            id: String::new(),
            r#type: vec!["Profile".to_owned()],
            name: None,
            url: None,
            phone: None,
            description: None,
            endorsement: Vec::new(),
            endorsement_jwt: Vec::new(),
            image: None,
            email: None,
            address: None,
            other_identifier: Vec::new(),
            official: None,
            parent_org: None,
            family_name: None,
            given_name: None,
            additional_name: None,
            patronymic_name: None,
            honorific_prefix: None,
            honorific_suffix: None,
            family_name_prefix: None,
            date_of_birth: None,
            extra: Extra::new(),
        }
    }
}

impl Profile {
    /// A profile with an id and a name (`type: ["Profile"]`).
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// The `issuer` of a credential: an embedded [`Profile`] (what OB 3.0 issuers should write)
/// or a bare IRI (accepted when reading).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ProfileRef {
    /// Only the issuer's IRI.
    Iri(String),
    /// An embedded profile.
    Profile(Box<Profile>),
}

impl ProfileRef {
    /// The issuer's id, in either form.
    pub fn id(&self) -> &str {
        match self {
            Self::Iri(iri) => iri,
            Self::Profile(profile) => &profile.id,
        }
    }

    /// The embedded profile, if there is one.
    pub fn profile(&self) -> Option<&Profile> {
        match self {
            Self::Iri(_) => None,
            Self::Profile(profile) => Some(profile),
        }
    }
}

impl Default for ProfileRef {
    fn default() -> Self {
        Self::Profile(Box::default())
    }
}

impl From<Profile> for ProfileRef {
    fn from(profile: Profile) -> Self {
        Self::Profile(Box::new(profile))
    }
}

impl From<String> for ProfileRef {
    fn from(iri: String) -> Self {
        Self::Iri(iri)
    }
}

impl From<&str> for ProfileRef {
    fn from(iri: &str) -> Self {
        Self::Iri(iri.to_owned())
    }
}

impl<'de> Deserialize<'de> for ProfileRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RefVisitor;

        impl<'de> Visitor<'de> for RefVisitor {
            type Value = ProfileRef;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Profile object or an IRI")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<ProfileRef, E> {
                Ok(ProfileRef::Iri(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ProfileRef, A::Error> {
                let profile = Profile::deserialize(MapAccessDeserializer::new(map))?;
                Ok(ProfileRef::Profile(Box::new(profile)))
            }
        }

        deserializer.deserialize_any(RefVisitor)
    }
}

fn identifier_entry_type() -> String {
    "IdentifierEntry".to_owned()
}

/// Another identifier of a profile or achievement (`IdentifierEntry`). The schema allows no
/// other properties, so none are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierEntry {
    /// Always the string `"IdentifierEntry"`.
    #[serde(rename = "type", default = "identifier_entry_type")]
    #[serde(deserialize_with = "one_or_many::deserialize_single")]
    pub r#type: String,
    /// The identifier.
    pub identifier: String,
    /// Its kind.
    pub identifier_type: IdentifierType,
}

impl IdentifierEntry {
    /// An entry of the given kind.
    pub fn new(identifier_type: IdentifierType, identifier: impl Into<String>) -> Self {
        Self {
            r#type: identifier_entry_type(),
            identifier: identifier.into(),
            identifier_type,
        }
    }
}

/// A postal address (`Address`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Contains `"Address"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country_code: Option<String>,
    /// Region (state, province).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    /// Locality (city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// Post office box number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_office_box_number: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoCoordinates>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for Address {
    fn default() -> Self {
        Self {
            r#type: vec!["Address".to_owned()],
            address_country: None,
            address_country_code: None,
            address_region: None,
            address_locality: None,
            street_address: None,
            post_office_box_number: None,
            postal_code: None,
            geo: None,
            extra: Extra::new(),
        }
    }
}

fn geo_type() -> String {
    "GeoCoordinates".to_owned()
}

/// Geographic coordinates (`GeoCoordinates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoCoordinates {
    /// Always the string `"GeoCoordinates"`.
    #[serde(rename = "type", default = "geo_type")]
    #[serde(deserialize_with = "one_or_many::deserialize_single")]
    pub r#type: String,
    /// Latitude.
    #[serde(serialize_with = "number::serialize")]
    pub latitude: f64,
    /// Longitude.
    #[serde(serialize_with = "number::serialize")]
    pub longitude: f64,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl GeoCoordinates {
    /// Coordinates in degrees.
    pub fn new(latitude: f64, longitude: f64) -> Self {
        Self {
            r#type: geo_type(),
            latitude,
            longitude,
            extra: Extra::new(),
        }
    }
}
