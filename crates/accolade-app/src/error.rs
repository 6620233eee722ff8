use crate::master::MasterKeyError;
use accolade_store::StoreError;
use std::borrow::Cow;
use std::fmt;

/// The underlying error an internal failure keeps as its source.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything the application API can refuse or fail with. Messages are for the person who
/// made the request; internal details stay in `Store` / `Internal` and go to the log.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing of this kind (`"award"`, `"image"`, …) with that id, or not in this
    /// organization.
    #[error("This {0} could not be found. It may have been deleted, or the link is wrong.")]
    NotFound(&'static str),
    /// The input is refused; the message says why in words the person who typed it
    /// understands, and names the field when one is to blame.
    #[error("{0}")]
    Invalid(Invalid),
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
    #[error("storage error")]
    Store(#[from] StoreError),
    /// Something that should not fail did: what was being done, and the error that stopped
    /// it (kept as the source, so the log shows the whole chain).
    #[error("internal error: {context}")]
    Internal {
        context: Cow<'static, str>,
        #[source]
        source: Option<Cause>,
    },
}

/// A refused input: the form or API field it is about (`None` for the request as a whole)
/// and a sentence saying what to do. Fields are named as in the API (`criteria_narrative`,
/// `recipient_email`); a value of a list or map adds its key (`field_values.grade`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: Option<Cow<'static, str>>,
    pub message: String,
}

/// `field: message` (or just the message), as the command line and the log show it.
impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl AppError {
    /// A refusal of the request as a whole.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(Invalid {
            field: None,
            message: message.into(),
        })
    }

    /// A refusal of one field's value (`field` as the form or API names it).
    pub fn invalid_field(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::Invalid(Invalid {
            field: Some(field.into()),
            message: message.into(),
        })
    }

    /// An internal failure in `context` ("signing the credential"), caused by `e`.
    pub fn internal<E>(context: impl Into<Cow<'static, str>>, e: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Self::Internal {
            context: context.into(),
            source: Some(Box::new(e)),
        }
    }

    /// An internal failure with no underlying error (a broken invariant).
    pub fn internal_msg(context: impl Into<Cow<'static, str>>) -> Self {
        Self::Internal {
            context: context.into(),
            source: None,
        }
    }

    /// The database was unreachable or busy (restarting, no connection free): the same
    /// request may succeed in a moment, and nothing was written.
    pub fn is_database_unavailable(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_unavailable())
    }

    /// The database's disk is full: the write was refused whole.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, Self::Store(StoreError::DiskFull(_)))
    }

    /// The field a refusal is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid(i) => i.field.as_deref(),
            _ => None,
        }
    }

    /// The same refusal about another field (for adapters whose field names differ), or
    /// the error unchanged.
    pub fn for_field(self, field: impl Into<Cow<'static, str>>) -> Self {
        match self {
            Self::Invalid(i) => Self::Invalid(Invalid {
                field: Some(field.into()),
                ..i
            }),
            other => other,
        }
    }

    /// What to tell the person who made the request, without the field name (pages show
    /// it at the field).
    pub fn message(&self) -> String {
        match self {
            Self::Invalid(i) => i.message.clone(),
            other => other.to_string(),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// An error with each of its causes, `outer: inner: innermost`, for the log (an error's own
/// `Display` stops at its own message).
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn internal_errors_keep_their_cause() {
        let io = std::io::Error::other("disk full");
        let e = AppError::internal("writing the CSV report", io);
        assert_eq!(e.to_string(), "internal error: writing the CSV report");
        let source = e.source().map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("disk full"));
        assert!(AppError::internal_msg("x").source().is_none());
        assert_eq!(
            Chain(&e).to_string(),
            "internal error: writing the CSV report: disk full"
        );
    }

    #[test]
    fn refusals_name_their_field() {
        let e = AppError::invalid_field("validity_months", "Enter a whole number, like 12.");
        assert_eq!(e.field(), Some("validity_months"));
        assert_eq!(
            e.to_string(),
            "validity_months: Enter a whole number, like 12."
        );
        assert_eq!(e.message(), "Enter a whole number, like 12.");
        let whole = AppError::invalid("Nothing to import.");
        assert_eq!(whole.field(), None);
        assert_eq!(whole.to_string(), "Nothing to import.");
    }
}
