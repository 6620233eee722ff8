//! The cryptosuites: their names, how each canonicalizes, and which keys and hash functions
//! go with each.

use super::ProofError;
use crate::multikey::{Curve, EcKeyPair, EcPublicKey, KeyPair, PublicKey, VerificationKey};
use crate::rdf::canon::HashAlgorithm;
use std::fmt;
use std::str::FromStr;

/// A Data Integrity cryptosuite (or the older `Ed25519Signature2020` proof type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Cryptosuite {
    /// RDFC-1.0 + SHA-256 + Ed25519 (W3C vc-di-eddsa); also read under its old name
    /// `eddsa-2022`.
    #[default]
    EddsaRdfc2022,
    /// JCS + SHA-256 + Ed25519 (W3C vc-di-eddsa).
    EddsaJcs2022,
    /// RDFC-1.0 + SHA-256/P-256 or SHA-384/P-384 (W3C vc-di-ecdsa).
    EcdsaRdfc2019,
    /// JCS + SHA-256/P-256 or SHA-384/P-384 (W3C vc-di-ecdsa).
    EcdsaJcs2019,
    /// The `Ed25519Signature2020` proof type: hashed and signed as eddsa-rdfc-2022.
    Ed25519Signature2020,
}

/// How a cryptosuite turns JSON into the bytes it hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canonicalization {
    /// JSON-LD to RDF, then RDF Dataset Canonicalization (N-Quads).
    Rdfc,
    /// The JSON Canonicalization Scheme (RFC 8785).
    Jcs,
}

impl Cryptosuite {
    /// The four Data Integrity cryptosuites verified (the 2020 type is read too).
    pub const DATA_INTEGRITY: [Self; 4] = [
        Self::EddsaRdfc2022,
        Self::EddsaJcs2022,
        Self::EcdsaRdfc2019,
        Self::EcdsaJcs2019,
    ];

    /// The `cryptosuite` value (for the 2020 suite, its proof `type`).
    pub fn name(self) -> &'static str {
        match self {
            Self::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Self::EddsaJcs2022 => "eddsa-jcs-2022",
            Self::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
            Self::EcdsaJcs2019 => "ecdsa-jcs-2019",
            Self::Ed25519Signature2020 => "Ed25519Signature2020",
        }
    }

    /// The suite a DataIntegrityProof's `cryptosuite` value names.
    pub fn from_cryptosuite(name: &str) -> Option<Self> {
        match name {
            "eddsa-rdfc-2022" | "eddsa-2022" => Some(Self::EddsaRdfc2022),
            "eddsa-jcs-2022" => Some(Self::EddsaJcs2022),
            "ecdsa-rdfc-2019" => Some(Self::EcdsaRdfc2019),
            "ecdsa-jcs-2019" => Some(Self::EcdsaJcs2019),
            _ => None,
        }
    }

    pub fn canonicalization(self) -> Canonicalization {
        match self {
            Self::EddsaJcs2022 | Self::EcdsaJcs2019 => Canonicalization::Jcs,
            _ => Canonicalization::Rdfc,
        }
    }

    fn is_ecdsa(self) -> bool {
        matches!(self, Self::EcdsaRdfc2019 | Self::EcdsaJcs2019)
    }

    /// The key types the suite is defined for, in words.
    pub fn key_types(self) -> &'static str {
        if self.is_ecdsa() {
            "P-256 or P-384"
        } else {
            "Ed25519"
        }
    }

    /// The hash function for a proof of this suite checked with `key`, or an error when the
    /// key's type is not the suite's (an Ed25519 key never checks an ECDSA suite, nor the
    /// reverse). The curve of an ECDSA key fixes the hash: SHA-256 for P-256, SHA-384 for
    /// P-384, for the canonical forms, the hashes and the signature alike.
    pub fn hash_for(self, key: &VerificationKey) -> Result<HashAlgorithm, ProofError> {
        match (self.is_ecdsa(), key) {
            (false, VerificationKey::Ed25519(_)) => Ok(HashAlgorithm::Sha256),
            (true, VerificationKey::Ecdsa(k)) => Ok(match k.curve() {
                Curve::P256 => HashAlgorithm::Sha256,
                Curve::P384 => HashAlgorithm::Sha384,
            }),
            _ => Err(ProofError::KeyTypeMismatch {
                suite: self.name().to_owned(),
                key: key.kind(),
                needs: self.key_types(),
            }),
        }
    }

    /// The signature lengths the suite allows (checked against the key's curve later).
    pub(super) fn signature_lengths(self) -> &'static [usize] {
        if self.is_ecdsa() { &[64, 96] } else { &[64] }
    }
}

impl fmt::Display for Cryptosuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Cryptosuite {
    type Err = ProofError;
    fn from_str(s: &str) -> Result<Self, ProofError> {
        Self::from_cryptosuite(s).ok_or_else(|| ProofError::UnsupportedCryptosuite(s.to_owned()))
    }
}

/// A public key that can check proofs.
pub trait ProofKey {
    fn verification_key(&self) -> VerificationKey;
}

impl ProofKey for VerificationKey {
    fn verification_key(&self) -> VerificationKey {
        *self
    }
}

impl ProofKey for PublicKey {
    fn verification_key(&self) -> VerificationKey {
        VerificationKey::Ed25519(*self)
    }
}

impl ProofKey for EcPublicKey {
    fn verification_key(&self) -> VerificationKey {
        VerificationKey::Ecdsa(*self)
    }
}

/// A key that can sign proofs: an Ed25519 [`KeyPair`] (eddsa suites) or a P-256/P-384
/// [`EcKeyPair`] (ecdsa suites).
pub trait ProofSigner {
    /// The public half, which decides the suites and hash function this key can sign with.
    fn verification_key(&self) -> VerificationKey;
    /// The signature of `data` (the suite's hash data).
    fn sign_data(&self, data: &[u8]) -> Vec<u8>;
}

impl ProofSigner for KeyPair {
    fn verification_key(&self) -> VerificationKey {
        VerificationKey::Ed25519(self.public())
    }
    fn sign_data(&self, data: &[u8]) -> Vec<u8> {
        self.sign(data).to_vec()
    }
}

impl ProofSigner for EcKeyPair {
    fn verification_key(&self) -> VerificationKey {
        VerificationKey::Ecdsa(self.public())
    }
    fn sign_data(&self, data: &[u8]) -> Vec<u8> {
        self.sign(data)
    }
}
