//! Idempotency keys of API requests: the first request with a key claims it (one claim wins
//! even when many arrive at once), its answer is stored when it finishes, and later requests
//! with the key get that answer, a mismatch, or "still in flight". Rows expire (24 hours by
//! the application's choice) and are purged lazily on the next claim of the same key and by
//! [`Store::purge_idempotency_keys`].

use super::codec::{RowReader, micros, to_json};
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::ApiKeyId;
use time::OffsetDateTime;

/// The answer stored for a finished request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// The headers worth replaying, as `(name, value)` pairs.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a claim of an idempotency key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key was free: this request goes ahead, then calls
    /// [`Store::finish_idempotency_key`] (or [`Store::release_idempotency_key`]).
    Claimed,
    /// The key was used for a request with another fingerprint.
    Mismatch,
    /// The first request with the key has not finished.
    InFlight,
    /// The first request finished with this answer.
    Done(StoredResponse),
}

/// A claim for one API key's idempotency key.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyRequest<'a> {
    pub api_key: ApiKeyId,
    pub key: &'a str,
    /// Method, path and body hash, as the caller computes it.
    pub fingerprint: &'a str,
    pub now: OffsetDateTime,
    /// When the row may be forgotten.
    pub expires_at: OffsetDateTime,
    /// An unfinished claim older than this is taken to be abandoned (its server stopped)
    /// and may be claimed again.
    pub abandoned_before: OffsetDateTime,
}

sql_impl! {
    async fn claim_idempotency_key(
        &self,
        r: &IdempotencyRequest<'_>,
    ) -> Result<IdempotencyClaim, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys
             WHERE api_key_id = $1 AND idem_key = $2
               AND (expires_at <= $3 OR (completed_at IS NULL AND created_at < $4))",
        )
        .bind(r.api_key.to_string())
        .bind(r.key.to_owned())
        .bind(micros(r.now)?)
        .bind(micros(r.abandoned_before)?)
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (api_key_id, idem_key, fingerprint, created_at,
                 expires_at, completed_at, status, headers, body)
             VALUES ($1, $2, $3, $4, $5, NULL, 0, '[]', $6)
             ON CONFLICT DO NOTHING RETURNING idem_key",
        )
        .bind(r.api_key.to_string())
        .bind(r.key.to_owned())
        .bind(r.fingerprint.to_owned())
        .bind(micros(r.now)?)
        .bind(micros(r.expires_at)?)
        .bind(Vec::<u8>::new())
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_some() {
            tx.commit().await?;
            return Ok(IdempotencyClaim::Claimed);
        }
        let row = sqlx::query(
            "SELECT fingerprint, completed_at, status, headers, body FROM idempotency_keys
             WHERE api_key_id = $1 AND idem_key = $2",
        )
        .bind(r.api_key.to_string())
        .bind(r.key.to_owned())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        // Gone between the insert and the read (finished and purged): rare; the caller
        // answers "in flight" and the client retries.
        let Some(row) = row else {
            return Ok(IdempotencyClaim::InFlight);
        };
        let rd = RowReader::new(&row, "idempotency_keys");
        if rd.text("fingerprint")? != r.fingerprint {
            return Ok(IdempotencyClaim::Mismatch);
        }
        if rd.opt_int("completed_at")?.is_none() {
            return Ok(IdempotencyClaim::InFlight);
        }
        let status = u16::try_from(rd.int("status")?)
            .map_err(|e| StoreError::corrupt("idempotency_keys", "status", e))?;
        Ok(IdempotencyClaim::Done(StoredResponse {
            status,
            headers: rd.json("headers")?,
            body: rd.bytes("body")?,
        }))
    }

    async fn finish_idempotency_key(
        &self,
        api_key: ApiKeyId,
        key: &str,
        response: &StoredResponse,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "UPDATE idempotency_keys SET completed_at = $3, status = $4, headers = $5, body = $6
             WHERE api_key_id = $1 AND idem_key = $2 AND completed_at IS NULL
             RETURNING idem_key",
        )
        .bind(api_key.to_string())
        .bind(key.to_owned())
        .bind(micros(at)?)
        .bind(i64::from(response.status))
        .bind(to_json("idempotency headers", &response.headers)?)
        .bind(response.body.clone())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    async fn release_idempotency_key(&self, api_key: ApiKeyId, key: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "DELETE FROM idempotency_keys
             WHERE api_key_id = $1 AND idem_key = $2 AND completed_at IS NULL
             RETURNING idem_key",
        )
        .bind(api_key.to_string())
        .bind(key.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    async fn purge_idempotency_keys(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let gone = sqlx::query(
            "DELETE FROM idempotency_keys WHERE expires_at <= $1 RETURNING idem_key",
        )
        .bind(micros(now)?)
        .fetch_all(&self.pool)
        .await?;
        Ok(gone.len() as u64)
    }
}

impl Store {
    /// Claims `r.key` for `r.api_key` in one transaction (first forgetting the key's row if
    /// it expired or was abandoned): of many claims at once, exactly one is `Claimed`.
    pub async fn claim_idempotency_key(
        &self,
        r: &IdempotencyRequest<'_>,
    ) -> Result<IdempotencyClaim, StoreError> {
        on_backend!(self.claim_idempotency_key(r))
    }

    /// Stores the answer of the request that claimed the key; `false` if the claim is gone.
    pub async fn finish_idempotency_key(
        &self,
        api_key: ApiKeyId,
        key: &str,
        response: &StoredResponse,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.finish_idempotency_key(api_key, key, response, at))
    }

    /// Gives up an unfinished claim (the request failed in a way worth retrying).
    pub async fn release_idempotency_key(
        &self,
        api_key: ApiKeyId,
        key: &str,
    ) -> Result<bool, StoreError> {
        on_backend!(self.release_idempotency_key(api_key, key))
    }

    /// Deletes every idempotency key expired at `now`; returns how many.
    pub async fn purge_idempotency_keys(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        on_backend!(self.purge_idempotency_keys(now))
    }
}
