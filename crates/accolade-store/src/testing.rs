//! A fresh, migrated store per test, on either backend (feature `testing`), so that the
//! store's, the application's and the web layer's tests can run one story on both.
//!
//! ```text
//! let sqlite = accolade_store::testing::fresh_sqlite().await?;
//! story(&sqlite).await;
//! if let Some(pg) = accolade_store::testing::fresh_postgres().await? {
//!     story(&pg).await;
//! }
//! ```

use crate::{Store, StoreError};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::ops::Deref;
use std::path::Path;

/// The environment variable naming a PostgreSQL server for tests: a URL whose role may
/// create databases, e.g. `postgres://accolade:accolade@127.0.0.1:5432/postgres`.
pub const POSTGRES_URL_VAR: &str = "ACCOLADE_TEST_POSTGRES_URL";

/// A store on its own fresh database, deleted when this value (or, after
/// [`TestStore::into_parts`], its guard) is dropped.
#[derive(Debug)]
pub struct TestStore {
    store: Store,
    url: String,
    guard: TestGuard,
}

/// Deletes a test database (or its folder) when dropped; keep it alive while the store is used.
#[derive(Debug)]
pub struct TestGuard(Cleanup);

#[derive(Debug)]
enum Cleanup {
    /// The SQLite file lives in this folder, removed when the folder value is dropped.
    Dir(#[allow(dead_code)] tempfile::TempDir),
    /// A database created on the test server, dropped at the end.
    Postgres {
        admin: Box<PgConnectOptions>,
        name: String,
    },
}

impl TestStore {
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A URL for [`Store::connect`] naming the same database (for a second process, such as
    /// the CLI under test).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// An owned store and the guard that deletes its database when dropped:
    /// `let (store, _guard) = fresh_sqlite().await?.into_parts();`
    pub fn into_parts(self) -> (Store, TestGuard) {
        (self.store, self.guard)
    }
}

impl Deref for TestStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

/// A store on a new SQLite file in a temporary folder.
pub async fn fresh_sqlite() -> Result<TestStore, StoreError> {
    let dir = tempfile::tempdir().map_err(sqlx::Error::Io)?;
    let path = dir.path().join("accolade.db");
    let store = Store::open_sqlite(&path).await?;
    Ok(TestStore {
        store,
        url: format!("sqlite://{}", path.display()),
        guard: TestGuard(Cleanup::Dir(dir)),
    })
}

/// The SQLite file at `path` opened so that it cannot grow by more than `pages` pages past
/// its size now (`PRAGMA max_page_count` on every connection): the disk is full for it.
pub async fn open_sqlite_nearly_full(path: &Path, pages: u32) -> Result<Store, StoreError> {
    let now = {
        let store = Store::open_sqlite(path).await?;
        let n = store.page_count().await?;
        store.close().await;
        n
    };
    Store::open_sqlite_with(
        path,
        &[("max_page_count", (now + i64::from(pages)).to_string())],
    )
    .await
}

/// A store on a new database `accolade_test_<random>` on the server named by
/// [`POSTGRES_URL_VAR`]. When that variable is unset: under CI (`CI` set) a panic, so no CI
/// run passes by skipping; locally `Ok(None)` after printing `SKIPPED: …`. An error when it
/// is set (even empty) and the server cannot be used, so a broken setup fails the test
/// instead of skipping it.
pub async fn fresh_postgres() -> Result<Option<TestStore>, StoreError> {
    if std::env::var_os(POSTGRES_URL_VAR).is_none() {
        accolade_testkit::gate::require_var(
            POSTGRES_URL_VAR,
            "the PostgreSQL run of this story",
            "export it from `bash scripts/postgres.sh`; scripts/test.sh does",
        );
        return Ok(None);
    }
    let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_default();
    if admin_url.trim().is_empty() {
        // Set but empty: scripts/postgres.sh failed inside `export …="$(…)"`; fail, don't skip.
        eprintln!("{POSTGRES_URL_VAR} is set but empty: did scripts/postgres.sh fail?");
        return Err(StoreError::UnsupportedUrl(admin_url));
    }
    let admin: PgConnectOptions = admin_url.trim().parse()?;
    let name = format!("accolade_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect_with(&admin).await?;
    // The name is ours (letters, digits, underscores): safe to splice into the statement.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let store = Store::connect_postgres_with(admin.clone().database(&name)).await?;
    Ok(Some(TestStore {
        store,
        url: with_database(admin_url.trim(), &name),
        guard: TestGuard(Cleanup::Postgres {
            admin: Box::new(admin),
            name,
        }),
    }))
}

/// Runs a statement as is, bypassing the store's checks: for tests that plant bad rows.
pub async fn execute_raw(store: &Store, sql: &str) -> Result<(), StoreError> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match &store.0 {
        crate::store::Inner::Sqlite(s) => {
            sqlx::raw_sql(sql).execute(&s.pool).await?;
        }
        crate::store::Inner::Postgres(s) => {
            sqlx::raw_sql(sql).execute(&s.pool).await?;
        }
    }
    Ok(())
}

/// The shape of a database as both backends can state it: each table with its columns, and
/// each index created explicitly (not those backing a primary key or unique constraint), as
/// `table: index`. Types are left out: they are spelled differently on purpose.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Schema {
    pub columns: std::collections::BTreeSet<String>,
    pub indexes: std::collections::BTreeSet<String>,
}

/// Reads the [`Schema`] of the store's database (migration bookkeeping left out, and the
/// recipient search's index, which differs by design: an FTS5 table on SQLite, a pg_trgm
/// GIN index on PostgreSQL; migration 0026).
pub async fn schema(store: &Store) -> Result<Schema, StoreError> {
    let mut out = Schema::default();
    match &store.0 {
        crate::store::Inner::Sqlite(s) => {
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                 AND m.name NOT LIKE '_sqlx%' AND m.name NOT LIKE 'awards_recipient_search%'",
            )
            .fetch_all(&s.pool)
            .await?;
            out.columns = columns
                .into_iter()
                .map(|(t, c)| format!("{t}.{c}"))
                .collect();
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT tbl_name, name FROM sqlite_master \
                 WHERE type = 'index' AND sql IS NOT NULL AND tbl_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(&s.pool)
            .await?;
            out.indexes = indexes
                .into_iter()
                .map(|(t, i)| format!("{t}: {i}"))
                .collect();
        }
        crate::store::Inner::Postgres(s) => {
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
            )
            .fetch_all(&s.pool)
            .await?;
            out.columns = columns
                .into_iter()
                .map(|(t, c)| format!("{t}.{c}"))
                .collect();
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT tablename::text, indexname::text FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_sqlx%' \
                 AND indexname NOT IN (SELECT conname FROM pg_constraint) \
                 AND indexname <> 'awards_recipient_trgm'",
            )
            .fetch_all(&s.pool)
            .await?;
            out.indexes = indexes
                .into_iter()
                .map(|(t, i)| format!("{t}: {i}"))
                .collect();
        }
    }
    Ok(out)
}

/// The URL with its path (the database name) replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

impl Drop for TestGuard {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin, name } = &self.0 else {
            return;
        };
        let (admin, name) = (admin.as_ref().clone(), name.clone());
        // Drop runs outside any async context we could await in: drop the database from a
        // thread of its own. FORCE ends the store's still-open pooled connections.
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect_with(&admin)
                    .await
                    .map_err(|e| e.to_string())?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.close().await.map_err(|e| e.to_string())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("warning: could not drop test database: {e}"),
            Err(_) => eprintln!("warning: dropping the test database panicked"),
        }
    }
}

/// How the backend's planner would run a hot statement: SQLite's `EXPLAIN QUERY PLAN`
/// details, or PostgreSQL's `EXPLAIN` lines with sequential scans priced out
/// (`SET LOCAL enable_seqscan = off`, in a transaction rolled back at once), so that on a
/// small test database a plan still shows a sequential scan only where no index can serve.
/// Nothing is executed.
pub async fn explain(
    store: &Store,
    q: &crate::sql::hot::HotQuery,
) -> Result<Vec<String>, StoreError> {
    use crate::sql::hot::PlanParam;
    macro_rules! bound {
        ($query:expr) => {{
            let mut query = $query;
            for p in &q.params {
                query = match p {
                    PlanParam::Text(s) => query.bind(s.clone()),
                    PlanParam::Int(i) => query.bind(*i),
                };
            }
            query
        }};
    }
    match &store.0 {
        crate::store::Inner::Sqlite(s) => {
            let sql = format!("EXPLAIN QUERY PLAN {}", q.sql);
            let rows: Vec<(i64, i64, i64, String)> =
                bound!(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
                    .fetch_all(&s.pool)
                    .await?;
            Ok(rows.into_iter().map(|r| r.3).collect())
        }
        crate::store::Inner::Postgres(s) => {
            let mut tx = s.begin_write().await?;
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await?;
            let sql = format!("EXPLAIN {}", q.sql);
            let rows: Vec<(String,)> = bound!(sqlx::query_as(sqlx::AssertSqlSafe(sql)))
                .fetch_all(&mut *tx)
                .await?;
            tx.rollback().await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }
    }
}

/// How many of a SQLite store's pooled connections are stuck on an old read snapshot: after
/// a fresh commit, each connection the pool hands out tries to take the write lock, which a
/// connection still holding an older snapshot cannot (`SQLITE_BUSY_SNAPSHOT`). Such a
/// connection would serve stale reads and fail writes at once. Always 0 on PostgreSQL.
pub async fn stale_sqlite_connections(store: &Store) -> Result<usize, StoreError> {
    let crate::store::Inner::Sqlite(s) = &store.0 else {
        return Ok(0);
    };
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS _probe (x INTEGER); INSERT INTO _probe VALUES (1)")
        .execute(&s.pool)
        .await?;
    let mut conns = Vec::new();
    for _ in 0..s.pool.options().get_max_connections() {
        conns.push(s.pool.acquire().await?);
    }
    let mut stale = 0;
    for c in &mut conns {
        if sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut **c)
            .await
            .is_ok()
        {
            sqlx::raw_sql("ROLLBACK").execute(&mut **c).await?;
        } else {
            stale += 1;
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_replaced_in_url() {
        assert_eq!(
            super::with_database("postgres://a:b@127.0.0.1:5432/postgres", "x"),
            "postgres://a:b@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://h?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
