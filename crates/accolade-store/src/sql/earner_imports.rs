//! Badges earners imported from elsewhere, each with its verification report. The [`Store`]
//! methods are here too, next to their statements.

use super::Backend;
use super::codec::{RowReader, micros};
use crate::error::insert_error;
use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::UserId;
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

/// One imported badge. `original` is what the earner gave (read separately: see
/// [`Store::earner_import_original`]); the rest is what the verifier found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarnerImport {
    /// A random UUID.
    pub id: String,
    pub user_id: UserId,
    /// `file`, `text` or `url`.
    pub source: String,
    pub source_url: Option<String>,
    /// `json`, `jwt`, `png`, `svg` or `unknown`.
    pub input_format: String,
    /// `ob3_data_integrity`, `ob3_jwt`, `ob2_hosted`, `ob2_signed` or `unknown`.
    pub kind: String,
    /// `valid`, `invalid` or `unverified`.
    pub verdict: String,
    pub summary: String,
    pub badge_name: Option<String>,
    pub issuer_name: Option<String>,
    /// The verification report as JSON.
    pub report: String,
    pub imported_at: OffsetDateTime,
}

const COLUMNS: &str = "id, user_id, source, source_url, input_format, kind, verdict, summary,
     badge_name, issuer_name, report, imported_at";

fn import_from_row<DB>(row: &DB::Row) -> Result<EarnerImport, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "earner_imports");
    Ok(EarnerImport {
        id: r.text("id")?,
        user_id: r.parsed("user_id")?,
        source: r.text("source")?,
        source_url: r.opt_text("source_url")?,
        input_format: r.text("input_format")?,
        kind: r.text("kind")?,
        verdict: r.text("verdict")?,
        summary: r.text("summary")?,
        badge_name: r.opt_text("badge_name")?,
        issuer_name: r.opt_text("issuer_name")?,
        report: r.text("report")?,
        imported_at: r.time("imported_at")?,
    })
}

sql_impl! {
    async fn insert_earner_import(&self, i: &EarnerImport, original: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO earner_imports (id, user_id, source, source_url, original, input_format,
                 kind, verdict, summary, badge_name, issuer_name, report, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(i.id.clone())
        .bind(i.user_id.to_string())
        .bind(i.source.clone())
        .bind(i.source_url.clone())
        .bind(original.to_vec())
        .bind(i.input_format.clone())
        .bind(i.kind.clone())
        .bind(i.verdict.clone())
        .bind(i.summary.clone())
        .bind(i.badge_name.clone())
        .bind(i.issuer_name.clone())
        .bind(i.report.clone())
        .bind(micros(i.imported_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    async fn earner_imports_of(&self, user: UserId) -> Result<Vec<EarnerImport>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM earner_imports WHERE user_id = $1
             ORDER BY imported_at DESC, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(import_from_row::<DB>).collect()
    }

    async fn earner_import(&self, user: UserId, id: &str) -> Result<Option<EarnerImport>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM earner_imports WHERE user_id = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.to_string())
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(import_from_row::<DB>).transpose()
    }

    async fn earner_import_original(&self, user: UserId, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT original FROM earner_imports WHERE user_id = $1 AND id = $2")
            .bind(user.to_string())
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|r| RowReader::new(r, "earner_imports").bytes("original"))
            .transpose()
    }

    async fn delete_earner_import(&self, user: UserId, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM earner_imports WHERE user_id = $1 AND id = $2 RETURNING id",
        )
        .bind(user.to_string())
        .bind(id.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }
}

impl Store {
    /// Stores an imported badge with what the earner gave.
    pub async fn insert_earner_import(
        &self,
        import: &EarnerImport,
        original: &[u8],
    ) -> Result<(), StoreError> {
        on_backend!(self.insert_earner_import(import, original))
    }

    /// An account's imported badges, newest first.
    pub async fn earner_imports_of(&self, user: UserId) -> Result<Vec<EarnerImport>, StoreError> {
        on_backend!(self.earner_imports_of(user))
    }

    /// One of the account's imported badges; `None` if it is not the account's.
    pub async fn earner_import(
        &self,
        user: UserId,
        id: &str,
    ) -> Result<Option<EarnerImport>, StoreError> {
        on_backend!(self.earner_import(user, id))
    }

    /// What the earner gave for one import (the image or text).
    pub async fn earner_import_original(
        &self,
        user: UserId,
        id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        on_backend!(self.earner_import_original(user, id))
    }

    /// Removes one of the account's imported badges; `false` if there is none.
    pub async fn delete_earner_import(&self, user: UserId, id: &str) -> Result<bool, StoreError> {
        on_backend!(self.delete_earner_import(user, id))
    }
}
