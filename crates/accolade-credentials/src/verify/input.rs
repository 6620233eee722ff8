//! Reading what a verifier is given: credential JSON, a compact JWT, or a baked PNG/SVG.

use super::report::InputFormat;
use crate::bake::{self, Baked};
use crate::jwt::{self, DecodedJwt};
use serde_json::Value;

/// Largest input accepted (a baked PNG can be big; the credential inside is bounded again).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// Largest credential JSON accepted.
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

pub enum Parsed {
    Json(Value),
    Jwt(Box<DecodedJwt>),
    /// An Open Badges 2.0 assertion (JSON, URL or JWS) found in a baked image.
    Ob2(String),
}

pub fn read(input: &[u8]) -> (InputFormat, Result<Parsed, String>) {
    if input.len() > MAX_INPUT_BYTES {
        return (
            InputFormat::Unknown,
            Err(format!(
                "the input is larger than {} MiB",
                MAX_INPUT_BYTES >> 20
            )),
        );
    }
    if input.starts_with(b"\x89PNG\r\n\x1a\n") {
        return (InputFormat::Png, from_image(input, "PNG"));
    }
    let text = match std::str::from_utf8(input) {
        Ok(t) => t.trim_start_matches('\u{feff}').trim(),
        Err(_) => {
            return (
                InputFormat::Unknown,
                Err("the input is neither a PNG image nor UTF-8 text".into()),
            );
        }
    };
    if text.starts_with('<') {
        return (InputFormat::Svg, from_image(input, "SVG"));
    }
    if text.starts_with('{') {
        return (InputFormat::Json, parse_json(text));
    }
    if jwt::looks_like_jwt(text) {
        return (InputFormat::Jwt, parse_jwt(text));
    }
    // A bare address is checked as an Open Badges 2.0 hosted assertion (fetched from there).
    if (text.starts_with("https://") || text.starts_with("http://"))
        && !text.contains(char::is_whitespace)
        && text.len() <= 2048
    {
        return (InputFormat::Unknown, Ok(Parsed::Ob2(text.to_owned())));
    }
    (
        InputFormat::Unknown,
        Err("the input is not credential JSON, a JWT, or a baked PNG/SVG badge".into()),
    )
}

fn from_image(input: &[u8], kind: &str) -> Result<Parsed, String> {
    match bake::unbake(input) {
        Ok(Some(Baked::Ob3Json(text))) => parse_json(&text),
        Ok(Some(Baked::Ob3Jwt(token))) => parse_jwt(&token),
        Ok(Some(Baked::Ob2(text))) => Ok(Parsed::Ob2(text)),
        Ok(None) => Err(format!("the {kind} image carries no baked credential")),
        Err(e) => Err(format!("the {kind} image could not be read: {e}")),
    }
}

pub fn parse_json(text: &str) -> Result<Parsed, String> {
    if text.len() > MAX_JSON_BYTES {
        return Err(format!(
            "the credential JSON is larger than {} MiB",
            MAX_JSON_BYTES >> 20
        ));
    }
    match crate::ijson::from_str(text) {
        Ok(v @ Value::Object(_)) if crate::ob2::looks_like_assertion(&v) => {
            Ok(Parsed::Ob2(text.to_owned()))
        }
        Ok(v @ Value::Object(_)) => Ok(Parsed::Json(v)),
        Ok(_) => Err("the JSON is not an object".into()),
        Err(e) => Err(format!("the input is not valid JSON: {e}")),
    }
}

fn parse_jwt(text: &str) -> Result<Parsed, String> {
    match jwt::decode(text) {
        Ok(d) => Ok(Parsed::Jwt(Box::new(d))),
        // A JWS whose payload is an OB 2.0 assertion: a signed OB 2.0 badge.
        Err(jwt::JwtError::NoCredential)
            if jwt::decode_jws(text)
                .is_ok_and(|j| crate::ob2::looks_like_assertion(&Value::Object(j.payload))) =>
        {
            Ok(Parsed::Ob2(text.to_owned()))
        }
        Err(e) => Err(e.to_string()),
    }
}
