//! Finding the key of a VC-JWT (OB 3.0 profile): the `jwk` in the JOSE header, or the `kid`
//! (a DID URL, or a URL serving one JWK or a JWK Set), and whether that key is the issuer's.
//! Several issuers may share one host (`did:web:host:issuers:a`, `…:b`), so for a did:web
//! with a path the host proves nothing: its DID document must list the key, or the key must
//! be published in the DID document's own folder.

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
    /// The key belongs to someone other than the issuer.
    Foreign(String),
    /// Nothing ties the key to the issuer (a key carried inside the token itself).
    Unproven(String),
}

/// A key found for a token.
#[derive(Debug, Clone)]
pub struct FoundKey {
    pub key: JwsKey,
    /// Where the key was found, in plain words.
    pub source: String,
    pub link: IssuerLink,
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

/// The origin an issuer publishes from: its URL's, or its did:web host's.
fn issuer_origin(issuer: &str, opts: &ResolveOptions) -> Option<String> {
    if issuer.starts_with("did:web:") {
        let url = did::did_web_url(issuer, opts).ok()?;
        return origin(&url);
    }
    origin(issuer)
}

/// Where an issuer publishes its JWT keys: `{origin}/.well-known/jwks.json`.
pub fn issuer_jwks_url(issuer: &str, opts: &ResolveOptions) -> Option<String> {
    issuer_origin(issuer, opts).map(|o| format!("{o}/.well-known/jwks.json"))
}

fn fetch_json(fetch: &dyn Fetch, url: &str) -> Result<Value, String> {
    let doc = fetch
        .get(
            url,
            "application/jwk+json, application/jwk-set+json, application/json",
        )
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&doc.body).map_err(|_| format!("{url} did not answer with JSON"))
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

/// True for a did:web naming a whole host (`did:web:example.com`), whose controller owns
/// every URL on that host. A DID with a path (`did:web:example.com:issuers:acme`) may share
/// its host with other issuers, so the host alone proves nothing about its keys.
fn whole_host_did(issuer: &str) -> bool {
    issuer
        .strip_prefix("did:web:")
        .is_some_and(|rest| !rest.contains(':'))
}

/// The keys a did:web DID document authorizes for assertions as `publicKeyJwk`.
fn did_document_keys(
    did: &str,
    alg: &str,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<(String, Vec<JwsKey>), String> {
    let url = did::did_web_url(did, opts).map_err(|e| e.to_string())?;
    let doc = fetch_json(fetch, &url)?;
    if doc.get("id").and_then(Value::as_str) != Some(did) {
        return Err(format!(
            "the DID document at {url} is not the document of {did}"
        ));
    }
    let absolute = |id: &str| {
        if id.starts_with('#') {
            format!("{did}{id}")
        } else {
            id.to_owned()
        }
    };
    let list = |name: &str| match doc.get(name) {
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
        None => Vec::new(),
    };
    let method_id = |m: &Value| {
        m.as_str()
            .or_else(|| m.get("id").and_then(Value::as_str))
            .map(absolute)
    };
    let authorized: Vec<String> = list("assertionMethod")
        .iter()
        .filter_map(method_id)
        .collect();
    let found = list("verificationMethod")
        .into_iter()
        .chain(list("assertionMethod"))
        .filter(|m| method_id(m).is_some_and(|id| authorized.contains(&id)))
        .filter_map(|m| m.get("publicKeyJwk").cloned())
        .filter(|jwk| keys::jwk_allows(jwk, alg).is_ok())
        .take(MAX_JWKS_KEYS)
        .filter_map(|jwk| JwsKey::from_jwk(&jwk).ok())
        .collect();
    Ok((url, found))
}

/// The JWT keys the issuer publishes: those its did:web DID document authorizes for
/// assertions; for an issuer named by URL (or a did:web of a whole host), the JWK Set at
/// `{origin}/.well-known/jwks.json` too.
fn issuer_keys(
    issuer: &str,
    alg: &str,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<(String, Vec<JwsKey>), String> {
    let mut places = Vec::new();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    if issuer.starts_with("did:web:") {
        match did_document_keys(issuer, alg, fetch, opts) {
            Ok((url, keys)) => {
                places.push(url);
                found.extend(keys);
            }
            Err(e) => errors.push(e),
        }
    }
    if !issuer.starts_with("did:") || whole_host_did(issuer) {
        let url = issuer_jwks_url(issuer, opts)
            .ok_or_else(|| format!("the issuer {issuer} has no web address to publish keys at"))?;
        match fetch_json(fetch, &url) {
            Ok(doc) => {
                places.push(url);
                found.extend(
                    jwks_keys(&doc)
                        .into_iter()
                        .filter(|(_, k)| keys::jwk_allows(k, alg).is_ok())
                        .filter_map(|(_, k)| JwsKey::from_jwk(k).ok()),
                );
            }
            Err(e) => errors.push(e),
        }
    }
    if places.is_empty() {
        return Err(match errors.is_empty() {
            true => format!("the issuer {issuer} publishes no JWT keys that can be read"),
            false => errors.join("; "),
        });
    }
    Ok((places.join(" and "), found))
}

/// The candidate keys for `jwt`, issued by `issuer`. Several only when the token names no key
/// and the issuer publishes several (in its DID document or JWK Set).
pub fn find_keys(
    jwt: &DecodedJwt,
    issuer: Option<&str>,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<Vec<FoundKey>, String> {
    let alg = jwt.alg();
    if let Some(jwk) = jwt.header.get("jwk") {
        keys::jwk_allows(jwk, alg).map_err(|e| e.to_string())?;
        let key = JwsKey::from_jwk(jwk).map_err(|e| e.to_string())?;
        let link = match issuer.map(|i| issuer_keys(i, alg, fetch, opts)) {
            Some(Ok((url, published))) if published.iter().any(|k| k.same_as(&key)) => {
                IssuerLink::Proven(format!("the issuer publishes this key at {url}"))
            }
            Some(Ok((url, _))) => IssuerLink::Unproven(format!(
                "the key travels inside the token and is not among the issuer's keys at {url}"
            )),
            Some(Err(why)) => IssuerLink::Unproven(format!(
                "the key travels inside the token and the issuer's published keys could not be read ({why})"
            )),
            None => IssuerLink::Unproven("the key travels inside the token".into()),
        };
        return Ok(vec![FoundKey {
            key,
            source: format!(
                "a {} key carried in the token's header",
                JwsKey::from_jwk(jwk).map(|k| k.kind()).unwrap_or("")
            ),
            link,
        }]);
    }
    if let Some(kid) = jwt.header.get("kid").and_then(Value::as_str) {
        return by_kid(kid, alg, issuer, fetch, opts).map(|k| vec![k]);
    }
    let issuer = issuer.ok_or("the token names no key and the credential no issuer")?;
    let (url, published) = issuer_keys(issuer, alg, fetch, opts)
        .map_err(|why| format!("the token names no key ('kid' or 'jwk'), and the issuer's keys could not be read: {why}"))?;
    if published.is_empty() {
        return Err(format!("the issuer publishes no {alg} key at {url}"));
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
) -> Result<FoundKey, String> {
    if kid.starts_with("did:") {
        return match did::resolve_key(kid, fetch, opts) {
            Ok(r) => Ok(FoundKey {
                key: match r.key {
                    VerificationKey::Ed25519(k) => JwsKey::Ed25519(k),
                    VerificationKey::Ecdsa(EcPublicKey::P256(k)) => JwsKey::P256(k),
                    VerificationKey::Ecdsa(EcPublicKey::P384(_)) => {
                        return Err(
                            "P-384 keys cannot check a VC-JWT here (ES384 is not supported)".into(),
                        );
                    }
                },
                source: format!("key {} {}", r.method_id, r.source),
                link: link_for(&r.controller, issuer),
            }),
            Err(ResolveError::NoPublicKey(_)) if kid.starts_with("did:web:") => {
                did_web_jwk(kid, alg, issuer, fetch, opts)
            }
            Err(e) => Err(format!("the signing key could not be found: {e}")),
        };
    }
    let kid_origin = origin(kid)
        .ok_or_else(|| format!("the key id {kid:?} is neither a DID nor a web address"))?;
    let base = kid.split('#').next().unwrap_or(kid);
    let doc =
        fetch_json(fetch, base).map_err(|e| format!("the signing key could not be found: {e}"))?;
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
            .ok_or_else(|| format!("the key {kid} is not in the key set at {base}"))?,
    };
    keys::jwk_allows(jwk, alg).map_err(|e| e.to_string())?;
    let key = JwsKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let link = url_key_link(kid, &kid_origin, &key, alg, issuer, fetch, opts);
    Ok(FoundKey {
        key,
        source: format!("key {kid} published at {base}"),
        link,
    })
}

/// True when the URL `kid` lies in the folder of the did:web DID document of `issuer`
/// (`https://example.com/issuers/acme/…` for `did:web:example.com:issuers:acme`): that
/// folder is the issuer's, as the DID document in it is. Dot segments and escapes, which a
/// fetcher might resolve to another folder, never count.
fn in_did_folder(kid: &str, issuer: &str, opts: &ResolveOptions) -> bool {
    let Some(folder) = did::did_web_url(issuer, opts)
        .ok()
        .and_then(|u| u.strip_suffix("did.json").map(str::to_owned))
    else {
        return false;
    };
    let (Some(kid_origin), Some(folder_origin)) = (origin(kid), origin(&folder)) else {
        return false;
    };
    let path_of = |url: &str, o: &str| url.get(o.len()..).map(str::to_owned);
    let (Some(kid_path), Some(folder_path)) =
        (path_of(kid, &kid_origin), path_of(&folder, &folder_origin))
    else {
        return false;
    };
    let kid_path = kid_path.split(['?', '#']).next().unwrap_or_default();
    kid_origin == folder_origin
        && kid_path.starts_with(&folder_path)
        && !kid_path.contains('%')
        && !kid_path.split('/').any(|s| s == "." || s == "..")
}

/// Whether a key published at the URL `kid` belongs to the issuer. For an issuer named by
/// URL, or by a did:web of a whole host, the key must be on the issuer's own site or in its
/// JWK Set. For a did:web with a path, the host proves nothing (other issuers may publish
/// keys on the same host): its DID document must list the key for assertions, or the key
/// must be published in the DID document's own folder.
fn url_key_link(
    kid: &str,
    kid_origin: &str,
    key: &JwsKey,
    alg: &str,
    issuer: Option<&str>,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> IssuerLink {
    let Some(issuer) = issuer else {
        return IssuerLink::Foreign(
            "the issuer has no web address to compare the key's address with".into(),
        );
    };
    let host_owner = !issuer.starts_with("did:") || whole_host_did(issuer);
    if host_owner && issuer_origin(issuer, opts).as_deref() == Some(kid_origin) {
        return IssuerLink::Proven(format!(
            "the key is published on the issuer's own site ({kid_origin}) for {issuer}"
        ));
    }
    match issuer_keys(issuer, alg, fetch, opts) {
        Ok((url, published)) if published.iter().any(|k| k.same_as(key)) => {
            IssuerLink::Proven(format!("the issuer lists this key at {url}"))
        }
        _ if issuer.starts_with("did:web:") && in_did_folder(kid, issuer, opts) => {
            IssuerLink::Proven(format!(
                "the key is published next to the DID document of {issuer}"
            ))
        }
        Ok((url, _)) => IssuerLink::Foreign(format!(
            "the key {kid} is not among the keys the issuer {issuer} lists at {url}"
        )),
        Err(why) if host_owner => IssuerLink::Foreign(format!(
            "the key is published at {kid_origin}, not on the issuer's site ({why})"
        )),
        Err(why) => IssuerLink::Unproven(format!(
            "the issuer's published keys could not be read to confirm the key {kid} ({why})"
        )),
    }
}

/// A did:web verification method given as `publicKeyJwk` of any supported type.
fn did_web_jwk(
    kid: &str,
    alg: &str,
    issuer: Option<&str>,
    fetch: &dyn Fetch,
    opts: &ResolveOptions,
) -> Result<FoundKey, String> {
    let did = kid.split('#').next().unwrap_or(kid);
    let url = did::did_web_url(did, opts).map_err(|e| e.to_string())?;
    let doc = fetch_json(fetch, &url)?;
    if doc.get("id").and_then(Value::as_str) != Some(did) {
        return Err(format!(
            "the DID document at {url} is not the document of {did}"
        ));
    }
    let absolute = |id: &str| {
        if id.starts_with('#') {
            format!("{did}{id}")
        } else {
            id.to_owned()
        }
    };
    let list = |name: &str| match doc.get(name) {
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
        None => Vec::new(),
    };
    let authorized = list("assertionMethod").iter().any(|m| {
        m.as_str()
            .or_else(|| m.get("id").and_then(Value::as_str))
            .map(absolute)
            .as_deref()
            == Some(kid)
    });
    if !authorized {
        return Err(format!(
            "the key {kid} is not authorized for assertions by its DID document"
        ));
    }
    let vm = list("verificationMethod")
        .into_iter()
        .chain(list("assertionMethod"))
        .find(|m| m.get("id").and_then(Value::as_str).map(absolute).as_deref() == Some(kid))
        .ok_or_else(|| format!("the key {kid} is not listed in its DID document"))?;
    let jwk = vm
        .get("publicKeyJwk")
        .ok_or_else(|| format!("the key {kid} has no publicKeyJwk"))?;
    keys::jwk_allows(jwk, alg).map_err(|e| e.to_string())?;
    let key = JwsKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let controller = vm
        .get("controller")
        .and_then(Value::as_str)
        .map_or_else(|| did.to_owned(), absolute);
    Ok(FoundKey {
        key,
        source: format!("key {kid} published in the DID document {url}"),
        link: link_for(&controller, issuer),
    })
}
