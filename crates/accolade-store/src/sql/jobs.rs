//! Jobs: one SQL text for both backends, except claiming, where each backend has its own way
//! of keeping two workers off the same row (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the
//! database's single writer lock, taken up front with `BEGIN IMMEDIATE`).

use super::codec::{RowReader, micros, opt_micros, to_json};
use super::{Backend, SqlStore};
use crate::StoreError;
use crate::error::insert_error;
use crate::jobs::{Enqueued, Job, JobCounts, JobState, NewJob};
use accolade_core::JobId;
use sqlx::{ColumnIndex, Decode, Encode, IntoArguments, Postgres, Sqlite, Type};
use time::{Duration, OffsetDateTime};

macro_rules! select_jobs {
    ($tail:literal) => {
        concat!(
            "SELECT id, kind, payload, idempotency_key, state, run_at, attempts, max_attempts,
                    lease_owner, leased_until, last_error, created_at, updated_at
             FROM jobs ",
            $tail
        )
    };
}

/// Leases the due jobs picked by the first `SELECT` (whose locking clause differs per
/// backend), oldest `run_at` first.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "WITH picked AS (
                 SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3
                 ORDER BY run_at, id LIMIT $4 ",
            $lock,
            ")
             UPDATE jobs SET state = 'running', lease_owner = $1, leased_until = $2,
                 attempts = attempts + 1, updated_at = $3
             WHERE id IN (SELECT id FROM picked)
             RETURNING id, kind, payload, idempotency_key, state, run_at, attempts,
                 max_attempts, lease_owner, leased_until, last_error, created_at, updated_at"
        )
    };
}

/// Claiming on PostgreSQL: rows another claimer has locked are skipped, not waited for.
pub(super) const CLAIM_JOBS_POSTGRES: &str = claim_sql!("FOR UPDATE SKIP LOCKED");
/// Claiming on SQLite, inside a `BEGIN IMMEDIATE` transaction.
pub(super) const CLAIM_JOBS_SQLITE: &str = claim_sql!("");

sql_impl! {
    pub async fn enqueue_job(&self, job: &NewJob) -> Result<Enqueued, StoreError> {
        let mut conn = self.pool.acquire().await?;
        enqueue_on::<DB>(&mut conn, job).await
    }

    pub async fn complete_job(
        &self,
        id: JobId,
        owner: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'done', lease_owner = NULL, leased_until = NULL,
                 updated_at = $1
             WHERE id = $2 AND state = 'running' AND lease_owner = $3
             RETURNING id",
        )
        .bind(micros(now)?)
        .bind(id.to_string())
        .bind(owner.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    pub async fn fail_job(
        &self,
        id: JobId,
        owner: &str,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let state = match retry_at {
            Some(_) => JobState::Queued,
            None => JobState::Failed,
        };
        let done = sqlx::query(
            "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), last_error = $3,
                 lease_owner = NULL, leased_until = NULL, updated_at = $4
             WHERE id = $5 AND state = 'running' AND lease_owner = $6
             RETURNING id",
        )
        .bind(state.as_str().to_owned())
        .bind(opt_micros(retry_at)?)
        .bind(truncate(error))
        .bind(micros(now)?)
        .bind(id.to_string())
        .bind(owner.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    pub async fn requeue_expired_leases(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET
                 state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                 last_error = 'the worker''s lease expired before the job finished',
                 lease_owner = NULL, leased_until = NULL, run_at = $1, updated_at = $1
             WHERE state = 'running' AND leased_until < $1
             RETURNING id",
        )
        .bind(micros(now)?)
        .fetch_all(&self.pool)
        .await?;
        Ok(done.len() as u64)
    }

    pub async fn release_jobs(&self, owner: &str, now: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued',
                 attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
                 last_error = 'the server stopped before the job finished',
                 lease_owner = NULL, leased_until = NULL, run_at = $1, updated_at = $1
             WHERE state = 'running' AND lease_owner = $2
             RETURNING id",
        )
        .bind(micros(now)?)
        .bind(owner.to_owned())
        .fetch_all(&self.pool)
        .await?;
        Ok(done.len() as u64)
    }

    pub async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let row = sqlx::query(select_jobs!("WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from_row::<DB>).transpose()
    }

    pub async fn jobs(&self, state: JobState, limit: i64) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(select_jobs!(
            "WHERE state = $1 ORDER BY updated_at DESC, id DESC LIMIT $2"
        ))
        .bind(state.as_str().to_owned())
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_from_row::<DB>).collect()
    }

    /// Queued and running jobs only: a count over the `(state, run_at)` index that does not
    /// grow with the history of finished jobs.
    pub async fn waiting_job_counts(&self) -> Result<JobCounts, StoreError> {
        let mut counts = JobCounts::default();
        for state in [JobState::Queued, JobState::Running] {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE state = $1")
                .bind(state.as_str().to_owned())
                .fetch_one(&self.pool)
                .await?;
            let n = RowReader::new(&row, "jobs").int("n")?;
            match state {
                JobState::Running => counts.running = n,
                _ => counts.queued = n,
            }
        }
        Ok(counts)
    }

    pub async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        let mut counts = JobCounts::default();
        for row in &rows {
            let r = RowReader::new(row, "jobs");
            let n = r.int("n")?;
            match r.text_with("state", parse_state)? {
                JobState::Queued => counts.queued = n,
                JobState::Running => counts.running = n,
                JobState::Done => counts.done = n,
                JobState::Failed => counts.failed = n,
            }
        }
        Ok(counts)
    }
}

impl SqlStore<Postgres> {
    pub async fn claim_jobs(
        &self,
        owner: &str,
        limit: u32,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        // Rows another claimer has locked are skipped, not waited for: each gets other jobs.
        let rows = sqlx::query(CLAIM_JOBS_POSTGRES)
            .bind(owner.to_owned())
            .bind(micros(now + lease)?)
            .bind(micros(now)?)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        sorted(rows.iter().map(job_from_row::<Postgres>).collect())
    }
}

impl SqlStore<Sqlite> {
    pub async fn claim_jobs(
        &self,
        owner: &str,
        limit: u32,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        // IMMEDIATE takes the single write lock before reading (waiting out the busy
        // timeout), so the rows this UPDATE picks cannot be picked by another claimer.
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(CLAIM_JOBS_SQLITE)
            .bind(owner.to_owned())
            .bind(micros(now + lease)?)
            .bind(micros(now)?)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        let jobs = rows.iter().map(job_from_row::<Sqlite>).collect();
        tx.commit().await?;
        sorted(jobs)
    }
}

/// Inserts a job on `conn` (a pooled connection or an open transaction).
pub(super) async fn enqueue_on<DB>(
    conn: &mut DB::Connection,
    job: &NewJob,
) -> Result<Enqueued, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    if job.max_attempts == 0 {
        return Err(StoreError::Unstorable {
            what: "job",
            detail: "max_attempts must be at least 1".into(),
        });
    }
    let inserted = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, idempotency_key, state, run_at, attempts,
             max_attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7, $7)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id",
    )
    .bind(job.id.to_string())
    .bind(job.kind.clone())
    .bind(to_json("job payload", &job.payload)?)
    .bind(job.idempotency_key.clone())
    .bind(micros(job.run_at)?)
    .bind(i64::from(job.max_attempts))
    .bind(micros(job.created_at)?)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| insert_error(e, &[]))?;
    if inserted.is_some() {
        return Ok(Enqueued::New(job.id));
    }
    // Only the idempotency key can have been in the way.
    let row = sqlx::query("SELECT id FROM jobs WHERE idempotency_key = $1")
        .bind(job.idempotency_key.clone())
        .fetch_one(&mut *conn)
        .await?;
    Ok(Enqueued::Existing(
        RowReader::new(&row, "jobs").parsed("id")?,
    ))
}

/// Claimed rows come back from `RETURNING` in no particular order: oldest due first.
fn sorted(jobs: Result<Vec<Job>, StoreError>) -> Result<Vec<Job>, StoreError> {
    let mut jobs = jobs?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// Errors are for people to read; a runaway message must not bloat the table.
fn truncate(error: &str) -> String {
    error.chars().take(2000).collect()
}

fn parse_state(s: &str) -> Result<JobState, String> {
    JobState::parse(s).ok_or_else(|| format!("unknown job state {s:?}"))
}

fn job_from_row<DB>(row: &DB::Row) -> Result<Job, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "jobs");
    Ok(Job {
        id: r.parsed("id")?,
        kind: r.text("kind")?,
        payload: r.json("payload")?,
        idempotency_key: r.opt_text("idempotency_key")?,
        state: r.text_with("state", parse_state)?,
        run_at: r.time("run_at")?,
        attempts: r.u32("attempts")?,
        max_attempts: r.u32("max_attempts")?,
        lease_owner: r.opt_text("lease_owner")?,
        leased_until: r.opt_time("leased_until")?,
        last_error: r.opt_text("last_error")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}
