//! Storage errors. A unique-constraint violation becomes [`StoreError::Conflict`] naming the
//! field, so callers can turn it into a field error rather than a 500.

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is already taken (`what`: "slug", "status_index", "id", …).
    #[error("{what} is already taken")]
    Conflict { what: &'static str },
    /// A referenced record (organization, achievement, key, image) does not exist.
    #[error("a record this one refers to does not exist")]
    MissingReference,
    /// The record an operation needs does not exist.
    #[error("no such {what}")]
    NotFound { what: &'static str },
    /// A stored value does not parse into its domain type: the database was changed behind
    /// Accolade's back or by a bug. Never turned into `None`.
    #[error("corrupt row in {table}.{column}: {detail}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        detail: String,
    },
    /// A value cannot be stored (out of range, not serializable).
    #[error("cannot store {what}: {detail}")]
    Unstorable { what: &'static str, detail: String },
    /// The database URL names no supported backend.
    #[error(
        "unsupported database URL {0:?}: use sqlite:///abs/path.db, sqlite://relative.db, a path ending .db or .sqlite, or postgres://…"
    )]
    UnsupportedUrl(String),
    /// Applying the schema migrations failed.
    /// Applying the schema migrations failed (the cause is the source, so a log of the
    /// chain shows it once).
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database cannot be reached now (PostgreSQL restarting or down, no pooled
    /// connection free within the acquire timeout, SQLite locked past its busy timeout):
    /// worth trying again shortly; nothing was written.
    #[error("the database is unreachable or busy")]
    Unavailable(#[source] sqlx::Error),
    /// The disk under the database is full: nothing of the failed write was kept.
    #[error("the database's disk is full")]
    DiskFull(#[source] sqlx::Error),
    /// Any other database error (IO, SQL), kept as the source.
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

/// Sorts a driver error into what callers act on: unreachable (retry later), disk full,
/// or anything else.
impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match classify(&err) {
            Class::Unavailable => StoreError::Unavailable(err),
            Class::DiskFull => StoreError::DiskFull(err),
            Class::Other => StoreError::Database(err),
        }
    }
}

enum Class {
    Unavailable,
    DiskFull,
    Other,
}

fn classify(err: &sqlx::Error) -> Class {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => Class::Unavailable,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            // PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (the server
            // is shutting down, crashed or starting), 53300 (too many connections); 53100 is
            // disk full.
            if code.starts_with("08") || ["57P01", "57P02", "57P03", "53300"].contains(&&*code) {
                return Class::Unavailable;
            }
            if code == "53100" {
                return Class::DiskFull;
            }
            // SQLite (extended) result codes: the primary code is the low byte; 5 and 6 are
            // busy/locked, 13 is full.
            match code.parse::<i64>().map(|c| c & 0xff) {
                Ok(5 | 6) => Class::Unavailable,
                Ok(13) => Class::DiskFull,
                _ => Class::Other,
            }
        }
        _ => Class::Other,
    }
}

impl StoreError {
    /// The database was unreachable or busy: the same request may succeed in a moment.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
            || matches!(self, StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) if matches!(classify(e), Class::Unavailable))
    }

    pub(crate) fn corrupt(
        table: &'static str,
        column: &'static str,
        detail: impl std::fmt::Display,
    ) -> Self {
        StoreError::Corrupt {
            table,
            column,
            detail: detail.to_string(),
        }
    }
}

/// A unique index an insert may hit, recognised on both backends: PostgreSQL reports the
/// index name, SQLite the `table.column` list in its message.
pub(crate) struct UniqueKey {
    pub what: &'static str,
    pub index: &'static str,
    pub sqlite_columns: &'static str,
}

/// Classifies an insert's error: unique violations become `Conflict` (the matching key's
/// field, else "id" for the primary key), foreign-key violations `MissingReference`.
pub(crate) fn insert_error(err: sqlx::Error, keys: &[UniqueKey]) -> StoreError {
    let sqlx::Error::Database(db) = &err else {
        return StoreError::from(err);
    };
    if db.is_foreign_key_violation() {
        return StoreError::MissingReference;
    }
    if !db.is_unique_violation() {
        return StoreError::from(err);
    }
    let message = db.message();
    let hit = keys.iter().find(|k| {
        db.constraint() == Some(k.index)
            || message.ends_with(&format!("failed: {}", k.sqlite_columns))
    });
    StoreError::Conflict {
        what: hit.map_or("id", |k| k.what),
    }
}
