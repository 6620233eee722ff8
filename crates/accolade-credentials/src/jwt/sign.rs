//! Signing a credential as a VC-JWT, as the Open Badges 3.0 profile asks: a compact JWS
//! signed with ES256 (P-256), header `{alg, typ: "JWT", kid}` with `kid` the URL of the
//! public key as one JWK, and the credential itself as the payload, with the registered
//! claims copied from it (`iss`, `jti`, `sub`, `nbf`, `exp`). A Data Integrity proof the
//! credential already carries stays inside the payload.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer as _;
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    #[error("the system random generator failed")]
    Random(#[source] getrandom::Error),
    /// Every scalar drawn was out of range (astronomically unlikely with a working
    /// generator).
    #[error("no valid P-256 scalar was drawn")]
    NoScalar,
    #[error("the bytes are not a P-256 private key")]
    BadPrivateKey,
    #[error("the credential cannot be signed as a JWT: {0}")]
    Credential(String),
}

/// A P-256 private key for ES256. `Debug` never shows the secret.
#[derive(Clone)]
pub struct Es256Key(p256::ecdsa::SigningKey);

impl std::fmt::Debug for Es256Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Es256Key(<secret>)")
    }
}

impl Es256Key {
    /// A new key from the operating system's random generator.
    pub fn generate() -> Result<Self, SignError> {
        // A random 32-byte string is a valid scalar except with probability ~2^-32; draw
        // again in that case.
        for _ in 0..8 {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(SignError::Random)?;
            if let Ok(key) = Self::from_bytes(&secret) {
                return Ok(key);
            }
        }
        Err(SignError::NoScalar)
    }

    /// The key from its 32-byte big-endian private scalar.
    pub fn from_bytes(secret: &[u8]) -> Result<Self, SignError> {
        if secret.len() != 32 {
            return Err(SignError::BadPrivateKey);
        }
        p256::ecdsa::SigningKey::from_slice(secret)
            .map(Self)
            .map_err(|_| SignError::BadPrivateKey)
    }

    /// The 32-byte big-endian private scalar (to be sealed before it is stored).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes().into()
    }

    pub fn verifying_key(&self) -> p256::ecdsa::VerifyingKey {
        *self.0.verifying_key()
    }

    /// The public key as a JWK: `{kty: "EC", crv: "P-256", x, y}`, never with `d`.
    pub fn public_jwk(&self) -> Value {
        public_jwk(&self.verifying_key())
    }

    /// A compact JWS of `payload` with this header, signed with ES256 (the signature is
    /// the 64-byte `r‖s`, as JWS wants, not DER).
    pub fn sign_compact(&self, header: &Value, payload: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature: p256::ecdsa::Signature = self.0.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

/// A P-256 public key as a JWK (`kty`, `crv`, `x`, `y`).
pub fn public_jwk(key: &p256::ecdsa::VerifyingKey) -> Value {
    let point = key.to_sec1_point(false);
    let bytes = point.as_bytes();
    // Uncompressed SEC1: 0x04 ‖ x (32 bytes) ‖ y (32 bytes).
    let (x, y) = match bytes.get(1..65) {
        Some(xy) => xy.split_at(32),
        None => (&[][..], &[][..]),
    };
    json!({
        "kty": "EC",
        "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(x),
        "y": URL_SAFE_NO_PAD.encode(y),
    })
}

/// The NumericDate (seconds since the epoch, UTC) of the first of `keys` the credential has.
fn date_claim(cred: &Map<String, Value>, keys: &[&str]) -> Result<Option<i64>, SignError> {
    let Some((key, value)) = keys.iter().find_map(|k| cred.get(*k).map(|v| (*k, v))) else {
        return Ok(None);
    };
    crate::verify::shape::parse_date(value)
        .map(|d| Some(d.unix_timestamp()))
        .ok_or_else(|| SignError::Credential(format!("{key} is not an RFC 3339 date-time")))
}

/// The payload of the VC-JWT of `credential`: the credential's own members, then `iss`
/// (`issuer.id`), `jti` (`id`), `sub` (`credentialSubject.id`, left out when the subject
/// has none, e.g. one named by a hashed email), `nbf` (`validFrom`) and `exp` (`validUntil`,
/// only when set).
pub fn vc_jwt_payload(credential: &Value) -> Result<Value, SignError> {
    let cred = credential
        .as_object()
        .ok_or_else(|| SignError::Credential("it is not a JSON object".into()))?;
    let issuer = match cred.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(o) => o.get("id").and_then(Value::as_str),
        None => None,
    }
    .ok_or_else(|| SignError::Credential("it names no issuer id".into()))?;
    let id = cred
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| SignError::Credential("it has no id".into()))?;
    let subject = cred
        .get("credentialSubject")
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str);
    let nbf = date_claim(cred, &["validFrom", "issuanceDate"])?
        .ok_or_else(|| SignError::Credential("it has no validFrom date".into()))?;
    let exp = date_claim(cred, &["validUntil", "expirationDate"])?;
    let mut payload = cred.clone();
    for claim in ["iss", "jti", "sub", "nbf", "exp", "vc"] {
        if payload.contains_key(claim) {
            return Err(SignError::Credential(format!(
                "it already has a member named {claim:?}"
            )));
        }
    }
    payload.insert("iss".into(), issuer.into());
    payload.insert("jti".into(), id.into());
    if let Some(sub) = subject {
        payload.insert("sub".into(), sub.into());
    }
    payload.insert("nbf".into(), nbf.into());
    if let Some(exp) = exp {
        payload.insert("exp".into(), exp.into());
    }
    Ok(Value::Object(payload))
}

/// Signs `credential` as an OB 3.0 VC-JWT with ES256. `kid` is where verifiers find the
/// public key: a URL that answers with that one JWK.
pub fn sign_credential(credential: &Value, key: &Es256Key, kid: &str) -> Result<String, SignError> {
    let header = json!({"alg": "ES256", "typ": "JWT", "kid": kid});
    let payload = vc_jwt_payload(credential)?;
    Ok(key.sign_compact(&header, &payload))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::JwsKey;

    fn credential(subject_id: Option<&str>, valid_until: Option<&str>) -> Value {
        let mut c = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:7f0d1c86-5c5a-4a39-9d5f-1a3f0a2a4b11",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:web:badges.example:issuers:acme", "name": "Acme"},
            "validFrom": "2025-03-01T09:30:00Z",
            "credentialSubject": {"type": ["AchievementSubject"]},
            "proof": [{"type": "DataIntegrityProof", "proofValue": "z123"}],
        });
        if let Some(s) = subject_id {
            c["credentialSubject"]["id"] = s.into();
        }
        if let Some(u) = valid_until {
            c["validUntil"] = u.into();
        }
        c
    }

    #[test]
    fn payload_follows_the_profile() {
        let p = vc_jwt_payload(&credential(None, None)).unwrap();
        assert_eq!(p["iss"], "did:web:badges.example:issuers:acme");
        assert_eq!(p["jti"], "urn:uuid:7f0d1c86-5c5a-4a39-9d5f-1a3f0a2a4b11");
        assert_eq!(p["nbf"], 1_740_821_400);
        assert!(p.get("sub").is_none() && p.get("exp").is_none());
        assert_eq!(
            p["proof"][0]["proofValue"], "z123",
            "the LD proof stays inside"
        );
        let p = vc_jwt_payload(&credential(
            Some("did:example:ada"),
            Some("2027-03-01T09:30:00.5+01:00"),
        ))
        .unwrap();
        assert_eq!(p["sub"], "did:example:ada");
        assert_eq!(p["exp"], 1_803_889_800);
        for broken in [
            json!([]),
            json!({"id": "urn:x", "validFrom": "2025-03-01T09:30:00Z"}),
            json!({"issuer": "https://i.example", "validFrom": "2025-03-01T09:30:00Z"}),
            json!({"id": "urn:x", "issuer": "https://i.example"}),
            json!({"id": "urn:x", "issuer": "https://i.example", "validFrom": "yesterday"}),
            json!({"id": "urn:x", "issuer": "https://i.example", "validFrom": "2025-03-01T09:30:00Z", "iss": "x"}),
        ] {
            assert!(vc_jwt_payload(&broken).is_err(), "{broken}");
        }
    }

    #[test]
    fn signs_and_verifies_with_the_published_jwk() {
        let key = Es256Key::generate().unwrap();
        let again = Es256Key::from_bytes(&key.to_bytes()).unwrap();
        assert_eq!(again.public_jwk(), key.public_jwk());
        assert_eq!(format!("{key:?}"), "Es256Key(<secret>)");
        let jwk = key.public_jwk();
        assert_eq!(
            (jwk["kty"].as_str(), jwk["crv"].as_str()),
            (Some("EC"), Some("P-256"))
        );
        assert!(jwk.get("d").is_none());
        let kid = "https://badges.example/issuers/acme/keys/k1.jwk";
        let cred = credential(Some("did:example:ada"), Some("2027-03-01T09:30:00Z"));
        let token = sign_credential(&cred, &key, kid).unwrap();
        let decoded = crate::jwt::decode(&token).unwrap();
        assert_eq!(decoded.alg(), "ES256");
        assert_eq!(decoded.header["typ"], "JWT");
        assert_eq!(decoded.header["kid"], kid);
        assert_eq!(decoded.header.len(), 3, "no other header");
        assert_eq!(decoded.signature.len(), 64);
        assert!(crate::jwt::claim_mismatches(&decoded).is_empty());
        let mut without_claims = decoded.credential.clone();
        for claim in ["iss", "jti", "sub", "nbf", "exp"] {
            without_claims.as_object_mut().unwrap().remove(claim);
        }
        assert_eq!(without_claims, cred);
        let public = JwsKey::from_jwk(&jwk).unwrap();
        decoded.verify_signature(&public).unwrap();
        let other = JwsKey::from_jwk(&Es256Key::generate().unwrap().public_jwk()).unwrap();
        assert!(decoded.verify_signature(&other).is_err());

        // One changed character of the payload breaks the signature.
        let parts: Vec<&str> = token.split('.').collect();
        let forged_payload = URL_SAFE_NO_PAD.encode(
            String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap())
                .unwrap()
                .replace("Acme", "Acne"),
        );
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        let forged = crate::jwt::decode(&forged).unwrap();
        assert!(forged.verify_signature(&public).is_err());
    }

    #[test]
    fn private_keys_are_checked() {
        assert_eq!(
            Es256Key::from_bytes(&[0u8; 32]).unwrap_err(),
            SignError::BadPrivateKey
        );
        assert_eq!(
            Es256Key::from_bytes(&[1u8; 31]).unwrap_err(),
            SignError::BadPrivateKey
        );
        assert_eq!(
            Es256Key::from_bytes(&[0xffu8; 32]).unwrap_err(),
            SignError::BadPrivateKey,
            "above the group order"
        );
    }
}
