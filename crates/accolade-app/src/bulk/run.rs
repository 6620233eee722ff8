//! Running an import: take its lease, then per chunk of pending rows draw status positions,
//! sign and write each award's email on every core (the next chunk signs while this one
//! commits), and commit awards, row marks and emails in one transaction that renews and
//! checks the lease: every award committed has its email queued, once.

use super::ImportProgress;
use super::sign::{IndexPool, Signed, Signer, ToSign, sign_all};
use crate::webhooks::{EventType, WebhookEvent};
use crate::{App, AppError, AppResult};
use accolade_core::{AwardId, AwardStatus, ImportId, OrgId};
use accolade_store::{Import, ImportChunk, ImportLease, ImportState, PendingRow, StoreError};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// Rows per chunk: one transaction, one batch of signatures.
const CHUNK_ROWS: i64 = 2000;
/// A lease lasts this long past the last commit; a crashed worker's import is taken over
/// after it (a live worker renews it with every chunk).
pub const IMPORT_LEASE: time::Duration = time::Duration::seconds(15);
/// How often a waiting worker asks for the lease again.
const LEASE_POLL: std::time::Duration = std::time::Duration::from_millis(500);
/// Chunk commits retried after a clash with a concurrent writer (a status position or a
/// recipient taken meanwhile).
const MAX_RETRIES: u32 = 8;

const STOPPING: &str = "The server is stopping; another worker will finish issuing this file.";

const ALREADY_AWARDED: &str = "already awarded: this achievement was issued to this email before";

/// A chunk whose signing runs in the background.
struct Prepared {
    first: i64,
    last: i64,
    skipped: Vec<(i64, String)>,
    signing: JoinHandle<AppResult<Vec<Signed>>>,
}

fn lease_owner() -> AppResult<String> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| AppError::internal("reading the random source", e))?;
    Ok(format!("pid {} / {}", std::process::id(), hex::encode(b)))
}

impl App {
    /// Issues a `Draft` import, or resumes a `Running` one, to the end; returns it `Done`.
    /// `progress` is called at the start and after every chunk. When another worker holds
    /// the import, waits for its lease to end if `wait`, else fails with `Conflict`.
    pub async fn run_import(
        self: &Arc<Self>,
        id: ImportId,
        wait: bool,
        mut progress: impl FnMut(ImportProgress) + Send,
    ) -> AppResult<Import> {
        let owner = lease_owner()?;
        let import = loop {
            if self.is_stopping() {
                return Err(AppError::Conflict(STOPPING.into()));
            }
            let now = self.now();
            let lease = ImportLease {
                owner: owner.clone(),
                until: now + IMPORT_LEASE,
            };
            if let Some(import) = self.store.lease_import(id, &lease, now).await? {
                break import;
            }
            let current = self.import(id).await?;
            match current.state {
                ImportState::Done => return Ok(current),
                ImportState::Ingesting => {
                    return Err(AppError::Conflict(
                        "The file is still being read. Try again in a moment.".into(),
                    ));
                }
                ImportState::Draft | ImportState::Running if wait => {
                    tokio::time::sleep(LEASE_POLL).await;
                }
                ImportState::Draft | ImportState::Running => {
                    return Err(AppError::Conflict(
                        "This file is being issued by another worker.".into(),
                    ));
                }
            }
        };
        let held = self.hold_lease(id, &owner);
        let result = self.issue_leased(import, &owner, &mut progress).await;
        if result.is_err() {
            let _ = self.store.release_import(id, &owner).await;
        }
        drop(held);
        result
    }

    /// Resumes every `Running` import not held by a live worker (after a restart).
    pub async fn resume_imports(
        self: &Arc<Self>,
        mut progress: impl FnMut(ImportId, ImportProgress) + Send,
    ) -> AppResult<Vec<Import>> {
        let mut done = Vec::new();
        for id in self.store.running_imports().await? {
            match self.run_import(id, false, |p| progress(id, p)).await {
                Ok(import) => done.push(import),
                Err(AppError::Conflict(_)) => {} // another worker has it
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// Resumes unfinished imports every `every`, on the current runtime, until aborted: a
    /// server picks up what a crashed process (or another node) left.
    pub fn spawn_import_resumer(self: &Arc<Self>, every: std::time::Duration) -> JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            while !app.is_stopping() {
                if let Err(e) = app.resume_imports(|_, _| {}).await {
                    tracing::warn!(error = %crate::Chain(&e), "resuming bulk imports failed");
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    async fn issue_leased(
        self: &Arc<Self>,
        import: Import,
        owner: &str,
        progress: &mut (impl FnMut(ImportProgress) + Send),
    ) -> AppResult<Import> {
        let id = import.id;
        let achievement = self.achievement(import.achievement_id).await?;
        let org = self.org(import.org_id).await?;
        let org_id = org.id;
        let signer = Arc::new(Signer::new(self, org, achievement).await?);
        self.flush_import_mail(id).await?;
        let mut counts = ImportProgress::of(&import);
        progress(counts);
        let mut pool = self.index_pool(org_id).await?;
        let mut retries = 0;
        let mut next = self.prepare_chunk(id, 0, &mut pool, &signer).await?;
        while let Some(chunk) = next.take() {
            if self.is_stopping() {
                // Committed chunks stay; the caller hands the lease back, and the next
                // worker resumes from the first pending row.
                let _ = chunk.signing.await;
                return Err(AppError::Conflict(STOPPING.into()));
            }
            // The next rows are read while this chunk is still being signed, and signed
            // while this chunk commits: the database and the signing threads both keep busy.
            let fetching = std::time::Instant::now();
            let rows = self.fetch_chunk(id, chunk.last).await?;
            let waiting = std::time::Instant::now();
            let signed = chunk
                .signing
                .await
                .map_err(|e| AppError::internal("signing stopped", e))??;
            let committing = std::time::Instant::now();
            next = self.start_chunk(rows, &mut pool, &signer)?;
            let mut commit = ImportChunk {
                first_row: chunk.first,
                last_row: chunk.last,
                skipped: chunk.skipped,
                ..ImportChunk::default()
            };
            for s in signed {
                match s {
                    Signed::Award(row, award, email) => {
                        commit.issued.push((row, award.id));
                        commit.awards.push(*award);
                        commit.emails.push(email.email);
                        commit.claims.push(email.claim);
                    }
                    Signed::Failed(row, reason) => commit.failed.push((row, reason)),
                }
            }
            let lease = ImportLease {
                owner: owner.to_owned(),
                until: self.now() + IMPORT_LEASE,
            };
            let committed = self.store.commit_import_chunk(id, &lease, &commit).await;
            // Where a chunk's time goes: reading the next chunk's rows, waiting for this one's
            // signatures (the database idle), committing it (the next one signing beside it).
            tracing::debug!(
                rows = commit.awards.len(),
                fetch_next_ms = (waiting - fetching).as_millis() as u64,
                wait_signing_ms = (committing - waiting).as_millis() as u64,
                commit_ms = committing.elapsed().as_millis() as u64,
                "bulk import chunk"
            );
            match committed {
                Ok(()) => {
                    self.verdicts.due(commit.awards.iter().map(|a| a.id));
                    // The chunk's events in one write, right after its transaction committed.
                    let events: Vec<_> = commit
                        .awards
                        .iter()
                        .map(|a| self.award_event(EventType::AwardIssued, &a.summary()))
                        .collect();
                    self.notify_webhooks(org_id, &events).await;
                }
                Err(StoreError::Conflict { what: "lease" }) => {
                    return Err(AppError::Conflict(
                        "Another worker took over issuing this file.".into(),
                    ));
                }
                Err(StoreError::Conflict { .. }) if retries < MAX_RETRIES => {
                    // A concurrent writer took a position or a recipient: start this chunk
                    // again from fresh state (its rows are still pending).
                    retries += 1;
                    if let Some(stale) = next.take() {
                        let _ = stale.signing.await;
                    }
                    pool = self.index_pool(org_id).await?;
                    next = self
                        .prepare_chunk(id, chunk.first - 1, &mut pool, &signer)
                        .await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            counts.issued += commit.issued.len() as i64;
            self.metrics
                .credentials_issued
                .add(&["bulk"], commit.issued.len() as u64);
            counts.skipped += commit.skipped.len() as i64;
            counts.errors += commit.failed.len() as i64;
            progress(counts);
        }
        let finished = self
            .store
            .finish_import(id, owner, self.now())
            .await?
            .ok_or_else(|| AppError::internal_msg("the import still has pending rows"))?;
        let event = WebhookEvent::new(
            EventType::ImportCompleted,
            serde_json::json!({
                "import_id": finished.id.to_string(),
                "organization_id": finished.org_id.to_string(),
                "achievement_id": finished.achievement_id.to_string(),
                "file_name": finished.file_name,
                "state": finished.state.as_str(),
                "total_rows": finished.total_rows,
                "issued_rows": finished.issued_rows,
                "skipped_rows": finished.skipped_rows,
                "error_rows": finished.error_rows,
            }),
        );
        self.notify_webhooks(finished.org_id, &[event]).await;
        Ok(finished)
    }

    /// Fetches the next pending rows after `after_row`, draws their positions and starts
    /// signing them on the blocking pool. `None` when no row is pending.
    async fn prepare_chunk(
        &self,
        id: ImportId,
        after_row: i64,
        pool: &mut IndexPool,
        signer: &Arc<Signer>,
    ) -> AppResult<Option<Prepared>> {
        let rows = self.fetch_chunk(id, after_row).await?;
        self.start_chunk(rows, pool, signer)
    }

    /// The next pending rows after `after_row`.
    async fn fetch_chunk(&self, id: ImportId, after_row: i64) -> AppResult<Vec<PendingRow>> {
        Ok(self
            .store
            .pending_import_rows(id, after_row, CHUNK_ROWS)
            .await?)
    }

    /// Draws the rows' positions and starts signing them on the blocking pool. `None` when
    /// there are no rows.
    fn start_chunk(
        &self,
        rows: Vec<PendingRow>,
        pool: &mut IndexPool,
        signer: &Arc<Signer>,
    ) -> AppResult<Option<Prepared>> {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(None);
        };
        let (first, last) = (first.row_number, last.row_number);
        let mut skipped = Vec::new();
        let mut to_sign = Vec::with_capacity(rows.len());
        for row in rows {
            if row.already_awarded {
                skipped.push((row.row_number, ALREADY_AWARDED.to_owned()));
            } else {
                to_sign.push(ToSign {
                    id: row.award_id,
                    row,
                    index: pool.draw()?,
                });
            }
        }
        let signer = signer.clone();
        let now = self.now();
        let signing = tokio::task::spawn_blocking(move || sign_all(&signer, to_sign, now));
        Ok(Some(Prepared {
            first,
            last,
            skipped,
            signing,
        }))
    }

    /// The organization's status positions in use, whatever the award's state.
    async fn index_pool(&self, org: OrgId) -> AppResult<IndexPool> {
        let mut used = Vec::new();
        for status in [
            AwardStatus::Active,
            AwardStatus::Suspended,
            AwardStatus::Revoked,
        ] {
            used.extend(self.store.flagged_indices(org, status).await?);
        }
        Ok(IndexPool::new(used))
    }

    /// Queues the emails of awards issued by an earlier run that stopped before queuing them.
    async fn flush_import_mail(&self, id: ImportId) -> AppResult<()> {
        loop {
            let rows = self.store.unqueued_import_awards(id, CHUNK_ROWS).await?;
            let (Some(&(first, _)), Some(&(last, _))) = (rows.first(), rows.last()) else {
                return Ok(());
            };
            let ids: Vec<AwardId> = rows.iter().map(|(_, a)| *a).collect();
            self.queue_award_emails(&ids).await?;
            self.store
                .mark_import_mail_queued(id, first, last, self.now())
                .await?;
        }
    }
}
