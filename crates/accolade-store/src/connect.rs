//! Opening a store from a URL or a path: pool settings per backend, migrations on connect.

use crate::sql::SqlStore;
use crate::{Store, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a SQLite writer waits for another (this process's pool or the CLI beside the
/// server) before giving up with "database is locked".
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(15);
/// How long to wait for a pooled SQLite connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for a pooled PostgreSQL connection (or a new one to an unreachable
/// server): short, so that while the database restarts requests fail fast with 503 and
/// `Retry-After` instead of piling up.
const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether a connection going back to the pool may serve again: not if it is still inside a
/// transaction. A transaction dropped after an error is rolled back by a command queued on
/// the connection; the ping waits for it. If the rollback itself failed (SQLite rolls back
/// by itself on a full disk, and the driver's ROLLBACK then fails), the driver would count
/// the connection as inside a transaction for good: the next transaction could not begin,
/// or would nest as a savepoint that is never committed. Such a connection is closed.
async fn still_usable<C: sqlx::Connection>(conn: &mut C) -> Result<bool, sqlx::Error> {
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    conn.ping().await?;
    Ok(!conn.is_in_transaction())
}

/// The backend a database URL names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Sqlite(PathBuf),
    Postgres,
}

pub(crate) fn parse_url(url: &str) -> Result<Target, StoreError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Target::Postgres);
    }
    // sqlite:///abs/path.db → /abs/path.db; sqlite://rel.db and sqlite:rel.db → rel.db
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"));
    if let Some(path) = path {
        if path.is_empty() || path.contains('?') || path == ":memory:" {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        }
        return Ok(Target::Sqlite(PathBuf::from(path)));
    }
    let is_file = [".db", ".sqlite", ".sqlite3"]
        .iter()
        .any(|ext| url.ends_with(ext));
    if is_file && !url.contains("://") {
        return Ok(Target::Sqlite(PathBuf::from(url)));
    }
    Err(StoreError::UnsupportedUrl(url.to_owned()))
}

impl Store {
    /// Opens the store a URL names and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        match parse_url(url)? {
            Target::Sqlite(path) => Store::open_sqlite(&path).await,
            Target::Postgres => Store::connect_postgres(url.trim()).await,
        }
    }

    /// Opens (creating if missing, parent folders included) a SQLite file in WAL mode with
    /// foreign keys on, and brings its schema up to date. Another process (the CLI) may use
    /// the same file at the same time.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        Store::open_sqlite_with(path, &[]).await
    }

    /// [`Store::open_sqlite`] with extra per-connection pragmas (tests: `max_page_count`).
    pub(crate) async fn open_sqlite_with(
        path: &Path,
        pragmas: &[(&'static str, String)],
    ) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit (an issued award, a revocation) survives power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            // 32 MiB of page cache per connection (negative = KiB), and statement journals
            // of multi-row INSERTs in memory: bulk issuing writes ~200 MB per 100,000 awards.
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "memory");
        let options = pragmas
            .iter()
            .fold(options, |o, (k, v)| o.pragma(*k, v.clone()));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_release(|conn, _| Box::pin(still_usable(conn)))
            .connect_with(options)
            .await?;
        let store = SqlStore { pool };
        store.migrate().await?;
        Ok(Store(crate::store::Inner::Sqlite(store)))
    }

    async fn connect_postgres(url: &str) -> Result<Store, StoreError> {
        Store::connect_postgres_with(url.parse()?).await
    }

    pub(crate) async fn connect_postgres_with(
        options: PgConnectOptions,
    ) -> Result<Store, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(PG_ACQUIRE_TIMEOUT)
            .after_release(|conn, _| Box::pin(still_usable(conn)))
            .connect_with(options)
            .await?;
        let store = SqlStore { pool };
        store.migrate().await?;
        Ok(Store(crate::store::Inner::Postgres(store)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let sqlite = |p: &str| Ok(Target::Sqlite(PathBuf::from(p)));
        assert_eq!(
            parse_url("sqlite:///abs/path.db").map_err(|_| ()),
            sqlite("/abs/path.db")
        );
        assert_eq!(
            parse_url("sqlite://rel.db").map_err(|_| ()),
            sqlite("rel.db")
        );
        assert_eq!(
            parse_url("data/accolade.sqlite").map_err(|_| ()),
            sqlite("data/accolade.sqlite")
        );
        assert_eq!(
            parse_url("/var/lib/a.db").map_err(|_| ()),
            sqlite("/var/lib/a.db")
        );
        assert_eq!(
            parse_url("postgres://u:p@h/db").map_err(|_| ()),
            Ok(Target::Postgres)
        );
        assert_eq!(
            parse_url("postgresql://h/db").map_err(|_| ()),
            Ok(Target::Postgres)
        );
        for bad in [
            "mysql://h/db",
            "accolade",
            "",
            "sqlite://",
            "sqlite::memory:",
            "http://x.db",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}
