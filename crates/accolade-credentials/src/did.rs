//! Resolving verification methods: did:key locally, did:web and `https://` key URLs through
//! the [`Fetch`] trait. This crate never opens a connection itself.

use std::fmt;

/// A document fetched over HTTP(S) by an implementation of [`Fetch`].
#[derive(Debug, Clone)]
pub struct FetchedDocument {
    /// The final URL after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a fetch did not produce a document.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// Refused by policy before connecting (private address, scheme, offline mode...).
    #[error("refused to fetch {url}: {reason}")]
    Refused { url: String, reason: String },
    #[error("could not fetch {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url} sent more than {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("{url} did not answer in time")]
    Timeout { url: String },
}

impl FetchError {
    /// True when the server answered that the document does not exist (404, 410): the
    /// document is known to be absent, as opposed to out of reach.
    pub fn is_absent(&self) -> bool {
        matches!(
            self,
            Self::Status {
                status: 404 | 410,
                ..
            }
        )
    }
}

/// Fetches documents for the verifier (DID documents, key documents, status lists).
/// Implementations must refuse private, loopback and link-local addresses unless told
/// otherwise, bound time and size, and re-check every redirect.
pub trait Fetch: Send + Sync {
    fn get(&self, url: &str, accept: &str) -> Result<FetchedDocument, FetchError>;
}

/// A fetcher that refuses everything: for fully offline verification.
#[derive(Debug, Default, Clone, Copy)]
pub struct Offline;

impl Fetch for Offline {
    fn get(&self, url: &str, _accept: &str) -> Result<FetchedDocument, FetchError> {
        Err(FetchError::Refused {
            url: url.to_owned(),
            reason: "offline mode".to_owned(),
        })
    }
}

impl fmt::Display for FetchedDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} bytes)", self.url, self.body.len())
    }
}

use crate::multikey::{EcPublicKey, PublicKey, VerificationKey};
use serde_json::Value;

/// A key found for a verification method, with who controls it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    pub key: VerificationKey,
    /// The verification method id as resolved (absolute).
    pub method_id: String,
    /// The controller named by the method (a DID or URL); must equal the issuer.
    pub controller: String,
    /// How the key was found, in plain words (for the report).
    pub source: String,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("the verification method {0:?} is not a URL or DID")]
    NotAUri(String),
    #[error("the DID method of {0:?} is not supported (did:key and did:web are)")]
    UnsupportedDidMethod(String),
    #[error(
        "the verification method scheme of {0:?} is not supported (did:, https: and http: are)"
    )]
    UnsupportedScheme(String),
    #[error("{0:?} is not a valid did:web identifier")]
    BadDidWeb(String),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("the document at {url} is not valid JSON")]
    NotJson { url: String },
    #[error("the DID document at {url} has id {found:?}, not {expected:?}")]
    WrongDocumentId {
        url: String,
        expected: String,
        found: String,
    },
    #[error("the key {0} is not listed in its controller document")]
    MethodNotFound(String),
    #[error("the key {0} is not authorized for assertionMethod by its controller")]
    NotAssertionMethod(String),
    #[error(
        "the key {0} has no usable public key (publicKeyMultibase Ed25519/P-256/P-384 Multikey, or an OKP Ed25519 or EC P-256/P-384 publicKeyJwk)"
    )]
    NoPublicKey(String),
    #[error("the JWK of {method} says it is for {alg}, which is not the algorithm of its key")]
    JwkAlgMismatch { method: String, alg: String },
    #[error("bad key: {0}")]
    Key(#[from] crate::multikey::KeyError),
}

/// Resolution settings.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// Resolve did:web DIDs of loopback hosts (`localhost`, `127.0.0.1`, `[::1]`) over plain
    /// http, for local development and tests. The fetcher must still allow loopback.
    pub http_for_loopback: bool,
}

/// Finds the public key of a verification method.
pub fn resolve_key(
    method: &str,
    fetch: &dyn Fetch,
    options: &ResolveOptions,
) -> Result<ResolvedKey, ResolveError> {
    let (scheme, _) = method
        .split_once(':')
        .ok_or_else(|| ResolveError::NotAUri(method.into()))?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return Err(ResolveError::NotAUri(method.into()));
    }
    if let Some(rest) = method.strip_prefix("did:key:") {
        return resolve_did_key(method, rest);
    }
    if method.starts_with("did:web:") {
        return resolve_did_web(method, fetch, options);
    }
    if method.starts_with("did:") {
        return Err(ResolveError::UnsupportedDidMethod(method.into()));
    }
    if scheme == "https" || scheme == "http" {
        return resolve_url(method, fetch);
    }
    Err(ResolveError::UnsupportedScheme(method.into()))
}

fn resolve_did_key(method: &str, rest: &str) -> Result<ResolvedKey, ResolveError> {
    let (id, fragment) = match rest.split_once('#') {
        Some((id, f)) => (id, Some(f)),
        None => (rest, None),
    };
    if fragment.is_some_and(|f| f != id) {
        return Err(ResolveError::MethodNotFound(method.into()));
    }
    let key = VerificationKey::from_multibase(id)?;
    let did = format!("did:key:{id}");
    Ok(ResolvedKey {
        key,
        method_id: format!("{did}#{id}"),
        controller: did,
        source: "derived from the did:key identifier itself".into(),
    })
}

/// `did:web:example.com:issuers:1` → `https://example.com/issuers/1/did.json`.
pub fn did_web_url(did: &str, options: &ResolveOptions) -> Result<String, ResolveError> {
    let bad = || ResolveError::BadDidWeb(did.into());
    let rest = did.strip_prefix("did:web:").ok_or_else(bad)?;
    let mut parts = rest.split(':');
    let host = parts
        .next()
        .filter(|h| !h.is_empty())
        .ok_or_else(bad)?
        .replace("%3A", ":")
        .replace("%3a", ":");
    let host_ok = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if !host_ok {
        return Err(bad());
    }
    let path: Vec<&str> = parts.collect();
    if path
        .iter()
        .any(|p| p.is_empty() || p.contains(['/', '?', '#', '%']) || *p == "." || *p == "..")
    {
        return Err(bad());
    }
    let hostname = host
        .rsplit_once(':')
        .filter(|(h, p)| !h.ends_with(']') || p.is_empty())
        .map_or(host.as_str(), |(h, _)| h);
    let loopback = matches!(hostname, "localhost" | "127.0.0.1" | "[::1]");
    let scheme = if loopback && options.http_for_loopback {
        "http"
    } else {
        "https"
    };
    Ok(if path.is_empty() {
        format!("{scheme}://{host}/.well-known/did.json")
    } else {
        format!("{scheme}://{host}/{}/did.json", path.join("/"))
    })
}

fn fetch_json(fetch: &dyn Fetch, url: &str, accept: &str) -> Result<Value, ResolveError> {
    let doc = fetch.get(url, accept)?;
    crate::ijson::from_slice(&doc.body).map_err(|_| ResolveError::NotJson { url: url.into() })
}

fn resolve_did_web(
    method: &str,
    fetch: &dyn Fetch,
    options: &ResolveOptions,
) -> Result<ResolvedKey, ResolveError> {
    let did = method.split('#').next().unwrap_or(method);
    let url = did_web_url(did, options)?;
    let doc = fetch_json(fetch, &url, "application/did+json, application/json")?;
    let found = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    if found != did {
        return Err(ResolveError::WrongDocumentId {
            url,
            expected: did.into(),
            found: found.into(),
        });
    }
    let method_id = if method.contains('#') {
        method.to_owned()
    } else {
        first_assertion_method(&doc, did)
            .ok_or_else(|| ResolveError::MethodNotFound(method.into()))?
    };
    key_from_controller_document(
        &doc,
        did,
        &method_id,
        format!("published in the DID document {url}"),
    )
}

fn resolve_url(method: &str, fetch: &dyn Fetch) -> Result<ResolvedKey, ResolveError> {
    let base = method.split('#').next().unwrap_or(method);
    let doc = fetch_json(fetch, base, "application/ld+json, application/json")?;
    if method.contains('#') {
        // The controller document (an issuer profile or similar) lists the method.
        return key_from_controller_document(&doc, base, method, format!("published by {base}"));
    }
    // A document that is itself the verification method.
    let controller = doc
        .get("controller")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if doc.get("id").and_then(Value::as_str) != Some(method) {
        return Err(ResolveError::MethodNotFound(method.into()));
    }
    let key = public_key_of(&doc, method)?;
    Ok(ResolvedKey {
        key,
        method_id: method.into(),
        controller,
        source: format!("published at {base}"),
    })
}

/// Resolves a possibly relative (`#key-1`) method reference against the document id.
fn absolute(reference: &str, base: &str) -> String {
    if reference.starts_with('#') {
        format!("{base}{reference}")
    } else {
        reference.to_owned()
    }
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    }
}

fn first_assertion_method(doc: &Value, base: &str) -> Option<String> {
    as_list(doc.get("assertionMethod"))
        .into_iter()
        .find_map(|m| match m {
            Value::String(s) => Some(absolute(s, base)),
            Value::Object(o) => o
                .get("id")
                .and_then(Value::as_str)
                .map(|s| absolute(s, base)),
            _ => None,
        })
}

fn key_from_controller_document(
    doc: &Value,
    base: &str,
    method_id: &str,
    source: String,
) -> Result<ResolvedKey, ResolveError> {
    let doc_id = doc.get("id").and_then(Value::as_str).unwrap_or(base);
    let matches = |m: &Value| {
        m.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| absolute(id, doc_id) == method_id)
    };
    let assertion = as_list(doc.get("assertionMethod"));
    let authorized = assertion.iter().any(|m| match m {
        Value::String(s) => absolute(s, doc_id) == method_id,
        other => matches(other),
    });
    if !authorized {
        let listed = as_list(doc.get("verificationMethod"))
            .into_iter()
            .any(&matches);
        return Err(if listed {
            ResolveError::NotAssertionMethod(method_id.into())
        } else {
            ResolveError::MethodNotFound(method_id.into())
        });
    }
    let vm = as_list(doc.get("verificationMethod"))
        .into_iter()
        .chain(assertion.iter().copied())
        .find(|m| m.is_object() && matches(m))
        .ok_or_else(|| ResolveError::MethodNotFound(method_id.into()))?;
    let key = public_key_of(vm, method_id)?;
    let controller = vm
        .get("controller")
        .and_then(Value::as_str)
        .map_or_else(|| doc_id.to_owned(), |c| absolute(c, doc_id));
    Ok(ResolvedKey {
        key,
        method_id: method_id.into(),
        controller,
        source,
    })
}

fn public_key_of(vm: &Value, method_id: &str) -> Result<VerificationKey, ResolveError> {
    if let Some(mb) = vm.get("publicKeyMultibase").and_then(Value::as_str) {
        return Ok(VerificationKey::from_multibase(mb)?);
    }
    let Some(jwk) = vm.get("publicKeyJwk") else {
        return Err(ResolveError::NoPublicKey(method_id.into()));
    };
    let field = |k: &str| jwk.get(k).and_then(Value::as_str);
    let (key, alg) = match field("kty") {
        Some("OKP") if field("crv") == Some("Ed25519") => {
            use base64::Engine as _;
            if jwk.get("d").is_some() {
                return Err(crate::multikey::KeyError::PrivateJwk.into());
            }
            let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(field("x").unwrap_or_default())
                .map_err(|_| ResolveError::NoPublicKey(method_id.into()))?;
            (
                VerificationKey::Ed25519(PublicKey::from_bytes(&raw)?),
                "EdDSA",
            )
        }
        Some("EC") => {
            let key = EcPublicKey::from_jwk(jwk)?;
            let alg = match key.curve() {
                crate::multikey::Curve::P256 => "ES256",
                crate::multikey::Curve::P384 => "ES384",
            };
            (VerificationKey::Ecdsa(key), alg)
        }
        _ => return Err(ResolveError::NoPublicKey(method_id.into())),
    };
    // A JWK that names an algorithm is pinned to it; one naming another algorithm than its
    // key's is not used at all.
    match field("alg") {
        Some(a) if a != alg => Err(ResolveError::JwkAlgMismatch {
            method: method_id.into(),
            alg: a.into(),
        }),
        _ => Ok(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Answers from a fixed set of documents (fixtures for hosts that do not exist here).
    struct Fixtures(HashMap<String, String>);
    impl Fetch for Fixtures {
        fn get(&self, url: &str, _: &str) -> Result<FetchedDocument, FetchError> {
            self.0
                .get(url)
                .map(|b| FetchedDocument {
                    url: url.into(),
                    content_type: None,
                    body: b.clone().into_bytes(),
                })
                .ok_or(FetchError::Status {
                    url: url.into(),
                    status: 404,
                })
        }
    }

    const PK: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

    #[test]
    fn did_web_urls() {
        let o = ResolveOptions::default();
        assert_eq!(
            did_web_url("did:web:example.com", &o).unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:example.com:issuers:acme", &o).unwrap(),
            "https://example.com/issuers/acme/did.json"
        );
        assert_eq!(
            did_web_url("did:web:localhost%3A8080:issuers:a", &o).unwrap(),
            "https://localhost:8080/issuers/a/did.json"
        );
        let dev = ResolveOptions {
            http_for_loopback: true,
        };
        assert_eq!(
            did_web_url("did:web:localhost%3A8080:issuers:a", &dev).unwrap(),
            "http://localhost:8080/issuers/a/did.json"
        );
        assert_eq!(
            did_web_url("did:web:example.com%3A8080", &dev).unwrap(),
            "https://example.com:8080/.well-known/did.json"
        );
        for bad in [
            "did:web:",
            "did:web:ex ample.com",
            "did:web:example.com:..:x",
            "did:web:exämple.com",
            "did:web:a.com:x%2Fy",
        ] {
            assert!(did_web_url(bad, &o).is_err(), "{bad}");
        }
    }

    #[test]
    fn did_key_is_local() {
        let r = resolve_key(
            &format!("did:key:{PK}#{PK}"),
            &Offline,
            &ResolveOptions::default(),
        )
        .unwrap();
        assert_eq!(r.controller, format!("did:key:{PK}"));
        assert_eq!(r.key.to_multibase(), PK);
        assert!(
            resolve_key(
                &format!("did:key:{PK}#other"),
                &Offline,
                &ResolveOptions::default()
            )
            .is_err()
        );
    }

    fn did_doc(did: &str, listed_for_assertion: bool) -> String {
        let vm = format!("{did}#key-1");
        serde_json::json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": PK}],
            "assertionMethod": if listed_for_assertion { vec![vm] } else { vec![] },
        }).to_string()
    }

    #[test]
    fn did_web_checks_document_and_purpose() {
        let did = "did:web:example.com:issuers:acme";
        let url = "https://example.com/issuers/acme/did.json".to_string();
        let o = ResolveOptions::default();
        let ok = Fixtures(HashMap::from([(url.clone(), did_doc(did, true))]));
        let r = resolve_key(&format!("{did}#key-1"), &ok, &o).unwrap();
        assert_eq!(r.controller, did);
        let not_assert = Fixtures(HashMap::from([(url.clone(), did_doc(did, false))]));
        assert_eq!(
            resolve_key(&format!("{did}#key-1"), &not_assert, &o).unwrap_err(),
            ResolveError::NotAssertionMethod(format!("{did}#key-1"))
        );
        let wrong_id = Fixtures(HashMap::from([(
            url,
            did_doc("did:web:evil.example", true),
        )]));
        assert!(matches!(
            resolve_key(&format!("{did}#key-1"), &wrong_id, &o),
            Err(ResolveError::WrongDocumentId { .. })
        ));
        assert!(matches!(
            resolve_key(&format!("{did}#key-1"), &Offline, &o),
            Err(ResolveError::Fetch(_))
        ));
    }

    #[test]
    fn ecdsa_keys_resolve_from_did_key_multikey_and_jwk() {
        use crate::multikey::{Curve, EcKeyPair};
        let o = ResolveOptions::default();
        for curve in [Curve::P256, Curve::P384] {
            let pair = EcKeyPair::generate(curve).unwrap();
            let r =
                resolve_key(&pair.public().did_key_verification_method(), &Offline, &o).unwrap();
            assert_eq!(r.key, VerificationKey::Ecdsa(pair.public()));
            assert_eq!(r.controller, pair.public().did_key());
            // The same key as an EC JWK in a DID document; a JWK pinned to another
            // algorithm, or carrying its private part, is not used.
            let did = "did:web:example.com";
            let url = "https://example.com/.well-known/did.json".to_string();
            let point = match &pair {
                EcKeyPair::P256(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
                EcKeyPair::P384(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            };
            let n = curve.scalar_len();
            let b64 = |b: &[u8]| {
                use base64::Engine as _;
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
            };
            let doc = |jwk: serde_json::Value| {
                Fixtures(HashMap::from([(url.clone(), serde_json::json!({
                    "id": did,
                    "verificationMethod": [{"id": format!("{did}#k"), "type": "JsonWebKey", "controller": did, "publicKeyJwk": jwk}],
                    "assertionMethod": [format!("{did}#k")],
                }).to_string())]))
            };
            let jwk = serde_json::json!({"kty": "EC", "crv": curve.name(), "x": b64(&point[1..1 + n]), "y": b64(&point[1 + n..])});
            let r = resolve_key(&format!("{did}#k"), &doc(jwk.clone()), &o).unwrap();
            assert_eq!(r.key, VerificationKey::Ecdsa(pair.public()));
            let mut pinned = jwk.clone();
            pinned["alg"] = serde_json::json!(if curve == Curve::P256 {
                "ES256"
            } else {
                "ES384"
            });
            assert!(resolve_key(&format!("{did}#k"), &doc(pinned), &o).is_ok());
            let mut other_alg = jwk.clone();
            other_alg["alg"] = serde_json::json!("EdDSA");
            assert!(matches!(
                resolve_key(&format!("{did}#k"), &doc(other_alg), &o),
                Err(ResolveError::JwkAlgMismatch { .. })
            ));
            let mut private = jwk.clone();
            private["d"] = serde_json::json!(b64(&[1; 32]));
            assert!(resolve_key(&format!("{did}#k"), &doc(private), &o).is_err());
        }
    }

    #[test]
    fn unknown_forms_are_refused() {
        let o = ResolveOptions::default();
        assert!(matches!(
            resolve_key(PK, &Offline, &o),
            Err(ResolveError::NotAUri(_))
        ));
        assert!(matches!(
            resolve_key(&format!("xxx:{PK}"), &Offline, &o),
            Err(ResolveError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            resolve_key(&format!("did:example:{PK}"), &Offline, &o),
            Err(ResolveError::UnsupportedDidMethod(_))
        ));
    }
}
