//! Where password hashing runs. One Argon2id hash or check takes 19 MiB and tens of
//! milliseconds of one core: run on the async workers, a handful of sign-ins at once would
//! stall every other request, and hundreds at once would take gigabytes. So each one runs on
//! the blocking pool, and only as many at once as the machine has cores; the rest wait
//! their turn (the request limits keep that line short).

use super::secrets;
use crate::{AppError, AppResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// The cap on password hashes running at once, and what it has seen.
#[derive(Debug)]
pub struct PasswordWork {
    permits: Arc<Semaphore>,
    cap: usize,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl PasswordWork {
    /// At most `cap` hashes at once (at least one).
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        Self {
            permits: Arc::new(Semaphore::new(cap)),
            cap,
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// One at a time per core.
    pub fn for_machine() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// The most hashes that ran at the same moment so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> AppResult<String> {
        let password = password.to_owned();
        self.run(move || secrets::hash_password(&password)).await?
    }

    /// Checks `password` against `hash`; with no hash (no such account), against a decoy, so
    /// that both cost the same.
    pub async fn verify(&self, password: &str, hash: Option<String>) -> AppResult<bool> {
        let password = password.to_owned();
        self.run(move || match hash {
            Some(h) => secrets::verify_password(&password, &h),
            None => {
                secrets::verify_password(&password, secrets::decoy_hash());
                false
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| AppError::internal("waiting to check a password", e))?;
        let (running, peak) = (self.running.clone(), self.peak.clone());
        tokio::task::spawn_blocking(move || {
            // The permit is released when this work ends, even if the request went away.
            let _permit = permit;
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let out = work();
            running.fetch_sub(1, Ordering::SeqCst);
            out
        })
        .await
        .map_err(|e| AppError::internal("checking a password", e))
    }
}
