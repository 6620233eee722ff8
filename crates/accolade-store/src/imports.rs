//! Bulk imports: one CSV file's rows for one achievement, stored once and validated, then
//! issued in chunks by a worker holding the import's lease. A chunk's awards and its rows'
//! `issued` marks commit in one transaction that also checks the lease (fencing), so a worker
//! that lost its lease can never commit, a crash loses nothing, and a resume doubles nothing.

use crate::store::on_backend;
use crate::{QueuedEmail, Store, StoreError};
use accolade_core::{AchievementId, Award, AwardId, ImportId, OrgId};
use time::OffsetDateTime;

/// Where an import is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportState {
    /// Rows are being stored; an import left here by a crash is deleted once its lease ends.
    Ingesting,
    /// Validated (the dry-run report); nothing issued, waiting to be started.
    Draft,
    /// Started: issued chunk by chunk, resumed after a crash or restart.
    Running,
    Done,
}

impl ImportState {
    pub const ALL: [ImportState; 4] = [
        ImportState::Ingesting,
        ImportState::Draft,
        ImportState::Running,
        ImportState::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Ingesting => "ingesting",
            ImportState::Draft => "draft",
            ImportState::Running => "running",
            ImportState::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowState {
    Pending,
    Issued,
    /// A duplicate (in the file, or of an award already given): not issued, by design.
    Skipped,
    /// Invalid: not issued until the file is corrected.
    Error,
}

impl RowState {
    pub const ALL: [RowState; 4] = [
        RowState::Pending,
        RowState::Issued,
        RowState::Skipped,
        RowState::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::Issued => "issued",
            RowState::Skipped => "skipped",
            RowState::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One import, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub id: ImportId,
    pub org_id: OrgId,
    pub achievement_id: AchievementId,
    pub file_name: String,
    /// SHA-256 of the file, lower-case hex.
    pub source_sha256: String,
    /// The column mapping, as JSON text.
    pub mapping: String,
    pub state: ImportState,
    pub total_rows: i64,
    pub issued_rows: i64,
    pub skipped_rows: i64,
    pub error_rows: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

/// A row as parsed and validated, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewImportRow {
    /// The spreadsheet row number (the header is row 1).
    pub row_number: i64,
    pub email: Option<String>,
    pub name: Option<String>,
    pub issued_at: Option<OffsetDateTime>,
    /// `Pending`, `Skipped` (a duplicate) or `Error`.
    pub state: RowState,
    pub error: Option<String>,
    /// For a pending row: the id its award will have (random, drawn now).
    pub award_id: Option<AwardId>,
    /// The achievement's custom field values the row gives, as a JSON object (key → value).
    pub field_values: Option<String>,
}

/// A stored row.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub row_number: i64,
    pub email: Option<String>,
    pub name: Option<String>,
    pub issued_at: Option<OffsetDateTime>,
    pub state: RowState,
    pub error: Option<String>,
    /// The award, once issued.
    pub award_id: Option<AwardId>,
}

/// A row waiting to be issued, with whether its achievement was meanwhile awarded to its
/// email by any path (single award, another import).
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRow {
    pub row_number: i64,
    /// The id its award must have.
    pub award_id: AwardId,
    pub email: String,
    pub name: Option<String>,
    pub issued_at: Option<OffsetDateTime>,
    /// The custom field values, as stored (a JSON object, key → value).
    pub field_values: Option<String>,
    pub already_awarded: bool,
}

/// What one chunk commits: the pending rows `first_row..=last_row`, each either issued (its
/// award, under the row's drawn award id), skipped or failed.
#[derive(Debug, Clone, Default)]
pub struct ImportChunk {
    pub first_row: i64,
    pub last_row: i64,
    pub awards: Vec<Award>,
    /// `(row_number, award id)`, one per award.
    pub issued: Vec<(i64, AwardId)>,
    /// `(row_number, reason)`.
    pub skipped: Vec<(i64, String)>,
    /// `(row_number, reason)`: rows that turned out invalid at issue time.
    pub failed: Vec<(i64, String)>,
    /// The awards' emails, queued in the same transaction (and their rows stamped
    /// `mail_queued_at`), so that every award committed has its email queued exactly once.
    pub emails: Vec<QueuedEmail>,
    /// The claim tokens of those emails (one per award), stored in the same transaction.
    pub claims: Vec<accolade_core::ClaimToken>,
}

/// A worker's hold on an import: who, and until when (renewed by every chunk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLease {
    pub owner: String,
    pub until: OffsetDateTime,
}

impl Store {
    pub async fn insert_import(&self, import: &Import) -> Result<(), StoreError> {
        on_backend!(self.insert_import(import))
    }

    /// Stores rows of an import (any number; written in multi-row statements, one transaction).
    pub async fn insert_import_rows(
        &self,
        import: &Import,
        rows: &[NewImportRow],
    ) -> Result<(), StoreError> {
        on_backend!(self.insert_import_rows(import, rows))
    }

    /// Ends ingestion: rows whose achievement was already awarded to their email become
    /// `Skipped`, the counts are taken, the state becomes `Draft` and the lease is released.
    pub async fn finish_ingest(&self, id: ImportId) -> Result<Import, StoreError> {
        on_backend!(self.finish_ingest(id))
    }

    pub async fn import(&self, id: ImportId) -> Result<Option<Import>, StoreError> {
        on_backend!(self.import(id))
    }

    /// An organization's imports (not those still being read), newest first.
    pub async fn org_imports(&self, org: OrgId, limit: i64) -> Result<Vec<Import>, StoreError> {
        on_backend!(self.org_imports(org, limit))
    }

    /// The newest unfinished import of the same file (hash) with the same mapping.
    pub async fn unfinished_import_of(
        &self,
        achievement: AchievementId,
        source_sha256: &str,
        mapping: &str,
    ) -> Result<Option<Import>, StoreError> {
        on_backend!(self.unfinished_import_of(achievement, source_sha256, mapping))
    }

    /// Imports in state `Running` (to resume after a restart), oldest first.
    pub async fn running_imports(&self) -> Result<Vec<ImportId>, StoreError> {
        on_backend!(self.running_imports())
    }

    /// Deletes imports left `Ingesting` by a crashed worker (lease ended before `now`),
    /// with their rows. Returns how many.
    pub async fn delete_stale_ingests(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        on_backend!(self.delete_stale_ingests(now))
    }

    /// Deletes an `Ingesting` or `Draft` import (nothing issued) and its rows; `false` if it
    /// is in another state.
    pub async fn delete_unissued_import(&self, id: ImportId) -> Result<bool, StoreError> {
        on_backend!(self.delete_unissued_import(id))
    }

    /// Takes (or renews) the lease on a `Draft` or `Running` import, which becomes `Running`.
    /// `None` when another worker's lease has not ended at `now`, or the import is not
    /// `Draft`/`Running`.
    pub async fn lease_import(
        &self,
        id: ImportId,
        lease: &ImportLease,
        now: OffsetDateTime,
    ) -> Result<Option<Import>, StoreError> {
        on_backend!(self.lease_import(id, lease, now))
    }

    /// Gives the lease up (if still held by `owner`).
    pub async fn release_import(&self, id: ImportId, owner: &str) -> Result<(), StoreError> {
        on_backend!(self.release_import(id, owner))
    }

    /// Up to `limit` pending rows after `after_row`, in row order.
    pub async fn pending_import_rows(
        &self,
        id: ImportId,
        after_row: i64,
        limit: i64,
    ) -> Result<Vec<PendingRow>, StoreError> {
        on_backend!(self.pending_import_rows(id, after_row, limit))
    }

    /// Commits one chunk in one transaction: checks and renews the lease (else
    /// `Conflict { what: "lease" }`), inserts the awards, marks the skipped and failed rows,
    /// then every other pending row of the range issued (they must be exactly the awards'
    /// rows, else `Conflict { what: "row" }`), counts them, and queues the chunk's emails
    /// (stamping the issued rows `mail_queued_at` when there are any). A status index already used fails with
    /// `Conflict { what: "status_index" }`; an achievement and email already issued by
    /// another import with `Conflict { what: "recipient" }`; then nothing is written.
    pub async fn commit_import_chunk(
        &self,
        id: ImportId,
        lease: &ImportLease,
        chunk: &ImportChunk,
    ) -> Result<(), StoreError> {
        on_backend!(self.commit_import_chunk(id, lease, chunk))
    }

    /// Issued rows whose award email was not yet queued: `(row_number, award id)`.
    pub async fn unqueued_import_awards(
        &self,
        id: ImportId,
        limit: i64,
    ) -> Result<Vec<(i64, AwardId)>, StoreError> {
        on_backend!(self.unqueued_import_awards(id, limit))
    }

    /// Stamps issued rows numbered `first..=last` as having their emails queued.
    pub async fn mark_import_mail_queued(
        &self,
        id: ImportId,
        first: i64,
        last: i64,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_backend!(self.mark_import_mail_queued(id, first, last, at))
    }

    /// Marks a `Running` import held by `owner` with no pending rows left as `Done` and
    /// releases it. `None` if rows are still pending or the lease is not `owner`'s.
    pub async fn finish_import(
        &self,
        id: ImportId,
        owner: &str,
        at: OffsetDateTime,
    ) -> Result<Option<Import>, StoreError> {
        on_backend!(self.finish_import(id, owner, at))
    }

    /// Up to `limit` rows after `after_row` in row order: all of them, or with `issues_only`
    /// only the skipped and invalid ones.
    pub async fn import_rows(
        &self,
        id: ImportId,
        issues_only: bool,
        after_row: i64,
        limit: i64,
    ) -> Result<Vec<ImportRow>, StoreError> {
        on_backend!(self.import_rows(id, issues_only, after_row, limit))
    }
}
