//! Resolving verification methods: did:key locally, did:web and `https://` key URLs through
//! the [`Fetch`] trait. This crate never opens a connection itself.

use std::fmt;

/// A document fetched over HTTP(S) by an implementation of [`Fetch`].
#[derive(Debug, Clone)]
pub struct FetchedDocument {
    /// The final URL after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a fetch did not produce a document.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// Refused by policy before connecting (private address, scheme, offline mode...).
    #[error("refused to fetch {url}: {reason}")]
    Refused { url: String, reason: String },
    #[error("could not fetch {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url} sent more than {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("{url} did not answer in time")]
    Timeout { url: String },
}

/// Fetches documents for the verifier (DID documents, key documents, status lists).
/// Implementations must refuse private, loopback and link-local addresses unless told
/// otherwise, bound time and size, and re-check every redirect.
pub trait Fetch: Send + Sync {
    fn get(&self, url: &str, accept: &str) -> Result<FetchedDocument, FetchError>;
}

/// A fetcher that refuses everything: for fully offline verification.
#[derive(Debug, Default, Clone, Copy)]
pub struct Offline;

impl Fetch for Offline {
    fn get(&self, url: &str, _accept: &str) -> Result<FetchedDocument, FetchError> {
        Err(FetchError::Refused { url: url.to_owned(), reason: "offline mode".to_owned() })
    }
}

impl fmt::Display for FetchedDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} bytes)", self.url, self.body.len())
    }
}
