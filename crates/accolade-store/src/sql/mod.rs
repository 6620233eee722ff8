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
mod audit;
mod award_links;
mod award_search;
mod awards;
pub(crate) mod codec;
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
mod reminders;
mod verdicts;
pub use verdicts::{AwardForPage, KeptVerdict};

use sqlx::migrate::Migrator;
use sqlx::{Pool, Postgres, Sqlite};

/// What one SQL backend brings: its name and its own migrations.
pub(crate) trait Backend: sqlx::Database {
    const NAME: &'static str;
    /// Every file of the backend's migrations folder, embedded at build time and applied in
    /// version order (`NNNN_description.sql`); `build.rs` rebuilds when a file is added.
    const MIGRATOR: Migrator;
}

impl Backend for Sqlite {
    const NAME: &'static str = "sqlite";
    const MIGRATOR: Migrator = sqlx_macros::migrate!("migrations/sqlite");
}

impl Backend for Postgres {
    const NAME: &'static str = "postgres";
    const MIGRATOR: Migrator = sqlx_macros::migrate!("migrations/postgres");
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

impl SqlStore<Sqlite> {
    pub async fn migrate(&self) -> Result<(), crate::StoreError> {
        Sqlite::MIGRATOR.run(&self.pool).await?;
        Ok(())
    }
}

impl SqlStore<Postgres> {
    pub async fn migrate(&self) -> Result<(), crate::StoreError> {
        Postgres::MIGRATOR.run(&self.pool).await?;
        Ok(())
    }
}
