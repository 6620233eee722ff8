//! API keys: found by their visible prefix, listed per organization (revoked and expired
//! ones too), revoked once, and their last use written at most once a minute. The [`Store`]
//! methods are here too, next to their statements.

use super::Backend;
use super::codec::{RowReader, micros, opt_micros};
use crate::error::{UniqueKey, insert_error};
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{ApiKeyId, OrgId};
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

/// One API key as stored: never the secret, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub org_id: OrgId,
    pub name: String,
    /// The visible part of the token (8 characters), unique across organizations.
    pub prefix: String,
    /// SHA-256 of the token's secret part.
    pub secret_hash: Vec<u8>,
    /// Scope names (`read`, `issue`, `revoke`, `admin`), as the application gave them.
    pub scopes: Vec<String>,
    /// How the audit log names who created it.
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

const COLUMNS: &str = "id, org_id, name, prefix, secret_hash, scopes, created_by, created_at, \
                       last_used_at, expires_at, revoked_at";

const PREFIX_KEY: UniqueKey = UniqueKey {
    what: "prefix",
    index: "api_keys_prefix_uq",
    sqlite_columns: "api_keys.prefix",
};

fn api_key_from_row<DB>(row: &DB::Row) -> Result<ApiKey, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "api_keys");
    Ok(ApiKey {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        name: r.text("name")?,
        prefix: r.text("prefix")?,
        secret_hash: r.bytes("secret_hash")?,
        scopes: r
            .text("scopes")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
        last_used_at: r.opt_time("last_used_at")?,
        expires_at: r.opt_time("expires_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

sql_impl! {
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, prefix, secret_hash, scopes, created_by,
                 created_at, last_used_at, expires_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(key.id.to_string())
        .bind(key.org_id.to_string())
        .bind(key.name.clone())
        .bind(key.prefix.clone())
        .bind(key.secret_hash.clone())
        .bind(key.scopes.join(" "))
        .bind(key.created_by.clone())
        .bind(micros(key.created_at)?)
        .bind(opt_micros(key.last_used_at)?)
        .bind(opt_micros(key.expires_at)?)
        .bind(opt_micros(key.revoked_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[PREFIX_KEY]))?;
        Ok(())
    }

    async fn api_key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE prefix = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(prefix.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(api_key_from_row::<DB>).transpose()
    }

    async fn api_keys(&self, org: OrgId) -> Result<Vec<ApiKey>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at DESC, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(api_key_from_row::<DB>).collect()
    }

    async fn revoke_api_key(&self, id: ApiKeyId, at: OffsetDateTime) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL
             RETURNING id",
        )
        .bind(id.to_string())
        .bind(micros(at)?)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    async fn touch_api_key(
        &self,
        id: ApiKeyId,
        at: OffsetDateTime,
        unless_since: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "UPDATE api_keys SET last_used_at = $2
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)
             RETURNING id",
        )
        .bind(id.to_string())
        .bind(micros(at)?)
        .bind(micros(unless_since)?)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }
}

impl Store {
    /// A prefix already taken (by any organization) fails with `Conflict { what: "prefix" }`.
    pub async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        on_backend!(self.insert_api_key(key))
    }

    /// The key with this visible prefix, revoked or not.
    pub async fn api_key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>, StoreError> {
        on_backend!(self.api_key_by_prefix(prefix))
    }

    /// The organization's keys, revoked and expired ones included, newest first.
    pub async fn api_keys(&self, org: OrgId) -> Result<Vec<ApiKey>, StoreError> {
        on_backend!(self.api_keys(org))
    }

    /// Revokes the key at `at`; `false` if there is no such key or it already is revoked.
    pub async fn revoke_api_key(
        &self,
        id: ApiKeyId,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.revoke_api_key(id, at))
    }

    /// Records a use at `at` unless one at or after `unless_since` is already recorded
    /// (so that busy keys are written at most once per interval, on every node); `true` if
    /// it wrote.
    pub async fn touch_api_key(
        &self,
        id: ApiKeyId,
        at: OffsetDateTime,
        unless_since: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.touch_api_key(id, at, unless_since))
    }
}
