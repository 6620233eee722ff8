//! Public keys that check JWS signatures: RSA (RS256), P-256 (ES256) and Ed25519 (EdDSA),
//! read from a JWK or, for Open Badges 2.0 keys, from PEM.

use crate::multikey::PublicKey as Ed25519Key;
use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;
use serde_json::Value;

/// Smallest RSA modulus accepted, in bits.
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits (bounds the work of one verification).
const MAX_RSA_BITS: usize = 8192;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the key is not a usable public JWK: {0}")]
    BadJwk(String),
    #[error("the JWK holds a private key ('d'), which must never be published")]
    PrivateJwk,
    #[error("the PEM key could not be read (an RSA public key is expected)")]
    BadPem,
    #[error("the signature algorithm {0} is not supported (RS256, ES256 and EdDSA are)")]
    UnsupportedAlg(String),
    #[error("the key is a {key} key, which cannot check an {alg} signature")]
    WrongKeyType { key: &'static str, alg: String },
    #[error("the JWK says it is for {jwk}, but the token is signed with {alg}")]
    AlgMismatch { jwk: String, alg: String },
    #[error("the {0} signature does not match the signed content")]
    BadSignature(String),
}

/// A public key able to check JWS signatures.
#[derive(Clone)]
pub enum JwsKey {
    Rsa(Box<rsa::PublicKey>),
    P256(p256::ecdsa::VerifyingKey),
    Ed25519(Ed25519Key),
}

impl std::fmt::Debug for JwsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind())
    }
}

fn b64(jwk: &Value, field: &str) -> Result<Vec<u8>, KeyError> {
    let text = jwk
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| KeyError::BadJwk(format!("'{field}' is missing")))?;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| KeyError::BadJwk(format!("'{field}' is not base64url")))
}

fn rsa_key(n: &[u8], e: &[u8]) -> Result<rsa::PublicKey, KeyError> {
    let n = rsa::BoxedUint::from_be_slice_vartime(n);
    let e = rsa::BoxedUint::from_be_slice_vartime(e);
    rsa::PublicKey::new_with_size_limits(n, e, MIN_RSA_BITS..=MAX_RSA_BITS)
        .map_err(|e| KeyError::BadJwk(format!("RSA key: {e}")))
}

impl JwsKey {
    /// Reads a public JWK (kty RSA, EC P-256 or OKP Ed25519).
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        if !jwk.is_object() {
            return Err(KeyError::BadJwk("not a JSON object".into()));
        }
        if jwk.get("d").is_some() {
            return Err(KeyError::PrivateJwk);
        }
        let field = |k: &str| jwk.get(k).and_then(Value::as_str).unwrap_or_default();
        match (field("kty"), field("crv")) {
            ("RSA", _) => Ok(Self::Rsa(Box::new(rsa_key(
                &b64(jwk, "n")?,
                &b64(jwk, "e")?,
            )?))),
            ("EC", "P-256") => {
                let (x, y) = (b64(jwk, "x")?, b64(jwk, "y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err(KeyError::BadJwk("P-256 coordinates are 32 bytes".into()));
                }
                let mut sec1 = Vec::with_capacity(65);
                sec1.push(4);
                sec1.extend_from_slice(&x);
                sec1.extend_from_slice(&y);
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
                    .map(Self::P256)
                    .map_err(|_| KeyError::BadJwk("not a point on P-256".into()))
            }
            ("OKP", "Ed25519") => Ed25519Key::from_bytes(&b64(jwk, "x")?)
                .map(Self::Ed25519)
                .map_err(|e| KeyError::BadJwk(e.to_string())),
            (kty, crv) => Err(KeyError::BadJwk(format!(
                "key type {kty:?} {crv:?} is not supported"
            ))),
        }
    }

    /// Reads an RSA public key in PEM (SubjectPublicKeyInfo or PKCS#1), as OB 2.0 issuers
    /// publish in `publicKeyPem`.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let key = rsa::PublicKey::from_public_key_pem(pem)
            .or_else(|_| rsa::PublicKey::from_pkcs1_pem(pem))
            .map_err(|_| KeyError::BadPem)?;
        let bits = rsa::traits::PublicKeyParts::n_bits_precision(&key) as usize;
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(KeyError::BadPem);
        }
        Ok(Self::Rsa(Box::new(key)))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "RSA",
            Self::P256(_) => "P-256",
            Self::Ed25519(_) => "Ed25519",
        }
    }

    /// True when both keys are the same public key.
    pub fn same_as(&self, other: &JwsKey) -> bool {
        match (self, other) {
            (Self::Rsa(a), Self::Rsa(b)) => a == b,
            (Self::P256(a), Self::P256(b)) => a == b,
            (Self::Ed25519(a), Self::Ed25519(b)) => a == b,
            _ => false,
        }
    }

    /// Checks a JWS signature made with `alg` over `signing_input`.
    pub fn verify(
        &self,
        alg: &str,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyError> {
        let wrong = || KeyError::WrongKeyType {
            key: self.kind(),
            alg: alg.to_owned(),
        };
        let bad = || KeyError::BadSignature(alg.to_owned());
        match alg {
            "RS256" => {
                let Self::Rsa(key) = self else {
                    return Err(wrong());
                };
                let vk =
                    rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(key.as_ref().clone());
                let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| bad())?;
                vk.verify(signing_input, &sig).map_err(|_| bad())
            }
            "ES256" => {
                let Self::P256(key) = self else {
                    return Err(wrong());
                };
                let sig = p256::ecdsa::Signature::from_slice(signature).map_err(|_| bad())?;
                key.verify(signing_input, &sig).map_err(|_| bad())
            }
            "EdDSA" | "Ed25519" => {
                let Self::Ed25519(key) = self else {
                    return Err(wrong());
                };
                key.verify(signing_input, signature)
                    .then_some(())
                    .ok_or_else(bad)
            }
            other => Err(KeyError::UnsupportedAlg(other.to_owned())),
        }
    }
}

/// Checks that a JWK's own `alg`, when present, agrees with the token's.
pub fn jwk_allows(jwk: &Value, alg: &str) -> Result<(), KeyError> {
    match jwk.get("alg").and_then(Value::as_str) {
        Some(a) if a != alg => Err(KeyError::AlgMismatch {
            jwk: a.to_owned(),
            alg: alg.to_owned(),
        }),
        _ => Ok(()),
    }
}
