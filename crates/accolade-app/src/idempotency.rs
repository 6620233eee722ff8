//! Idempotent creation through the API (draft-ietf-httpapi-idempotency-key-header): a POST
//! that creates may carry an `Idempotency-Key`; the first request with a key runs and its
//! answer is kept 24 hours; a retry with the same key and the same request (method, path and
//! body hash) gets that answer again, one with another request is refused, and one while the
//! first is still running is told so. Keys belong to the API key that sent them.

use crate::{ApiCaller, App, AppError, AppResult};
use accolade_store::IdempotencyRequest;
pub use accolade_store::{IdempotencyClaim, StoredResponse};
use sha2::{Digest, Sha256};
use time::Duration;

/// How long a key and its answer are kept.
pub const IDEMPOTENCY_LIFETIME: Duration = Duration::hours(24);
/// An unfinished first request older than this is taken to be lost (its server stopped), so
/// the key may be used again.
pub const ABANDONED_AFTER: Duration = Duration::minutes(10);
/// The longest idempotency key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// The key as sent (a structured-field string, quoted, or a bare token): its text, or a
/// refusal saying what a key looks like.
pub fn parse_key(raw: &str) -> AppResult<String> {
    let t = raw.trim();
    let inner = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t);
    let ok = !inner.is_empty()
        && inner.len() <= MAX_KEY_LEN
        && inner
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\');
    if ok {
        Ok(inner.to_owned())
    } else {
        Err(AppError::invalid_field(
            "Idempotency-Key",
            format!(
                "An Idempotency-Key is 1 to {MAX_KEY_LEN} visible ASCII characters, such as a UUID."
            ),
        ))
    }
}

/// What identifies a request for its key: method, path and the SHA-256 of the body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    format!("{method} {path} {}", hex::encode(Sha256::digest(body)))
}

impl App {
    /// Claims `key` for the caller's request with `fingerprint` (see [`IdempotencyClaim`]).
    pub async fn claim_idempotency_key(
        &self,
        caller: &ApiCaller,
        key: &str,
        fingerprint: &str,
    ) -> AppResult<IdempotencyClaim> {
        let now = self.clock.now();
        Ok(self
            .store
            .claim_idempotency_key(&IdempotencyRequest {
                api_key: caller.key_id,
                key,
                fingerprint,
                now,
                expires_at: now + IDEMPOTENCY_LIFETIME,
                abandoned_before: now - ABANDONED_AFTER,
            })
            .await?)
    }

    /// Keeps the answer of the request that claimed `key`, for its retries.
    pub async fn finish_idempotency_key(
        &self,
        caller: &ApiCaller,
        key: &str,
        response: &StoredResponse,
    ) -> AppResult<()> {
        self.store
            .finish_idempotency_key(caller.key_id, key, response, self.clock.now())
            .await?;
        Ok(())
    }

    /// Frees `key` after a failure worth retrying (a server error): the retry runs anew.
    pub async fn release_idempotency_key(&self, caller: &ApiCaller, key: &str) -> AppResult<()> {
        self.store
            .release_idempotency_key(caller.key_id, key)
            .await?;
        Ok(())
    }

    /// Forgets every idempotency key past its lifetime; returns how many. The job loop runs
    /// it hourly (a key is also forgotten when it is next used after expiry).
    pub async fn purge_idempotency_keys(&self) -> AppResult<u64> {
        Ok(self.store.purge_idempotency_keys(self.clock.now()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_or_bare_visible_ascii() {
        assert_eq!(parse_key("\"abc-123\"").unwrap(), "abc-123");
        assert_eq!(parse_key(" abc-123 ").unwrap(), "abc-123");
        for bad in ["", "\"\"", "a b", "é", &"x".repeat(256)] {
            assert!(parse_key(bad).is_err(), "{bad:?}");
        }
        assert_ne!(
            fingerprint("POST", "/a", b"x"),
            fingerprint("POST", "/a", b"y")
        );
        assert_ne!(
            fingerprint("POST", "/a", b"x"),
            fingerprint("POST", "/b", b"x")
        );
    }
}
