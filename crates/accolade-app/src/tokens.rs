//! Random tokens: sessions, form tokens, reset and invitation links, claim links, staged
//! uploads. One generator, so that every token has the same strength and alphabet.

use crate::{AppError, AppResult};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Bytes of randomness in a token (256 bits).
const TOKEN_BYTES: usize = 32;

/// Characters in a token: base64url without padding of [`TOKEN_BYTES`].
pub const TOKEN_LEN: usize = 43;

/// A new random token: 256 bits from the system's random source, base64url without
/// padding. Fails when the random source fails: a token is never made predictable.
pub fn new_token() -> AppResult<String> {
    token_from(getrandom::fill)
}

/// [`new_token`] from a given random source (tests pass a failing one).
fn token_from(fill: impl FnOnce(&mut [u8]) -> Result<(), getrandom::Error>) -> AppResult<String> {
    let mut b = [0u8; TOKEN_BYTES];
    fill(&mut b).map_err(|e| AppError::internal("random source", e))?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

/// True for a string shaped like a token from [`new_token`] (safe in a file path).
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What is stored for a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_distinct_and_url_safe() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert!(is_token(&a) && is_token(&b), "{a} {b}");
    }

    #[test]
    fn a_failing_random_source_fails_instead_of_giving_a_token() {
        let out = token_from(|_| Err(getrandom::Error::UNEXPECTED));
        assert!(matches!(out, Err(AppError::Internal { .. })), "{out:?}");
    }

    #[test]
    fn path_tricks_are_not_tokens() {
        assert!(!is_token("../../../../etc/passwd"));
        assert!(!is_token(&"a/".repeat(22)[..43]));
        assert!(!is_token(""));
        assert!(!is_token(&"a".repeat(44)));
    }

    #[test]
    fn token_hash_is_lowercase_hex_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
