//! ECDSA keys on NIST P-256 and P-384 (W3C vc-di-ecdsa), in the Multikey encoding: public
//! keys are compressed SEC1 points after the multicodec prefix 0x1200 (P-256, `zDn…`) or
//! 0x1201 (P-384, `z82…`); secret keys are the big-endian scalar after 0x1306 / 0x1307.
//! Public keys are also read from EC JWKs. Signatures are the IEEE P1363 form `r ‖ s`.

use super::{KeyError, decode_multibase, encode_multibase};
use base64::Engine as _;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use serde_json::Value;
use std::fmt;

const P256_PUB_PREFIX: [u8; 2] = [0x80, 0x24];
const P384_PUB_PREFIX: [u8; 2] = [0x81, 0x24];
const P256_PRIV_PREFIX: [u8; 2] = [0x86, 0x26];
const P384_PRIV_PREFIX: [u8; 2] = [0x87, 0x26];

/// A NIST curve used by the ECDSA cryptosuites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    /// The curve's name as JWKs and the specifications write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
        }
    }

    /// Bytes of one scalar (and of `r` and `s` in a signature).
    pub fn scalar_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
        }
    }

    /// Bytes of a P1363 signature `r ‖ s`.
    pub fn signature_len(self) -> usize {
        2 * self.scalar_len()
    }

    fn public_prefix(self) -> [u8; 2] {
        match self {
            Self::P256 => P256_PUB_PREFIX,
            Self::P384 => P384_PUB_PREFIX,
        }
    }

    fn secret_prefix(self) -> [u8; 2] {
        match self {
            Self::P256 => P256_PRIV_PREFIX,
            Self::P384 => P384_PRIV_PREFIX,
        }
    }
}

/// A P-256 or P-384 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum EcPublicKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

impl EcPublicKey {
    /// Parses `zDn…` (P-256) or `z82…` (P-384): a compressed point after its multicodec.
    pub fn from_multibase(s: &str) -> Result<Self, KeyError> {
        let bytes = decode_multibase(s)?;
        for curve in [Curve::P256, Curve::P384] {
            if let Some(raw) = bytes.strip_prefix(&curve.public_prefix()) {
                return Self::from_compressed(curve, raw);
            }
        }
        Err(KeyError::NotEcPublic)
    }

    /// A compressed SEC1 point (`0x02`/`0x03` ‖ x), the only form Multikey allows.
    pub fn from_compressed(curve: Curve, raw: &[u8]) -> Result<Self, KeyError> {
        if raw.len() != 1 + curve.scalar_len() || !matches!(raw.first(), Some(2 | 3)) {
            return Err(KeyError::NotCompressedPoint(curve.name()));
        }
        Self::from_sec1(curve, raw)
    }

    /// Any SEC1 encoding of a point on `curve` (compressed or not).
    pub fn from_sec1(curve: Curve, raw: &[u8]) -> Result<Self, KeyError> {
        let bad = |_| KeyError::InvalidPoint;
        match curve {
            Curve::P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(raw)
                .map(Self::P256)
                .map_err(bad),
            Curve::P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(raw)
                .map(Self::P384)
                .map_err(bad),
        }
    }

    /// Reads a public EC JWK (`kty` "EC", `crv` "P-256" or "P-384", `x`, `y`).
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        let field = |k: &str| jwk.get(k).and_then(Value::as_str);
        if jwk.get("d").is_some() {
            return Err(KeyError::PrivateJwk);
        }
        let curve = match (field("kty"), field("crv")) {
            (Some("EC"), Some("P-256")) => Curve::P256,
            (Some("EC"), Some("P-384")) => Curve::P384,
            _ => return Err(KeyError::NotEcJwk),
        };
        let coordinate = |k: &str| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(field(k).unwrap_or_default())
                .ok()
                .filter(|c| c.len() == curve.scalar_len())
                .ok_or(KeyError::NotEcJwk)
        };
        let mut sec1 = vec![4u8];
        sec1.extend_from_slice(&coordinate("x")?);
        sec1.extend_from_slice(&coordinate("y")?);
        Self::from_sec1(curve, &sec1)
    }

    pub fn curve(&self) -> Curve {
        match self {
            Self::P256(_) => Curve::P256,
            Self::P384(_) => Curve::P384,
        }
    }

    /// The compressed SEC1 point.
    pub fn to_compressed(&self) -> Vec<u8> {
        match self {
            Self::P256(k) => k.to_sec1_point(true).as_bytes().to_vec(),
            Self::P384(k) => k.to_sec1_point(true).as_bytes().to_vec(),
        }
    }

    pub fn to_multibase(&self) -> String {
        encode_multibase(self.curve().public_prefix(), &self.to_compressed())
    }

    /// Checks a P1363 signature (`r ‖ s`, each the curve's size) over `message`, hashed with
    /// SHA-256 (P-256) or SHA-384 (P-384). Zero or out-of-range `r`/`s` never verify; either
    /// `s` of a pair verifies, as in WebCrypto (the other half reveals nothing new).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::P256(k) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| k.verify(message, &sig).is_ok()),
            Self::P384(k) => p384::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| k.verify(message, &sig).is_ok()),
        }
    }

    /// The did:key DID of this key.
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.to_multibase())
    }

    /// The did:key verification method id: `did:key:zDn…#zDn…`.
    pub fn did_key_verification_method(&self) -> String {
        let mb = self.to_multibase();
        format!("did:key:{mb}#{mb}")
    }
}

impl fmt::Debug for EcPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EcPublicKey({}, {})",
            self.curve().name(),
            self.to_multibase()
        )
    }
}

impl fmt::Display for EcPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_multibase())
    }
}

/// A P-256 or P-384 key pair. `Debug` never prints the secret.
#[derive(Clone)]
pub enum EcKeyPair {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl EcKeyPair {
    /// A new key from the operating system's random generator.
    pub fn generate(curve: Curve) -> Result<Self, KeyError> {
        // A random string of the scalar's size is a valid key except with negligible
        // probability (zero or ≥ n); draw again in that case.
        for _ in 0..8 {
            let mut bytes = vec![0u8; curve.scalar_len()];
            getrandom::fill(&mut bytes).map_err(KeyError::Random)?;
            if let Ok(pair) = Self::from_scalar(curve, &bytes) {
                return Ok(pair);
            }
        }
        Err(KeyError::NoScalar)
    }

    /// The secret scalar, big-endian, of the curve's size.
    pub fn from_scalar(curve: Curve, raw: &[u8]) -> Result<Self, KeyError> {
        if raw.len() != curve.scalar_len() {
            return Err(KeyError::BadLength(raw.len()));
        }
        match curve {
            Curve::P256 => p256::ecdsa::SigningKey::from_slice(raw)
                .map(Self::P256)
                .map_err(|_| KeyError::InvalidPoint),
            Curve::P384 => p384::ecdsa::SigningKey::from_slice(raw)
                .map(Self::P384)
                .map_err(|_| KeyError::InvalidPoint),
        }
    }

    /// Parses a secret Multikey: 0x1306 (P-256) or 0x1307 (P-384) ‖ scalar.
    pub fn from_secret_multibase(s: &str) -> Result<Self, KeyError> {
        let bytes = decode_multibase(s)?;
        for curve in [Curve::P256, Curve::P384] {
            if let Some(raw) = bytes.strip_prefix(&curve.secret_prefix()) {
                return Self::from_scalar(curve, raw);
            }
        }
        Err(KeyError::NotEcSecret)
    }

    pub fn curve(&self) -> Curve {
        match self {
            Self::P256(_) => Curve::P256,
            Self::P384(_) => Curve::P384,
        }
    }

    pub fn secret_multibase(&self) -> String {
        let scalar = match self {
            Self::P256(k) => k.to_bytes().to_vec(),
            Self::P384(k) => k.to_bytes().to_vec(),
        };
        encode_multibase(self.curve().secret_prefix(), &scalar)
    }

    pub fn public(&self) -> EcPublicKey {
        match self {
            Self::P256(k) => EcPublicKey::P256(*k.verifying_key()),
            Self::P384(k) => EcPublicKey::P384(*k.verifying_key()),
        }
    }

    /// Signs `message` (hashed with the curve's SHA-2) with the deterministic nonce of
    /// RFC 6979, as vc-di-ecdsa recommends; returns the P1363 form `r ‖ s`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_vec()
            }
            Self::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign(message);
                sig.to_vec()
            }
        }
    }
}

impl fmt::Debug for EcKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EcKeyPair({}, secret hidden)", self.public())
    }
}
