//! The awards list as CSV, written a page at a time (the web handler streams the pages), so
//! exporting a large organization never holds all its awards. Names and reasons come from
//! people, so every cell that a spreadsheet would run as a formula is neutralized.

use crate::bulk::neutralize_cell;
use crate::{App, AppError, AppResult, rfc3339};
use accolade_core::{AchievementId, AwardSummary, OrgId};
use accolade_store::{AwardCursor, AwardFilter, PageAt};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Awards read per page.
const PAGE: i64 = 500;

/// The export's columns. The first is the award id, so an exported file can be uploaded
/// again to revoke the awards it lists.
pub const EXPORT_HEADER: [&str; 9] = [
    "award_id",
    "credential_url",
    "achievement",
    "recipient_email",
    "recipient_name",
    "issued_at",
    "valid_until",
    "status",
    "status_reason",
];

fn csv_error(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::internal("writing the awards CSV", e)
}

/// An export in progress: call [`AwardExport::next_chunk`] until it returns `None`.
#[derive(Debug)]
pub struct AwardExport {
    org: OrgId,
    filter: AwardFilter,
    names: HashMap<AchievementId, String>,
    now: OffsetDateTime,
    cursor: Option<AwardCursor>,
    started: bool,
    done: bool,
}

impl App {
    /// Starts exporting the organization's awards that pass `filter`, newest first, with
    /// their state as of now.
    pub async fn export_awards(&self, org: OrgId, filter: &AwardFilter) -> AppResult<AwardExport> {
        let names = self
            .achievements(org)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        super::check_search(filter)?;
        let now = self.now();
        Ok(AwardExport {
            org,
            filter: AwardFilter {
                now: Some(now),
                expires_by: None,
                ..filter.clone()
            },
            names,
            now,
            cursor: None,
            started: false,
            done: false,
        })
    }

    /// The whole export written to `out` (for the command line and tests).
    pub async fn write_awards_csv(
        &self,
        org: OrgId,
        filter: &AwardFilter,
        mut out: impl std::io::Write,
    ) -> AppResult<()> {
        let mut export = self.export_awards(org, filter).await?;
        while let Some(chunk) = export.next_chunk(self).await? {
            out.write_all(&chunk).map_err(csv_error)?;
        }
        Ok(())
    }
}

impl AwardExport {
    /// The next piece of the CSV (the header first, then a page of rows), or `None` when
    /// everything has been written.
    pub async fn next_chunk(&mut self, app: &App) -> AppResult<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(Vec::new());
        if !self.started {
            self.started = true;
            w.write_record(EXPORT_HEADER).map_err(csv_error)?;
        }
        let page = app
            .store
            .award_page(
                self.org,
                &self.filter,
                self.cursor.map_or(PageAt::First, PageAt::After),
                PAGE,
            )
            .await?;
        if (page.len() as i64) < PAGE {
            self.done = true;
        }
        if let Some(last) = page.last() {
            self.cursor = Some(AwardCursor::after(last));
        }
        for award in &page {
            let cells = self.cells(app, award);
            w.write_record(cells.iter().map(|c| neutralize_cell(c)))
                .map_err(csv_error)?;
        }
        let bytes = w.into_inner().map_err(csv_error)?;
        Ok(Some(bytes))
    }

    fn cells(&self, app: &App, a: &AwardSummary) -> [String; 9] {
        [
            a.id.to_string(),
            app.urls().credential(a.id),
            self.names
                .get(&a.achievement_id)
                .cloned()
                .unwrap_or_default(),
            a.recipient_email.as_str().to_owned(),
            a.recipient_name.clone().unwrap_or_default(),
            rfc3339(a.issued_at),
            a.valid_until.map(rfc3339).unwrap_or_default(),
            a.state_at(self.now).as_str().to_owned(),
            a.status_reason.clone().unwrap_or_default(),
        ]
    }
}
