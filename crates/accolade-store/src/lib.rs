//! Accolade's storage: one [`Store`] API over SQLite (the embedded default) and PostgreSQL.
//!
//! Both backends share one generic implementation (`sql/`), whose statements are portable
//! SQL; each backend has its own migrations (`migrations/sqlite`, `migrations/postgres`), run
//! on connect. Domain types come from `accolade-core`; rows are converted into them here, and a
//! row that does not convert is a [`StoreError::Corrupt`], never a panic or a silent `None`.

mod connect;
mod error;
mod sql;
mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::StoreError;
pub use store::Store;
