//! Bulk issuing from CSV files.
//!
//! 1. [`App::import_csv`] streams the file once to hash it (SHA-256) and once to read it,
//!    validating every row, and stores the rows of a `Draft` import: the dry-run report.
//!    The same file with the same mapping for the same achievement finds its unfinished
//!    import again instead of starting another.
//! 2. [`App::run_import`] issues it: under a lease on the import, in chunks of rows that are
//!    signed in parallel on every core with a key unsealed once, and committed in one
//!    transaction per chunk (awards + rows marked issued + lease renewed and checked). A
//!    crash loses at most an uncommitted chunk, which the resumed run issues again.
//!
//! **Duplicates.** The natural key is (achievement, normalized email): a row whose email
//! already appeared earlier in the file, or to whom the achievement was already awarded by
//! any path (a single award, an earlier import), is skipped, not issued. Across imports it
//! is enforced by a unique index on issued rows, so even two imports running at once can't
//! both issue one key.

mod ingest;
mod parse;
mod report;
mod run;
mod sign;
mod start;
mod upload;

pub use accolade_store::{Import, ImportRow, ImportState, RowState};
pub use parse::{guess_field_columns, template_csv};
pub use report::neutralize_cell;
pub use upload::{CsvPreview, PREVIEW_ROWS, StagedUpload, check_head, preview_file};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which columns hold what. `None`: found by the usual header names, case-insensitively
/// (email: `email`, `e-mail`, `Email Address`; name: `name`, `Full Name`; issue date:
/// `issued_at`, `Issue Date`). The achievement's custom fields are found by their key or
/// label unless `fields` names their column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    pub email: Option<String>,
    pub name: Option<String>,
    pub issued_at: Option<String>,
    /// Custom field key → column.
    pub fields: BTreeMap<String, String>,
}

/// The columns actually used (header names), stored with the import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedColumns {
    pub email: String,
    pub name: Option<String>,
    pub issued_at: Option<String>,
    /// Custom field key → column, for the fields the file has a column for.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// Refusals that keep one file from taking the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    pub max_file_bytes: u64,
    pub max_rows: u64,
    /// Characters in any mapped cell; a longer cell is a row error.
    pub max_cell_chars: usize,
}

impl ImportLimits {
    /// For files uploaded in the browser: smaller than the command line's.
    pub fn web() -> Self {
        Self {
            max_file_bytes: 32 * 1024 * 1024,
            max_rows: 250_000,
            ..Self::default()
        }
    }
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 200 * 1024 * 1024,
            max_rows: 1_000_000,
            max_cell_chars: 1000,
        }
    }
}

/// The dry-run report: the import (with its counts) and its first problem rows.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub import: Import,
    /// `true` when an unfinished import of the same file was found and is reported instead.
    pub resumed: bool,
    pub columns: ResolvedColumns,
    /// The first [`REPORT_ISSUES`] skipped or invalid rows, in row order.
    pub issues: Vec<ImportRow>,
}

/// Problem rows kept in an [`ImportReport`]; all of them go to the CSV export.
pub const REPORT_ISSUES: usize = 100;

/// How far an import has come, after each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportProgress {
    pub total: i64,
    pub issued: i64,
    pub skipped: i64,
    pub errors: i64,
}

impl ImportProgress {
    pub fn of(import: &Import) -> Self {
        Self {
            total: import.total_rows,
            issued: import.issued_rows,
            skipped: import.skipped_rows,
            errors: import.error_rows,
        }
    }

    /// Rows settled (issued, skipped or invalid).
    pub fn done(&self) -> i64 {
        self.issued + self.skipped + self.errors
    }
}
