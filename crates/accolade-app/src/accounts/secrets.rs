//! Passwords (Argon2id) and bearer tokens (≥ 128 random bits, stored only as SHA-256).

use crate::{AppError, AppResult};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use subtle::ConstantTimeEq as _;

pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 256;

/// OWASP's recommended Argon2id settings (19 MiB, 2 passes, 1 lane).
fn argon2() -> AppResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::internal("setting up password hashing", e))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn check_password_rules(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(AppError::invalid_field(
            "password",
            format!("Choose a password of at least {MIN_PASSWORD} characters."),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(AppError::invalid_field(
            "password",
            format!("Choose a password of at most {MAX_PASSWORD} characters."),
        ));
    }
    Ok(())
}

pub fn hash_password(password: &str) -> AppResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::internal("reading the random source", e))?;
    argon2()?
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal("hashing a password", e))
}

/// True when `password` matches `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), hash).is_ok())
}

/// A hash to check against when the account does not exist, so both cases cost the same.
pub fn decoy_hash() -> &'static str {
    use std::sync::OnceLock;
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(check_password_rules("short").is_err());
        assert!(
            constant_time_eq("abc", "abc")
                && !constant_time_eq("abc", "abd")
                && !constant_time_eq("a", "ab")
        );
    }
}
