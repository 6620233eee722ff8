//! Backups of the SQLite database while it is in use, integrity checks, and the emptiness
//! check a restore makes before writing into a PostgreSQL database.

use crate::store::Inner;
use crate::{Store, StoreError};
use std::path::Path;

impl Store {
    /// Writes a consistent copy of a SQLite database to `out` (`VACUUM INTO`: one read
    /// transaction, so writers carry on and the copy is of one instant), compacted. `out`
    /// must not exist. On PostgreSQL this is refused: `pg_dump` makes that backup.
    pub async fn backup_sqlite_into(&self, out: &Path) -> Result<(), StoreError> {
        let Inner::Sqlite(s) = &self.0 else {
            return Err(StoreError::Unstorable {
                what: "a backup",
                detail: "this is a PostgreSQL database: pg_dump makes its backups".into(),
            });
        };
        let target = out.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&s.pool)
            .await?;
        Ok(())
    }

    /// SQLite's own check of the whole file (`PRAGMA integrity_check`): empty when sound,
    /// else what it found. PostgreSQL keeps its own checksums: always empty there.
    pub async fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let Inner::Sqlite(s) = &self.0 else {
            return Ok(Vec::new());
        };
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&s.pool)
            .await?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    /// The SQLite file's size in pages (0 on PostgreSQL).
    pub async fn page_count(&self) -> Result<i64, StoreError> {
        let Inner::Sqlite(s) = &self.0 else {
            return Ok(0);
        };
        Ok(sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&s.pool)
            .await?)
    }

    /// Whether the PostgreSQL database `url` names has no table at all in its `public`
    /// schema (nothing to overwrite). Connects without migrating.
    pub async fn postgres_is_empty(url: &str) -> Result<bool, StoreError> {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(url.trim()).await?;
        let tables: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_one(&mut conn)
        .await?;
        let _ = conn.close().await;
        Ok(tables == 0)
    }

    /// Whether the URL names a PostgreSQL database (else a SQLite file).
    pub fn is_postgres_url(url: &str) -> Result<bool, StoreError> {
        Ok(matches!(
            crate::connect::parse_url(url)?,
            crate::connect::Target::Postgres
        ))
    }

    /// The SQLite file a URL names, `None` for PostgreSQL.
    pub fn sqlite_path(url: &str) -> Result<Option<std::path::PathBuf>, StoreError> {
        Ok(match crate::connect::parse_url(url)? {
            crate::connect::Target::Sqlite(p) => Some(p),
            crate::connect::Target::Postgres => None,
        })
    }
}
