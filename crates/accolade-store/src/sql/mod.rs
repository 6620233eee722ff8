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
mod pathways;
mod reminders;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Pool, Postgres, Sqlite};

/// What one SQL backend brings: its name and its own migrations.
pub(crate) trait Backend: sqlx::Database {
    const NAME: &'static str;
    /// `(version, description, sql)`, oldest first.
    const MIGRATIONS: &'static [(i64, &'static str, &'static str)];

    fn migrator() -> Migrator {
        let migrations = Self::MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sqlx::SqlSafeStr::into_sql_str(sql),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
    }
}

impl Backend for Sqlite {
    const NAME: &'static str = "sqlite";
    const MIGRATIONS: &'static [(i64, &'static str, &'static str)] = &[
        (
            1,
            "initial",
            include_str!("../../migrations/sqlite/0001_initial.sql"),
        ),
        (
            2,
            "jobs mail",
            include_str!("../../migrations/sqlite/0002_jobs_mail.sql"),
        ),
        (
            3,
            "imports",
            include_str!("../../migrations/sqlite/0003_imports.sql"),
        ),
        (
            4,
            "accounts",
            include_str!("../../migrations/sqlite/0004_accounts.sql"),
        ),
        (
            5,
            "audit",
            include_str!("../../migrations/sqlite/0005_audit.sql"),
        ),
        (
            6,
            "achievements authoring",
            include_str!("../../migrations/sqlite/0006_achievements_authoring.sql"),
        ),
        (
            7,
            "designs profile",
            include_str!("../../migrations/sqlite/0007_designs_profile.sql"),
        ),
        (
            8,
            "award management",
            include_str!("../../migrations/sqlite/0008_award_management.sql"),
        ),
        (
            9,
            "bulk web",
            include_str!("../../migrations/sqlite/0009_bulk_web.sql"),
        ),
        (
            10,
            "analytics",
            include_str!("../../migrations/sqlite/0010_analytics.sql"),
        ),
        (
            11,
            "earners",
            include_str!("../../migrations/sqlite/0011_earners.sql"),
        ),
        (
            12,
            "earner imports",
            include_str!("../../migrations/sqlite/0012_earner_imports.sql"),
        ),
        (
            13,
            "jwt keys",
            include_str!("../../migrations/sqlite/0013_jwt_keys.sql"),
        ),
        (
            14,
            "pathways",
            include_str!("../../migrations/sqlite/0014_pathways.sql"),
        ),
        (
            15,
            "analytics daily",
            include_str!("../../migrations/sqlite/0015_analytics_daily.sql"),
        ),
        (
            16,
            "revocation final",
            include_str!("../../migrations/sqlite/0016_revocation_final.sql"),
        ),
        (
            17,
            "claim tokens by award",
            include_str!("../../migrations/sqlite/0017_claim_tokens_award.sql"),
        ),
        (
            18,
            "insights",
            include_str!("../../migrations/sqlite/0018_insights.sql"),
        ),
    ];
}

impl Backend for Postgres {
    const NAME: &'static str = "postgres";
    const MIGRATIONS: &'static [(i64, &'static str, &'static str)] = &[
        (
            1,
            "initial",
            include_str!("../../migrations/postgres/0001_initial.sql"),
        ),
        (
            2,
            "jobs mail",
            include_str!("../../migrations/postgres/0002_jobs_mail.sql"),
        ),
        (
            3,
            "imports",
            include_str!("../../migrations/postgres/0003_imports.sql"),
        ),
        (
            4,
            "accounts",
            include_str!("../../migrations/postgres/0004_accounts.sql"),
        ),
        (
            5,
            "audit",
            include_str!("../../migrations/postgres/0005_audit.sql"),
        ),
        (
            6,
            "achievements authoring",
            include_str!("../../migrations/postgres/0006_achievements_authoring.sql"),
        ),
        (
            7,
            "designs profile",
            include_str!("../../migrations/postgres/0007_designs_profile.sql"),
        ),
        (
            8,
            "award management",
            include_str!("../../migrations/postgres/0008_award_management.sql"),
        ),
        (
            9,
            "bulk web",
            include_str!("../../migrations/postgres/0009_bulk_web.sql"),
        ),
        (
            10,
            "analytics",
            include_str!("../../migrations/postgres/0010_analytics.sql"),
        ),
        (
            11,
            "earners",
            include_str!("../../migrations/postgres/0011_earners.sql"),
        ),
        (
            12,
            "earner imports",
            include_str!("../../migrations/postgres/0012_earner_imports.sql"),
        ),
        (
            13,
            "jwt keys",
            include_str!("../../migrations/postgres/0013_jwt_keys.sql"),
        ),
        (
            14,
            "pathways",
            include_str!("../../migrations/postgres/0014_pathways.sql"),
        ),
        (
            15,
            "analytics daily",
            include_str!("../../migrations/postgres/0015_analytics_daily.sql"),
        ),
        (
            16,
            "revocation final",
            include_str!("../../migrations/postgres/0016_revocation_final.sql"),
        ),
        (
            17,
            "claim tokens by award",
            include_str!("../../migrations/postgres/0017_claim_tokens_award.sql"),
        ),
        (
            18,
            "insights",
            include_str!("../../migrations/postgres/0018_insights.sql"),
        ),
    ];
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
        Sqlite::migrator().run(&self.pool).await?;
        Ok(())
    }
}

impl SqlStore<Postgres> {
    pub async fn migrate(&self) -> Result<(), crate::StoreError> {
        Postgres::migrator().run(&self.pool).await?;
        Ok(())
    }
}
