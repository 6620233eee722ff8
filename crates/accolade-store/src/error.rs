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
    /// Any other database error (connection, IO, SQL), kept as the source.
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
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
        return StoreError::Database(err);
    };
    if db.is_foreign_key_violation() {
        return StoreError::MissingReference;
    }
    if !db.is_unique_violation() {
        return StoreError::Database(err);
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
