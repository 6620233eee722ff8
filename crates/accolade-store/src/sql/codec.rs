//! How domain values sit in columns, the same on both backends: ids as hyphenated UUID text,
//! instants as integer microseconds since the Unix epoch (UTC; sub-microsecond digits are
//! dropped, as PostgreSQL's own timestamps would), small lists as JSON text.

use crate::StoreError;
use sqlx::{ColumnIndex, Database, Decode, Row, Type};
use std::str::FromStr;
use time::OffsetDateTime;

/// An instant as stored: microseconds since 1970-01-01T00:00:00Z.
pub(crate) fn micros(t: OffsetDateTime) -> Result<i64, StoreError> {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).map_err(|_| StoreError::Unstorable {
        what: "timestamp",
        detail: format!("{t} is out of range"),
    })
}

pub(crate) fn opt_micros(t: Option<OffsetDateTime>) -> Result<Option<i64>, StoreError> {
    t.map(micros).transpose()
}

pub(crate) fn to_json<T: serde::Serialize>(
    what: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Unstorable {
        what,
        detail: e.to_string(),
    })
}

/// Reads one row of a table, turning every missing or malformed value into
/// [`StoreError::Corrupt`] that names the table and column.
pub(crate) struct RowReader<'r, R> {
    pub row: &'r R,
    pub table: &'static str,
}

impl<'r, R> RowReader<'r, R>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    for<'a> String: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> i64: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> f64: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> Vec<u8>: Decode<'a, R::Database> + Type<R::Database>,
    R::Database: Database,
{
    pub fn new(row: &'r R, table: &'static str) -> Self {
        Self { row, table }
    }

    fn get<T>(&self, col: &'static str) -> Result<T, StoreError>
    where
        T: for<'a> Decode<'a, R::Database> + Type<R::Database>,
    {
        self.row
            .try_get::<T, _>(col)
            .map_err(|e| StoreError::corrupt(self.table, col, e))
    }

    pub fn text(&self, col: &'static str) -> Result<String, StoreError> {
        self.get(col)
    }

    pub fn opt_text(&self, col: &'static str) -> Result<Option<String>, StoreError> {
        self.get(col)
    }

    pub fn int(&self, col: &'static str) -> Result<i64, StoreError> {
        self.get(col)
    }

    pub fn opt_int(&self, col: &'static str) -> Result<Option<i64>, StoreError> {
        self.get(col)
    }

    pub fn opt_real(&self, col: &'static str) -> Result<Option<f64>, StoreError> {
        self.get(col)
    }

    pub fn bytes(&self, col: &'static str) -> Result<Vec<u8>, StoreError> {
        self.get(col)
    }

    /// A value parsed from text (ids, slugs, emails).
    pub fn parsed<T>(&self, col: &'static str) -> Result<T, StoreError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let raw = self.text(col)?;
        raw.parse()
            .map_err(|e: T::Err| StoreError::corrupt(self.table, col, e))
    }

    pub fn opt_parsed<T>(&self, col: &'static str) -> Result<Option<T>, StoreError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        self.opt_text(col)?
            .map(|raw| {
                raw.parse()
                    .map_err(|e: T::Err| StoreError::corrupt(self.table, col, e))
            })
            .transpose()
    }

    /// A value parsed from text by a function (for types without `FromStr`).
    pub fn text_with<T, E: std::fmt::Display>(
        &self,
        col: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let raw = self.text(col)?;
        parse(&raw).map_err(|e| StoreError::corrupt(self.table, col, e))
    }

    pub fn time(&self, col: &'static str) -> Result<OffsetDateTime, StoreError> {
        let us = self.int(col)?;
        self.instant(col, us)
    }

    pub fn opt_time(&self, col: &'static str) -> Result<Option<OffsetDateTime>, StoreError> {
        self.opt_int(col)?
            .map(|us| self.instant(col, us))
            .transpose()
    }

    fn instant(&self, col: &'static str, us: i64) -> Result<OffsetDateTime, StoreError> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1_000)
            .map_err(|e| StoreError::corrupt(self.table, col, e))
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self, col: &'static str) -> Result<T, StoreError> {
        let raw = self.text(col)?;
        serde_json::from_str(&raw).map_err(|e| StoreError::corrupt(self.table, col, e))
    }

    pub fn u32(&self, col: &'static str) -> Result<u32, StoreError> {
        let v = self.int(col)?;
        u32::try_from(v).map_err(|e| StoreError::corrupt(self.table, col, e))
    }
}
