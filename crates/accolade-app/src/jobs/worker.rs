//! The background loop `accolade serve` runs: every second or so, send the due webhook
//! deliveries and run the due jobs; once an hour, enqueue the expiry-reminder scan and forget
//! expired idempotency keys; once a day, roll analytics up by day; stop
//! between two jobs when asked.

use crate::App;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Jobs run in one go before the loop looks at the time again.
const BATCH: u32 = 50;
/// How long one tick keeps sending webhook deliveries before it runs the other jobs.
const WEBHOOK_BUDGET: Duration = Duration::from_secs(5);
/// How long [`JobWorker::stop`] lets the job in hand finish before abandoning it (its lease
/// then expires and another worker runs it).
const STOP_GRACE: Duration = Duration::from_secs(45);

/// A running job loop.
pub struct JobWorker {
    app: Arc<App>,
    owner: String,
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl std::fmt::Debug for JobWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobWorker")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl JobWorker {
    /// Starts the loop on the current tokio runtime, polling every `every`.
    pub fn start(app: Arc<App>, every: Duration) -> Self {
        let owner = worker_name(app.now());
        let (stop, mut stopped) = watch::channel(false);
        let name = owner.clone();
        let worker_app = app.clone();
        let handle = tokio::spawn(async move {
            let mut scheduled_hour = String::new();
            let mut rolled_up: Option<time::Date> = None;
            loop {
                let today = app.clock().now().date();
                if rolled_up != Some(today) {
                    match app.roll_up_analytics().await {
                        Ok(n) => {
                            rolled_up = Some(today);
                            if n > 0 {
                                tracing::info!(events = n, "analytics rolled up by day");
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %crate::Chain(&e), "rolling analytics up failed")
                        }
                    }
                }
                // One scan per hour, whichever worker enqueues it first (its key names the hour).
                let hour = crate::expiry::hour_key(app.clock().now());
                if hour != scheduled_hour {
                    match app.schedule_expiry_reminders().await {
                        Ok(_) => scheduled_hour = hour,
                        Err(e) => {
                            tracing::warn!(error = %crate::Chain(&e), "scheduling expiry reminders failed")
                        }
                    }
                    if let Err(e) = app.purge_idempotency_keys().await {
                        tracing::warn!(error = %crate::Chain(&e), "forgetting expired idempotency keys failed");
                    }
                }
                // Webhook deliveries: their own queue, drained while batches come back full,
                // for a few seconds at most so that the jobs below (emails) keep moving.
                let delivering = std::time::Instant::now();
                loop {
                    if *stopped.borrow() {
                        return;
                    }
                    match app.deliver_webhooks().await {
                        Ok(s) if s.claimed < super::webhooks::BATCH => break,
                        Ok(_) if delivering.elapsed() > WEBHOOK_BUDGET => break,
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %crate::Chain(&e), "delivering webhooks failed");
                            break;
                        }
                    }
                }
                for _ in 0..BATCH {
                    if *stopped.borrow() {
                        return;
                    }
                    match app.run_jobs(&name, 1).await {
                        Ok(summary) if summary.claimed == 0 => break,
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %crate::Chain(&e), "running background jobs failed");
                            break;
                        }
                    }
                }
                tokio::select! {
                    _ = stopped.changed() => return,
                    () = tokio::time::sleep(every) => {}
                }
            }
        });
        Self {
            app: worker_app,
            owner,
            stop,
            handle,
        }
    }

    /// The lease owner name this worker claims jobs under.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Asks the loop to stop after the job in hand and waits for it (at most a grace period).
    pub async fn stop(self) {
        let _ = self.stop_within(STOP_GRACE).await;
    }

    /// Asks the loop to stop after the job in hand and waits for it at most `grace`; a job
    /// still running then is cut off. Either way every job this worker holds is queued
    /// again at once (not after its lease), for another worker or the next start. Returns
    /// how many jobs were handed back.
    pub async fn stop_within(self, grace: Duration) -> Result<u64, accolade_store::StoreError> {
        let _ = self.stop.send(true);
        let mut handle = self.handle;
        if tokio::time::timeout(grace, &mut handle).await.is_err() {
            handle.abort();
            let _ = handle.await;
        }
        self.app
            .store
            .release_jobs(&self.owner, self.app.now())
            .await
    }
}

/// `worker-{pid}-{random}`: unique per process, readable in the jobs table. Job leases are
/// held by this name, so two processes must never share it, even nodes in containers that
/// all run as pid 1. Without a random source the moment the worker started, in
/// nanoseconds, stands in for the random part (entropy, not a reading of the clock for any
/// rule): two processes would need the same pid and the same nanosecond to collide.
fn worker_name(started: time::OffsetDateTime) -> String {
    let mut b = [0u8; 4];
    let random = getrandom::fill(&mut b).ok().map(|()| u32::from_le_bytes(b));
    name_for(std::process::id(), random, started.unix_timestamp_nanos())
}

fn name_for(pid: u32, random: Option<u32>, started_nanos: i128) -> String {
    match random {
        Some(r) => format!("worker-{pid}-{r:08x}"),
        None => format!("worker-{pid}-t{started_nanos:x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differ_between_processes_even_without_a_random_source() {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        assert_ne!(worker_name(now), worker_name(now));
        assert_eq!(name_for(1, Some(0xab), 0), "worker-1-000000ab");
        // Two nodes, both pid 1, no random source: their start instants tell them apart.
        let a = name_for(1, None, 1_765_000_000_000_000_001);
        let b = name_for(1, None, 1_765_000_000_000_000_002);
        assert_ne!(a, b);
        assert!(a.starts_with("worker-1-t"));
    }
}
