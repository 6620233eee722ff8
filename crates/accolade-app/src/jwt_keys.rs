//! The credential as a VC-JWT (Open Badges 3.0 profile, ES256) and the keys that sign it.
//!
//! Each organization has one current P-256 key, made the first time a token is signed and
//! sealed with the master key like its Ed25519 keys. Every key, retired ones included, is
//! published three ways: as one JWK at `{base}/issuers/{slug}/keys/{id}.jwk` (the token's
//! `kid`, as the OB 3.0 profile wants: a URL that returns one JWK), in the organization's
//! DID document as a `JsonWebKey` verification method authorized for assertions (whose
//! `publicKeyJwk` carries the same `kid`), and in the instance's JWK Set at
//! `{base}/.well-known/jwks.json`.

use crate::{App, AppError, AppResult, MasterKey};
use accolade_core::{Actor, Award, KeyId, Organization};
use accolade_credentials::jwt::keys::JwsKey;
use accolade_credentials::jwt::sign::{self, Es256Key};
use accolade_store::JwtKey;
use serde_json::{Value, json};
use std::collections::HashMap;

/// What a sealed JWT key is bound to, so that it can be unsealed only as that key.
fn seal_context(id: KeyId) -> Vec<u8> {
    format!("jwt-key:{id}").into_bytes()
}

impl App {
    /// Where a JWT key is published as one JWK; also the `kid` of the tokens it signs.
    pub fn jwt_key_url(&self, org: &Organization, key: &JwtKey) -> String {
        format!("{}/keys/{}.jwk", self.urls().issuer_page(&org.slug), key.id)
    }

    /// The id of a JWT key's verification method in the DID document.
    pub fn jwt_key_method(&self, org: &Organization, key: &JwtKey) -> String {
        format!("{}#jwt-{}", self.urls().issuer_did(&org.slug), key.id)
    }

    /// The public JWK of a key as published: `kty`, `crv`, `x`, `y`, with `kid`, `alg` and
    /// `use`. The stored key is read as a P-256 key first, so only a real key is published.
    fn published_jwk(&self, org: &Organization, key: &JwtKey) -> AppResult<Value> {
        let stored: Value = serde_json::from_str(&key.public_jwk)
            .map_err(|e| AppError::internal(format!("JWT key {} is unreadable", key.id), e))?;
        match JwsKey::from_jwk(&stored) {
            Ok(JwsKey::P256(vk)) => {
                let mut jwk = sign::public_jwk(&vk);
                jwk["kid"] = json!(self.jwt_key_url(org, key));
                jwk["alg"] = json!(key.alg);
                jwk["use"] = json!("sig");
                Ok(jwk)
            }
            _ => Err(AppError::internal_msg(format!(
                "JWT key {} is not a P-256 public key",
                key.id
            ))),
        }
    }

    fn new_jwt_key(&self, org: &Organization, master: &MasterKey) -> AppResult<JwtKey> {
        let pair =
            Es256Key::generate().map_err(|e| AppError::internal("generating a JWT key", e))?;
        let id = KeyId::new();
        Ok(JwtKey {
            id,
            org_id: org.id,
            alg: "ES256".into(),
            public_jwk: pair.public_jwk().to_string(),
            sealed_secret: master.seal(&pair.to_bytes(), &seal_context(id))?,
            created_at: self.now(),
            retired_at: None,
        })
    }

    /// The organization's current JWT key, unsealed; made (and recorded in the audit log)
    /// the first time one is needed. Of several first uses at once, one key wins and all
    /// sign with it.
    async fn jwt_signing_key(&self, org: &Organization) -> AppResult<(JwtKey, Es256Key)> {
        let master = self.master()?.clone();
        let record = match self.store.current_jwt_key(org.id).await? {
            Some(k) => k,
            None => {
                let fresh = self.new_jwt_key(org, &master)?;
                if self.store.insert_current_jwt_key(&fresh).await? {
                    self.audit(
                        org.id,
                        &Actor::system(),
                        "jwt_key.create",
                        &self.jwt_key_url(org, &fresh),
                        "made on first use, to sign a VC-JWT (ES256)",
                    )
                    .await?;
                }
                self.store
                    .current_jwt_key(org.id)
                    .await?
                    .ok_or(AppError::NoActiveKey)?
            }
        };
        let secret = master.unseal(&record.sealed_secret, &seal_context(record.id))?;
        let key = Es256Key::from_bytes(&secret)
            .map_err(|e| AppError::internal(format!("JWT key {}", record.id), e))?;
        Ok((record, key))
    }

    /// Replaces the organization's current JWT key, if it has one, with a new one; the old
    /// key stays published, so the tokens it signed keep verifying. Called by
    /// [`App::rotate_key`]. `None` when there was no JWT key to replace (one is made on first
    /// use).
    pub(crate) async fn rotate_jwt_key(
        &self,
        actor: &Actor,
        org: &Organization,
    ) -> AppResult<Option<JwtKey>> {
        let master = self.master()?.clone();
        if self.store.current_jwt_key(org.id).await?.is_none() {
            return Ok(None);
        }
        let fresh = self.new_jwt_key(org, &master)?;
        let retired = self.store.replace_jwt_key(&fresh, self.now()).await?;
        let detail = match retired.as_slice() {
            [] => "no JWT key was active before".to_owned(),
            ids => format!(
                "retired {}",
                ids.iter()
                    .map(|id| format!("{}/keys/{id}.jwk", self.urls().issuer_page(&org.slug)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.audit(
            org.id,
            actor,
            "jwt_key.rotate",
            &self.jwt_key_url(org, &fresh),
            &detail,
        )
        .await?;
        Ok(Some(fresh))
    }

    /// The organization's JWT keys, retired ones included, oldest first.
    pub async fn jwt_keys(&self, org: &Organization) -> AppResult<Vec<JwtKey>> {
        Ok(self.store.jwt_keys(org.id).await?)
    }

    /// One of the organization's JWT keys as a JWK, by its file name `{id}.jwk`.
    pub async fn jwt_key_document(&self, org: &Organization, file: &str) -> AppResult<Value> {
        let id: KeyId = file
            .strip_suffix(".jwk")
            .and_then(|id| id.parse().ok())
            .ok_or(AppError::NotFound("key"))?;
        let key = self
            .store
            .jwt_keys(org.id)
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or(AppError::NotFound("key"))?;
        self.published_jwk(org, &key)
    }

    /// The instance's JWK Set: every organization's JWT keys, retired ones included.
    pub async fn jwks(&self) -> AppResult<Value> {
        let orgs: HashMap<_, _> = self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let mut keys = Vec::new();
        for key in self.store.all_jwt_keys().await? {
            if let Some(org) = orgs.get(&key.org_id) {
                keys.push(self.published_jwk(org, &key)?);
            }
        }
        Ok(json!({ "keys": keys }))
    }

    /// Adds the organization's JWT keys to its DID document as `JsonWebKey` verification
    /// methods authorized for assertions. The two terms are defined in the document itself,
    /// so reading it needs no context beyond those it already names.
    pub(crate) async fn add_jwt_methods(
        &self,
        org: &Organization,
        doc: &mut Value,
    ) -> AppResult<()> {
        let keys = self.store.jwt_keys(org.id).await?;
        if keys.is_empty() {
            return Ok(());
        }
        let did = self.urls().issuer_did(&org.slug);
        for key in &keys {
            let id = self.jwt_key_method(org, key);
            let method = json!({
                "id": id,
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": self.published_jwk(org, key)?,
            });
            if let Some(list) = doc["verificationMethod"].as_array_mut() {
                list.push(method);
            }
            if let Some(list) = doc["assertionMethod"].as_array_mut() {
                list.push(json!(id));
            }
        }
        if let Some(contexts) = doc["@context"].as_array_mut() {
            contexts.push(json!({
                "JsonWebKey": "https://w3id.org/security#JsonWebKey",
                "publicKeyJwk": {"@id": "https://w3id.org/security#publicKeyJwk", "@type": "@json"},
            }));
        }
        Ok(())
    }

    /// The signed credential (its Data Integrity proof included) as the payload of an Open
    /// Badges 3.0 VC-JWT signed with its organization's current ES256 key.
    pub(crate) async fn credential_jwt(
        &self,
        award: &Award,
        credential: &Value,
    ) -> AppResult<String> {
        let org = self.org(award.org_id).await?;
        let (record, key) = self.jwt_signing_key(&org).await?;
        sign::sign_credential(credential, &key, &self.jwt_key_url(&org, &record))
            .map_err(|e| AppError::internal(format!("award {}", award.id), e))
    }
}
