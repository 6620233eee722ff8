//! The problem rows of an import as a CSV file for the issuer to fix and upload again. Its
//! cells come from an uploaded file, so any that a spreadsheet would run as a formula is
//! neutralized (security item 17).

use crate::{App, AppError, AppResult, rfc3339};
use accolade_core::ImportId;
use std::io::Write;

/// Rows read from the store per page while exporting.
const PAGE: i64 = 1000;

/// A cell made safe for spreadsheets: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading apostrophe, so it is shown as text and never evaluated.
/// (The writer also quotes every cell.)
pub fn neutralize_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn csv_error(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::internal("writing the CSV report", e)
}

impl App {
    /// Writes every skipped or invalid row of an import as CSV (`row, email, name,
    /// issued_at, outcome, problem`), every cell quoted and neutralized.
    pub async fn write_import_issues_csv(&self, id: ImportId, out: impl Write) -> AppResult<u64> {
        self.import(id).await?;
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(out);
        w.write_record(["row", "email", "name", "issued_at", "outcome", "problem"])
            .map_err(csv_error)?;
        let (mut after, mut written) = (0, 0);
        loop {
            let rows = self.store.import_rows(id, true, after, PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = last.row_number;
            for r in &rows {
                let cells = [
                    r.row_number.to_string(),
                    r.email.clone().unwrap_or_default(),
                    r.name.clone().unwrap_or_default(),
                    r.issued_at.map(rfc3339).unwrap_or_default(),
                    r.state.as_str().to_owned(),
                    r.error.clone().unwrap_or_default(),
                ];
                w.write_record(cells.iter().map(|c| neutralize_cell(c)))
                    .map_err(csv_error)?;
                written += 1;
            }
        }
        w.flush().map_err(csv_error)?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::neutralize_cell;

    #[test]
    fn formula_cells_are_neutralized() {
        for bad in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralize_cell(bad), format!("'{bad}"));
        }
        assert_eq!(neutralize_cell("ada@example.com"), "ada@example.com");
        assert_eq!(neutralize_cell(""), "");
    }
}
