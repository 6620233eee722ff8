//! Embedded proofs (`DataIntegrityProof` and others).

use serde::{Deserialize, Serialize};

use super::{Context, DateTime, Extra, one_or_many};

/// An embedded proof. Typed for `DataIntegrityProof` (VC Data Integrity 1.0); any other
/// proof type is read too, with its extra properties in `extra`.
///
/// Verification works on the JSON as received; this type is for reading, display and for
/// attaching a proof made elsewhere.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
    /// The proof's own `@context` (present in a standalone proof configuration).
    #[serde(
        rename = "@context",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<Context>,
    /// Optional identifier of the proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E.g. `DataIntegrityProof`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// E.g. `eddsa-rdfc-2022`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptosuite: Option<String>,
    /// When the proof was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime>,
    /// When the proof expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime>,
    /// The key, e.g. `did:key:z6Mk…#z6Mk…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_method: Option<String>,
    /// E.g. `assertionMethod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_purpose: Option<String>,
    /// The multibase signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_value: Option<String>,
    /// Security domain(s); one value is written as a string.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(serialize_with = "one_or_many::serialize_compact")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domain: Vec<String>,
    /// Challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// Nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Properties the model has no field for (e.g. `previousProof`).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Proof {
    /// A `DataIntegrityProof` with `proofPurpose: assertionMethod`.
    pub fn data_integrity(
        cryptosuite: impl Into<String>,
        created: DateTime,
        verification_method: impl Into<String>,
        proof_value: impl Into<String>,
    ) -> Self {
        Self {
            r#type: "DataIntegrityProof".to_owned(),
            cryptosuite: Some(cryptosuite.into()),
            created: Some(created),
            verification_method: Some(verification_method.into()),
            proof_purpose: Some("assertionMethod".to_owned()),
            proof_value: Some(proof_value.into()),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn domain_and_context_forms() {
        let v = json!({"@context": "https://w3id.org/security/data-integrity/v2",
            "type": "DataIntegrityProof", "domain": "example.org", "challenge": "abc",
            "previousProof": "urn:uuid:1"});
        let p: Proof = serde_json::from_value(v).unwrap();
        assert_eq!(p.domain, ["example.org"]);
        assert_eq!(p.context.len(), 1);
        let out = serde_json::to_value(&p).unwrap();
        assert_eq!(out["domain"], json!("example.org"));
        assert_eq!(
            out["@context"],
            json!(["https://w3id.org/security/data-integrity/v2"])
        );
        assert_eq!(out["previousProof"], json!("urn:uuid:1"));
        let two: Proof =
            serde_json::from_value(json!({"type": "X", "domain": ["a", "b"]})).unwrap();
        assert_eq!(
            serde_json::to_value(&two).unwrap()["domain"],
            json!(["a", "b"])
        );
    }
}
