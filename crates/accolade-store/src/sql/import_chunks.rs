//! Working an import: its lease; committing one chunk (the lease check as a fence, the
//! awards, the rows' marks, the awards' emails) in one transaction; the stamps that make each award's email go
//! out once; finishing.

use super::Backend;
use super::codec::{RowReader, micros, opt_micros};
use super::imports::{import_columns, import_from_row};
use super::params::{Params, ROWS_PER_INSERT};
use crate::StoreError;
use crate::error::{UniqueKey, insert_error};
use crate::imports::{Import, ImportChunk, ImportLease};
use accolade_core::{Award, AwardId, ImportId};
use sqlx::{Encode, IntoArguments, Type};
use time::OffsetDateTime;

pub(super) const STATUS_INDEX: UniqueKey = UniqueKey {
    what: "status_index",
    index: "awards_org_status_index_uq",
    sqlite_columns: "awards.org_id, awards.status_index",
};

const RECIPIENT: UniqueKey = UniqueKey {
    what: "recipient",
    index: "import_rows_issued_uq",
    sqlite_columns: "import_rows.achievement_id, import_rows.email",
};

sql_impl! {
    pub async fn lease_import(
        &self,
        id: ImportId,
        lease: &ImportLease,
        now: OffsetDateTime,
    ) -> Result<Option<Import>, StoreError> {
        let row = sqlx::query(concat!(
            "UPDATE imports SET state = 'running', lease_owner = $2, lease_until = $3
             WHERE id = $1 AND state IN ('draft', 'running')
               AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until <= $4)
             RETURNING ",
            import_columns!()
        ))
        .bind(id.to_string())
        .bind(lease.owner.clone())
        .bind(micros(lease.until)?)
        .bind(micros(now)?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(import_from_row::<DB>).transpose()
    }

    pub async fn release_import(&self, id: ImportId, owner: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE imports SET lease_owner = NULL, lease_until = NULL
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id.to_string())
        .bind(owner.to_owned())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn finish_import(
        &self,
        id: ImportId,
        owner: &str,
        at: OffsetDateTime,
    ) -> Result<Option<Import>, StoreError> {
        let row = sqlx::query(concat!(
            "UPDATE imports SET state = 'done', finished_at = $3, lease_owner = NULL,
                 lease_until = NULL
             WHERE id = $1 AND state = 'running' AND lease_owner = $2 AND NOT EXISTS (
                 SELECT 1 FROM import_rows WHERE import_id = $1 AND state = 'pending')
             RETURNING ",
            import_columns!()
        ))
        .bind(id.to_string())
        .bind(owner.to_owned())
        .bind(micros(at)?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(import_from_row::<DB>).transpose()
    }

    pub async fn commit_import_chunk(
        &self,
        id: ImportId,
        lease: &ImportLease,
        chunk: &ImportChunk,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        // Write first (SQLite then holds the write lock for the whole transaction), and only
        // while the lease is still ours: a worker that lost it commits nothing.
        let held = sqlx::query(
            "UPDATE imports SET lease_until = $3, issued_rows = issued_rows + $4,
                 skipped_rows = skipped_rows + $5, error_rows = error_rows + $6
             WHERE id = $1 AND state = 'running' AND lease_owner = $2 RETURNING id",
        )
        .bind(id.to_string())
        .bind(lease.owner.clone())
        .bind(micros(lease.until)?)
        .bind(chunk.issued.len() as i64)
        .bind(chunk.skipped.len() as i64)
        .bind(chunk.failed.len() as i64)
        .fetch_optional(&mut *tx)
        .await?;
        if held.is_none() {
            tx.rollback().await?;
            return Err(StoreError::Conflict { what: "lease" });
        }
        DB::insert_chunk_awards(&mut tx, &chunk.awards).await?;
        for (state, rows) in [("skipped", &chunk.skipped), ("error", &chunk.failed)] {
            for (row, reason) in rows {
                let marked = sqlx::query(
                    "UPDATE import_rows SET state = $3, error = $4
                     WHERE import_id = $1 AND row_number = $2 AND state = 'pending'
                     RETURNING row_number",
                )
                .bind(id.to_string())
                .bind(*row)
                .bind(state.to_owned())
                .bind(reason.clone())
                .fetch_optional(&mut *tx)
                .await?;
                if marked.is_none() {
                    return Err(StoreError::Conflict { what: "row" });
                }
            }
        }
        // The rest of the range is exactly the rows just issued: their awards were inserted
        // under the award ids the rows hold.
        let mail_at = chunk.emails.first().map(|e| e.message.created_at);
        let marked = sqlx::query(
            "UPDATE import_rows SET state = 'issued', mail_queued_at = $4
             WHERE import_id = $1 AND row_number >= $2 AND row_number <= $3
               AND state = 'pending'
             RETURNING row_number",
        )
        .bind(id.to_string())
        .bind(chunk.first_row)
        .bind(chunk.last_row)
        .bind(opt_micros(mail_at)?)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| insert_error(e, &[RECIPIENT]))?;
        if marked.len() != chunk.issued.len() {
            return Err(StoreError::Conflict { what: "row" });
        }
        DB::queue_chunk_mail(&mut tx, &chunk.emails, &chunk.claims).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn unqueued_import_awards(
        &self,
        id: ImportId,
        limit: i64,
    ) -> Result<Vec<(i64, AwardId)>, StoreError> {
        let rows = sqlx::query(
            "SELECT row_number, award_id FROM import_rows
             WHERE import_id = $1 AND state = 'issued' AND mail_queued_at IS NULL
             ORDER BY row_number LIMIT $2",
        )
        .bind(id.to_string())
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "import_rows");
                Ok((r.int("row_number")?, r.parsed("award_id")?))
            })
            .collect()
    }

    pub async fn mark_import_mail_queued(
        &self,
        id: ImportId,
        first: i64,
        last: i64,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE import_rows SET mail_queued_at = $4
             WHERE import_id = $1 AND row_number >= $2 AND row_number <= $3
               AND state = 'issued' AND mail_queued_at IS NULL",
        )
        .bind(id.to_string())
        .bind(first)
        .bind(last)
        .bind(micros(at)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// A chunk's awards in multi-row statements on `conn` (the portable path; PostgreSQL copies
/// them instead, see [`Backend::insert_chunk_awards`]).
pub(super) async fn insert_awards_on<DB>(
    conn: &mut DB::Connection,
    awards: &[Award],
) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
{
    for part in awards.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO awards (id, org_id, achievement_id, recipient_email,
                 recipient_name, issued_at, valid_until, status, status_reason,
                 status_changed_at, status_index, key_id, credential, created_at)
             VALUES {}",
            Params::new::<DB>().tuples(part.len(), 14)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in part {
            q = q
                .bind(a.id.to_string())
                .bind(a.org_id.to_string())
                .bind(a.achievement_id.to_string())
                .bind(a.recipient_email.as_str().to_owned())
                .bind(a.recipient_name.clone())
                .bind(micros(a.issued_at)?)
                .bind(opt_micros(a.valid_until)?)
                .bind(a.status.as_str().to_owned())
                .bind(a.status_reason.clone())
                .bind(opt_micros(a.status_changed_at)?)
                .bind(i64::from(a.status_index))
                .bind(a.key_id.to_string())
                .bind(a.credential.clone())
                .bind(micros(a.created_at)?);
        }
        q.execute(&mut *conn)
            .await
            .map_err(|e| insert_error(e, &[STATUS_INDEX]))?;
    }
    Ok(())
}
