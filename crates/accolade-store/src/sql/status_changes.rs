//! Status changes as compare-and-set statements, and issuing one award, each in one
//! transaction with its audit entries, emails and status-version bump (see `status.rs`).

use super::Backend;
use super::audit::insert_audits_on;
use super::awards::{AWARD_COLUMNS, SUMMARY_COLUMNS, award_from_row, summary_from_row};
use super::codec::{RowReader, micros, opt_micros};
use super::earners::insert_claim_tokens_on;
use super::outbox::{enqueue_emails_batched_on, enqueue_emails_on};
use super::params::Params;
use crate::StoreError;
use crate::error::{UniqueKey, insert_error};
use crate::jobs::Enqueued;
use crate::status::{
    IssuedAward, REVOCATIONS_PER_BATCH, Revocation, StatusChange, StatusChanged, Succession,
    sql_sources,
};
use accolade_core::{AwardId, AwardStatus, AwardSummary, OrgId};
use sqlx::{Encode, Executor, IntoArguments, Type};
use std::collections::HashSet;
use time::OffsetDateTime;

const STATUS_INDEX: UniqueKey = UniqueKey {
    what: "status_index",
    index: "awards_org_status_index_uq",
    sqlite_columns: "awards.org_id, awards.status_index",
};

sql_impl! {
    pub async fn change_award_status(
        &self,
        change: &StatusChange<'_>,
    ) -> Result<StatusChanged, StoreError> {
        let mut tx = self.begin_write().await?;
        // The condition on the current state is the compare-and-set: PostgreSQL re-checks it
        // on the row after waiting for a concurrent change, SQLite runs writers one at a
        // time. Written first, so SQLite takes its write lock at once.
        let sql = format!(
            "UPDATE awards SET status = $1, status_reason = $2, status_changed_at = $3
             WHERE id = $4 AND status IN {}
             RETURNING {AWARD_COLUMNS}",
            sql_sources(change.to)
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(change.to.as_str().to_owned())
            .bind(change.reason.map(str::to_owned))
            .bind(micros(change.at)?)
            .bind(change.award.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            let current = sqlx::query("SELECT status FROM awards WHERE id = $1")
                .bind(change.award.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            tx.rollback().await?;
            return match current {
                None => Ok(StatusChanged::NotFound),
                Some(row) => {
                    let status = RowReader::new(&row, "awards").text_with("status", |s| {
                        AwardStatus::parse(s).ok_or_else(|| format!("unknown status {s:?}"))
                    })?;
                    Ok(StatusChanged::Refused(status))
                }
            };
        };
        let award = award_from_row::<DB>(&row)?;
        bump_status_version::<DB>(&mut tx, award.org_id).await?;
        insert_audits_on::<DB>(&mut tx, std::slice::from_ref(change.audit)).await?;
        if let Some(email) = change.email {
            enqueue_emails_on::<DB>(&mut tx, std::slice::from_ref(email)).await?;
        }
        tx.commit().await?;
        Ok(StatusChanged::Changed(Box::new(award)))
    }

    pub async fn revoke_awards(
        &self,
        org: OrgId,
        reason: &str,
        at: OffsetDateTime,
        batch: &[Revocation],
    ) -> Result<Vec<AwardId>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        if batch.len() > REVOCATIONS_PER_BATCH {
            return Err(StoreError::Unstorable {
                what: "revocations",
                detail: format!("at most {REVOCATIONS_PER_BATCH} in one batch"),
            });
        }
        let mut tx = self.begin_write().await?;
        let mut p = Params::new::<DB>();
        let sql = format!(
            "UPDATE awards SET status = 'revoked', status_reason = {}, status_changed_at = {}
             WHERE org_id = {} AND status IN ('active', 'suspended') AND id IN ({})
             RETURNING id",
            p.next(),
            p.next(),
            p.next(),
            p.list(batch.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(reason.to_owned())
            .bind(micros(at)?)
            .bind(org.to_string());
        for r in batch {
            q = q.bind(r.award.to_string());
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let revoked: HashSet<AwardId> = rows
            .iter()
            .map(|row| RowReader::new(row, "awards").parsed("id"))
            .collect::<Result<_, _>>()?;
        if revoked.is_empty() {
            tx.rollback().await?;
            return Ok(Vec::new());
        }
        let done: Vec<&Revocation> = batch
            .iter()
            .filter(|r| revoked.contains(&r.award))
            .collect();
        let audits: Vec<_> = done.iter().map(|r| r.audit.clone()).collect();
        insert_audits_on::<DB>(&mut tx, &audits).await?;
        let emails: Vec<_> = done.iter().filter_map(|r| r.email.clone()).collect();
        enqueue_emails_batched_on::<DB>(&mut tx, &emails).await?;
        bump_status_version::<DB>(&mut tx, org).await?;
        tx.commit().await?;
        Ok(done.iter().map(|r| r.award).collect())
    }

    pub async fn insert_issued_award(&self, issued: &IssuedAward<'_>) -> Result<bool, StoreError> {
        let a = issued.award;
        let mut tx = self.begin_write().await?;
        // The award it continues first: the compare-and-set that decides whether this issue
        // happens at all (and, on SQLite, the write lock).
        let (replaces, renewal_of) = match issued.follows {
            None => (None, None),
            Some(Succession::Supersedes { old, reason }) => {
                let row = sqlx::query(
                    "UPDATE awards SET status = 'revoked', status_reason = $1,
                         status_changed_at = $2, replaced_by = $3
                     WHERE id = $4 AND org_id = $5 AND status = 'active'
                       AND replaced_by IS NULL
                     RETURNING id",
                )
                .bind(reason.to_owned())
                .bind(micros(a.created_at)?)
                .bind(a.id.to_string())
                .bind(old.to_string())
                .bind(a.org_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                if row.is_none() {
                    tx.rollback().await?;
                    return Ok(false);
                }
                bump_status_version::<DB>(&mut tx, a.org_id).await?;
                (Some(old.to_string()), None)
            }
            Some(Succession::Renews { old }) => {
                let row = sqlx::query(
                    "UPDATE awards SET renewed_by = $1
                     WHERE id = $2 AND org_id = $3 AND status = 'active' AND renewed_by IS NULL
                     RETURNING id",
                )
                .bind(a.id.to_string())
                .bind(old.to_string())
                .bind(a.org_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                if row.is_none() {
                    tx.rollback().await?;
                    return Ok(false);
                }
                (None, Some(old.to_string()))
            }
        };
        sqlx::query(
            "INSERT INTO awards (id, org_id, achievement_id, recipient_email, recipient_name,
                 issued_at, valid_until, status, status_reason, status_changed_at, status_index,
                 key_id, credential, created_at, replaces, renewal_of)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
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
        .bind(replaces)
        .bind(renewal_of)
        .execute(&mut *tx)
        .await
        .map_err(|e| insert_error(e, &[STATUS_INDEX]))?;
        if let Some(email) = issued.email {
            let queued = enqueue_emails_on::<DB>(&mut tx, std::slice::from_ref(email)).await?;
            if matches!(queued.first(), Some(Enqueued::New(_))) {
                insert_claim_tokens_on::<DB>(&mut tx, issued.claims).await?;
            }
        }
        insert_audits_on::<DB>(&mut tx, issued.audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn org_awards_by_ids(
        &self,
        org: OrgId,
        ids: &[AwardId],
    ) -> Result<Vec<AwardSummary>, StoreError> {
        let mut awards = Vec::with_capacity(ids.len());
        for part in ids.chunks(REVOCATIONS_PER_BATCH) {
            let mut p = Params::new::<DB>();
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM awards WHERE org_id = {} AND id IN ({})",
                p.next(),
                p.list(part.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.to_string());
            for id in part {
                q = q.bind(id.to_string());
            }
            for row in q.fetch_all(&self.pool).await? {
                awards.push(summary_from_row::<DB>(&row)?);
            }
        }
        Ok(awards)
    }
}

/// A status list cached under the old version is then never served as current.
async fn bump_status_version<DB>(conn: &mut DB::Connection, org: OrgId) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
{
    sqlx::query("UPDATE orgs SET status_version = status_version + 1 WHERE id = $1")
        .bind(org.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
