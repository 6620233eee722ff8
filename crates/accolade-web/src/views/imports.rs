use serde::Serialize;

use super::{FieldView, Layout, OptionView};

/// The bulk-issue page: upload a CSV file for an achievement, and the earlier imports.
#[derive(Debug, Clone, Serialize)]
pub struct ImportsView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    /// Issuers and above upload; viewers see the list.
    pub can_issue: bool,
    pub achievements: Vec<OptionView>,
    pub selected_achievement: String,
    pub max_upload_mib: u64,
    pub max_rows: u64,
    pub imports: Vec<ImportListRow>,
    pub error: Option<String>,
    /// A CSV template per badge: `(badge name, download URL)`.
    pub templates: Vec<(String, String)>,
}

/// One import in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ImportListRow {
    pub url: String,
    pub file_name: String,
    pub achievement: String,
    pub state: String,
    pub created: String,
    pub total: i64,
    pub issued: i64,
    pub skipped: i64,
    pub errors: i64,
}

/// The column-mapping step: the file's header and first rows, and which column is which.
#[derive(Debug, Clone, Serialize)]
pub struct ImportMapView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub action: String,
    pub file_name: String,
    pub achievement: String,
    pub achievement_id: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Selects for email, name and issue date, the detected columns preselected.
    pub fields: Vec<FieldView>,
    pub error: Option<String>,
}

/// One skipped or invalid row of the dry-run report.
#[derive(Debug, Clone, Serialize)]
pub struct ImportIssueRow {
    pub row: i64,
    pub email: String,
    pub outcome: String,
    pub problem: String,
}

/// An import: its dry-run report, then its progress, then its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReportView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub file_name: String,
    pub achievement: String,
    /// `draft`, `running` or `done`.
    pub state: String,
    pub total: i64,
    pub to_issue: i64,
    pub issued: i64,
    pub skipped: i64,
    pub errors: i64,
    /// Rows settled so far (issued, skipped or invalid).
    pub done: i64,
    pub percent: i64,
    pub issues: Vec<ImportIssueRow>,
    /// More problem rows than shown: the CSV has them all.
    pub more_issues: bool,
    pub issues_csv_url: String,
    pub start_url: String,
    pub discard_url: String,
    pub progress_url: String,
    pub page_url: String,
    pub can_issue: bool,
    /// The progress script, while the import runs.
    pub script_src: Option<String>,
    pub notice: Option<String>,
}
