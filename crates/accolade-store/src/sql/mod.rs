//! One implementation of the store for both SQL backends, generic over the sqlx driver.
//! The statements are portable (`$1` placeholders, TEXT/BIGINT/BLOB-or-BYTEA columns, `RETURNING`),
//! so each is written once; what differs per backend — column type names, the migrations
//! folder, connection options — lives in [`Backend`] and in `migrations/{sqlite,postgres}/`.

/// Opens the generic implementation of [`SqlStore`] for both backends: one statement text,
/// with the column types every statement binds and reads. Written once here instead of in
/// each file.
macro_rules! sql_impl {
    ($($body:tt)*) => {
        impl<DB> $crate::sql::SqlStore<DB>
        where
            DB: $crate::sql::Backend,
            for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
            DB::Arguments: sqlx::IntoArguments<DB>,
            &'static str: sqlx::ColumnIndex<DB::Row>,
            for<'q> String: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
            for<'q> Option<String>: sqlx::Encode<'q, DB>,
            for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
            for<'q> Option<i64>: sqlx::Encode<'q, DB>,
            for<'q> f64: sqlx::Decode<'q, DB> + sqlx::Type<DB>,
            for<'q> Option<f64>: sqlx::Encode<'q, DB>,
            for<'q> Vec<u8>: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
        {
            $($body)*
        }
    };
}

mod accounts;
mod achievements;
mod api_keys;
pub use api_keys::ApiKey;
mod audit;
mod award_links;
mod award_search;
mod awards;
pub(crate) mod codec;
mod copy;
mod designs;
mod earner_imports;
mod earner_profiles;
pub use earner_profiles::EarnerProfile;
mod status_changes;
pub use earner_imports::EarnerImport;
mod earners;
pub use earners::ClaimOutcome;
pub(crate) mod events;
pub(crate) mod events_daily;
#[cfg(feature = "testing")]
pub mod hot;
mod idempotency;
pub use idempotency::{IdempotencyClaim, IdempotencyRequest, StoredResponse};
mod import_chunks;
mod imports;
pub(crate) mod insights;
mod invitations;
mod jobs;
mod jwt_keys;
pub use jwt_keys::JwtKey;
mod orgs;
mod outbox;
mod params;
mod pathways;
mod pending_signups;
pub use pending_signups::PendingSignup;
mod reminders;
mod shared_state;
pub use shared_state::StagedFile;
mod verdicts;
pub use verdicts::{AwardForPage, KeptVerdict};

use crate::StoreError;
use crate::imports::{Import, NewImportRow};
use crate::outbox::QueuedEmail;
use accolade_core::{Award, ClaimToken};
use sqlx::migrate::Migrator;
use sqlx::{Pool, Postgres, Sqlite};
use std::future::Future;
use std::pin::Pin;

/// A boxed future borrowing a connection: what [`Backend`]'s bulk writers return.
pub(crate) type Writing<'c> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'c>>;

/// What one SQL backend brings: its name, its own migrations, and how it writes a bulk
/// issue's chunk fastest.
pub(crate) trait Backend: sqlx::Database {
    const NAME: &'static str;
    /// Every file of the backend's migrations folder, embedded at build time and applied in
    /// version order (`NNNN_description.sql`); `build.rs` rebuilds when a file is added.
    const MIGRATOR: Migrator;
    /// How a transaction that writes begins. On SQLite `BEGIN IMMEDIATE` takes the single
    /// write lock at once, waiting out the busy timeout; a deferred transaction that reads
    /// first would instead fail at once with `SQLITE_BUSY` (its snapshot is stale) when
    /// another connection committed in between.
    const BEGIN_WRITE: &'static str;

    /// Stores an import's rows on `conn` (inside the ingest's transaction).
    fn insert_import_rows<'c>(
        conn: &'c mut Self::Connection,
        import: &'c Import,
        rows: &'c [NewImportRow],
    ) -> Writing<'c>;

    /// Inserts a chunk's awards on `conn` (inside the chunk's transaction).
    fn insert_chunk_awards<'c>(conn: &'c mut Self::Connection, awards: &'c [Award]) -> Writing<'c>;

    /// Queues a chunk's emails (each message with its send job, skipping those whose job
    /// key is taken) and stores their claim tokens, on `conn`.
    fn queue_chunk_mail<'c>(
        conn: &'c mut Self::Connection,
        emails: &'c [QueuedEmail],
        claims: &'c [ClaimToken],
    ) -> Writing<'c>;
}

impl Backend for Sqlite {
    const NAME: &'static str = "sqlite";
    const MIGRATOR: Migrator = sqlx_macros::migrate!("migrations/sqlite");
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";

    // Multi-row statements (SQLite has no COPY; each statement is a function call anyway).
    fn insert_import_rows<'c>(
        conn: &'c mut Self::Connection,
        import: &'c Import,
        rows: &'c [NewImportRow],
    ) -> Writing<'c> {
        Box::pin(imports::insert_import_rows_on::<Sqlite>(conn, import, rows))
    }

    fn insert_chunk_awards<'c>(conn: &'c mut Self::Connection, awards: &'c [Award]) -> Writing<'c> {
        Box::pin(import_chunks::insert_awards_on::<Sqlite>(conn, awards))
    }

    fn queue_chunk_mail<'c>(
        conn: &'c mut Self::Connection,
        emails: &'c [QueuedEmail],
        claims: &'c [ClaimToken],
    ) -> Writing<'c> {
        Box::pin(async move {
            outbox::enqueue_emails_batched_on::<Sqlite>(&mut *conn, emails).await?;
            earners::insert_claim_tokens_on::<Sqlite>(&mut *conn, claims).await
        })
    }
}

impl Backend for Postgres {
    const NAME: &'static str = "postgres";
    const MIGRATOR: Migrator = sqlx_macros::migrate!("migrations/postgres");
    const BEGIN_WRITE: &'static str = "BEGIN";

    // COPY: one stream per table and chunk instead of a round trip and a parsed statement
    // per 100 rows.
    fn insert_import_rows<'c>(
        conn: &'c mut Self::Connection,
        import: &'c Import,
        rows: &'c [NewImportRow],
    ) -> Writing<'c> {
        Box::pin(copy::copy_import_rows(conn, import, rows))
    }

    fn insert_chunk_awards<'c>(conn: &'c mut Self::Connection, awards: &'c [Award]) -> Writing<'c> {
        Box::pin(copy::copy_awards(
            conn,
            awards,
            &[import_chunks::STATUS_INDEX],
        ))
    }

    fn queue_chunk_mail<'c>(
        conn: &'c mut Self::Connection,
        emails: &'c [QueuedEmail],
        claims: &'c [ClaimToken],
    ) -> Writing<'c> {
        Box::pin(async move {
            copy::queue_emails(&mut *conn, emails).await?;
            copy::copy_claim_tokens(&mut *conn, claims).await
        })
    }
}

/// The store on one backend: a connection pool (cheap to clone).
#[derive(Debug)]
pub(crate) struct SqlStore<DB: sqlx::Database> {
    pub pool: Pool<DB>,
}

impl<DB: sqlx::Database> Clone for SqlStore<DB> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
        }
    }
}

impl<DB: Backend> SqlStore<DB> {
    /// Begins a transaction that will write (see [`Backend::BEGIN_WRITE`]).
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, DB>, crate::StoreError> {
        Ok(self.pool.begin_with(DB::BEGIN_WRITE).await?)
    }
}

/// The versions of `migrator`'s migrations not applied successfully, given the applied ones.
fn pending(migrator: &Migrator, applied: &[i64]) -> Vec<i64> {
    migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .filter(|v| !applied.contains(v))
        .collect()
}

/// The migrations applied successfully, as recorded by the migrator.
const APPLIED: &str = "SELECT version FROM _sqlx_migrations WHERE success";

impl SqlStore<Sqlite> {
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, crate::StoreError> {
        let applied: Vec<i64> = sqlx::query_scalar(APPLIED).fetch_all(&self.pool).await?;
        Ok(pending(&Sqlite::MIGRATOR, &applied))
    }

    pub async fn migrate(&self) -> Result<(), crate::StoreError> {
        Sqlite::MIGRATOR.run(&self.pool).await?;
        Ok(())
    }
}

impl SqlStore<Postgres> {
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, crate::StoreError> {
        let applied: Vec<i64> = sqlx::query_scalar(APPLIED).fetch_all(&self.pool).await?;
        Ok(pending(&Postgres::MIGRATOR, &applied))
    }

    pub async fn migrate(&self) -> Result<(), crate::StoreError> {
        Postgres::MIGRATOR.run(&self.pool).await?;
        Ok(())
    }
}
