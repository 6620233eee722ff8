//! One limit on verification of documents from outside (the verify page, backpack imports):
//! verifying a large hostile document takes tens of megabytes and whole seconds of CPU, so
//! only as many run at once as the machine has cores, a few more wait briefly, and everyone
//! else is told to come back later ([`Busy`]) instead of getting a verdict.
//!
//! Admission is taken before the request body is read, so bodies waiting in line are bounded
//! too; the worker permit moves into the blocking task and is released only when the work ends,
//! even if the client went away.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How much verification work may run and wait at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyLimit {
    /// Verifications running at once.
    pub workers: usize,
    /// Admitted requests waiting for a worker (their bodies read, or being read).
    pub queue: usize,
    /// Longest wait for a worker before the request is turned away.
    pub wait: Duration,
}

impl VerifyLimit {
    /// One worker per core (at least two), as many waiting, two seconds of patience.
    pub fn for_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = cores.max(2);
        Self {
            workers,
            queue: workers,
            wait: Duration::from_secs(2),
        }
    }
}

/// Verification cannot be taken on now; the caller should answer 503 with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the verifier is busy; try again in {retry_after_secs} seconds")]
pub struct Busy {
    pub retry_after_secs: u64,
}

/// A place in line: held from before the body is read until the verification ends.
#[derive(Debug)]
pub struct Admission {
    _slot: OwnedSemaphorePermit,
}

/// The right to run one verification now.
#[derive(Debug)]
pub(crate) struct Worker {
    _permit: OwnedSemaphorePermit,
    _admission: Admission,
}

/// The limit in force; one per [`crate::App`].
#[derive(Debug)]
pub struct VerifyGate {
    limit: VerifyLimit,
    admitted: Arc<Semaphore>,
    workers: Arc<Semaphore>,
}

impl VerifyGate {
    pub fn new(limit: VerifyLimit) -> Self {
        let workers = limit.workers.max(1);
        Self {
            limit: VerifyLimit { workers, ..limit },
            admitted: Arc::new(Semaphore::new(workers + limit.queue)),
            workers: Arc::new(Semaphore::new(workers)),
        }
    }

    pub fn limit(&self) -> VerifyLimit {
        self.limit
    }

    fn busy(&self) -> Busy {
        Busy {
            retry_after_secs: self.limit.wait.as_secs().max(1),
        }
    }

    /// A place in line, at once or not at all.
    pub fn admit(&self) -> Result<Admission, Busy> {
        self.admitted
            .clone()
            .try_acquire_owned()
            .map(|slot| Admission { _slot: slot })
            .map_err(|_| self.busy())
    }

    /// Waits for a worker, at most the limit's `wait`.
    pub(crate) async fn work(&self, admission: Admission) -> Result<Worker, Busy> {
        match tokio::time::timeout(self.limit.wait, self.workers.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Worker {
                _permit: permit,
                _admission: admission,
            }),
            _ => Err(self.busy()),
        }
    }

    /// Verifications running now (for tests and metrics).
    pub fn running(&self) -> usize {
        self.limit.workers - self.workers.available_permits()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn admission_and_workers_are_bounded() {
        let gate = VerifyGate::new(VerifyLimit {
            workers: 1,
            queue: 1,
            wait: Duration::from_millis(50),
        });
        let first = gate.admit().unwrap();
        let second = gate.admit().unwrap();
        // Line full: turned away at once.
        assert_eq!(
            gate.admit().unwrap_err(),
            Busy {
                retry_after_secs: 1
            }
        );
        let running = gate.work(first).await.unwrap();
        assert_eq!(gate.running(), 1);
        // The one waiting gives up after `wait`, and its place in line is freed.
        let started = std::time::Instant::now();
        assert!(gate.work(second).await.is_err());
        assert!(started.elapsed() >= Duration::from_millis(50));
        let third = gate.admit().unwrap();
        drop(running);
        assert_eq!(gate.running(), 0);
        assert!(gate.work(third).await.is_ok());
    }

    #[test]
    fn the_machine_gets_at_least_two_workers() {
        let limit = VerifyLimit::for_machine();
        assert!(limit.workers >= 2 && limit.queue >= 2);
        assert_eq!(limit.wait, Duration::from_secs(2));
    }
}
