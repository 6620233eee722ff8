//! `eddsa-rdfc-2022` Data Integrity proofs (W3C vc-di-eddsa): RDFC-1.0 canonical forms of
//! the proof configuration and the document, hashed with SHA-256 (proof hash first), signed
//! with pure Ed25519. Verification also accepts the older name `eddsa-2022` and the
//! `Ed25519Signature2020` suite, which hashes and signs the same way.

use crate::jsonld::{self, JsonLdError};
use crate::multikey::{KeyPair, PublicKey};
use crate::rdf::canon::{self, CanonError};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub const PROOF_TYPE: &str = "DataIntegrityProof";
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
const CRYPTOSUITE_ALIAS: &str = "eddsa-2022";
const LEGACY_ED25519_2020: &str = "Ed25519Signature2020";

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("the document has no @context")]
    NoContext,
    #[error("the proof is not a JSON object")]
    ProofNotAnObject,
    #[error(
        "the proof type {0:?} is not supported (DataIntegrityProof with eddsa-rdfc-2022, and Ed25519Signature2020, are)"
    )]
    WrongType(String),
    #[error("the cryptosuite is {0:?}; this verifier handles eddsa-rdfc-2022")]
    UnsupportedCryptosuite(String),
    #[error("the proof purpose is {0:?}; a credential proof must be for assertionMethod")]
    WrongPurpose(String),
    #[error("the proof has no verificationMethod")]
    NoVerificationMethod,
    #[error("the proofValue is missing or not a base58btc ('z…') 64-byte Ed25519 signature")]
    BadProofValue,
    #[error("the proof's @context is not the start of the document's @context")]
    ContextMismatch,
    #[error("the signature does not match the document: it was altered or signed by another key")]
    BadSignature,
    #[error(transparent)]
    JsonLd(#[from] JsonLdError),
    #[error(transparent)]
    Canon(#[from] CanonError),
}

/// Options of a new proof.
#[derive(Debug, Clone)]
pub struct ProofOptions {
    pub verification_method: String,
    /// RFC 3339 date-time, e.g. `2025-01-15T12:00:00Z`.
    pub created: Option<String>,
    pub proof_purpose: String,
}

impl ProofOptions {
    pub fn assertion(verification_method: impl Into<String>, created: Option<String>) -> Self {
        Self {
            verification_method: verification_method.into(),
            created,
            proof_purpose: "assertionMethod".into(),
        }
    }
}

/// Canonical N-Quads of a JSON-LD document.
pub fn canonical_nquads(doc: &Value) -> Result<String, ProofError> {
    let limits = jsonld::Limits::default();
    let quads = jsonld::to_rdf(doc, &limits)?;
    Ok(canon::canonicalize(&quads, &canon::Limits::default())?)
}

/// `SHA-256(canonical proof config) ‖ SHA-256(canonical document)`.
pub fn hash_data(unsecured: &Value, proof_config: &Value) -> Result<[u8; 64], ProofError> {
    let proof_hash = proof_config_hash(proof_config)?;
    let doc_hash = Sha256::digest(canonical_nquads(unsecured)?.as_bytes());
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&proof_hash);
    out[32..].copy_from_slice(&doc_hash);
    Ok(out)
}

/// The hash of a canonical proof configuration. Signing many credentials at once repeats
/// the same configuration (same key, same second, same contexts), so each thread remembers
/// the last one: the result is a pure function of the JSON text used as the key.
fn proof_config_hash(config: &Value) -> Result<[u8; 32], ProofError> {
    use std::cell::RefCell;
    thread_local! {
        static LAST: RefCell<Option<(String, [u8; 32])>> = const { RefCell::new(None) };
    }
    let key = config.to_string();
    if let Some(hash) =
        LAST.with_borrow(|last| last.as_ref().filter(|(k, _)| *k == key).map(|(_, h)| *h))
    {
        return Ok(hash);
    }
    let hash: [u8; 32] = Sha256::digest(canonical_nquads(config)?.as_bytes()).into();
    LAST.with_borrow_mut(|last| *last = Some((key, hash)));
    Ok(hash)
}

fn context_of(doc: &Map<String, Value>) -> Result<Value, ProofError> {
    doc.get("@context").cloned().ok_or(ProofError::NoContext)
}

/// The proof object (without proofValue) for `options`, in the order DI libraries write it.
fn proof_object(options: &ProofOptions) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("type".into(), PROOF_TYPE.into());
    p.insert("cryptosuite".into(), CRYPTOSUITE.into());
    if let Some(created) = &options.created {
        p.insert("created".into(), created.clone().into());
    }
    p.insert(
        "verificationMethod".into(),
        options.verification_method.clone().into(),
    );
    p.insert("proofPurpose".into(), options.proof_purpose.clone().into());
    p
}

/// Signs `document` (which must not already carry the proof being added) and returns it with
/// the new proof appended to its `proof` array.
pub fn sign(document: &Value, key: &KeyPair, options: &ProofOptions) -> Result<Value, ProofError> {
    let doc = document.as_object().ok_or(ProofError::NotAnObject)?;
    let mut config = proof_object(options);
    config.insert("@context".into(), context_of(doc)?);
    let mut unsecured = Value::Object(doc.clone());
    let existing = unsecured.as_object_mut().and_then(|o| o.remove("proof"));
    let data = hash_data(&unsecured, &Value::Object(config))?;
    let signature = key.sign(&data);
    let mut proof = proof_object(options);
    proof.insert(
        "proofValue".into(),
        format!("z{}", bs58::encode(signature).into_string()).into(),
    );
    let mut proofs = match existing {
        Some(Value::Array(a)) => a,
        Some(other) => vec![other],
        None => Vec::new(),
    };
    proofs.push(Value::Object(proof));
    if let Value::Object(o) = &mut unsecured {
        o.insert("proof".into(), Value::Array(proofs));
    }
    Ok(unsecured)
}

/// The proofs of a document, whether written as one object or an array.
pub fn proofs(document: &Value) -> Vec<&Value> {
    match document.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
        None => Vec::new(),
    }
}

/// The parts of a proof a verifier needs before it resolves the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedProof {
    pub verification_method: String,
    pub cryptosuite: String,
    pub created: Option<String>,
    signature: Vec<u8>,
    options: Map<String, Value>,
}

/// Checks a proof's form: type, cryptosuite, purpose, proofValue.
pub fn parse_proof(proof: &Value) -> Result<ParsedProof, ProofError> {
    let p = proof.as_object().ok_or(ProofError::ProofNotAnObject)?;
    let text = |k: &str| {
        p.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let ty = text("type");
    let suite = text("cryptosuite");
    match ty.as_str() {
        PROOF_TYPE if suite == CRYPTOSUITE || suite == CRYPTOSUITE_ALIAS => {}
        PROOF_TYPE => return Err(ProofError::UnsupportedCryptosuite(suite)),
        // The 2020 suite hashes and signs exactly as eddsa-rdfc-2022 does.
        LEGACY_ED25519_2020 => {}
        _ => return Err(ProofError::WrongType(ty)),
    }
    let suite = if ty == LEGACY_ED25519_2020 {
        ty.clone()
    } else {
        suite
    };
    let purpose = text("proofPurpose");
    if purpose != "assertionMethod" {
        return Err(ProofError::WrongPurpose(purpose));
    }
    let vm = text("verificationMethod");
    if vm.is_empty() {
        return Err(ProofError::NoVerificationMethod);
    }
    let value = p
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or(ProofError::BadProofValue)?;
    let b58 = value
        .strip_prefix('z')
        .filter(|s| s.len() <= 100)
        .ok_or(ProofError::BadProofValue)?;
    let signature = bs58::decode(b58)
        .into_vec()
        .map_err(|_| ProofError::BadProofValue)?;
    if signature.len() != 64 {
        return Err(ProofError::BadProofValue);
    }
    let mut options = p.clone();
    options.remove("proofValue");
    Ok(ParsedProof {
        verification_method: vm,
        cryptosuite: suite,
        created: text_opt(p, "created"),
        signature,
        options,
    })
}

fn text_opt(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).map(str::to_owned)
}

/// Verifies one parsed proof of `document` against `key`.
pub fn verify(document: &Value, proof: &ParsedProof, key: &PublicKey) -> Result<(), ProofError> {
    let doc = document.as_object().ok_or(ProofError::NotAnObject)?;
    let mut unsecured = doc.clone();
    unsecured.remove("proof");
    let mut config = proof.options.clone();
    if let Some(proof_ctx) = config.get("@context") {
        if !context_starts_with(doc.get("@context"), proof_ctx) {
            return Err(ProofError::ContextMismatch);
        }
        unsecured.insert("@context".into(), proof_ctx.clone());
    } else {
        config.insert("@context".into(), context_of(doc)?);
    }
    let data = hash_data(&Value::Object(unsecured), &Value::Object(config))?;
    if key.verify(&data, &proof.signature) {
        Ok(())
    } else {
        Err(ProofError::BadSignature)
    }
}

fn context_starts_with(doc_ctx: Option<&Value>, prefix: &Value) -> bool {
    let as_list = |v: &Value| match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let (Some(doc_ctx), prefix) = (doc_ctx, as_list(prefix)) else {
        return false;
    };
    let doc_list = as_list(doc_ctx);
    doc_list.len() >= prefix.len() && doc_list[..prefix.len()] == prefix[..]
}
