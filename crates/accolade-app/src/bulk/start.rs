//! Starting an import from its dry run, and issuing it in the background: a started import
//! is `Running` with a lease that has already ended, so whoever asks first takes it — the
//! task started with it, or the resumer of a server restarted after a crash.

use super::ImportProgress;
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, ImportId, OrgId};
use accolade_store::{Import, ImportLease, ImportState};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// The lease owner of a started import no worker has taken yet.
const STARTED: &str = "started";

impl App {
    /// Starts issuing a `Draft` import (audited as `import.start`). A `Running` or `Done`
    /// import is returned as it is. Nothing is issued here: see [`App::spawn_import`].
    pub async fn start_import(&self, actor: &Actor, id: ImportId) -> AppResult<Import> {
        let import = self.import(id).await?;
        match import.state {
            ImportState::Draft => {}
            ImportState::Running | ImportState::Done => return Ok(import),
            ImportState::Ingesting => {
                return Err(AppError::Conflict(
                    "The file is still being read. Try again in a moment.".into(),
                ));
            }
        }
        let now = self.now();
        let lease = ImportLease {
            owner: STARTED.into(),
            until: now,
        };
        let started = self
            .store
            .lease_import(id, &lease, now)
            .await?
            .ok_or_else(|| {
                AppError::Conflict("Issuing from this file has already started.".into())
            })?;
        let progress = ImportProgress::of(&started);
        let to_issue = progress.total - progress.done();
        let detail = format!(
            "{}: {to_issue} of {} rows to issue",
            started.file_name, started.total_rows
        );
        self.audit(
            started.org_id,
            actor,
            "import.start",
            &id.to_string(),
            &detail,
        )
        .await?;
        Ok(started)
    }

    /// Issues a started import on a background task of the current runtime. If another
    /// worker (the resumer, another node) holds it, this task leaves it to that worker.
    pub fn spawn_import(self: &Arc<Self>, id: ImportId) -> JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            match app.run_import(id, false, |_| {}).await {
                Ok(_) | Err(AppError::Conflict(_)) => {}
                Err(e) => {
                    tracing::warn!(import = %id, error = %crate::Chain(&e), "Issuing the file failed.")
                }
            }
        })
    }

    /// An organization's imports (dry runs, running and done), newest first.
    pub async fn org_imports(&self, org: OrgId, limit: i64) -> AppResult<Vec<Import>> {
        Ok(self.store.org_imports(org, limit).await?)
    }
}
