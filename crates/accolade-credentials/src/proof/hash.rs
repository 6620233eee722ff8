//! Transformation and hashing, as both vc-di-eddsa and vc-di-ecdsa define them: the canonical
//! proof configuration and the canonical document are hashed separately, and the hash data
//! is `hash(proof config) ‖ hash(document)`.

use super::{Canonicalization, Cryptosuite, ProofError};
use crate::jcs;
use crate::jsonld;
use crate::rdf::canon::{self, HashAlgorithm};
use serde_json::Value;

/// Canonical N-Quads of a JSON-LD document (RDFC-1.0 with SHA-256).
pub fn canonical_nquads(doc: &Value) -> Result<String, ProofError> {
    canonical_nquads_with(doc, HashAlgorithm::Sha256)
}

/// Canonical N-Quads with the given RDFC-1.0 hash function (SHA-384 for ecdsa-rdfc-2019 with
/// P-384: it decides the order of blank node labels).
pub fn canonical_nquads_with(doc: &Value, hash: HashAlgorithm) -> Result<String, ProofError> {
    let quads = jsonld::to_rdf(doc, &jsonld::Limits::default())?;
    Ok(canon::canonicalize_with(&quads, &canon::Limits::default(), hash)?.nquads)
}

/// The canonical form of `doc` for `suite`.
pub fn canonical_form(
    suite: Cryptosuite,
    hash: HashAlgorithm,
    doc: &Value,
) -> Result<String, ProofError> {
    match suite.canonicalization() {
        Canonicalization::Rdfc => canonical_nquads_with(doc, hash),
        Canonicalization::Jcs => Ok(jcs::canonicalize(doc)?),
    }
}

/// `hash(canonical proof config) ‖ hash(canonical document)` for `suite`, hashed with
/// `hash` (32 + 32 or 48 + 48 bytes). `config` must already be the proof configuration the
/// suite defines (with `@context` where the suite puts one).
pub fn hash_data_for(
    suite: Cryptosuite,
    hash: HashAlgorithm,
    unsecured: &Value,
    config: &Value,
) -> Result<Vec<u8>, ProofError> {
    let mut out = proof_config_hash(suite, hash, config)?;
    let doc = canonical_form(suite, hash, unsecured)?;
    out.extend_from_slice(&hash.digest([doc.as_bytes()]));
    Ok(out)
}

/// `SHA-256(canonical proof config) ‖ SHA-256(canonical document)` for eddsa-rdfc-2022.
pub fn hash_data(unsecured: &Value, proof_config: &Value) -> Result<[u8; 64], ProofError> {
    let v = hash_data_for(
        Cryptosuite::EddsaRdfc2022,
        HashAlgorithm::Sha256,
        unsecured,
        proof_config,
    )?;
    let mut out = [0u8; 64];
    out.copy_from_slice(&v);
    Ok(out)
}

/// The hash of a canonical proof configuration. Signing many credentials at once repeats
/// the same configuration (same key, same second, same contexts), so each thread remembers
/// the last one: the result is a pure function of the suite, the hash function and the JSON
/// text used as the key.
fn proof_config_hash(
    suite: Cryptosuite,
    hash: HashAlgorithm,
    config: &Value,
) -> Result<Vec<u8>, ProofError> {
    use std::cell::RefCell;
    type Entry = (Cryptosuite, HashAlgorithm, String, Vec<u8>);
    thread_local! {
        static LAST: RefCell<Option<Entry>> = const { RefCell::new(None) };
    }
    let key = config.to_string();
    let hit = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(s, h, k, _)| *s == suite && *h == hash && *k == key)
            .map(|(_, _, _, d)| d.clone())
    });
    if let Some(digest) = hit {
        return Ok(digest);
    }
    let digest = hash.digest([canonical_form(suite, hash, config)?.as_bytes()]);
    LAST.with_borrow_mut(|last| *last = Some((suite, hash, key, digest.clone())));
    Ok(digest)
}
