//! Reading a CSV file as a stream: the header and the column mapping, then one validated
//! row at a time. Nothing here holds the file: a row may be at most [`MAX_ROW_BYTES`] long,
//! and duplicates within the file are remembered by a 16-byte hash of the email.

use super::{ColumnMapping, ImportLimits, ResolvedColumns};
use crate::{AppError, AppResult};
use accolade_core::{AwardId, CustomField, Email, ExpiryPolicy};
use accolade_store::{NewImportRow, RowState};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// Bytes one CSV row may take (all its cells, quoted); beyond it the file is refused.
pub(crate) const MAX_ROW_BYTES: u64 = 256 * 1024;
/// Characters of a recipient name (as for a single award).
const MAX_NAME_CHARS: usize = 200;
/// Characters of a custom field value (as for a single award).
const MAX_FIELD_CHARS: usize = 500;

/// Columns a file may have; a wider one is refused (it is not a list of recipients).
pub(crate) const MAX_COLUMNS: usize = 200;

const EMAIL_HEADERS: &[&str] = &["email", "e-mail", "email address", "e-mail address"];
const NAME_HEADERS: &[&str] = &["name", "full name", "recipient name"];
const ISSUED_HEADERS: &[&str] = &["issued_at", "issued at", "issue date", "issued on"];

/// Counts the bytes read since the last row, failing once a row exceeds its budget, so a
/// "row" without line breaks (a wrong file, a hostile one) cannot grow without bound.
pub(crate) struct Budgeted<R> {
    inner: R,
    since_row: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.since_row.get() + n as u64;
        self.since_row.set(total);
        if total > MAX_ROW_BYTES + 64 * 1024 {
            return Err(std::io::Error::other(format!(
                "a row is longer than {} KiB: is this a CSV file?",
                MAX_ROW_BYTES / 1024
            )));
        }
        Ok(n)
    }
}

/// Rules a row is checked against, besides its own shape.
pub(crate) struct RowRules {
    pub now: OffsetDateTime,
    pub expiry: ExpiryPolicy,
    pub limits: ImportLimits,
    /// The achievement's custom fields: values read from their columns, required ones
    /// checked in every row.
    pub fields: Vec<CustomField>,
}

/// A streaming reader of validated rows.
pub(crate) struct RowReader<R: Read> {
    csv: csv::Reader<Budgeted<R>>,
    since_row: std::rc::Rc<std::cell::Cell<u64>>,
    columns: ResolvedColumns,
    index: [Option<usize>; 3],
    /// Each custom field and its column, if the file has one.
    field_index: Vec<(CustomField, Option<usize>)>,
    headers: Vec<String>,
    rules: RowRules,
    seen: HashMap<[u8; 16], i64>,
    record: csv::StringRecord,
    row_number: i64,
}

/// A refusal of the uploaded file (the form's `file` field).
fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid_field("file", message)
}

/// The delimiter a header line uses: `,` unless `;` or a tab is clearly meant.
pub(crate) fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let count = |b: u8| first_line.iter().filter(|&&c| c == b).count();
    let (commas, semis, tabs) = (count(b','), count(b';'), count(b'\t'));
    if semis > commas && semis >= tabs {
        b';'
    } else if tabs > commas && tabs > semis {
        b'\t'
    } else {
        b','
    }
}

impl<R: Read> RowReader<R> {
    /// Reads the header and resolves the mapping (explicit names first, then the usual
    /// header names, case-insensitively).
    pub fn new(
        source: R,
        delimiter: u8,
        mapping: &ColumnMapping,
        rules: RowRules,
    ) -> AppResult<Self> {
        let since_row = std::rc::Rc::new(std::cell::Cell::new(0));
        let budgeted = Budgeted {
            inner: source,
            since_row: since_row.clone(),
        };
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(budgeted);
        let headers: Vec<String> = csv
            .headers()
            .map_err(|e| {
                invalid(format!(
                    "The first row of the file, with the column names, cannot be read ({e})."
                ))
            })?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(invalid("The file is empty or has no row of column names."));
        }
        if headers.len() > MAX_COLUMNS {
            return Err(invalid(format!(
                "The file has {} columns; a recipient list may have at most {MAX_COLUMNS}.",
                headers.len()
            )));
        }
        let find = |explicit: &Option<String>,
                    defaults: &[&str],
                    field: &str|
         -> AppResult<Option<usize>> {
            if let Some(name) = explicit {
                let at = headers
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(name.trim()))
                    .ok_or_else(|| {
                        invalid(format!(
                            "--map {field}={name}: the file has no column {name:?}. Its columns are: {}.",
                            headers.join(", ")
                        ))
                    })?;
                return Ok(Some(at));
            }
            Ok(default_column(&headers, defaults))
        };
        let email = find(&mapping.email, EMAIL_HEADERS, "email")?;
        let name = find(&mapping.name, NAME_HEADERS, "name")?;
        let issued = find(&mapping.issued_at, ISSUED_HEADERS, "issued_at")?;
        let Some(email_at) = email else {
            return Err(invalid(format!(
                "The file has no email column. Name one “email”, or choose the column that \
                 holds the email addresses (--map email=COLUMN). Its columns are: {}.",
                headers.join(", ")
            )));
        };
        if let Some(key) = mapping
            .fields
            .keys()
            .find(|k| !rules.fields.iter().any(|f| f.key == **k))
        {
            return Err(invalid(format!(
                "--map {key}=…: the badge has no custom field {key:?}"
            )));
        }
        let mut field_index = Vec::with_capacity(rules.fields.len());
        for field in &rules.fields {
            let at = match mapping.fields.get(&field.key) {
                Some(name) => find(&Some(name.clone()), &[], &field.key)?,
                None => field_column(&headers, field),
            };
            field_index.push((field.clone(), at));
        }
        let column = |i: Option<usize>| i.and_then(|i| headers.get(i).cloned());
        let columns = ResolvedColumns {
            email: column(Some(email_at)).unwrap_or_default(),
            name: column(name),
            issued_at: column(issued),
            fields: field_index
                .iter()
                .filter_map(|(f, at)| Some((f.key.clone(), column(*at)?)))
                .collect(),
        };
        since_row.set(0);
        Ok(Self {
            csv,
            since_row,
            columns,
            index: [Some(email_at), name, issued],
            field_index,
            headers,
            rules,
            seen: HashMap::new(),
            record: csv::StringRecord::new(),
            row_number: 1,
        })
    }

    pub fn columns(&self) -> &ResolvedColumns {
        &self.columns
    }

    /// The next row, validated; `None` at the end of the file. A row that is not UTF-8 is a
    /// row error; a file too long, or a row without end, stops the import.
    pub fn next_row(&mut self) -> AppResult<Option<NewImportRow>> {
        let read = self.csv.read_record(&mut self.record);
        self.since_row.set(0);
        self.row_number += 1;
        let more = match read {
            Ok(more) => more,
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                return Ok(Some(
                    self.error_row(None, "the row is not valid UTF-8 text"),
                ));
            }
            Err(e) => {
                return Err(invalid(format!(
                    "Row {} of the file cannot be read ({e}).",
                    self.row_number
                )));
            }
        };
        if !more {
            return Ok(None);
        }
        if self.row_number - 1 > self.rules.limits.max_rows as i64 {
            return Err(invalid(format!(
                "The file has more than {} rows. Split it into smaller files.",
                self.rules.limits.max_rows
            )));
        }
        Ok(Some(self.validate()))
    }

    fn cell(&self, which: usize) -> Option<&str> {
        let at = self.index[which]?;
        self.record.get(at).map(str::trim).filter(|c| !c.is_empty())
    }

    fn error_row(&self, email: Option<&str>, message: impl Into<String>) -> NewImportRow {
        NewImportRow {
            row_number: self.row_number,
            email: email.map(|e| e.chars().take(254).collect()),
            name: self
                .cell(1)
                .map(|n| n.chars().take(MAX_NAME_CHARS).collect()),
            issued_at: None,
            state: RowState::Error,
            error: Some(message.into()),
            award_id: None,
            field_values: None,
        }
    }

    /// The row's custom field values as JSON (key → value), or the row's problem: a value
    /// too long, or a required one missing.
    fn field_values(&self) -> Result<Option<String>, String> {
        let mut values = BTreeMap::new();
        for (field, at) in &self.field_index {
            let value = at
                .and_then(|at| self.record.get(at))
                .map(str::trim)
                .filter(|v| !v.is_empty());
            match value {
                Some(v) if v.chars().count() > MAX_FIELD_CHARS => {
                    return Err(format!(
                        "the {} is longer than {MAX_FIELD_CHARS} characters",
                        field.label
                    ));
                }
                Some(v) => {
                    values.insert(field.key.clone(), v.to_owned());
                }
                None if field.required && at.is_none() => {
                    return Err(format!(
                        "the {} is required, and the file has no column for it",
                        field.label
                    ));
                }
                None if field.required => {
                    return Err(format!("the {} is missing (it is required)", field.label));
                }
                None => {}
            }
        }
        if values.is_empty() {
            return Ok(None);
        }
        serde_json::to_string(&values)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    fn validate(&mut self) -> NewImportRow {
        let max = self.rules.limits.max_cell_chars;
        for (which, at) in self.index.iter().enumerate() {
            let Some(at) = at else { continue };
            let long = self
                .record
                .get(*at)
                .is_some_and(|c| c.chars().count() > max);
            if long {
                let header = self.headers.get(*at).cloned().unwrap_or_default();
                let email = if which == 0 { None } else { self.cell(0) };
                return self.error_row(
                    email,
                    format!("the \"{header}\" cell is longer than {max} characters"),
                );
            }
        }
        let raw_email = self.cell(0);
        let Some(raw_email) = raw_email else {
            return self.error_row(None, "the email address is missing");
        };
        let email = match Email::parse(raw_email) {
            Ok(e) => e,
            Err(e) => return self.error_row(Some(raw_email), e.to_string()),
        };
        let name = self.cell(1).map(str::to_owned);
        if name
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
        {
            let message = format!("the name is longer than {MAX_NAME_CHARS} characters");
            return self.error_row(Some(email.as_str()), message);
        }
        let issued_at = match self.cell(2).map(parse_date).transpose() {
            Ok(t) => t,
            Err(message) => return self.error_row(Some(email.as_str()), message),
        };
        if let Some(t) = issued_at {
            if t > self.rules.now {
                return self.error_row(Some(email.as_str()), "the issue date is in the future");
            }
            let until = self.rules.expiry.expiry_for(t);
            if until.is_some_and(|u| u <= t) {
                let message = "the achievement's fixed expiry date is before the issue date";
                return self.error_row(Some(email.as_str()), message);
            }
        }
        let field_values = match self.field_values() {
            Ok(v) => v,
            Err(message) => return self.error_row(Some(email.as_str()), message),
        };
        let key = email_key(&email);
        let (state, error) = match self.seen.get(&key) {
            Some(first) => (
                RowState::Skipped,
                Some(format!("duplicate: the same email as row {first}")),
            ),
            None => {
                self.seen.insert(key, self.row_number);
                (RowState::Pending, None)
            }
        };
        NewImportRow {
            row_number: self.row_number,
            email: Some(email.as_str().to_owned()),
            name,
            issued_at,
            award_id: (state == RowState::Pending).then(AwardId::new),
            state,
            error,
            field_values,
        }
    }
}

/// The first header that is one of the usual names of a field (case-insensitively).
fn default_column(headers: &[String], defaults: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        defaults
            .iter()
            .any(|d| h.eq_ignore_ascii_case(d) || h.to_ascii_lowercase().replace(' ', "_") == *d)
    })
}

/// The column of a custom field when none is named: the header that is its key or its
/// label (case-insensitively).
fn field_column(headers: &[String], field: &CustomField) -> Option<usize> {
    headers.iter().position(|h| {
        h.eq_ignore_ascii_case(&field.key) || h.trim().eq_ignore_ascii_case(field.label.trim())
    })
}

/// The columns of an achievement's custom fields that a header row has (key → header), as
/// the mapping step preselects them.
pub fn guess_field_columns(headers: &[String], fields: &[CustomField]) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter_map(|f| {
            let at = field_column(headers, f)?;
            Some((f.key.clone(), headers.get(at)?.clone()))
        })
        .collect()
}

/// A CSV file to fill in for a bulk issue of an achievement with these custom fields: the
/// header row (email, name, issue date, then each field by its label, which the mapping
/// step recognises) and one example row.
pub fn template_csv(fields: &[CustomField]) -> String {
    let quote = |cell: &str| {
        let cell = super::neutralize_cell(cell);
        if cell.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell
        }
    };
    let mut header = vec![
        "email".to_owned(),
        "name".to_owned(),
        "issued_at".to_owned(),
    ];
    header.extend(fields.iter().map(|f| quote(&f.label)));
    let mut example = vec![
        "ada@example.com".to_owned(),
        "Ada Lovelace".to_owned(),
        String::new(),
    ];
    example.extend(fields.iter().map(|_| String::new()));
    format!("{}\r\n{}\r\n", header.join(","), example.join(","))
}

/// The columns a header row maps to by default (what the mapping step preselects).
pub(crate) fn guess_mapping(headers: &[String]) -> ColumnMapping {
    let name =
        |defaults: &[&str]| default_column(headers, defaults).and_then(|i| headers.get(i).cloned());
    ColumnMapping {
        email: name(EMAIL_HEADERS).or_else(|| {
            headers
                .iter()
                .find(|h| h.to_ascii_lowercase().contains("mail"))
                .cloned()
        }),
        name: name(NAME_HEADERS),
        issued_at: name(ISSUED_HEADERS),
        fields: BTreeMap::new(),
    }
}

fn email_key(email: &Email) -> [u8; 16] {
    let digest = Sha256::digest(email.as_str().as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// An issue date: RFC 3339 (`2026-03-01T09:30:00Z`) or a day (`2026-03-01`, midnight UTC).
pub(crate) fn parse_date(raw: &str) -> Result<OffsetDateTime, String> {
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Ok(t.replace_nanosecond(0).unwrap_or(t));
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw, &day)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| {
            let shown: String = raw.chars().take(40).collect();
            format!(
                "the issue date \"{shown}\" is not a date (use 2026-03-01 or 2026-03-01T09:30:00Z)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn reader<'a>(text: &'a str, mapping: &ColumnMapping) -> AppResult<RowReader<&'a [u8]>> {
        let rules = RowRules {
            now: datetime!(2026-03-01 12:00 UTC),
            expiry: ExpiryPolicy::Never,
            limits: ImportLimits::default(),
            fields: Vec::new(),
        };
        RowReader::new(text.as_bytes(), b',', mapping, rules)
    }

    fn rows(text: &str) -> Vec<NewImportRow> {
        let mut r = reader(text, &ColumnMapping::default()).unwrap();
        std::iter::from_fn(|| r.next_row().unwrap()).collect()
    }

    #[test]
    fn default_headers_and_row_numbers() {
        let out = rows(
            "\u{feff}Full Name,Email Address,Issue Date\nAda,ADA@example.com,2026-01-02\n\n\
             Bob,bob@example.com,\n",
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].row_number, 2);
        assert_eq!(out[0].email.as_deref(), Some("ada@example.com"));
        assert_eq!(out[0].issued_at, Some(datetime!(2026-01-02 0:00 UTC)));
        assert_eq!(out[1].state, RowState::Pending);
        assert_eq!(out[1].issued_at, None);
    }

    #[test]
    fn row_errors_and_duplicates() {
        let long = "x".repeat(1001);
        let text = format!(
            "email,name,issued_at\nnot-an-email,A,\n,B,\na@example.com,{long},\n\
             a@example.com,C,tomorrow\nA@Example.com,D,\nb@example.com,E,2027-01-01\n"
        );
        let out = rows(&text);
        let got: Vec<(RowState, &str)> = out
            .iter()
            .map(|r| (r.state, r.error.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(got[0].0, RowState::Error);
        assert!(got[0].1.contains("not an email address"), "{got:?}");
        assert_eq!(got[1], (RowState::Error, "the email address is missing"));
        assert_eq!(
            got[2],
            (
                RowState::Error,
                "the \"name\" cell is longer than 1000 characters"
            )
        );
        assert!(got[3].1.starts_with("the issue date \"tomorrow\""));
        assert_eq!(got[4], (RowState::Pending, ""));
        assert_eq!(got[5], (RowState::Error, "the issue date is in the future"));
    }

    #[test]
    fn mapping_and_limits() {
        let map = ColumnMapping {
            email: Some("Mail".into()),
            ..ColumnMapping::default()
        };
        let r = reader("Mail,Who\nx@example.com,X\n", &map).unwrap();
        assert_eq!(r.columns().email, "Mail");
        assert!(reader("Mail\nx@example.com\n", &ColumnMapping::default()).is_err());
        let bad = ColumnMapping {
            name: Some("Nope".into()),
            ..ColumnMapping::default()
        };
        assert!(reader("email\nx@example.com\n", &bad).is_err());
        let endless = format!("email\n\"{}", "y".repeat(2 * MAX_ROW_BYTES as usize));
        let mut r = reader(&endless, &ColumnMapping::default()).unwrap();
        assert!(r.next_row().is_err());
        assert_eq!(sniff_delimiter(b"email;name;issued"), b';');
        assert_eq!(sniff_delimiter(b"email,name"), b',');
    }
}
