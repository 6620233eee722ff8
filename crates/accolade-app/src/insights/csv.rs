//! The data of every chart of the dashboard as CSV, the same numbers the page shows. Badge
//! names come from people, so a cell a spreadsheet would run as a formula is neutralized.

use super::{InsightCounts, Insights};
use crate::bulk::neutralize_cell;
use crate::{AppError, AppResult};

/// The dashboard's charts and tables, each exportable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightTable {
    /// The totals of the range, one metric a row.
    Summary,
    /// Every day of the range.
    Daily,
    Funnel,
    Channels,
    /// Every badge with anything in the range.
    Badges,
}

impl InsightTable {
    pub const ALL: [InsightTable; 5] = [
        InsightTable::Summary,
        InsightTable::Daily,
        InsightTable::Funnel,
        InsightTable::Channels,
        InsightTable::Badges,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InsightTable::Summary => "summary",
            InsightTable::Daily => "daily",
            InsightTable::Funnel => "funnel",
            InsightTable::Channels => "channels",
            InsightTable::Badges => "badges",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The counted metrics: CSV column name and plain label, in order.
pub const METRICS: [(&str, &str); 11] = [
    ("issued", "Issued"),
    ("claimed", "Claimed"),
    ("accepted", "Accepted"),
    ("shares", "Shares"),
    ("views", "Views"),
    ("verifications", "Verifications"),
    ("linkedin_adds", "LinkedIn adds"),
    ("downloads", "Downloads"),
    ("embed_impressions", "Embed impressions"),
    ("badges_shared", "Badges shared for the first time"),
    ("badges_viewed", "Badges viewed for the first time"),
];

/// The counts in [`METRICS`] order.
pub fn metric_values(c: &InsightCounts) -> [i64; 11] {
    [
        c.issued,
        c.claimed,
        c.accepted,
        c.shares,
        c.views,
        c.verifications,
        c.linkedin_adds,
        c.downloads,
        c.embeds,
        c.shared_awards,
        c.viewed_awards,
    ]
}

fn csv_error<E>(e: E) -> AppError
where
    E: std::error::Error + Send + Sync + 'static,
{
    AppError::internal("writing the insights CSV", e)
}

impl Insights {
    /// One table of the dashboard as CSV (header row first).
    pub fn csv(&self, table: InsightTable) -> AppResult<Vec<u8>> {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let metric_names = METRICS.iter().map(|(name, _)| *name);
        let mut row = |cells: Vec<String>| w.write_record(cells).map_err(csv_error);
        match table {
            InsightTable::Summary => {
                row(vec!["metric".into(), "value".into()])?;
                for ((name, _), v) in METRICS.iter().zip(metric_values(&self.totals)) {
                    row(vec![(*name).into(), v.to_string()])?;
                }
                row(vec![
                    "expiring_next_30_days".into(),
                    self.expiring_soon.to_string(),
                ])?;
                row(vec!["expired_in_range".into(), self.expired.to_string()])?;
            }
            InsightTable::Daily => {
                row(std::iter::once("date")
                    .chain(metric_names)
                    .map(str::to_owned)
                    .collect())?;
                for (date, c) in &self.daily {
                    row(std::iter::once(date.to_string())
                        .chain(metric_values(c).iter().map(i64::to_string))
                        .collect())?;
                }
            }
            InsightTable::Funnel => {
                row(vec![
                    "step".into(),
                    "count".into(),
                    "rate_of_previous".into(),
                ])?;
                for s in &self.funnel {
                    row(vec![
                        s.label.to_lowercase(),
                        s.count.to_string(),
                        s.rate.map(|r| format!("{r:.4}")).unwrap_or_default(),
                    ])?;
                }
            }
            InsightTable::Channels => {
                row(vec!["channel".into(), "shares".into()])?;
                for (channel, n) in &self.channels {
                    row(vec![neutralize_cell(channel), n.to_string()])?;
                }
            }
            InsightTable::Badges => {
                row(["badge_id", "badge"]
                    .into_iter()
                    .chain(metric_names)
                    .map(str::to_owned)
                    .collect())?;
                for b in &self.badges {
                    row([b.id.to_string(), neutralize_cell(&b.name)]
                        .into_iter()
                        .chain(metric_values(&b.counts).iter().map(i64::to_string))
                        .collect())?;
                }
            }
        }
        w.into_inner().map_err(csv_error)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BadgeInsight, DateRange, funnel};
    use super::*;
    use accolade_core::AchievementId;
    use time::macros::date;

    fn sample() -> Insights {
        let totals = InsightCounts {
            issued: 4,
            claimed: 2,
            shared_awards: 1,
            viewed_awards: 1,
            views: 9,
            ..Default::default()
        };
        Insights {
            range: DateRange::custom(date!(2026 - 12 - 06), date!(2026 - 12 - 07)).unwrap(),
            badge: None,
            totals,
            daily: vec![
                (date!(2026 - 12 - 06), InsightCounts::default()),
                (date!(2026 - 12 - 07), totals),
            ],
            channels: vec![("linkedin".into(), 3)],
            funnel: funnel(&totals),
            badges: vec![BadgeInsight {
                id: AchievementId::new(),
                name: "=HYPERLINK(\"x\"), \"quoted\"".into(),
                counts: totals,
            }],
            expiring_soon: 2,
            expired: 1,
            all_badges: vec![],
        }
    }

    fn text(t: InsightTable) -> String {
        String::from_utf8(sample().csv(t).unwrap()).unwrap()
    }

    #[test]
    fn every_table_has_a_header_and_the_numbers() {
        let daily = text(InsightTable::Daily);
        let lines: Vec<&str> = daily.lines().collect();
        assert_eq!(
            lines[0],
            "date,issued,claimed,accepted,shares,views,verifications,linkedin_adds,downloads,\
             embed_impressions,badges_shared,badges_viewed"
        );
        assert_eq!(lines[1], "2026-12-06,0,0,0,0,0,0,0,0,0,0,0");
        assert_eq!(lines[2], "2026-12-07,4,2,0,0,9,0,0,0,0,1,1");
        assert_eq!(lines.len(), 3);
        let funnel = text(InsightTable::Funnel);
        assert_eq!(
            funnel,
            "step,count,rate_of_previous\nissued,4,\nclaimed,2,0.5000\nshared,1,0.5000\nviewed,1,1.0000\n"
        );
        assert_eq!(text(InsightTable::Channels), "channel,shares\nlinkedin,3\n");
        let summary = text(InsightTable::Summary);
        assert!(summary.starts_with("metric,value\nissued,4\n"));
        assert!(summary.ends_with("expiring_next_30_days,2\nexpired_in_range,1\n"));
    }

    #[test]
    fn badge_names_are_quoted_and_never_formulas() {
        let badges = text(InsightTable::Badges);
        let second = badges.lines().nth(1).unwrap();
        assert!(
            second.contains(",\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\",4,2,"),
            "{second}"
        );
    }
}
