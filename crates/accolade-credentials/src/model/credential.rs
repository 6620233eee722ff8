//! `AchievementCredential` / `OpenBadgeCredential`, its builder and helpers.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    Achievement, AchievementSubject, CONTEXT_OB_V3_EXTENSIONS, Context, CredentialSchema,
    CredentialStatus, DateTime, EndorsementCredential, Evidence, Extra, Image, ModelError, Profile,
    ProfileRef, Proof, RefreshService, TYPE_ACHIEVEMENT_CREDENTIAL, TYPE_OPEN_BADGE_CREDENTIAL,
    TYPE_VERIFIABLE_CREDENTIAL, TermsOfUse, default_contexts, one_or_many,
};

/// An Open Badges 3.0 credential (`OpenBadgeCredential`, or its synonym
/// `AchievementCredential`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementCredential {
    /// `[CONTEXT_VC_V2, CONTEXT_OB_V3, …]`, in this order.
    #[serde(rename = "@context", deserialize_with = "one_or_many::deserialize")]
    pub context: Vec<Context>,
    /// IRI of the credential.
    pub id: String,
    /// `VerifiableCredential` plus `OpenBadgeCredential` or `AchievementCredential`.
    #[serde(rename = "type", deserialize_with = "one_or_many::deserialize")]
    pub r#type: Vec<String>,
    /// Name (optional since 2024, but always write it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Image of this credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// When the achievement was awarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<DateTime>,
    /// The issuer: an embedded profile (or, when read, possibly a bare IRI).
    pub issuer: ProfileRef,
    /// Start of validity. Required by VCDM 2.0; `None` only for VCDM 1.1 credentials, which
    /// carry `issuance_date` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime>,
    /// End of validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime>,
    /// VCDM 1.1 issuance date (legacy credentials only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuance_date: Option<DateTime>,
    /// VCDM 1.1 expiration date (legacy credentials only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime>,
    /// The recipient and the achievement. An array with one subject is accepted when reading.
    #[serde(deserialize_with = "one_or_many::deserialize_single")]
    pub credential_subject: AchievementSubject,
    /// Evidence.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Endorsements of the credential.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsement: Vec<EndorsementCredential>,
    /// Endorsements in VC-JWT form (compact JWS strings).
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsement_jwt: Vec<String>,
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
    /// BCP 47 language code of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// Embedded proofs.
    #[serde(default, deserialize_with = "one_or_many::deserialize")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proof: Vec<Proof>,
    /// Properties the model has no field for, written back unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

impl AchievementCredential {
    /// Starts an unsigned `OpenBadgeCredential` with the default contexts.
    /// `valid_from` must be set before [`AchievementCredentialBuilder::build`].
    pub fn builder(
        id: impl Into<String>,
        issuer: impl Into<ProfileRef>,
        subject: AchievementSubject,
    ) -> AchievementCredentialBuilder {
        AchievementCredentialBuilder {
            credential: Self {
                context: default_contexts(),
                id: id.into(),
                r#type: vec![
                    TYPE_VERIFIABLE_CREDENTIAL.to_owned(),
                    TYPE_OPEN_BADGE_CREDENTIAL.to_owned(),
                ],
                name: None,
                description: None,
                image: None,
                awarded_date: None,
                issuer: issuer.into(),
                valid_from: None,
                valid_until: None,
                issuance_date: None,
                expiration_date: None,
                credential_subject: subject,
                evidence: Vec::new(),
                endorsement: Vec::new(),
                endorsement_jwt: Vec::new(),
                credential_status: None,
                credential_schema: Vec::new(),
                refresh_service: None,
                terms_of_use: Vec::new(),
                in_language: None,
                proof: Vec::new(),
                extra: Extra::new(),
            },
        }
    }

    /// Reads a credential from JSON text.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        Ok(serde_json::from_str(text)?)
    }

    /// The credential as a JSON value, in canonical form.
    pub fn to_json_value(&self) -> Result<serde_json::Value, ModelError> {
        Ok(serde_json::to_value(self)?)
    }

    /// The issuer's id (embedded profile or bare IRI).
    pub fn issuer_id(&self) -> &str {
        self.issuer.id()
    }

    /// The embedded issuer profile, if the issuer is not a bare IRI.
    pub fn issuer_profile(&self) -> Option<&Profile> {
        self.issuer.profile()
    }

    /// The achievement of the subject.
    pub fn achievement(&self) -> &Achievement {
        &self.credential_subject.achievement
    }

    /// The `type` values.
    pub fn types(&self) -> &[String] {
        &self.r#type
    }

    /// Whether `type` contains `t`.
    pub fn has_type(&self, t: &str) -> bool {
        self.r#type.iter().any(|x| x == t)
    }

    /// Whether `type` holds `VerifiableCredential` and `OpenBadgeCredential` or
    /// `AchievementCredential`.
    pub fn is_open_badge(&self) -> bool {
        self.has_type(TYPE_VERIFIABLE_CREDENTIAL)
            && (self.has_type(TYPE_OPEN_BADGE_CREDENTIAL)
                || self.has_type(TYPE_ACHIEVEMENT_CREDENTIAL))
    }

    /// Start of validity: `validFrom`, or `issuanceDate` for a VCDM 1.1 credential.
    pub fn validity_start(&self) -> Option<&DateTime> {
        self.valid_from.as_ref().or(self.issuance_date.as_ref())
    }

    /// End of validity: `validUntil`, or `expirationDate` for a VCDM 1.1 credential.
    pub fn validity_end(&self) -> Option<&DateTime> {
        self.valid_until.as_ref().or(self.expiration_date.as_ref())
    }

    /// Whether `at` is inside the validity period (bounds included; open ends allowed).
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.validity_start().is_none_or(|from| !from.is_after(at))
            && self.validity_end().is_none_or(|until| !until.is_before(at))
    }

    /// Whether a type that needs [`CONTEXT_OB_V3_EXTENSIONS`] is used
    /// (`1EdTechJsonSchemaValidator2019`, `1EdTechRevocationList`, `1EdTechCredentialRefresh`).
    pub fn uses_1edtech_extensions(&self) -> bool {
        let extension = |t: &str| t.starts_with("1EdTech");
        self.credential_schema.iter().any(|s| extension(&s.r#type))
            || self
                .credential_status
                .as_ref()
                .is_some_and(|s| extension(&s.r#type))
            || self
                .refresh_service
                .as_ref()
                .is_some_and(|s| extension(&s.r#type))
    }
}

/// Builds an unsigned [`AchievementCredential`]; see [`AchievementCredential::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct AchievementCredentialBuilder {
    credential: AchievementCredential,
}

impl AchievementCredentialBuilder {
    /// Use the type `AchievementCredential` instead of `OpenBadgeCredential`.
    pub fn achievement_credential_type(mut self) -> Self {
        self.credential.r#type = vec![
            TYPE_VERIFIABLE_CREDENTIAL.to_owned(),
            TYPE_ACHIEVEMENT_CREDENTIAL.to_owned(),
        ];
        self
    }

    /// Appends a context after the default ones.
    pub fn context(mut self, context: impl Into<Context>) -> Self {
        let context = context.into();
        if !self.credential.context.contains(&context) {
            self.credential.context.push(context);
        }
        self
    }

    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.credential.name = Some(name.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.credential.description = Some(description.into());
        self
    }

    /// Sets the credential's image.
    pub fn image(mut self, image: Image) -> Self {
        self.credential.image = Some(image);
        self
    }

    /// Sets `awardedDate`.
    pub fn awarded_date(mut self, date: DateTime) -> Self {
        self.credential.awarded_date = Some(date);
        self
    }

    /// Sets `validFrom` (required).
    pub fn valid_from(mut self, date: DateTime) -> Self {
        self.credential.valid_from = Some(date);
        self
    }

    /// Sets `validUntil`.
    pub fn valid_until(mut self, date: DateTime) -> Self {
        self.credential.valid_until = Some(date);
        self
    }

    /// Adds an evidence entry.
    pub fn evidence(mut self, evidence: Evidence) -> Self {
        self.credential.evidence.push(evidence);
        self
    }

    /// Adds an endorsement.
    pub fn endorsement(mut self, endorsement: EndorsementCredential) -> Self {
        self.credential.endorsement.push(endorsement);
        self
    }

    /// Sets the status entry.
    pub fn credential_status(mut self, status: CredentialStatus) -> Self {
        self.credential.credential_status = Some(status);
        self
    }

    /// Adds a schema.
    pub fn credential_schema(mut self, schema: CredentialSchema) -> Self {
        self.credential.credential_schema.push(schema);
        self
    }

    /// Sets the refresh service.
    pub fn refresh_service(mut self, service: RefreshService) -> Self {
        self.credential.refresh_service = Some(service);
        self
    }

    /// Adds a terms-of-use entry.
    pub fn terms_of_use(mut self, terms: TermsOfUse) -> Self {
        self.credential.terms_of_use.push(terms);
        self
    }

    /// Sets the language of the text.
    pub fn in_language(mut self, language: impl Into<String>) -> Self {
        self.credential.in_language = Some(language.into());
        self
    }

    /// Adds a property the model has no field for.
    pub fn extra(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.credential.extra.insert(key.into(), value);
        self
    }

    /// Checks the credential and returns it. Adds [`CONTEXT_OB_V3_EXTENSIONS`] (third) when
    /// a `1EdTech*` type is used.
    ///
    /// Errors: no `validFrom`, `validUntil` before `validFrom`, or a subject with neither
    /// `id` nor `identifier`.
    pub fn build(self) -> Result<AchievementCredential, ModelError> {
        let mut credential = self.credential;
        let from = credential
            .valid_from
            .as_ref()
            .ok_or(ModelError::MissingValidFrom)?;
        if let Some(until) = &credential.valid_until
            && until.instant() < from.instant()
        {
            return Err(ModelError::ValidUntilBeforeValidFrom {
                from: from.to_string(),
                until: until.to_string(),
            });
        }
        if !credential.credential_subject.has_recipient() {
            return Err(ModelError::SubjectWithoutRecipient);
        }
        let extensions = Context::from(CONTEXT_OB_V3_EXTENSIONS);
        if credential.uses_1edtech_extensions() && !credential.context.contains(&extensions) {
            let at = credential.context.len().min(2);
            credential.context.insert(at, extensions);
        }
        Ok(credential)
    }
}
