//! Typed Open Badges 3.0 data model.
//!
//! The types follow the OB 3.0 data model (`AchievementCredential`, `Profile`, `Achievement`,
//! `AchievementSubject`, …) and serialize to the *canonical JSON* form that the official
//! `ob_v3p0_achievementcredential_schema.json` (draft 2019-09) requires:
//!
//! - multi-valued properties (`type`, `proof`, `evidence`, `alignment`, …) are written as
//!   arrays, even with one element; `Image.type`, `IdentityObject.type` and
//!   `IdentifierEntry.type` are the single strings the schema requires;
//! - `None` and empty arrays are omitted;
//! - dates are RFC 3339 with a timezone ([`DateTime`]).
//!
//! Reading is tolerant: the single-value forms that JSON-LD compaction produces are accepted
//! wherever an array is expected (see [`OneOrMany`]), an `issuer` may be a bare IRI
//! ([`ProfileRef`]), and unknown properties are kept in an `extra` map and written back
//! unchanged. VCDM 1.1 credentials (`issuanceDate` / `expirationDate`) are read too.
//!
//! The model is for issuing and display. Signatures are always checked over the JSON that was
//! received, never over a re-serialized model.

mod achievement;
mod common;
mod credential;
mod datetime;
mod endorsement;
mod number;
mod one_or_many;
mod profile;
mod proof;
mod result;
mod subject;
mod vocab;

pub use achievement::{Achievement, Alignment, Criteria, Related};
pub use common::{
    Context, CredentialSchema, CredentialStatus, Evidence, Image, RefreshService, StatusListIndex,
    TermsOfUse,
};
pub use credential::{AchievementCredential, AchievementCredentialBuilder};
pub use datetime::DateTime;
pub use endorsement::{EndorsementCredential, EndorsementSubject};
pub use one_or_many::OneOrMany;
pub use profile::{Address, GeoCoordinates, IdentifierEntry, Profile, ProfileRef};
pub use proof::Proof;
pub use result::{Result, ResultDescription, RubricCriterionLevel};
pub use subject::{AchievementSubject, IdentityObject};
pub use vocab::{
    AchievementType, AlignmentTargetType, IdentifierType, ResultStatusType, ResultType,
};

/// Alias of [`Result`] (the OB `Result` class) for code that prefers not to shadow
/// `std::result::Result`.
pub type AchievementResult = result::Result;

/// Extra properties of an object that the model has no field for, in document order.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// The W3C Verifiable Credentials Data Model 2.0 context (always first).
pub const CONTEXT_VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context, current version 3.0.3 (always second).
pub const CONTEXT_OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The OB 3.0 extensions context. Needed (third) whenever the credential uses
/// `1EdTechJsonSchemaValidator2019`, `1EdTechRevocationList` or `1EdTechCredentialRefresh`.
pub const CONTEXT_OB_V3_EXTENSIONS: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// `VerifiableCredential`, the type every credential carries.
pub const TYPE_VERIFIABLE_CREDENTIAL: &str = "VerifiableCredential";
/// `OpenBadgeCredential`, the usual OB 3.0 credential type.
pub const TYPE_OPEN_BADGE_CREDENTIAL: &str = "OpenBadgeCredential";
/// `AchievementCredential`, the equivalent alternative to `OpenBadgeCredential`.
pub const TYPE_ACHIEVEMENT_CREDENTIAL: &str = "AchievementCredential";
/// `EndorsementCredential`.
pub const TYPE_ENDORSEMENT_CREDENTIAL: &str = "EndorsementCredential";

/// The `@context` of a new OB 3.0 credential: VC 2.0, then OB 3.0.3.
pub fn default_contexts() -> Vec<Context> {
    vec![
        Context::Iri(CONTEXT_VC_V2.to_owned()),
        Context::Iri(CONTEXT_OB_V3.to_owned()),
    ]
}

/// Errors of the model: building a credential or parsing a date.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A date-time is not RFC 3339 with a timezone, or cannot be written as such.
    #[error("invalid date-time {value:?}: {reason}")]
    InvalidDateTime {
        /// The offending text (or a debug rendering of the value).
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// `build()` was called without `valid_from`.
    #[error("a credential needs validFrom")]
    MissingValidFrom,
    /// `validUntil` is earlier than `validFrom`.
    #[error("validUntil ({until}) is earlier than validFrom ({from})")]
    ValidUntilBeforeValidFrom {
        /// The `validFrom` value.
        from: String,
        /// The `validUntil` value.
        until: String,
    },
    /// The subject has neither an `id` nor an `identifier`, which OB 3.0 requires.
    #[error("the credential subject needs an id or at least one identifier")]
    SubjectWithoutRecipient,
    /// JSON (de)serialization failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

#[cfg(test)]
mod tests;
