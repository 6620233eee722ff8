//! Keys in the Multikey encoding. Ed25519 (here): public keys `z6Mk…` (multicodec 0xed01),
//! secret keys `z3u2…` (multicodec 0x8026 + 32-byte seed). The 64-byte seed‖public form seen
//! in the OB implementation guide is accepted on input; Accolade always writes the 32-byte
//! form. P-256 and P-384 ECDSA keys: [`ec`]. [`VerificationKey`] is any of them.

mod ec;

pub use ec::{Curve, EcKeyPair, EcPublicKey};

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use std::fmt;

const ED25519_PUB_PREFIX: [u8; 2] = [0xed, 0x01];
const ED25519_PRIV_PREFIX: [u8; 2] = [0x80, 0x26];

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("a Multikey must start with 'z' (base58btc multibase)")]
    NotBase58Multibase,
    #[error("the key is not valid base58btc")]
    BadBase58,
    #[error("the key is not an Ed25519 public Multikey (expected the 0xed01 prefix, 'z6Mk…')")]
    NotEd25519Public,
    #[error("the key is not an Ed25519 secret Multikey (expected the 0x8026 prefix, 'z3u2…')")]
    NotEd25519Secret,
    #[error("the key has {0} bytes; Ed25519 keys have 32")]
    BadLength(usize),
    #[error("the bytes are not a valid Ed25519 public key")]
    InvalidPoint,
    #[error("the secret key does not belong to the public key given with it")]
    Mismatch,
    #[error("the system random generator failed")]
    Random(#[source] getrandom::Error),
    /// Every scalar drawn was out of range (astronomically unlikely with a working
    /// generator).
    #[error("no valid secret scalar was drawn")]
    NoScalar,
    #[error(
        "the key is not a P-256 or P-384 public Multikey (expected 0x1200 'zDn…' or 0x1201 'z82…')"
    )]
    NotEcPublic,
    #[error("the key is not a P-256 or P-384 secret Multikey (expected 0x1306 or 0x1307)")]
    NotEcSecret,
    #[error("a {0} Multikey must hold a compressed point (0x02 or 0x03 and the x coordinate)")]
    NotCompressedPoint(&'static str),
    #[error("the JWK holds a private key ('d'), which must never be published")]
    PrivateJwk,
    #[error(
        "the JWK is not a P-256 or P-384 EC public key with base64url x and y of the curve's size"
    )]
    NotEcJwk,
    #[error(
        "the Multikey's multicodec is not one of Ed25519 (0xed01), P-256 (0x1200), P-384 (0x1201)"
    )]
    UnsupportedMulticodec,
}

fn decode_multibase(s: &str) -> Result<Vec<u8>, KeyError> {
    let rest = s.strip_prefix('z').ok_or(KeyError::NotBase58Multibase)?;
    if rest.len() > 200 {
        return Err(KeyError::BadBase58);
    }
    bs58::decode(rest)
        .into_vec()
        .map_err(|_| KeyError::BadBase58)
}

fn encode_multibase(prefix: [u8; 2], key: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(2 + key.len());
    bytes.extend_from_slice(&prefix);
    bytes.extend_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses `z6Mk…`.
    pub fn from_multibase(s: &str) -> Result<Self, KeyError> {
        let bytes = decode_multibase(s)?;
        let raw = bytes
            .strip_prefix(&ED25519_PUB_PREFIX)
            .ok_or(KeyError::NotEd25519Public)?;
        Self::from_bytes(raw)
    }

    pub fn from_bytes(raw: &[u8]) -> Result<Self, KeyError> {
        let arr: [u8; 32] = raw.try_into().map_err(|_| KeyError::BadLength(raw.len()))?;
        VerifyingKey::from_bytes(&arr)
            .map(Self)
            .map_err(|_| KeyError::InvalidPoint)
    }

    pub fn to_multibase(&self) -> String {
        encode_multibase(ED25519_PUB_PREFIX, self.0.as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// Strict verification (rejects small-order keys and non-canonical signatures).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.0.verify_strict(message, &sig).is_ok()
    }

    /// The did:key DID of this key.
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.to_multibase())
    }

    /// The did:key verification method id: `did:key:z6Mk…#z6Mk…`.
    pub fn did_key_verification_method(&self) -> String {
        let mb = self.to_multibase();
        format!("did:key:{mb}#{mb}")
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_multibase())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_multibase())
    }
}

/// An Ed25519 key pair. `Debug` never prints the secret.
#[derive(Clone)]
pub struct KeyPair(SigningKey);

impl KeyPair {
    /// A new key from the operating system's random generator.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(KeyError::Random)?;
        Ok(Self::from_seed(seed))
    }

    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }

    /// Parses `z3u2…` (32-byte seed, or the 64-byte seed‖public form, whose public half must
    /// match).
    pub fn from_secret_multibase(s: &str) -> Result<Self, KeyError> {
        let bytes = decode_multibase(s)?;
        let raw = bytes
            .strip_prefix(&ED25519_PRIV_PREFIX)
            .ok_or(KeyError::NotEd25519Secret)?;
        match raw.len() {
            32 => {
                let mut seed = [0u8; 32];
                seed.copy_from_slice(raw);
                Ok(Self::from_seed(seed))
            }
            64 => {
                let mut seed = [0u8; 32];
                seed.copy_from_slice(&raw[..32]);
                let pair = Self::from_seed(seed);
                if pair.public().as_bytes()[..] != raw[32..] {
                    return Err(KeyError::Mismatch);
                }
                Ok(pair)
            }
            n => Err(KeyError::BadLength(n)),
        }
    }

    /// The 32-byte seed (the secret); handle with care.
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn secret_multibase(&self) -> String {
        encode_multibase(ED25519_PRIV_PREFIX, &self.0.to_bytes())
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPair({}, secret hidden)", self.public())
    }
}

/// A public key a Data Integrity proof can be checked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationKey {
    Ed25519(PublicKey),
    Ecdsa(EcPublicKey),
}

impl VerificationKey {
    /// Parses a public Multikey of any supported type, by its multicodec prefix.
    pub fn from_multibase(s: &str) -> Result<Self, KeyError> {
        let bytes = decode_multibase(s)?;
        match bytes.get(..2) {
            Some(p) if p == ED25519_PUB_PREFIX => PublicKey::from_multibase(s).map(Self::Ed25519),
            Some([0x80 | 0x81, 0x24]) => EcPublicKey::from_multibase(s).map(Self::Ecdsa),
            _ => Err(KeyError::UnsupportedMulticodec),
        }
    }

    pub fn to_multibase(&self) -> String {
        match self {
            Self::Ed25519(k) => k.to_multibase(),
            Self::Ecdsa(k) => k.to_multibase(),
        }
    }

    /// The key type in words: "Ed25519", "P-256" or "P-384".
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Ed25519(_) => "Ed25519",
            Self::Ecdsa(k) => k.curve().name(),
        }
    }
}

impl From<PublicKey> for VerificationKey {
    fn from(k: PublicKey) -> Self {
        Self::Ed25519(k)
    }
}

impl From<&PublicKey> for VerificationKey {
    fn from(k: &PublicKey) -> Self {
        Self::Ed25519(*k)
    }
}

impl From<EcPublicKey> for VerificationKey {
    fn from(k: EcPublicKey) -> Self {
        Self::Ecdsa(k)
    }
}

impl From<&EcPublicKey> for VerificationKey {
    fn from(k: &EcPublicKey) -> Self {
        Self::Ecdsa(*k)
    }
}

impl From<&VerificationKey> for VerificationKey {
    fn from(k: &VerificationKey) -> Self {
        *k
    }
}

impl fmt::Display for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_multibase())
    }
}

#[cfg(test)]
mod ec_tests;

#[cfg(test)]
mod tests {
    use super::*;

    // The public W3C vc-di-eddsa test key (never use outside tests).
    const W3C_SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
    const W3C_PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

    #[test]
    fn w3c_test_key_round_trips() {
        let pair = KeyPair::from_secret_multibase(W3C_SECRET).unwrap();
        assert_eq!(pair.public().to_multibase(), W3C_PUBLIC);
        assert_eq!(pair.secret_multibase(), W3C_SECRET);
        assert_eq!(
            PublicKey::from_multibase(W3C_PUBLIC).unwrap(),
            pair.public()
        );
    }

    #[test]
    fn sixty_four_byte_secret_form_is_read() {
        let pair = KeyPair::from_secret_multibase(W3C_SECRET).unwrap();
        let mut long = vec![0x80, 0x26];
        long.extend_from_slice(&pair.0.to_bytes());
        long.extend_from_slice(pair.public().as_bytes());
        let s = format!("z{}", bs58::encode(&long).into_string());
        assert_eq!(
            KeyPair::from_secret_multibase(&s).unwrap().public(),
            pair.public()
        );
        long[40] ^= 1;
        let bad = format!("z{}", bs58::encode(&long).into_string());
        assert_eq!(
            KeyPair::from_secret_multibase(&bad).unwrap_err(),
            KeyError::Mismatch
        );
    }

    #[test]
    fn sign_and_verify() {
        let pair = KeyPair::generate().unwrap();
        let sig = pair.sign(b"hello");
        assert!(pair.public().verify(b"hello", &sig));
        assert!(!pair.public().verify(b"hellO", &sig));
        assert!(!pair.public().verify(b"hello", &sig[..63]));
    }

    #[test]
    fn wrong_prefixes_are_refused() {
        assert_eq!(
            PublicKey::from_multibase(W3C_SECRET).unwrap_err(),
            KeyError::NotEd25519Public
        );
        assert_eq!(
            KeyPair::from_secret_multibase(W3C_PUBLIC).unwrap_err(),
            KeyError::NotEd25519Secret
        );
        assert_eq!(
            PublicKey::from_multibase("u6Mk").unwrap_err(),
            KeyError::NotBase58Multibase
        );
        assert_eq!(
            PublicKey::from_multibase("z0OIl").unwrap_err(),
            KeyError::BadBase58
        );
        assert!(format!("{:?}", KeyPair::generate().unwrap()).contains("secret hidden"));
    }
}
