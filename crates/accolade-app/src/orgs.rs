//! Organizations: creation with a first signing key, key rotation, and the documents that
//! publish them (the did:web DID document and the OB 3.0 Profile).

use crate::{App, AppError, AppResult};
use accolade_core::{Actor, KeyId, OrgId, Organization, SigningKeyRecord, Slug};
use accolade_credentials::multikey::KeyPair;
use accolade_store::StoreError;
use serde_json::{Value, json};

/// What it takes to create an organization.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub url: String,
    pub email: Option<String>,
    pub description: Option<String>,
    /// Derived from the name when absent.
    pub slug: Option<String>,
}

use crate::checks::parse_email;
pub(crate) use crate::checks::{check_http_url, check_text};

impl App {
    /// Creates an organization and its first signing key.
    pub async fn create_org(&self, new: NewOrganization) -> AppResult<Organization> {
        let master = self.master()?.clone();
        let name = check_text("name", "the organization's name", &new.name, 200)?;
        let url = check_http_url("url", "the organization's website", &new.url)?;
        let email = match new
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(e) => Some(parse_email("email", e)?),
            None => None,
        };
        let slug = match new.slug.as_deref() {
            Some(s) => Slug::parse(s),
            None => Slug::from_name(&name),
        }
        .map_err(|_| {
            AppError::invalid_field(
                "slug",
                "Choose a web address name of 2 to 63 characters: lower-case letters, digits and single hyphens, like my-school.",
            )
        })?;
        let org = Organization {
            id: OrgId::new(),
            slug,
            name,
            url,
            email,
            description: new
                .description
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
            image_id: None,
            languages: Vec::new(),
            created_at: self.now(),
        };
        self.store.insert_org(&org).await.map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict(format!(
                "An organization with the address {:?} already exists. Choose another.",
                org.slug.as_str()
            )),
            other => AppError::Store(other),
        })?;
        self.add_key(&org, &master).await?;
        Ok(org)
    }

    async fn add_key(
        &self,
        org: &Organization,
        master: &crate::MasterKey,
    ) -> AppResult<SigningKeyRecord> {
        let pair =
            KeyPair::generate().map_err(|e| AppError::internal("generating a signing key", e))?;
        let id = KeyId::new();
        let sealed = master.seal(&pair.seed(), id.to_string().as_bytes())?;
        let record = SigningKeyRecord {
            id,
            org_id: org.id,
            public_multibase: pair.public().to_multibase(),
            sealed_secret: sealed,
            created_at: self.now(),
            retired_at: None,
        };
        self.store.insert_key(&record).await?;
        Ok(record)
    }

    /// Adds a new key and retires the ones before it (the VC-JWT key too, if there is one).
    /// Retired keys stay in the DID document, so every credential they signed keeps verifying.
    pub async fn rotate_key(&self, actor: &Actor, org_id: OrgId) -> AppResult<SigningKeyRecord> {
        let master = self.master()?.clone();
        let org = self.org(org_id).await?;
        let before = self.store.keys(org_id).await?;
        let new = self.add_key(&org, &master).await?;
        let now = self.now();
        let mut retired = Vec::new();
        for k in before.iter().filter(|k| k.retired_at.is_none()) {
            if self.store.retire_key(k.id, now).await? {
                retired.push(k.public_multibase.as_str());
            }
        }
        let detail = if retired.is_empty() {
            "no key was active before".to_owned()
        } else {
            format!("retired {}", retired.join(", "))
        };
        self.audit(org_id, actor, "key.rotate", &new.public_multibase, &detail)
            .await?;
        self.rotate_jwt_key(actor, &org).await?;
        Ok(new)
    }

    pub async fn org(&self, id: OrgId) -> AppResult<Organization> {
        self.store
            .org(id)
            .await?
            .ok_or(AppError::NotFound("organization"))
    }

    pub async fn org_by_slug(&self, slug: &str) -> AppResult<Organization> {
        let slug = Slug::parse(slug).map_err(|_| AppError::NotFound("organization"))?;
        self.store
            .org_by_slug(&slug)
            .await?
            .ok_or(AppError::NotFound("organization"))
    }

    /// An organization by id or slug (for the CLI).
    pub async fn find_org(&self, id_or_slug: &str) -> AppResult<Organization> {
        match id_or_slug.parse::<OrgId>() {
            Ok(id) => self.org(id).await,
            Err(_) => self.org_by_slug(id_or_slug).await,
        }
    }

    pub async fn orgs(&self) -> AppResult<Vec<Organization>> {
        Ok(self.store.orgs().await?)
    }

    pub async fn keys(&self, org_id: OrgId) -> AppResult<Vec<SigningKeyRecord>> {
        Ok(self.store.keys(org_id).await?)
    }

    /// The newest key that is not retired, unsealed for signing.
    pub(crate) async fn signing_key(
        &self,
        org: &Organization,
    ) -> AppResult<(SigningKeyRecord, KeyPair)> {
        let master = self.master()?;
        let record = self
            .store
            .keys(org.id)
            .await?
            .into_iter()
            .filter(|k| k.retired_at.is_none())
            .max_by_key(|k| k.created_at)
            .ok_or(AppError::NoActiveKey)?;
        let seed = master.unseal(&record.sealed_secret, record.id.to_string().as_bytes())?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| AppError::internal_msg("a sealed key has the wrong length"))?;
        Ok((record, KeyPair::from_seed(seed)))
    }

    /// The verification method id of a key: `{did}#{publicKeyMultibase}`.
    pub fn verification_method(&self, org: &Organization, key: &SigningKeyRecord) -> String {
        format!(
            "{}#{}",
            self.urls().issuer_did(&org.slug),
            key.public_multibase
        )
    }

    /// The did:web DID document: every key (active and retired) as a Multikey authorized for
    /// assertionMethod, with absolute ids; and every VC-JWT key as a `JsonWebKey`.
    pub async fn did_document(&self, org: &Organization) -> AppResult<Value> {
        let did = self.urls().issuer_did(&org.slug);
        let keys = self.store.keys(org.id).await?;
        let methods: Vec<Value> = keys
            .iter()
            .map(|k| {
                json!({
                    "id": self.verification_method(org, k),
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": k.public_multibase,
                })
            })
            .collect();
        let ids: Vec<Value> = keys
            .iter()
            .map(|k| Value::String(self.verification_method(org, k)))
            .collect();
        let mut doc = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "alsoKnownAs": [self.urls().issuer_page(&org.slug)],
            "verificationMethod": methods,
            "assertionMethod": ids,
        });
        self.add_jwt_methods(org, &mut doc).await?;
        Ok(doc)
    }

    /// The organization as an OB 3.0 Profile (JSON-LD), as embedded in its credentials.
    pub fn profile_json(&self, org: &Organization) -> Value {
        let mut p = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": self.urls().issuer_did(&org.slug),
            "type": ["Profile"],
            "name": org.name,
            "url": org.url,
        });
        if let Some(e) = &org.email {
            p["email"] = json!(e.as_str());
        }
        if let Some(d) = &org.description {
            p["description"] = json!(d);
        }
        if let Some(i) = org.image_id {
            p["image"] = json!({"id": self.urls().image(i), "type": "Image", "caption": org.name});
        }
        p
    }
}
