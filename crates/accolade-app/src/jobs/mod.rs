//! Background work as rows: typed job kinds, and the runner that claims due jobs under a
//! lease, runs them, and completes them or retries them with capped exponential backoff
//! until their attempts run out (then they stay `failed`, with their last error, for admins).
//! Any node can run jobs: the store hands each job to one claimer at a time.

mod send_email;
mod webhooks;
mod worker;

pub use webhooks::{DeliverySummary, SCHEDULE as WEBHOOK_SCHEDULE};
pub use worker::JobWorker;

use crate::{App, AppError, AppResult};
use accolade_core::{JobId, OutboxId};
use accolade_store::{Enqueued, Job, JobCounts, NewJob};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// How long a claimed job belongs to its worker. Longer than any one job may take (a send
/// is bounded by the mail timeout), so that only a dead worker's job is run again.
pub const LEASE: Duration = Duration::minutes(5);
/// The first retry's delay; each further retry waits twice as long, up to [`BACKOFF_CAP`].
pub const BACKOFF_BASE: Duration = Duration::seconds(30);
pub const BACKOFF_CAP: Duration = Duration::hours(1);

/// A job the application knows how to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKind {
    /// Deliver one outbox message.
    SendEmail { outbox_id: OutboxId },
    /// Queue the expiry reminders that are due (scheduled every hour by the worker).
    ExpiryReminders,
}

impl JobKind {
    pub const SEND_EMAIL: &'static str = "send_email";
    pub const EXPIRY_REMINDERS: &'static str = "expiry_reminders";

    pub fn name(&self) -> &'static str {
        match self {
            JobKind::SendEmail { .. } => Self::SEND_EMAIL,
            JobKind::ExpiryReminders => Self::EXPIRY_REMINDERS,
        }
    }

    /// Runs before the job is given up: ten sends span about three hours of backoff.
    pub fn max_attempts(&self) -> u32 {
        match self {
            JobKind::SendEmail { .. } => 10,
            // The next hour's scan picks up whatever this one could not.
            JobKind::ExpiryReminders => 3,
        }
    }

    fn payload(&self) -> serde_json::Value {
        match self {
            JobKind::SendEmail { outbox_id } => json!({ "outbox_id": outbox_id.to_string() }),
            JobKind::ExpiryReminders => json!({}),
        }
    }

    /// A stored job's kind, or why it is not one this version knows.
    pub fn from_job(job: &Job) -> Result<Self, String> {
        match job.kind.as_str() {
            Self::SEND_EMAIL => {
                let id = job
                    .payload
                    .get("outbox_id")
                    .and_then(|v| v.as_str())
                    .ok_or("the payload has no outbox_id")?;
                let outbox_id = id.parse().map_err(|e| format!("outbox_id: {e}"))?;
                Ok(JobKind::SendEmail { outbox_id })
            }
            Self::EXPIRY_REMINDERS => Ok(JobKind::ExpiryReminders),
            other => Err(format!("unknown job kind {other:?}")),
        }
    }

    /// The row to enqueue for this job, due at `now`.
    pub fn new_job(&self, idempotency_key: Option<String>, now: OffsetDateTime) -> NewJob {
        NewJob {
            id: JobId::new(),
            kind: self.name().to_owned(),
            payload: self.payload(),
            idempotency_key,
            run_at: now,
            max_attempts: self.max_attempts(),
            created_at: now,
        }
    }
}

/// The delay before retry number `attempts` (the runs so far, 1 or more):
/// 30 s, 1 min, 2 min, 4 min, … capped at one hour.
pub fn backoff(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    let delay = BACKOFF_BASE * (1i32 << doublings);
    delay.min(BACKOFF_CAP)
}

/// What one [`App::run_jobs`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    /// Jobs of dead workers put back in the queue (or failed, if out of attempts).
    pub requeued: u64,
    pub claimed: u32,
    pub succeeded: u32,
    /// Failed this time; queued again with backoff.
    pub retried: u32,
    /// Failed for good (out of attempts, or a failure that retrying cannot fix).
    pub failed: u32,
}

/// Why a run failed.
#[derive(Debug)]
pub(crate) enum JobFailure {
    /// Worth another attempt later.
    Retry(String),
    /// Retrying cannot help.
    GiveUp(String),
}

impl App {
    /// Enqueues a job due now (idempotently, when `key` is given).
    pub async fn enqueue(&self, job: JobKind, key: Option<String>) -> AppResult<Enqueued> {
        let new = job.new_job(key, self.clock.now());
        Ok(self.store.enqueue_job(&new).await?)
    }

    /// Runs up to `limit` due jobs as `owner`, one lease at a time: first re-queues jobs whose
    /// worker's lease expired, then claims, runs, and completes or reschedules each job.
    /// Times come from the application's clock.
    pub async fn run_jobs(&self, owner: &str, limit: u32) -> AppResult<RunSummary> {
        let mut summary = RunSummary {
            requeued: self.store.requeue_expired_leases(self.clock.now()).await?,
            ..RunSummary::default()
        };
        for _ in 0..limit {
            // One job per claim: each lease starts when its job does.
            let claimed = self
                .store
                .claim_jobs(owner, 1, self.clock.now(), LEASE)
                .await?;
            let Some(job) = claimed.into_iter().next() else {
                break;
            };
            summary.claimed += 1;
            let outcome = match JobKind::from_job(&job) {
                Ok(kind) => self.execute(&job, &kind).await,
                Err(e) => Err(JobFailure::GiveUp(e)),
            };
            let now = self.clock.now();
            let recorded = match outcome {
                Ok(()) => {
                    summary.succeeded += 1;
                    self.store.complete_job(job.id, owner, now).await?
                }
                Err(JobFailure::Retry(error)) if job.attempts < job.max_attempts => {
                    summary.retried += 1;
                    self.metrics.job_failures.inc(&[&job.kind, "retry"]);
                    let retry_at = now + backoff(job.attempts);
                    tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, retry_at = %crate::rfc3339(retry_at), "job failed; it will be retried");
                    self.store
                        .fail_job(job.id, owner, &error, Some(retry_at), now)
                        .await?
                }
                Err(JobFailure::Retry(error) | JobFailure::GiveUp(error)) => {
                    summary.failed += 1;
                    self.metrics.job_failures.inc(&[&job.kind, "gave_up"]);
                    tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed for good");
                    self.store
                        .fail_job(job.id, owner, &error, None, now)
                        .await?
                }
            };
            if !recorded {
                // The lease ran out mid-job and the job went back to the queue.
                tracing::warn!(job = %job.id, "a job outlived its lease; it will run again");
            }
        }
        Ok(summary)
    }

    pub async fn job_counts(&self) -> AppResult<JobCounts> {
        Ok(self.store.job_counts().await?)
    }

    async fn execute(&self, job: &Job, kind: &JobKind) -> Result<(), JobFailure> {
        let last_attempt = job.attempts >= job.max_attempts;
        match kind {
            JobKind::SendEmail { outbox_id } => self.send_email(*outbox_id, last_attempt).await,
            JobKind::ExpiryReminders => {
                let summary = self.send_expiry_reminders().await?;
                if summary.queued > 0 || summary.failed > 0 {
                    tracing::info!(?summary, "expiry reminders");
                }
                // The same hourly scan finds the awards that expired, for webhooks.
                let expired = self.emit_expired_awards().await?;
                if expired > 0 {
                    tracing::info!(deliveries = expired, "award.expired webhooks queued");
                }
                Ok(())
            }
        }
    }
}

impl From<AppError> for JobFailure {
    /// Storage trouble while running a job is worth retrying; the rest is not.
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(_) => JobFailure::Retry(e.to_string()),
            other => JobFailure::GiveUp(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(2));
        assert_eq!(backoff(8), Duration::minutes(64).min(BACKOFF_CAP));
        assert_eq!(backoff(30), BACKOFF_CAP);
        assert_eq!(backoff(u32::MAX), BACKOFF_CAP);
        assert_eq!(backoff(0), Duration::seconds(30));
    }

    #[test]
    fn kinds_round_trip_through_rows() {
        let kind = JobKind::SendEmail {
            outbox_id: OutboxId::new(),
        };
        let t = time::macros::datetime!(2026-01-01 0:00 UTC);
        let new = kind.new_job(None, t);
        let job = Job {
            id: new.id,
            kind: new.kind.clone(),
            payload: new.payload.clone(),
            idempotency_key: None,
            state: accolade_store::JobState::Queued,
            run_at: t,
            attempts: 0,
            max_attempts: new.max_attempts,
            lease_owner: None,
            leased_until: None,
            last_error: None,
            created_at: t,
            updated_at: t,
        };
        assert_eq!(JobKind::from_job(&job), Ok(kind));
        let unknown = Job {
            kind: "mystery".into(),
            ..job
        };
        assert!(JobKind::from_job(&unknown).is_err());
    }
}
