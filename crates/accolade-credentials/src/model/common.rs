//! Small shared objects: `@context` entries, `Image`, `Evidence`, and the VC 2.0
//! `credentialStatus`, `credentialSchema`, `refreshService` and `termsOfUse` objects.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::{Extra, one_or_many};

/// One `@context` entry: an IRI or an inline context object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Context {
    /// A context IRI such as [`super::CONTEXT_VC_V2`].
    Iri(String),
    /// An inline context definition.
    Object(Extra),
}

impl Context {
    /// The IRI, for an IRI entry.
    pub fn as_iri(&self) -> Option<&str> {
        match self {
            Self::Iri(iri) => Some(iri),
            Self::Object(_) => None,
        }
    }
}

impl From<&str> for Context {
    fn from(iri: &str) -> Self {
        Self::Iri(iri.to_owned())
    }
}

pub(crate) fn image_type() -> String {
    "Image".to_owned()
}

/// An image (`Image`): `{"id": …, "type": "Image", "caption"?: …}`.
///
/// The schema allows no other properties, so none are kept. When reading, a bare IRI string
/// is accepted as the `id`, and a missing `type` defaults to `"Image"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    /// The image URL or a `data:` URI (PNG or SVG).
    pub id: String,
    /// Always the string `"Image"`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// Alternative text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Image {
    /// An image at `id` (a URL or a `data:` URI).
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            r#type: image_type(),
            caption: None,
        }
    }

    /// The same image with a caption.
    pub fn with_caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }
}

#[derive(Deserialize)]
struct ImageFields {
    id: String,
    #[serde(rename = "type", default = "image_type")]
    #[serde(deserialize_with = "one_or_many::deserialize_single")]
    r#type: String,
    #[serde(default)]
    caption: Option<String>,
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ImageVisitor;

        impl<'de> Visitor<'de> for ImageVisitor {
            type Value = Image;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Image object or an image IRI")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Image, E> {
                Ok(Image::new(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Image, A::Error> {
                let fields = ImageFields::deserialize(MapAccessDeserializer::new(map))?;
                Ok(Image {
                    id: fields.id,
                    r#type: fields.r#type,
                    caption: fields.caption,
                })
            }
        }

        deserializer.deserialize_any(ImageVisitor)
    }
}

fn evidence_types() -> Vec<String> {
    vec!["Evidence".to_owned()]
}

/// Evidence of the achievement (`Evidence`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// URL of a web page or a `data:` URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Contains `"Evidence"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Markdown narrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Kind of evidence (e.g. "Research").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// Intended audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for Evidence {
    fn default() -> Self {
        Self {
            id: None,
            r#type: evidence_types(),
            narrative: None,
            name: None,
            description: None,
            genre: None,
            audience: None,
            extra: Extra::new(),
        }
    }
}

/// `statusListIndex`: the spec says a string holding an integer; some issuers write a number.
/// The form read is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StatusListIndex {
    /// A JSON number.
    Number(u64),
    /// A string such as `"94567"`.
    Text(String),
}

impl StatusListIndex {
    /// The index as a number, when it is one.
    pub fn value(&self) -> Option<u64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(text) => text.parse().ok(),
        }
    }
}

/// A `credentialStatus` entry: the `type` and the Bitstring Status List fields; everything
/// else (e.g. `statusMessage`, `statusReference`, 1EdTech revocation list fields) is in
/// `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    /// Identifier of the status entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E.g. `BitstringStatusListEntry` or `1EdTechRevocationList`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// `revocation`, `suspension`, `refresh` or `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_purpose: Option<String>,
    /// Position in the status list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_list_index: Option<StatusListIndex>,
    /// URL of the `BitstringStatusListCredential`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_list_credential: Option<String>,
    /// Bits per entry (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_size: Option<u64>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `credentialSchema` entry, e.g. `1EdTechJsonSchemaValidator2019`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CredentialSchema {
    /// URL of the schema.
    pub id: String,
    /// Validator type.
    #[serde(rename = "type")]
    pub r#type: String,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `refreshService`, e.g. `1EdTechCredentialRefresh`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RefreshService {
    /// URL of the service.
    pub id: String,
    /// Service type.
    #[serde(rename = "type")]
    pub r#type: String,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `termsOfUse` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TermsOfUse {
    /// Identifier of the policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Policy type.
    #[serde(rename = "type")]
    pub r#type: String,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn image_forms() {
        let img = Image::new("https://x.test/i.png").with_caption("logo");
        let v = serde_json::to_value(&img).unwrap();
        assert_eq!(
            v,
            json!({"id": "https://x.test/i.png", "type": "Image", "caption": "logo"})
        );
        assert_eq!(serde_json::from_value::<Image>(v).unwrap(), img);
        let bare: Image = serde_json::from_value(json!("https://x.test/i.png")).unwrap();
        assert_eq!(bare, Image::new("https://x.test/i.png"));
        let arr: Image =
            serde_json::from_value(json!({"id": "https://x.test/i.png", "type": ["Image"]}))
                .unwrap();
        assert_eq!(arr, Image::new("https://x.test/i.png"));
    }

    #[test]
    fn status_index_number_or_text() {
        let s: CredentialStatus = serde_json::from_value(json!({
            "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": 23, "statusListCredential": "https://x.test/list",
            "statusMessage": [{"status": "0x0", "message": "ok"}]
        }))
        .unwrap();
        assert_eq!(
            s.status_list_index
                .as_ref()
                .and_then(StatusListIndex::value),
            Some(23)
        );
        assert!(s.extra.contains_key("statusMessage"));
        let t = StatusListIndex::Text("94567".into());
        assert_eq!(t.value(), Some(94567));
        assert_eq!(serde_json::to_value(&t).unwrap(), json!("94567"));
    }
}
