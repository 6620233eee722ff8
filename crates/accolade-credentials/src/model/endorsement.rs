//! `EndorsementCredential` and `EndorsementSubject`.

use serde::{Deserialize, Serialize};

use super::{
    Context, CredentialSchema, CredentialStatus, DateTime, Extra, ProfileRef, Proof,
    RefreshService, TYPE_ENDORSEMENT_CREDENTIAL, TYPE_VERIFIABLE_CREDENTIAL, TermsOfUse,
    default_contexts, one_or_many,
};

/// A third party's endorsement of a credential, achievement or profile
/// (`EndorsementCredential`), embedded in an `endorsement` array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementCredential {
    /// VC 2.0 and OB 3.0 contexts first.
    #[serde(rename = "@context", deserialize_with = "one_or_many::deserialize")]
    pub context: Vec<Context>,
    /// IRI of the endorsement (required by OB 3.0; absent in some VCDM 1.1 endorsements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `["VerifiableCredential", "EndorsementCredential"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many::deserialize")]
    pub r#type: Vec<String>,
    /// Name (required by OB 3.0; absent in some VCDM 1.1 endorsements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The endorser.
    pub issuer: ProfileRef,
    /// When the endorsement was awarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<DateTime>,
    /// Start of validity (VCDM 2.0; required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime>,
    /// End of validity (VCDM 2.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime>,
    /// VCDM 1.1 issuance date (legacy credentials only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuance_date: Option<DateTime>,
    /// VCDM 1.1 expiration date (legacy credentials only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime>,
    /// What is endorsed.
    #[serde(deserialize_with = "one_or_many::deserialize_single")]
    pub credential_subject: EndorsementSubject,
    /// Revocation / status entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<CredentialStatus>,
    /// Schemas to validate against.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credential_schema: Vec<CredentialSchema>,
    /// Refresh service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_service: Option<RefreshService>,
    /// Terms of use.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terms_of_use: Vec<TermsOfUse>,
    /// Embedded proofs.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proof: Vec<Proof>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl EndorsementCredential {
    /// An unsigned endorsement with the default contexts and types.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        issuer: impl Into<ProfileRef>,
        valid_from: DateTime,
        credential_subject: EndorsementSubject,
    ) -> Self {
        Self {
            context: default_contexts(),
            id: Some(id.into()),
            r#type: vec![
                TYPE_VERIFIABLE_CREDENTIAL.to_owned(),
                TYPE_ENDORSEMENT_CREDENTIAL.to_owned(),
            ],
            name: Some(name.into()),
            description: None,
            issuer: issuer.into(),
            awarded_date: None,
            valid_from: Some(valid_from),
            valid_until: None,
            issuance_date: None,
            expiration_date: None,
            credential_subject,
            credential_status: None,
            credential_schema: Vec::new(),
            refresh_service: None,
            terms_of_use: Vec::new(),
            proof: Vec::new(),
            extra: Extra::new(),
        }
    }

    /// The endorser's id.
    pub fn issuer_id(&self) -> &str {
        self.issuer.id()
    }

    /// Whether `type` holds `VerifiableCredential` and `EndorsementCredential`.
    pub fn is_endorsement(&self) -> bool {
        let has = |t: &str| self.r#type.iter().any(|x| x == t);
        has(TYPE_VERIFIABLE_CREDENTIAL) && has(TYPE_ENDORSEMENT_CREDENTIAL)
    }
}

/// What an endorsement is about (`EndorsementSubject`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementSubject {
    /// IRI of the endorsed credential, achievement or profile.
    pub id: String,
    /// Contains `"EndorsementSubject"`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "one_or_many::deserialize"
    )]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<String>,
    /// Markdown comment of the endorser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endorsement_comment: Option<String>,
    /// Properties the model has no field for.
    #[serde(flatten)]
    pub extra: Extra,
}

impl EndorsementSubject {
    /// An endorsement of `id` (`type: ["EndorsementSubject"]`).
    pub fn new(id: impl Into<String>, endorsement_comment: Option<String>) -> Self {
        Self {
            id: id.into(),
            r#type: vec!["EndorsementSubject".to_owned()],
            endorsement_comment,
            extra: Extra::new(),
        }
    }
}
