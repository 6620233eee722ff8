//! Compact JWS / VC-JWT: splitting and decoding, the payload checks of the OB 3.0 VC-JWT
//! profile (claims agree with the credential), the keys that check signatures ([`keys`]) and
//! where a token's key is found ([`resolve`]); and signing credentials as VC-JWTs ([`sign`]).

pub mod keys;
pub mod resolve;
pub mod sign;

use base64::Engine as _;
use serde_json::{Map, Value};

const MAX_JWT_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("a compact JWT has three base64url parts separated by dots")]
    NotCompact,
    #[error("the JWT is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the JWT {0} is not base64url-encoded JSON")]
    BadPart(&'static str),
    #[error("the JWT {0} is not strict JSON: {1}")]
    NotStrictJson(&'static str, String),
    #[error("the JWT header uses alg {0:?}, which is never accepted")]
    ForbiddenAlg(String),
    #[error("the JWT is signed with {0}, which is not supported (RS256, ES256 and EdDSA are)")]
    UnsupportedAlg(String),
    #[error("the JWT header marks extensions {0} as critical, which are not understood")]
    Critical(String),
    #[error("the JWT payload holds no credential (neither the payload itself nor a 'vc' claim)")]
    NoCredential,
}

/// A decoded (not yet verified) compact JWT.
#[derive(Debug, Clone)]
pub struct DecodedJwt {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    /// The credential: the payload itself (OB 3.0 / VC 2.0 profile) or its `vc` claim (VC 1.1).
    pub credential: Value,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

impl DecodedJwt {
    /// The header's `alg` (never `none` or an HMAC algorithm: [`decode`] refuses those).
    pub fn alg(&self) -> &str {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Checks the signature with `key`.
    pub fn verify_signature(&self, key: &keys::JwsKey) -> Result<(), keys::KeyError> {
        key.verify(self.alg(), self.signing_input.as_bytes(), &self.signature)
    }
}

/// True when `text` looks like a compact JWS (three base64url parts).
pub fn looks_like_jwt(text: &str) -> bool {
    let t = text.trim();
    t.split('.').count() == 3
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && t.starts_with("eyJ")
}

fn decode_part(part: &str, name: &'static str) -> Result<Vec<u8>, JwtError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| JwtError::BadPart(name))
}

fn decode_json(part: &str, name: &'static str) -> Result<Map<String, Value>, JwtError> {
    match crate::ijson::from_slice(&decode_part(part, name)?) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(JwtError::BadPart(name)),
        Err(e) => Err(JwtError::NotStrictJson(name, e.to_string())),
    }
}

/// A compact JWS split and decoded: header, payload, signing input and signature. The
/// algorithm is checked: `none`, HMAC and anything but RS256, ES256 and EdDSA are refused.
#[derive(Debug, Clone)]
pub struct Jws {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

pub fn decode_jws(token: &str) -> Result<Jws, JwtError> {
    let token = token.trim();
    if token.len() > MAX_JWT_BYTES {
        return Err(JwtError::TooLarge(MAX_JWT_BYTES));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::NotCompact);
    };
    let header = decode_json(h, "header")?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if alg.is_empty()
        || alg.eq_ignore_ascii_case("none")
        || alg.to_ascii_uppercase().starts_with("HS")
    {
        return Err(JwtError::ForbiddenAlg(alg.to_owned()));
    }
    if !matches!(alg, "RS256" | "ES256" | "EdDSA" | "Ed25519") {
        return Err(JwtError::UnsupportedAlg(alg.to_owned()));
    }
    if let Some(crit) = header.get("crit") {
        return Err(JwtError::Critical(crit.to_string()));
    }
    let payload = decode_json(p, "payload")?;
    let signature = decode_part(s, "signature")?;
    Ok(Jws {
        header,
        payload,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

pub fn decode(token: &str) -> Result<DecodedJwt, JwtError> {
    let Jws {
        header,
        payload,
        signing_input,
        signature,
    } = decode_jws(token)?;
    let credential = match payload.get("vc") {
        Some(vc @ Value::Object(_)) => vc.clone(),
        _ if payload.contains_key("credentialSubject") => Value::Object(payload.clone()),
        _ => return Err(JwtError::NoCredential),
    };
    Ok(DecodedJwt {
        header,
        payload,
        credential,
        signing_input,
        signature,
    })
}

/// Claims that disagree with the credential they carry, in plain words.
pub fn claim_mismatches(jwt: &DecodedJwt) -> Vec<String> {
    let mut out = Vec::new();
    let cred = &jwt.credential;
    let issuer_id = match cred.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(o) => o.get("id").and_then(Value::as_str),
        None => None,
    };
    let pairs = [
        ("iss", issuer_id),
        ("jti", cred.get("id").and_then(Value::as_str)),
        (
            "sub",
            cred.get("credentialSubject")
                .and_then(|s| s.get("id"))
                .and_then(Value::as_str),
        ),
    ];
    for (claim, expected) in pairs {
        let got = jwt.payload.get(claim).and_then(Value::as_str);
        if let (Some(got), Some(expected)) = (got, expected)
            && got != expected
        {
            out.push(format!(
                "the JWT claim {claim} ({got}) differs from the credential ({expected})"
            ));
        }
    }
    for (claim, date_keys) in [
        ("nbf", ["validFrom", "issuanceDate"]),
        ("exp", ["validUntil", "expirationDate"]),
    ] {
        let Some(got) = jwt.payload.get(claim) else {
            continue;
        };
        let Some(got) = got.as_i64() else {
            out.push(format!("the JWT claim {claim} is not a number of seconds"));
            continue;
        };
        let expected = date_keys
            .iter()
            .find_map(|k| cred.get(*k))
            .and_then(crate::verify::shape::parse_date);
        match expected {
            Some(date) if date.unix_timestamp() != got => out.push(format!(
                "the JWT claim {claim} ({got}) differs from the credential's date ({})",
                date.unix_timestamp()
            )),
            // Without a date in the credential the claim stands alone: checked on the clock.
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(v: &Value) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn decodes_both_payload_forms() {
        let cred = serde_json::json!({"id": "urn:x", "issuer": {"id": "https://i"}, "credentialSubject": {}});
        let h = b64(&serde_json::json!({"alg": "RS256"}));
        let t = format!("{h}.{}.c2ln", b64(&cred));
        assert!(looks_like_jwt(&t));
        assert_eq!(decode(&t).unwrap().credential, cred);
        let t = format!(
            "{h}.{}.c2ln",
            b64(&serde_json::json!({"vc": cred, "iss": "https://other"}))
        );
        let d = decode(&t).unwrap();
        assert_eq!(d.credential, cred);
        assert_eq!(claim_mismatches(&d).len(), 1);
    }

    #[test]
    fn refuses_none_and_hmac() {
        for alg in ["none", "NONE", "nOnE", "HS256", ""] {
            let h = b64(&serde_json::json!({"alg": alg}));
            let t = format!(
                "{h}.{}.",
                b64(&serde_json::json!({"credentialSubject": {}}))
            );
            assert!(
                matches!(decode(&t), Err(JwtError::ForbiddenAlg(_))),
                "{alg}"
            );
        }
        assert_eq!(decode("a.b").unwrap_err(), JwtError::NotCompact);
        assert_eq!(
            decode("eyJ.eyJ.x").unwrap_err(),
            JwtError::BadPart("header")
        );
    }
}
