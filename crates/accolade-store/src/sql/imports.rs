//! Bulk imports: the import records and their rows, as stored and as reported. Working an
//! import (its lease, chunk commits, mail stamps, finishing) is in `import_chunks.rs`.

use super::Backend;
use super::codec::{RowReader, micros, opt_micros};
use super::params::{Params, ROWS_PER_INSERT};
use crate::StoreError;
use crate::error::insert_error;
use crate::imports::{Import, ImportRow, ImportState, NewImportRow, PendingRow, RowState};
use accolade_core::{AchievementId, ImportId, OrgId};
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

/// The next pending rows of an import, each with whether its achievement was already
/// awarded to its email (one lookup in `awards_achievement_recipient` per row).
pub(super) const PENDING_ROWS: &str =
    "SELECT r.row_number, r.award_id, r.email, r.name, r.issued_at, r.field_values,
            CAST(CASE WHEN EXISTS (
                SELECT 1 FROM awards a WHERE a.achievement_id = r.achievement_id
                                         AND a.recipient_email = r.email)
            THEN 1 ELSE 0 END AS BIGINT) AS taken
     FROM import_rows r
     WHERE r.import_id = $1 AND r.state = 'pending' AND r.row_number > $2
     ORDER BY r.row_number LIMIT $3";

macro_rules! import_columns {
    () => {
        "id, org_id, achievement_id, file_name, source_sha256, mapping, state, total_rows,
         issued_rows, skipped_rows, error_rows, lease_owner, lease_until, created_at, finished_at"
    };
}

pub(super) use import_columns;

macro_rules! select_imports {
    ($tail:literal) => {
        concat!("SELECT ", import_columns!(), " FROM imports ", $tail)
    };
}

sql_impl! {
    pub async fn insert_import(&self, i: &Import) -> Result<(), StoreError> {
        sqlx::query(concat!(
            "INSERT INTO imports (",
            import_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(i.id.to_string())
        .bind(i.org_id.to_string())
        .bind(i.achievement_id.to_string())
        .bind(i.file_name.clone())
        .bind(i.source_sha256.clone())
        .bind(i.mapping.clone())
        .bind(i.state.as_str().to_owned())
        .bind(i.total_rows)
        .bind(i.issued_rows)
        .bind(i.skipped_rows)
        .bind(i.error_rows)
        .bind(i.lease_owner.clone())
        .bind(opt_micros(i.lease_until)?)
        .bind(micros(i.created_at)?)
        .bind(opt_micros(i.finished_at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn insert_import_rows(
        &self,
        import: &Import,
        rows: &[NewImportRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        DB::insert_import_rows(&mut tx, import, rows).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn finish_ingest(&self, id: ImportId) -> Result<Import, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE import_rows SET state = 'skipped',
                 error = 'already awarded: this achievement was issued to this email before'
             WHERE import_id = $1 AND state = 'pending' AND EXISTS (
                 SELECT 1 FROM awards a WHERE a.achievement_id = import_rows.achievement_id
                                          AND a.recipient_email = import_rows.email)",
        )
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(concat!(
            "UPDATE imports SET state = 'draft', lease_owner = NULL, lease_until = NULL,
                 total_rows = (SELECT COUNT(*) FROM import_rows WHERE import_id = $1),
                 skipped_rows = (SELECT COUNT(*) FROM import_rows
                                 WHERE import_id = $1 AND state = 'skipped'),
                 error_rows = (SELECT COUNT(*) FROM import_rows
                               WHERE import_id = $1 AND state = 'error')
             WHERE id = $1 AND state = 'ingesting' RETURNING ",
            import_columns!()
        ))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let import =
            row.as_ref()
                .map(import_from_row::<DB>)
                .transpose()?
                .ok_or(StoreError::NotFound {
                    what: "import being ingested",
                })?;
        tx.commit().await?;
        Ok(import)
    }

    pub async fn import(&self, id: ImportId) -> Result<Option<Import>, StoreError> {
        let row = sqlx::query(select_imports!("WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(import_from_row::<DB>).transpose()
    }

    pub async fn org_imports(&self, org: OrgId, limit: i64) -> Result<Vec<Import>, StoreError> {
        let rows = sqlx::query(select_imports!(
            "WHERE org_id = $1 AND state <> 'ingesting'
             ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(org.to_string())
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(import_from_row::<DB>).collect()
    }

    pub async fn unfinished_import_of(
        &self,
        achievement: AchievementId,
        source_sha256: &str,
        mapping: &str,
    ) -> Result<Option<Import>, StoreError> {
        let row = sqlx::query(select_imports!(
            "WHERE achievement_id = $1 AND source_sha256 = $2 AND mapping = $3
               AND state IN ('draft', 'running')
             ORDER BY created_at DESC, id LIMIT 1"
        ))
        .bind(achievement.to_string())
        .bind(source_sha256.to_owned())
        .bind(mapping.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(import_from_row::<DB>).transpose()
    }

    pub async fn running_imports(&self) -> Result<Vec<ImportId>, StoreError> {
        let rows =
            sqlx::query("SELECT id FROM imports WHERE state = 'running' ORDER BY created_at")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| RowReader::new(r, "imports").parsed("id"))
            .collect()
    }

    pub async fn delete_stale_ingests(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM import_rows WHERE import_id IN (
                 SELECT id FROM imports WHERE state = 'ingesting' AND lease_until < $1)",
        )
        .bind(micros(now)?)
        .execute(&mut *tx)
        .await?;
        let gone = sqlx::query(
            "DELETE FROM imports WHERE state = 'ingesting' AND lease_until < $1 RETURNING id",
        )
        .bind(micros(now)?)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(gone.len() as u64)
    }

    pub async fn delete_unissued_import(&self, id: ImportId) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query(
            "UPDATE imports SET state = 'ingesting'
             WHERE id = $1 AND state IN ('ingesting', 'draft') RETURNING id",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if gone.is_none() {
            tx.rollback().await?;
            return Ok(false);
        }
        for sql in [
            "DELETE FROM import_rows WHERE import_id = $1",
            "DELETE FROM imports WHERE id = $1",
        ] {
            sqlx::query(sql)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn pending_import_rows(
        &self,
        id: ImportId,
        after_row: i64,
        limit: i64,
    ) -> Result<Vec<PendingRow>, StoreError> {
        let rows = sqlx::query(PENDING_ROWS)
        .bind(id.to_string())
        .bind(after_row)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "import_rows");
                Ok(PendingRow {
                    row_number: r.int("row_number")?,
                    award_id: r.parsed("award_id")?,
                    email: r.text("email")?,
                    name: r.opt_text("name")?,
                    issued_at: r.opt_time("issued_at")?,
                    field_values: r.opt_text("field_values")?,
                    already_awarded: r.int("taken")? != 0,
                })
            })
            .collect()
    }

    pub async fn import_rows(
        &self,
        id: ImportId,
        issues_only: bool,
        after_row: i64,
        limit: i64,
    ) -> Result<Vec<ImportRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT row_number, email, name, issued_at, state, error,
                    CASE WHEN state = 'issued' THEN award_id END AS award_id
             FROM import_rows
             WHERE import_id = $1 AND row_number > $2
               AND ($3 = 0 OR state IN ('skipped', 'error'))
             ORDER BY row_number LIMIT $4",
        )
        .bind(id.to_string())
        .bind(after_row)
        .bind(i64::from(issues_only))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "import_rows");
                Ok(ImportRow {
                    row_number: r.int("row_number")?,
                    email: r.opt_text("email")?,
                    name: r.opt_text("name")?,
                    issued_at: r.opt_time("issued_at")?,
                    state: r.text_with("state", |s| {
                        RowState::parse(s).ok_or_else(|| format!("unknown state {s:?}"))
                    })?,
                    error: r.opt_text("error")?,
                    award_id: r.opt_parsed("award_id")?,
                })
            })
            .collect()
    }
}

pub(super) fn import_from_row<DB>(row: &DB::Row) -> Result<Import, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "imports");
    Ok(Import {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        achievement_id: r.parsed("achievement_id")?,
        file_name: r.text("file_name")?,
        source_sha256: r.text("source_sha256")?,
        mapping: r.text("mapping")?,
        state: r.text_with("state", |s| {
            ImportState::parse(s).ok_or_else(|| format!("unknown state {s:?}"))
        })?,
        total_rows: r.int("total_rows")?,
        issued_rows: r.int("issued_rows")?,
        skipped_rows: r.int("skipped_rows")?,
        error_rows: r.int("error_rows")?,
        lease_owner: r.opt_text("lease_owner")?,
        lease_until: r.opt_time("lease_until")?,
        created_at: r.time("created_at")?,
        finished_at: r.opt_time("finished_at")?,
    })
}

/// An import's rows in multi-row statements on `conn` (the portable path; PostgreSQL copies
/// them instead, see [`Backend::insert_import_rows`]).
pub(super) async fn insert_import_rows_on<DB>(
    conn: &mut DB::Connection,
    import: &Import,
    rows: &[NewImportRow],
) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: sqlx::Encode<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: sqlx::Encode<'q, DB>,
{
    for part in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO import_rows (import_id, achievement_id, row_number, email, name,
                 issued_at, state, error, award_id, field_values) VALUES {}",
            Params::new::<DB>().tuples(part.len(), 10)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in part {
            q = q
                .bind(import.id.to_string())
                .bind(import.achievement_id.to_string())
                .bind(r.row_number)
                .bind(r.email.clone())
                .bind(r.name.clone())
                .bind(opt_micros(r.issued_at)?)
                .bind(r.state.as_str().to_owned())
                .bind(r.error.clone())
                .bind(r.award_id.map(|a| a.to_string()))
                .bind(r.field_values.clone());
        }
        q.execute(&mut *conn)
            .await
            .map_err(|e| insert_error(e, &[]))?;
    }
    Ok(())
}
