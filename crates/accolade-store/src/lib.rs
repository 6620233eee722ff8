//! Accolade's storage: one [`Store`] API over SQLite (the embedded default) and PostgreSQL.
//!
//! Both backends share one generic implementation (`sql/`), whose statements are portable
//! SQL; each backend has its own migrations (`migrations/sqlite`, `migrations/postgres`), run
//! on connect. Domain types come from `accolade-core`; rows are converted into them here, and a
//! row that does not convert is a [`StoreError::Corrupt`], never a panic or a silent `None`.

mod accounts;
mod awards;
mod backup;
mod connect;
mod error;
mod imports;
mod insights;
mod jobs;
mod outbox;
mod sql;
mod status;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod verdicts;

/// The hot statements with sample parameters, for the test that explains their plans.
#[cfg(feature = "testing")]
pub use sql::hot;

pub use awards::{AwardCursor, AwardFilter, COUNT_CAP, PageAt};
pub use error::StoreError;
pub use imports::{
    Import, ImportChunk, ImportLease, ImportRow, ImportState, NewImportRow, PendingRow, RowState,
};
pub use jobs::{Enqueued, Job, JobCounts, JobState, NewJob};
pub use outbox::{OutboxMessage, OutboxState, OutboxUpdate, QueuedEmail};
pub use sql::ClaimOutcome;
pub use sql::EarnerImport;
pub use sql::EarnerProfile;
pub use sql::JwtKey;
pub use sql::PendingSignup;
pub use sql::StagedFile;
pub use sql::events::{AnalyticsEvent, EventCount};
pub use sql::events_daily::DailyCount;
pub use sql::insights::{InsightCounts, PendingInsights};
pub use sql::{ApiKey, IdempotencyClaim, IdempotencyRequest, StoredResponse};
pub use sql::{AwardForPage, KeptVerdict};
pub use status::{
    IssuedAward, REVOCATIONS_PER_BATCH, Revocation, StatusChange, StatusChanged, Succession,
    may_change,
};
pub use store::{PoolStats, Store};
