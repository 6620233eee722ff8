use crate::master::MasterKeyError;
use accolade_store::StoreError;

/// Everything the application API can refuse or fail with. Messages are for the person who
/// made the request; internal details stay in `Store` / `Internal` and go to the log.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    /// Not signed in, or the credentials are wrong.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but the role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    RateLimited(String),
    /// Too much verification work in progress: try again after `Busy::retry_after_secs`.
    #[error(transparent)]
    Busy(#[from] crate::verify_gate::Busy),
    #[error(
        "signing is impossible: the master key is missing (set ACCOLADE_MASTER_KEY or restore \
         master.key in the data directory)"
    )]
    NoMasterKey,
    #[error(transparent)]
    MasterKey(#[from] MasterKeyError),
    #[error("the organization has no active signing key; run `accolade keys rotate`")]
    NoActiveKey,
    #[error("the organization's status list is full; no new awards can be given status entries")]
    StatusListFull,
    #[error("storage error: {0}")]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;
