//! Background jobs as rows: enqueued (idempotently, by key), claimed by a worker under a
//! lease, then completed, retried at a later time, or given up. A worker that dies leaves a
//! lease that expires; [`Store::requeue_expired_leases`] makes its job run again.

use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::JobId;
use time::{Duration, OffsetDateTime};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for its `run_at` (first run or a retry).
    Queued,
    /// Leased by a worker until `leased_until`.
    Running,
    Done,
    /// Given up after `max_attempts`; kept with its last error for admins to see.
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub id: JobId,
    /// What to do (the application's job kind name, e.g. `send_email`).
    pub kind: String,
    /// The job's arguments, stored as JSON text.
    pub payload: serde_json::Value,
    /// Enqueuing a second job with the same key does nothing (the first one stays).
    pub idempotency_key: Option<String>,
    /// Not before this instant.
    pub run_at: OffsetDateTime,
    /// Runs at most this many times (at least 1).
    pub max_attempts: u32,
    pub created_at: OffsetDateTime,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: serde_json::Value,
    pub idempotency_key: Option<String>,
    pub state: JobState,
    pub run_at: OffsetDateTime,
    /// Runs started so far (a claim counts, even if its worker died).
    pub attempts: u32,
    pub max_attempts: u32,
    pub lease_owner: Option<String>,
    pub leased_until: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The outcome of an enqueue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job was stored.
    New(JobId),
    /// A job with the same idempotency key already existed; nothing was stored.
    Existing(JobId),
}

impl Enqueued {
    pub fn id(self) -> JobId {
        match self {
            Enqueued::New(id) | Enqueued::Existing(id) => id,
        }
    }
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

impl Store {
    /// Stores a queued job, unless one with the same idempotency key exists (then nothing
    /// changes and its id is returned). Concurrent enqueues of one key store one job.
    pub async fn enqueue_job(&self, job: &NewJob) -> Result<Enqueued, StoreError> {
        on_backend!(self.enqueue_job(job))
    }

    /// Leases up to `limit` queued jobs due at `now` (oldest `run_at` first) to `owner`
    /// until `now + lease`, counting an attempt for each. Concurrent claimers, in this
    /// process or another, never get the same job.
    pub async fn claim_jobs(
        &self,
        owner: &str,
        limit: u32,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        on_backend!(self.claim_jobs(owner, limit, now, lease))
    }

    /// Marks a job done. `false` if `owner` no longer holds its lease (it expired and the
    /// job was claimed again, or it was never leased to `owner`).
    pub async fn complete_job(
        &self,
        id: JobId,
        owner: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.complete_job(id, owner, now))
    }

    /// Records a failed run: queued again for `retry_at`, or failed for good when `None`.
    /// `false` if `owner` no longer holds the lease.
    pub async fn fail_job(
        &self,
        id: JobId,
        owner: &str,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.fail_job(id, owner, error, retry_at, now))
    }

    /// Queues again every running job whose lease ended before `now` (its worker died or
    /// hung), or fails it if it has used all its attempts. Returns how many jobs changed.
    pub async fn requeue_expired_leases(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        on_backend!(self.requeue_expired_leases(now))
    }

    /// Queues again, due at `now`, every job `owner` holds (a worker stopping cleanly hands
    /// its work to the next worker at once instead of after the lease). The interrupted run
    /// does not count as an attempt. Returns how many jobs were released.
    pub async fn release_jobs(&self, owner: &str, now: OffsetDateTime) -> Result<u64, StoreError> {
        on_backend!(self.release_jobs(owner, now))
    }

    pub async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        on_backend!(self.job(id))
    }

    /// Jobs in `state`, most recently updated first.
    pub async fn jobs(&self, state: JobState, limit: i64) -> Result<Vec<Job>, StoreError> {
        on_backend!(self.jobs(state, limit))
    }

    /// Queued and running jobs (`done` and `failed` left at 0): cheap at any history size.
    pub async fn waiting_job_counts(&self) -> Result<JobCounts, StoreError> {
        on_backend!(self.waiting_job_counts())
    }

    pub async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        on_backend!(self.job_counts())
    }
}
