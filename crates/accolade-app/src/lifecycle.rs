//! Readiness and a clean stop. `/readyz` asks [`App::readiness`]; on SIGTERM the server
//! calls [`App::begin_shutdown`], after which running imports stop at their next chunk
//! boundary and hand their lease back, and [`App::wait_imports_stopped`] waits for that.

use crate::{App, AppResult};
use accolade_core::ImportId;
use std::time::Duration;
use tokio::sync::watch;

/// Why the instance cannot take traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The database did not answer (down, restarting, or no connection free).
    DatabaseUnreachable,
    /// The database answered with an error other than being unreachable.
    DatabaseError,
    /// The schema is older than this build: these migrations are not applied.
    MigrationsPending(Vec<i64>),
    /// The server is stopping.
    Stopping,
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::DatabaseUnreachable => f.write_str("database unreachable"),
            NotReady::DatabaseError => f.write_str("database error"),
            NotReady::MigrationsPending(v) => {
                let list: Vec<String> = v.iter().map(|n| format!("{n:04}")).collect();
                write!(f, "migrations not applied: {}", list.join(", "))
            }
            NotReady::Stopping => f.write_str("shutting down"),
        }
    }
}

/// The process's stop flag and the import leases it holds.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    stopping: watch::Sender<bool>,
    held: watch::Sender<Vec<(ImportId, String)>>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            stopping: watch::channel(false).0,
            held: watch::channel(Vec::new()).0,
        }
    }
}

/// An import lease this process holds, forgotten when dropped.
pub(crate) struct HeldLease<'a> {
    app: &'a App,
    id: ImportId,
    owner: String,
}

impl Drop for HeldLease<'_> {
    fn drop(&mut self) {
        self.app
            .lifecycle
            .held
            .send_modify(|v| v.retain(|(id, o)| !(*id == self.id && *o == self.owner)));
    }
}

impl App {
    /// Whether the instance can serve: the database answers and every migration of this
    /// build is applied.
    pub async fn readiness(&self) -> Result<(), NotReady> {
        if self.is_stopping() {
            return Err(NotReady::Stopping);
        }
        match self.store.pending_migrations().await {
            Ok(pending) if pending.is_empty() => Ok(()),
            Ok(pending) => Err(NotReady::MigrationsPending(pending)),
            Err(e) if e.is_unavailable() => Err(NotReady::DatabaseUnreachable),
            Err(e) => {
                tracing::warn!(error = %crate::Chain(&e), "readiness check failed");
                Err(NotReady::DatabaseError)
            }
        }
    }

    /// Asks background work (imports, see [`crate::JobWorker`] for jobs) to stop at the next
    /// safe point and hand back its leases.
    pub fn begin_shutdown(&self) {
        self.lifecycle.stopping.send_replace(true);
    }

    pub fn is_stopping(&self) -> bool {
        *self.lifecycle.stopping.borrow()
    }

    /// Waits until no import of this process holds a lease, at most `grace`; then hands back
    /// whatever leases are still held (their tasks are cut off when the process exits) so
    /// another worker takes them at once. Returns how many had to be taken back.
    pub async fn wait_imports_stopped(&self, grace: Duration) -> AppResult<usize> {
        let mut held = self.lifecycle.held.subscribe();
        let _ = tokio::time::timeout(grace, held.wait_for(Vec::is_empty)).await;
        let left = self.lifecycle.held.borrow().clone();
        for (id, owner) in &left {
            self.store.release_import(*id, owner).await?;
        }
        Ok(left.len())
    }

    /// Records that this process holds `id`'s lease as `owner` until the guard drops.
    pub(crate) fn hold_lease(&self, id: ImportId, owner: &str) -> HeldLease<'_> {
        self.lifecycle
            .held
            .send_modify(|v| v.push((id, owner.to_owned())));
        HeldLease {
            app: self,
            id,
            owner: owner.to_owned(),
        }
    }
}
