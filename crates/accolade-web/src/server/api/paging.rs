//! Cursor paging: every list answers `{"data": […], "next": …}`, where `next` is the link
//! to the following page (absent on the last). Cursors are opaque to clients: they are the
//! store's keyset position, hex-encoded so that nobody builds one by hand.

use accolade_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most items one page holds.
pub(crate) const MAX_LIMIT: u32 = 200;
/// Items per page when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: u32 = 50;

/// Which page of a list to read.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// Where the page starts: the `cursor` of the `next` link of the page before. Omit it
    /// for the first page.
    #[param(pattern = "^([0-9a-f]{2})+$")]
    pub cursor: Option<String>,
    /// Items on the page (1 to 200; 50 when omitted).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

impl PageQuery {
    /// The page size asked for, refused outside 1..=200.
    pub fn limit(&self) -> Result<u32, AppError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(AppError::invalid_field(
                "limit",
                "Ask for between 1 and 200 items per page.",
            )),
        }
    }

    /// The decoded cursor, if one was given; a cursor this server did not make is refused.
    pub fn position(&self) -> Result<Option<String>, AppError> {
        let Some(c) = self.cursor.as_deref() else {
            return Ok(None);
        };
        hex::decode(c)
            .ok()
            .filter(|b| !b.is_empty())
            .and_then(|b| String::from_utf8(b).ok())
            .map(Some)
            .ok_or_else(bad_cursor)
    }
}

pub(crate) fn bad_cursor() -> AppError {
    AppError::invalid_field(
        "cursor",
        "This cursor is not one this server gave. Start again from the first page.",
    )
}

/// A cursor for the position `raw`.
pub(crate) fn cursor(raw: &str) -> String {
    hex::encode(raw.as_bytes())
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ListPage<T> {
    /// The items on this page.
    pub data: Vec<T>,
    /// The link to the next page (relative to the server), or null on the last page.
    pub next: Option<String>,
}

impl<T> ListPage<T> {
    /// A page of `data`; `after` is the position of the next page, if there is one, and
    /// `base` the list's address with its filters (without `cursor`), and `limit` the page size.
    pub fn new(data: Vec<T>, after: Option<&str>, base: &str, limit: u32) -> Self {
        let next = after.map(|raw| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}limit={limit}&cursor={}", cursor(raw))
        });
        Self { data, next }
    }
}

/// A list's address with its filters, to build `next` links.
pub(crate) fn base_url(path: &str, filters: &[(&str, Option<String>)]) -> String {
    let mut q = String::new();
    for (name, value) in filters {
        if let Some(v) = value {
            q.push(if q.is_empty() { '?' } else { '&' });
            q.push_str(name);
            q.push('=');
            q.push_str(
                &percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
                    .to_string(),
            );
        }
    }
    format!("/api/v1{path}{q}")
}
