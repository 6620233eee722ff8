//! Rolling analytics up by day: the events of days that are over become one count per
//! award, day, kind and channel (with distinct visitors), and their rows are deleted.

use super::Backend;
use super::codec::{RowReader, micros};
use crate::StoreError;
use accolade_core::AwardId;
use time::OffsetDateTime;

/// The events of one award, day, kind and channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyCount {
    /// Days since 1970-01-01, UTC.
    pub day: i64,
    pub kind: String,
    pub channel: String,
    pub events: i64,
    /// Distinct visitors that day (hashes of different days cannot be compared).
    pub visitors: i64,
}

/// Microseconds in a day: `at / DAY` is the day number of an event (`at` in microseconds).
const DAY: i64 = 86_400_000_000;

/// An award's rolled-up days (its analytics page).
pub(super) const DAILY_COUNTS: &str =
    "SELECT day, kind, channel, events, visitors FROM analytics_daily
     WHERE award_id = $1 ORDER BY day, kind, channel";

const UPSERT: &str = "ON CONFLICT (award_id, day, kind, channel) DO UPDATE SET
                          events = analytics_daily.events + excluded.events,
                          visitors = analytics_daily.visitors + excluded.visitors";

/// The roll-up's statement that reads the events of finished days (`at < $1`): on
/// PostgreSQL the one statement that deletes, counts and upserts them; on SQLite the
/// counting `INSERT … SELECT` (followed by a `DELETE` with the same condition).
pub(super) fn roll_up_sql(backend: &str) -> String {
    if backend == "postgres" {
        format!(
            "WITH gone AS (
                 DELETE FROM analytics_events WHERE at < $1
                 RETURNING award_id, kind, channel, client, at
             ), counted AS (
                 INSERT INTO analytics_daily (award_id, day, kind, channel, events, visitors)
                 SELECT award_id, at / {DAY}, kind, channel, COUNT(*), COUNT(DISTINCT client)
                 FROM gone GROUP BY award_id, at / {DAY}, kind, channel
                 {UPSERT}
             )
             SELECT COUNT(*) AS n FROM gone"
        )
    } else {
        format!(
            "INSERT INTO analytics_daily (award_id, day, kind, channel, events, visitors)
             SELECT award_id, at / {DAY}, kind, channel, COUNT(*), COUNT(DISTINCT client)
             FROM analytics_events WHERE at < $1
             GROUP BY award_id, at / {DAY}, kind, channel
             {UPSERT}"
        )
    }
}

sql_impl! {
    /// The award's rolled-up days, oldest first.
    pub async fn daily_event_counts(&self, award: AwardId) -> Result<Vec<DailyCount>, StoreError> {
        let rows = sqlx::query(DAILY_COUNTS)
        .bind(award.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "analytics_daily");
                Ok(DailyCount {
                    day: r.int("day")?,
                    kind: r.text("kind")?,
                    channel: r.text("channel")?,
                    events: r.int("events")?,
                    visitors: r.int("visitors")?,
                })
            })
            .collect()
    }

    /// Counts every event before `before` into analytics_daily and deletes it, atomically:
    /// an event is counted once, even when two servers roll up at the same moment or an
    /// event of a past day arrives late (it is added to its day's counts). Returns how many
    /// events were rolled up.
    pub async fn roll_up_events(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let before = micros(before)?;
        if <DB as Backend>::NAME == "postgres" {
            // One statement: rows another transaction is deleting are waited for and then
            // skipped, so nothing is counted twice or deleted uncounted.
            let sql = roll_up_sql(<DB as Backend>::NAME);
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(before)
                .fetch_one(&self.pool)
                .await?;
            let n = RowReader::new(&row, "analytics_events").int("n")?;
            return Ok(u64::try_from(n).unwrap_or(0));
        }
        // SQLite: the transaction's first statement writes, so it holds the write lock until
        // the delete; no other writer can add or remove rows in between.
        let mut tx = self.begin_write().await?;
        let sql = roll_up_sql(<DB as Backend>::NAME);
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(before)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT COUNT(*) AS n FROM analytics_events WHERE at < $1")
            .bind(before)
            .fetch_one(&mut *tx)
            .await?;
        let n = RowReader::new(&row, "analytics_events").int("n")?;
        sqlx::query("DELETE FROM analytics_events WHERE at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
