//! Awards (issued credentials) and the per-organization status-list version.

use super::Backend;
use super::codec::{RowReader, micros, opt_micros};
use crate::StoreError;
use crate::error::{UniqueKey, insert_error};
use accolade_core::{Award, AwardId, AwardStatus, AwardSummary, OrgId};
use sqlx::{ColumnIndex, Decode, Type};
use time::OffsetDateTime;

/// The columns [`award_from_row`] reads, for statements written elsewhere.
pub(super) const AWARD_COLUMNS: &str = "id, org_id, achievement_id, recipient_email, \
     recipient_name, issued_at, valid_until, status, status_reason, status_changed_at, \
     status_index, key_id, credential, created_at";

/// The columns [`summary_from_row`] reads: an award's, without its credential.
pub(super) const SUMMARY_COLUMNS: &str = "id, org_id, achievement_id, recipient_email, \
     recipient_name, issued_at, valid_until, status, status_reason, status_changed_at, \
     status_index, key_id, created_at";

macro_rules! select_awards {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, achievement_id, recipient_email, recipient_name, issued_at,
                    valid_until, status, status_reason, status_changed_at, status_index,
                    key_id, credential, created_at
             FROM awards ",
            $tail
        )
    };
}

/// An award by id: the credential page, verification of an own credential.
pub(super) const AWARD_BY_ID: &str = select_awards!("WHERE id = $1");

/// The status-list indices of an organization's awards in one status.
pub(super) const FLAGGED_INDICES: &str =
    "SELECT status_index FROM awards WHERE org_id = $1 AND status = $2 ORDER BY status_index";

pub(super) const STATUS_VERSION: &str = "SELECT status_version FROM orgs WHERE id = $1";

pub(super) const BUMP_STATUS_VERSION: &str =
    "UPDATE orgs SET status_version = status_version + 1 WHERE id = $1";

/// Moves an award to `status` if its current state may move there.
pub(super) fn set_status_sql(status: AwardStatus) -> String {
    format!(
        "UPDATE awards SET status = $1, status_reason = $2, status_changed_at = $3
         WHERE id = $4 AND status IN {} RETURNING org_id",
        crate::status::sql_sources(status)
    )
}

const STATUS_INDEX: UniqueKey = UniqueKey {
    what: "status_index",
    index: "awards_org_status_index_uq",
    sqlite_columns: "awards.org_id, awards.status_index",
};

sql_impl! {
    pub async fn insert_award(&self, a: &Award) -> Result<(), StoreError> {
        // In a transaction, even alone: on SQLite a statement refused at its end (a foreign
        // key) after the recipient-search trigger wrote to the FTS5 index leaves, in
        // autocommit, the connection on its old read snapshot; a rollback ends it.
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO awards (id, org_id, achievement_id, recipient_email, recipient_name,
                 issued_at, valid_until, status, status_reason, status_changed_at, status_index,
                 key_id, credential, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
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
        .bind(micros(a.created_at)?)
        .execute(&mut *tx)
        .await
        .map_err(|e| insert_error(e, &[STATUS_INDEX]))?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn award(&self, id: AwardId) -> Result<Option<Award>, StoreError> {
        let row = sqlx::query(AWARD_BY_ID)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(award_from_row::<DB>).transpose()
    }

    /// The organization's awards, newest first; negative `limit`/`offset` count as 0.
    pub async fn awards(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM awards
             WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(org.to_string())
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row::<DB>).collect()
    }

    pub async fn count_awards(&self, org: OrgId) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM awards WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(&self.pool)
            .await?;
        RowReader::new(&row, "awards").int("n")
    }

    /// Sets an award's status and bumps its organization's `status_version` in one
    /// transaction, so a status list cached under the old version is never served as
    /// current. `false` if there is no such award or its state may not move to `status`.
    pub async fn set_award_status(
        &self,
        id: AwardId,
        status: AwardStatus,
        reason: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // Write first: on SQLite the transaction then takes the write lock at once (waiting
        // out the busy timeout) instead of failing on a read-to-write upgrade.
        let row = sqlx::query(sqlx::AssertSqlSafe(set_status_sql(status)))
        .bind(status.as_str().to_owned())
        .bind(reason.map(str::to_owned))
        .bind(micros(at)?)
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(false);
        };
        let org_id = RowReader::new(&row, "awards").text("org_id")?;
        sqlx::query(BUMP_STATUS_VERSION)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The status-list indices of the organization's awards in `status`, ascending.
    pub async fn flagged_indices(
        &self,
        org: OrgId,
        status: AwardStatus,
    ) -> Result<Vec<u32>, StoreError> {
        let rows = sqlx::query(FLAGGED_INDICES)
        .bind(org.to_string())
        .bind(status.as_str().to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| RowReader::new(row, "awards").u32("status_index"))
            .collect()
    }

    pub async fn status_version(&self, org: OrgId) -> Result<i64, StoreError> {
        let row = sqlx::query(STATUS_VERSION)
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let row = row.ok_or(StoreError::NotFound {
            what: "organization",
        })?;
        RowReader::new(&row, "orgs").int("status_version")
    }
}

pub(super) fn award_from_row<DB>(row: &DB::Row) -> Result<Award, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let s = summary_from_row::<DB>(row)?;
    let credential = RowReader::new(row, "awards").text("credential")?;
    Ok(Award {
        id: s.id,
        org_id: s.org_id,
        achievement_id: s.achievement_id,
        recipient_email: s.recipient_email,
        recipient_name: s.recipient_name,
        issued_at: s.issued_at,
        valid_until: s.valid_until,
        status: s.status,
        status_reason: s.status_reason,
        status_changed_at: s.status_changed_at,
        status_index: s.status_index,
        key_id: s.key_id,
        credential,
        created_at: s.created_at,
    })
}

pub(super) fn summary_from_row<DB>(row: &DB::Row) -> Result<AwardSummary, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "awards");
    Ok(AwardSummary {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        achievement_id: r.parsed("achievement_id")?,
        recipient_email: r.text_with("recipient_email", accolade_core::Email::parse)?,
        recipient_name: r.opt_text("recipient_name")?,
        issued_at: r.time("issued_at")?,
        valid_until: r.opt_time("valid_until")?,
        status: r.text_with("status", |s| {
            AwardStatus::parse(s).ok_or_else(|| format!("unknown status {s:?}"))
        })?,
        status_reason: r.opt_text("status_reason")?,
        status_changed_at: r.opt_time("status_changed_at")?,
        status_index: r.u32("status_index")?,
        key_id: r.parsed("key_id")?,
        created_at: r.time("created_at")?,
    })
}
