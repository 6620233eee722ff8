use crate::{Email, ImageId, KeyId, LangTag, OrgId, Slug};
use time::OffsetDateTime;

/// An issuing organization; in credentials, an OB 3.0 `Profile` identified by a did:web DID.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: OrgId,
    pub slug: Slug,
    pub name: String,
    /// The organization's own website (shown on its profile).
    pub url: String,
    pub email: Option<Email>,
    pub description: Option<String>,
    pub image_id: Option<ImageId>,
    /// BCP 47 tags of the languages the organization issues in, e.g. `en`, `de-CH`.
    pub languages: Vec<LangTag>,
    pub created_at: OffsetDateTime,
}

/// An Ed25519 signing key of an organization. The secret is sealed (AEAD) under the master
/// key, which never sits in the database. Retired keys stay published so that credentials
/// they signed keep verifying.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub id: KeyId,
    pub org_id: OrgId,
    /// `z6Mk…`; also the fragment of the verification method id.
    pub public_multibase: String,
    /// Nonce ‖ ciphertext of the 32-byte seed.
    pub sealed_secret: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub retired_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for SigningKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyRecord")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("public_multibase", &self.public_multibase)
            .field("sealed_secret", &"<sealed>")
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish()
    }
}

/// A stored image (badge image, logo). PNG or SVG; SVG is sanitized before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRecord {
    pub id: ImageId,
    pub org_id: Option<OrgId>,
    /// `image/png` or `image/svg+xml`.
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub created_at: OffsetDateTime,
}
