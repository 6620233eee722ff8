//! The keys that sign VC-JWTs (ES256): one current key per organization, made on first use
//! (two first uses at once insert one key), retired keys kept. The [`Store`] methods are here
//! too, next to their statements.

use super::Backend;
use super::codec::{RowReader, micros};
use crate::error::insert_error;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{KeyId, OrgId};
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

/// One JWT signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtKey {
    pub id: KeyId,
    pub org_id: OrgId,
    /// The JWS algorithm: `ES256`.
    pub alg: String,
    /// The public key as a JWK (`kty`, `crv`, `x`, `y`), JSON text.
    pub public_jwk: String,
    /// The private key sealed with the master key.
    pub sealed_secret: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub retired_at: Option<OffsetDateTime>,
}

const COLUMNS: &str = "id, org_id, alg, public_jwk, sealed_secret, created_at, retired_at";

fn key_from_row<DB>(row: &DB::Row) -> Result<JwtKey, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "jwt_keys");
    Ok(JwtKey {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        alg: r.text("alg")?,
        public_jwk: r.text("public_jwk")?,
        sealed_secret: r.bytes("sealed_secret")?,
        created_at: r.time("created_at")?,
        retired_at: r.opt_time("retired_at")?,
    })
}

sql_impl! {
    async fn insert_current_jwt_key(&self, key: &JwtKey) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "INSERT INTO jwt_keys (id, org_id, alg, public_jwk, sealed_secret, created_at, retired_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(key.id.to_string())
        .bind(key.org_id.to_string())
        .bind(key.alg.clone())
        .bind(key.public_jwk.clone())
        .bind(key.sealed_secret.clone())
        .bind(micros(key.created_at)?)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(row.is_some())
    }

    async fn current_jwt_key(&self, org: OrgId) -> Result<Option<JwtKey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jwt_keys WHERE org_id = $1 AND retired_at IS NULL");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(key_from_row::<DB>).transpose()
    }

    async fn jwt_keys(&self, org: OrgId) -> Result<Vec<JwtKey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jwt_keys WHERE org_id = $1 ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(key_from_row::<DB>).collect()
    }

    async fn all_jwt_keys(&self) -> Result<Vec<JwtKey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jwt_keys ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(key_from_row::<DB>).collect()
    }

    async fn replace_jwt_key(
        &self,
        new: &JwtKey,
        at: OffsetDateTime,
    ) -> Result<Vec<KeyId>, StoreError> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "UPDATE jwt_keys SET retired_at = $1 WHERE org_id = $2 AND retired_at IS NULL
             RETURNING id",
        )
        .bind(micros(at)?)
        .bind(new.org_id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let retired = rows
            .iter()
            .map(|r| RowReader::new(r, "jwt_keys").parsed("id"))
            .collect::<Result<Vec<KeyId>, _>>()?;
        sqlx::query(
            "INSERT INTO jwt_keys (id, org_id, alg, public_jwk, sealed_secret, created_at, retired_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        )
        .bind(new.id.to_string())
        .bind(new.org_id.to_string())
        .bind(new.alg.clone())
        .bind(new.public_jwk.clone())
        .bind(new.sealed_secret.clone())
        .bind(micros(new.created_at)?)
        .execute(&mut *tx)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        tx.commit().await?;
        Ok(retired)
    }
}

impl Store {
    /// Stores `key` as its organization's current JWT key unless the organization already
    /// has one (then nothing is written): `true` if this key was stored. Safe under
    /// concurrency: of several first uses at once, exactly one stores its key.
    pub async fn insert_current_jwt_key(&self, key: &JwtKey) -> Result<bool, StoreError> {
        on_backend!(self.insert_current_jwt_key(key))
    }

    /// The organization's current (not retired) JWT key.
    pub async fn current_jwt_key(&self, org: OrgId) -> Result<Option<JwtKey>, StoreError> {
        on_backend!(self.current_jwt_key(org))
    }

    /// The organization's JWT keys, retired ones included, oldest first.
    pub async fn jwt_keys(&self, org: OrgId) -> Result<Vec<JwtKey>, StoreError> {
        on_backend!(self.jwt_keys(org))
    }

    /// Every organization's JWT keys, retired ones included, oldest first.
    pub async fn all_jwt_keys(&self) -> Result<Vec<JwtKey>, StoreError> {
        on_backend!(self.all_jwt_keys())
    }

    /// In one transaction: retires the organization's current JWT key (if any) at `at` and
    /// stores `new` as the current one. Returns the ids of the keys retired.
    pub async fn replace_jwt_key(
        &self,
        new: &JwtKey,
        at: OffsetDateTime,
    ) -> Result<Vec<KeyId>, StoreError> {
        on_backend!(self.replace_jwt_key(new, at))
    }
}
