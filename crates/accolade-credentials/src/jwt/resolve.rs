//! Finding the key of a VC-JWT (OB 3.0 profile) and proving it is the issuer's. The token
//! names its key by the `jwk` in the JOSE header or by `kid` (a DID URL, or a URL serving one
//! JWK or a JWK Set), but naming a key proves nothing: a signature counts only when its key
//! is shown to be the issuer's:
//! - a did:key issuer: the DID's own key;
//! - a did:web issuer: a key its DID document lists under `assertionMethod` (several issuers
//!   may share one host, so the host alone proves nothing);
//! - an issuer named by an https URL: a key published on the issuer's own origin (at the
//!   `kid` URL there, or in `{origin}/.well-known/jwks.json`).
//!
//! A header `jwk` counts only when it equals such a key.

use super::DecodedJwt;
use super::keys::{self, JwsKey};
use crate::did::{self, Fetch, ResolveError, ResolveOptions};
use crate::multikey::{EcPublicKey, VerificationKey};
use serde_json::Value;

/// Largest number of keys read from a JWK Set.
const MAX_JWKS_KEYS: usize = 32;

/// How the key is tied to the credential's issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuerLink {
    /// The issuer controls or publishes the key.
    Proven(String),
    /// The key is not shown to be the issuer's: it belongs to someone else, or nothing the
    /// issuer publishes confirms it.
    Foreign(String),
    /// What the issuer publishes could not be read, so the link could not be checked.
    Unreachable(String),
}

/// A key found for a token.
#[derive(Debug, Clone)]
pub struct FoundKey {
    pub key: JwsKey,
    /// Where the key was found, in plain words.
    pub source: String,
    pub link: IssuerLink,
}

/// Why no key could be found for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLookupError {
    /// True when a document was out of reach (then nothing is known either way).
    pub unreachable: bool,
    pub reason: String,
}

impl KeyLookupError {
    fn wrong(reason: impl Into<String>) -> Self {
        Self {
            unreachable: false,
            reason: reason.into(),
        }
    }
    fn from_resolve(e: &ResolveError, what: &str) -> Self {
        Self {
            unreachable: match e {
                ResolveError::Fetch(f) => !f.is_absent(),
                ResolveError::NotJson { .. } => true,
                _ => false,
            },
            reason: format!("{what}: {e}"),
        }
    }
}

/// `scheme://authority` of an http(s) URL.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty() && !authority.contains('@'))
        .then(|| format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Where an issuer named by URL publishes its JWT keys: `{origin}/.well-known/jwks.json`.
pub fn issuer_jwks_url(issuer: &str) -> Option<String> {
    origin(issuer).map(|o| format!("{o}/.well-known/jwks.json"))
}

fn fetch_json(fetch: &dyn Fetch, url: &str) -> Result<Value, KeyLookupError> {
    let doc = fetch
        .get(
            url,
            "application/jwk+json, application/jwk-set+json, application/json",
        )
        .map_err(|e| KeyLookupError {
            unreachable: !e.is_absent(),
            reason: e.to_string(),
        })?;
    crate::ijson::from_slice(&doc.body).map_err(|e| KeyLookupError {
        unreachable: false,
        reason: format!("{url} did not answer with strict JSON: {e}"),
    })
}

/// The keys of a JWK Set (or of a single JWK), with their `kid`.
fn jwks_keys(doc: &Value) -> Vec<(Option<String>, &Value)> {
    let list: Vec<&Value> = match doc.get("keys") {
        Some(Value::Array(keys)) => keys.iter().take(MAX_JWKS_KEYS).collect(),
        _ => vec![doc],
    };
    list.into_iter()
        .map(|k| (k.get("kid").and_then(Value::as_str).map(str::to_owned), k))
        .collect()
}

/// A DID document fetched for `did`, with ids made absolute.
struct DidDocument {
    url: String,
    doc: Value,
    did: String,
}

impl DidDocument {
    fn fetch(did: &str, fetch: &dyn Fetch, opts: &ResolveOptions) -> Result<Self, KeyLookupError> {
        let url = did::did_web_url(did, opts).map_err(|e| KeyLookupError::wrong(e.to_string()))?;
        let doc = fetch_json(fetch, &url)?;
        if doc.get("id").and_then(Value::as_str) != Some(did) {
            return Err(KeyLookupError::wrong(format!(
                "the DID document at {url} is not the document of {did}"
            )));
        }
        Ok(Self {
            url,
            doc,
            did: did.to_owned(),
        })
    }

    fn absolute(&self, id: &str) -> String {
        match id.starts_with('#') {
            true => format!("{}{id}", self.did),
            false => id.to_owned(),
        }
    }

    fn list(&self, name: &str) -> Vec<Value> {
        match self.doc.get(name) {
            Some(Value::Array(a)) => a.clone(),
            Some(v) => vec![v.clone()],
            None => Vec::new(),
        }
    }

    fn method_id(&self, m: &Value) -> Option<String> {
        m.as_str()
            .or_else(|| m.get("id").and_then(Value::as_str))
            .map(|id| self.absolute(id))
    }

    /// The verification methods listed under `assertionMethod` (by reference or embedded).
    fn assertion_methods(&self) -> Vec<Value> {
        let authorized: Vec<String> = self
            .list("assertionMethod")
            .iter()
            .filter_map(|m| self.method_id(m))
            .collect();
        self.list("verificationMethod")
            .into_iter()
            .chain(self.list("assertionMethod"))
            .filter(|m| m.is_object())
            .filter(|m| self.method_id(m).is_some_and(|id| authorized.contains(&id)))
            .collect()
    }

    /// The JWT keys of the assertion methods usable with `alg`.
    fn assertion_keys(&self, alg: &str) -> Vec<JwsKey> {
        self.assertion_methods()
            .iter()
            .filter_map(|m| m.get("publicKeyJwk"))
            .filter(|jwk| keys::jwk_allows(jwk, alg).is_ok())
            .take(MAX_JWKS_KEYS)
            .filter_map(|jwk| JwsKey::from_jwk(jwk).ok())
            .chain(
                self.assertion_methods()
                    .iter()
                    .filter_map(|m| m.get("publicKeyMultibase").and_then(Value::as_str))
                    .filter_map(|mb| VerificationKey::from_multibase(mb).ok())
                    .filter_map(|k| jws_key(k).ok())
                    .filter(|k| {
                        matches!(
                            (alg, k),
                            ("EdDSA" | "Ed25519", JwsKey::Ed25519(_)) | ("ES256", JwsKey::P256(_))
                        )
                    }),
            )
            .take(MAX_JWKS_KEYS)
            .collect()
    }
}

/// A Data Integrity verification key as a key that checks JWS signatures.
fn jws_key(key: VerificationKey) -> Result<JwsKey, KeyLookupError> {
    match key {
        VerificationKey::Ed25519(k) => Ok(JwsKey::Ed25519(k)),
        VerificationKey::Ecdsa(EcPublicKey::P256(k)) => Ok(JwsKey::P256(k)),
        VerificationKey::Ecdsa(EcPublicKey::P384(_)) => Err(KeyLookupError::wrong(
            "P-384 keys cannot check a VC-JWT here (ES384 is not supported)",
        )),
    }
}

/// The key of a did:key DID.
fn did_key(did: &str, fetch: &dyn Fetch, opts: &ResolveOptions) -> Result<JwsKey, KeyLookupError> {
    let method = did.split('#').next().unwrap_or(did);
    let resolved = did::resolve_key(method, fetch, opts).map_err(|e| {
        KeyLookupError::from_resolve(&e, "the did:key identifier holds no usable key")
    })?;
    jws_key(resolved.key)
}

/// The JWT keys the issuer publishes (see the module comment), and where.
fn issuer_keys(
    issuer: &str,
    alg: &str,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<(String, Vec<JwsKey>), KeyLookupError> {
    if issuer.starts_with("did:key:") {
        let key = did_key(issuer, fetch, opts)?;
        return Ok(("the did:key identifier".into(), vec![key]));
    }
    if issuer.starts_with("did:web:") {
        let doc = DidDocument::fetch(issuer, fetch, opts)?;
        let found = doc.assertion_keys(alg);
        return Ok((doc.url, found));
    }
    if issuer.starts_with("did:") {
        return Err(KeyLookupError::wrong(format!(
            "the issuer's DID method is not supported ({issuer})"
        )));
    }
    let url = issuer_jwks_url(issuer).ok_or_else(|| {
        KeyLookupError::wrong(format!(
            "the issuer {issuer} has no web address to publish keys at"
        ))
    })?;
    let doc = fetch_json(fetch, &url)?;
    let found = jwks_keys(&doc)
        .into_iter()
        .filter(|(_, k)| keys::jwk_allows(k, alg).is_ok())
        .filter_map(|(_, k)| JwsKey::from_jwk(k).ok())
        .collect();
    Ok((url, found))
}

/// Whether `key` is one the issuer publishes; `carried` says where the key came from.
fn published_link(
    key: &JwsKey,
    carried: &str,
    alg: &str,
    issuer: Option<&str>,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> IssuerLink {
    let Some(issuer) = issuer else {
        return IssuerLink::Foreign(
            "the credential names no issuer to compare the key with".into(),
        );
    };
    match issuer_keys(issuer, alg, fetch, opts) {
        Ok((url, published)) if published.iter().any(|k| k.same_as(key)) => {
            IssuerLink::Proven(format!("the issuer {issuer} publishes this key at {url}"))
        }
        Ok((url, _)) => IssuerLink::Foreign(format!(
            "{carried}, and it is not among the keys the issuer {issuer} publishes at {url}"
        )),
        Err(e) if e.unreachable => IssuerLink::Unreachable(format!(
            "{carried}, and the issuer's published keys could not be read to confirm it ({})",
            e.reason
        )),
        Err(e) => IssuerLink::Foreign(format!(
            "{carried}, and the issuer publishes no keys that confirm it ({})",
            e.reason
        )),
    }
}

/// The candidate keys for `jwt`, issued by `issuer`. Several only when the token names no key
/// and the issuer publishes several.
pub fn find_keys(
    jwt: &DecodedJwt,
    issuer: Option<&str>,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<Vec<FoundKey>, KeyLookupError> {
    let alg = jwt.alg();
    if let Some(jwk) = jwt.header.get("jwk") {
        keys::jwk_allows(jwk, alg).map_err(|e| KeyLookupError::wrong(e.to_string()))?;
        let key = JwsKey::from_jwk(jwk).map_err(|e| KeyLookupError::wrong(e.to_string()))?;
        let carried = "the key travels inside the token itself";
        // A key the token brings proves nothing on its own: even when the issuer's keys
        // cannot be read, it is not the issuer's until shown to be.
        let link = match published_link(&key, carried, alg, issuer, fetch, opts) {
            IssuerLink::Unreachable(why) => IssuerLink::Foreign(why),
            link => link,
        };
        return Ok(vec![FoundKey {
            source: format!("a {} key carried in the token's header", key.kind()),
            key,
            link,
        }]);
    }
    if let Some(kid) = jwt.header.get("kid").and_then(Value::as_str) {
        return by_kid(kid, alg, issuer, fetch, opts).map(|k| vec![k]);
    }
    let issuer = issuer.ok_or_else(|| {
        KeyLookupError::wrong("the token names no key and the credential no issuer")
    })?;
    let (url, published) = issuer_keys(issuer, alg, fetch, opts).map_err(|e| KeyLookupError {
        reason: format!(
            "the token names no key ('kid' or 'jwk'), and the issuer's keys could not be read: {}",
            e.reason
        ),
        ..e
    })?;
    if published.is_empty() {
        return Err(KeyLookupError::wrong(format!(
            "the issuer publishes no {alg} key at {url}"
        )));
    }
    Ok(published
        .into_iter()
        .map(|key| FoundKey {
            key,
            source: format!("published by the issuer at {url}"),
            link: IssuerLink::Proven(format!("the issuer publishes this key at {url}")),
        })
        .collect())
}

fn link_for(owner: &str, issuer: Option<&str>) -> IssuerLink {
    match issuer {
        Some(i) if i == owner => IssuerLink::Proven(format!("the key belongs to the issuer {i}")),
        Some(i) => {
            IssuerLink::Foreign(format!("the key belongs to {owner}, not to the issuer {i}"))
        }
        None => {
            IssuerLink::Foreign("the credential names no issuer to compare the key with".into())
        }
    }
}

fn by_kid(
    kid: &str,
    alg: &str,
    issuer: Option<&str>,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<FoundKey, KeyLookupError> {
    if kid.starts_with("did:") {
        return match did::resolve_key(kid, fetch, opts) {
            Ok(r) => Ok(FoundKey {
                key: jws_key(r.key)?,
                source: format!("key {} {}", r.method_id, r.source),
                link: link_for(&r.controller, issuer),
            }),
            Err(ResolveError::NoPublicKey(_)) if kid.starts_with("did:web:") => {
                did_web_jwk(kid, alg, issuer, fetch, opts)
            }
            Err(e) => Err(KeyLookupError::from_resolve(
                &e,
                "the signing key could not be found",
            )),
        };
    }
    let kid_origin = origin(kid).ok_or_else(|| {
        KeyLookupError::wrong(format!(
            "the key id {kid:?} is neither a DID nor a web address"
        ))
    })?;
    let base = kid.split('#').next().unwrap_or(kid);
    let doc = fetch_json(fetch, base).map_err(|e| KeyLookupError {
        reason: format!("the signing key could not be found: {}", e.reason),
        ..e
    })?;
    let listed = jwks_keys(&doc);
    let jwk = match listed.as_slice() {
        [(_, only)] => *only,
        many => many
            .iter()
            .find(|(id, _)| {
                id.as_deref()
                    .is_some_and(|id| id == kid || Some(id) == kid.split_once('#').map(|(_, f)| f))
            })
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                KeyLookupError::wrong(format!("the key {kid} is not in the key set at {base}"))
            })?,
    };
    keys::jwk_allows(jwk, alg).map_err(|e| KeyLookupError::wrong(e.to_string()))?;
    let key = JwsKey::from_jwk(jwk).map_err(|e| KeyLookupError::wrong(e.to_string()))?;
    // An issuer named by URL owns its origin: a key published there is its key.
    let own_origin = issuer.is_some_and(|i| {
        !i.starts_with("did:") && origin(i).as_deref() == Some(kid_origin.as_str())
    });
    let link = match own_origin {
        true => IssuerLink::Proven(format!(
            "the key is published on the issuer's own site ({kid_origin})"
        )),
        false => published_link(
            &key,
            &format!("the key is published at {kid_origin}"),
            alg,
            issuer,
            fetch,
            opts,
        ),
    };
    Ok(FoundKey {
        key,
        source: format!("key {kid} published at {base}"),
        link,
    })
}

/// A did:web verification method given as `publicKeyJwk` of any supported type.
fn did_web_jwk(
    kid: &str,
    alg: &str,
    issuer: Option<&str>,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<FoundKey, KeyLookupError> {
    let did = kid.split('#').next().unwrap_or(kid);
    let doc = DidDocument::fetch(did, fetch, opts)?;
    let vm = doc
        .assertion_methods()
        .into_iter()
        .find(|m| doc.method_id(m).as_deref() == Some(kid))
        .ok_or_else(|| {
            KeyLookupError::wrong(format!(
                "the key {kid} is not authorized for assertions by its DID document"
            ))
        })?;
    let jwk = vm
        .get("publicKeyJwk")
        .ok_or_else(|| KeyLookupError::wrong(format!("the key {kid} has no publicKeyJwk")))?;
    keys::jwk_allows(jwk, alg).map_err(|e| KeyLookupError::wrong(e.to_string()))?;
    let key = JwsKey::from_jwk(jwk).map_err(|e| KeyLookupError::wrong(e.to_string()))?;
    let controller = vm
        .get("controller")
        .and_then(Value::as_str)
        .map_or_else(|| did.to_owned(), |c| doc.absolute(c));
    Ok(FoundKey {
        key,
        source: format!("key {kid} published in the DID document {}", doc.url),
        link: link_for(&controller, issuer),
    })
}
