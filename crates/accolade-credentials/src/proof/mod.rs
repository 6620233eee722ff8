//! Data Integrity proofs: `eddsa-rdfc-2022` and `eddsa-jcs-2022` (W3C vc-di-eddsa, Ed25519),
//! `ecdsa-rdfc-2019` and `ecdsa-jcs-2019` (W3C vc-di-ecdsa, P-256 with SHA-256 and P-384 with
//! SHA-384). Verification also accepts the older name `eddsa-2022` and the
//! `Ed25519Signature2020` proof type, which hash and sign as eddsa-rdfc-2022. Signing uses
//! eddsa-rdfc-2022 unless the options name another suite.
//!
//! The proof configuration is canonicalized the same way as the document (RDFC-1.0 or JCS),
//! each is hashed, and the signature covers `hash(config) ‖ hash(document)`. The RDFC suites
//! give the configuration the document's `@context`; the JCS suites sign the proof's own
//! `@context` (the document's, copied in when signing).

mod hash;
mod suite;

pub use hash::{canonical_form, canonical_nquads, canonical_nquads_with, hash_data, hash_data_for};
pub use suite::{Canonicalization, Cryptosuite, ProofKey, ProofSigner};

use crate::jcs::JcsError;
use crate::jsonld::{self, JsonLdError};
use crate::multikey::VerificationKey;
use crate::rdf::canon::CanonError;
use serde_json::{Map, Value};

pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The cryptosuite Accolade signs with unless told otherwise.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
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
        "the proof type {0:?} is not supported (DataIntegrityProof, and Ed25519Signature2020, are)"
    )]
    WrongType(String),
    #[error(
        "the cryptosuite is {0:?}; this verifier handles eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 and ecdsa-jcs-2019"
    )]
    UnsupportedCryptosuite(String),
    #[error("the proof purpose is {0:?}; a credential proof must be for assertionMethod")]
    WrongPurpose(String),
    #[error("the proof has no verificationMethod")]
    NoVerificationMethod,
    #[error(
        "the proofValue is missing or not a base58btc ('z…') signature of the size its cryptosuite makes"
    )]
    BadProofValue,
    #[error("the proof's @context is not the start of the document's @context")]
    ContextMismatch,
    #[error(
        "the key is of type {key}, and {key} keys cannot check {suite} proofs ({needs} keys can)"
    )]
    KeyTypeMismatch {
        suite: String,
        key: &'static str,
        needs: &'static str,
    },
    #[error("Accolade does not sign with {0}")]
    CannotSign(String),
    #[error("the signature does not match the document: it was altered or signed by another key")]
    BadSignature,
    #[error(transparent)]
    JsonLd(#[from] JsonLdError),
    #[error(transparent)]
    Canon(#[from] CanonError),
    #[error("the JSON cannot be canonicalized: {0}")]
    Jcs(#[from] JcsError),
}

/// Options of a new proof.
#[derive(Debug, Clone)]
pub struct ProofOptions {
    pub verification_method: String,
    /// RFC 3339 date-time, e.g. `2025-01-15T12:00:00Z`.
    pub created: Option<String>,
    pub proof_purpose: String,
    pub cryptosuite: Cryptosuite,
}

impl ProofOptions {
    /// An assertionMethod proof with eddsa-rdfc-2022.
    pub fn assertion(verification_method: impl Into<String>, created: Option<String>) -> Self {
        Self {
            verification_method: verification_method.into(),
            created,
            proof_purpose: "assertionMethod".into(),
            cryptosuite: Cryptosuite::default(),
        }
    }

    /// The same options with another cryptosuite.
    pub fn with_cryptosuite(mut self, suite: Cryptosuite) -> Self {
        self.cryptosuite = suite;
        self
    }
}

fn context_of(doc: &Map<String, Value>) -> Result<Value, ProofError> {
    doc.get("@context").cloned().ok_or(ProofError::NoContext)
}

/// The proof object (without proofValue) for `options`, in the order DI libraries write it.
fn proof_object(options: &ProofOptions) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("type".into(), PROOF_TYPE.into());
    p.insert("cryptosuite".into(), options.cryptosuite.name().into());
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
/// the new proof appended to its `proof` array. The key's type must be the suite's.
pub fn sign(
    document: &Value,
    key: &impl ProofSigner,
    options: &ProofOptions,
) -> Result<Value, ProofError> {
    let suite = options.cryptosuite;
    if suite == Cryptosuite::Ed25519Signature2020 {
        return Err(ProofError::CannotSign(suite.name().into()));
    }
    let hash = suite.hash_for(&key.verification_key())?;
    let doc = document.as_object().ok_or(ProofError::NotAnObject)?;
    let mut proof = proof_object(options);
    let config = match suite.canonicalization() {
        Canonicalization::Rdfc => {
            let mut config = proof.clone();
            config.insert("@context".into(), context_of(doc)?);
            config
        }
        // The JCS suites sign the document's @context as part of the proof (vc-di-eddsa and
        // vc-di-ecdsa, Create Proof step 2), so it stays in the proof.
        Canonicalization::Jcs => {
            if let Some(ctx) = doc.get("@context") {
                proof.insert("@context".into(), ctx.clone());
            }
            proof.clone()
        }
    };
    let mut unsecured = Value::Object(doc.clone());
    let existing = unsecured.as_object_mut().and_then(|o| o.remove("proof"));
    let data = hash_data_for(suite, hash, &unsecured, &Value::Object(config))?;
    let signature = key.sign_data(&data);
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
    /// The cryptosuite as written (`eddsa-2022` stays so), or `Ed25519Signature2020`.
    pub cryptosuite: String,
    pub suite: Cryptosuite,
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
    let (suite, name) = match ty.as_str() {
        PROOF_TYPE => {
            let name = text("cryptosuite");
            match Cryptosuite::from_cryptosuite(&name) {
                Some(suite) => (suite, name),
                None => return Err(ProofError::UnsupportedCryptosuite(name)),
            }
        }
        LEGACY_ED25519_2020 => (Cryptosuite::Ed25519Signature2020, ty.clone()),
        _ => return Err(ProofError::WrongType(ty)),
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
        .filter(|s| s.len() <= 140)
        .ok_or(ProofError::BadProofValue)?;
    let signature = bs58::decode(b58)
        .into_vec()
        .map_err(|_| ProofError::BadProofValue)?;
    if !suite.signature_lengths().contains(&signature.len()) {
        return Err(ProofError::BadProofValue);
    }
    let mut options = p.clone();
    options.remove("proofValue");
    Ok(ParsedProof {
        verification_method: vm,
        cryptosuite: name,
        suite,
        created: p.get("created").and_then(Value::as_str).map(str::to_owned),
        signature,
        options,
    })
}

/// Verifies one parsed proof of `document` against `key` (an Ed25519 [`PublicKey`], an
/// [`EcPublicKey`] or any [`VerificationKey`]); the key's type must be the suite's.
///
/// [`PublicKey`]: crate::multikey::PublicKey
/// [`EcPublicKey`]: crate::multikey::EcPublicKey
pub fn verify(
    document: &Value,
    proof: &ParsedProof,
    key: &impl ProofKey,
) -> Result<(), ProofError> {
    let key = key.verification_key();
    let suite = proof.suite;
    let hash = suite.hash_for(&key)?;
    let doc = document.as_object().ok_or(ProofError::NotAnObject)?;
    let mut unsecured = doc.clone();
    unsecured.remove("proof");
    let mut config = proof.options.clone();
    if let Some(proof_ctx) = config.get("@context") {
        if !context_starts_with(doc.get("@context"), proof_ctx) {
            return Err(ProofError::ContextMismatch);
        }
        unsecured.insert("@context".into(), proof_ctx.clone());
    } else if suite.canonicalization() == Canonicalization::Rdfc {
        config.insert("@context".into(), context_of(doc)?);
    }
    let unsecured = Value::Object(unsecured);
    let config = Value::Object(config);
    if suite.canonicalization() == Canonicalization::Jcs {
        jsonld_well_formed(&unsecured, &config)?;
        // Contexts appended after signing are not covered by the signature; they must at
        // least not break the document (e.g. by redefining a protected term).
        if doc.get("@context") != unsecured.get("@context") {
            let mut received = doc.clone();
            received.remove("proof");
            jsonld::to_rdf(&Value::Object(received), &jsonld::Limits::default())?;
        }
    }
    let data = hash_data_for(suite, hash, &unsecured, &config)?;
    let valid = match &key {
        VerificationKey::Ed25519(k) => k.verify(&data, &proof.signature),
        VerificationKey::Ecdsa(k) => k.verify(&data, &proof.signature),
    };
    if valid {
        Ok(())
    } else {
        Err(ProofError::BadSignature)
    }
}

/// A JCS signature covers the JSON text, not its meaning; a credential is still JSON-LD, so
/// the document and the proof must expand over the bundled contexts with every term defined,
/// as the RDFC suites require by construction.
fn jsonld_well_formed(unsecured: &Value, config: &Value) -> Result<(), ProofError> {
    let limits = jsonld::Limits::default();
    jsonld::to_rdf(unsecured, &limits)?;
    let mut config = config.clone();
    if let (Value::Object(c), Some(ctx)) = (&mut config, unsecured.get("@context")) {
        c.entry("@context").or_insert_with(|| ctx.clone());
    }
    jsonld::to_rdf(&config, &limits)?;
    Ok(())
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

#[cfg(test)]
mod tests;
