//! The issuer dashboard's roll-ups (migration 0018): what happened per organization, badge
//! and day, counted once a day from the daily analytics, the awards and the backpacks, so the
//! dashboard reads a few thousand rows whatever the range; and what happened since the last
//! roll-up, read live from the raw tables (about a day of rows).

use super::Backend;
use super::codec::{RowReader, micros};
use crate::StoreError;
use accolade_core::{AchievementId, OrgId};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Microseconds in a day.
const DAY: i64 = 86_400_000_000;
/// Rows per multi-row upsert (14 parameters each).
const ROWS_PER_UPSERT: usize = 100;

/// The counted columns, in table order.
const COLUMNS: [&str; 11] = [
    "issued",
    "claimed",
    "accepted",
    "shares",
    "views",
    "verifications",
    "downloads",
    "linkedin_adds",
    "embeds",
    "shared_awards",
    "viewed_awards",
];

/// What happened to a badge's (or an organization's) awards in some span of days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InsightCounts {
    /// Awards issued.
    pub issued: i64,
    /// Awards added to an earner's backpack.
    pub claimed: i64,
    /// Awards their earner made public on their profile.
    pub accepted: i64,
    /// Share clicks on every channel, LinkedIn adds included.
    pub shares: i64,
    pub views: i64,
    pub verifications: i64,
    pub downloads: i64,
    pub linkedin_adds: i64,
    pub embeds: i64,
    /// Awards shared for the first time.
    pub shared_awards: i64,
    /// Awards viewed for the first time.
    pub viewed_awards: i64,
}

impl InsightCounts {
    fn values(&self) -> [i64; 11] {
        [
            self.issued,
            self.claimed,
            self.accepted,
            self.shares,
            self.views,
            self.verifications,
            self.downloads,
            self.linkedin_adds,
            self.embeds,
            self.shared_awards,
            self.viewed_awards,
        ]
    }

    fn from_values(v: [i64; 11]) -> Self {
        Self {
            issued: v[0],
            claimed: v[1],
            accepted: v[2],
            shares: v[3],
            views: v[4],
            verifications: v[5],
            downloads: v[6],
            linkedin_adds: v[7],
            embeds: v[8],
            shared_awards: v[9],
            viewed_awards: v[10],
        }
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &InsightCounts) {
        let mut v = self.values();
        for (a, b) in v.iter_mut().zip(other.values()) {
            *a += b;
        }
        *self = Self::from_values(v);
    }

    /// The counts of a row, read column by column with `int`.
    fn read(int: impl Fn(&'static str) -> Result<i64, StoreError>) -> Result<Self, StoreError> {
        let mut v = [0i64; 11];
        for (slot, col) in v.iter_mut().zip(COLUMNS) {
            *slot = int(col)?;
        }
        Ok(Self::from_values(v))
    }
}

/// What happened since the last roll-up, per badge and day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingInsights {
    pub days: Vec<(AchievementId, i64, InsightCounts)>,
    /// `(badge, day, channel, shares)`.
    pub channels: Vec<(AchievementId, i64, String, i64)>,
}

/// The events of days in `[$1, $2)` (days) and, when `live`, the raw events not yet rolled
/// up (at in `[$3, $4)` microseconds), as `(award_id, kind, channel, day, n)`.
fn event_source(live: bool) -> String {
    let daily = "SELECT award_id, kind, channel, day, events AS n FROM analytics_daily
                 WHERE day >= $1 AND day < $2";
    if live {
        format!(
            "{daily} UNION ALL
             SELECT award_id, kind, channel, at / {DAY} AS day, 1 AS n FROM analytics_events
             WHERE at >= $3 AND at < $4"
        )
    } else {
        daily.to_owned()
    }
}

/// Counts per organization, badge and day of what happened in `[$1, $2)` (days; `$3`, `$4`
/// the same in microseconds), from the awards, the backpacks and `event_source`; `org`
/// narrows it to the organization `$5`.
fn counts_sql(live: bool, org: bool) -> String {
    let src = event_source(live);
    let of_org = if org { "AND a.org_id = $5" } else { "" };
    let sums = COLUMNS
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT org_id, achievement_id, day, {sums} FROM (
             SELECT a.org_id, a.achievement_id, s.day, 0 AS issued, 0 AS claimed,
                 CASE WHEN s.kind = 'accept' THEN s.n ELSE 0 END AS accepted,
                 CASE WHEN s.kind IN ('share', 'linkedin_add') THEN s.n ELSE 0 END AS shares,
                 CASE WHEN s.kind = 'view' THEN s.n ELSE 0 END AS views,
                 CASE WHEN s.kind = 'verification' THEN s.n ELSE 0 END AS verifications,
                 CASE WHEN s.kind = 'download' THEN s.n ELSE 0 END AS downloads,
                 CASE WHEN s.kind = 'linkedin_add' THEN s.n ELSE 0 END AS linkedin_adds,
                 CASE WHEN s.kind = 'embed_impression' THEN s.n ELSE 0 END AS embeds,
                 0 AS shared_awards, 0 AS viewed_awards
             FROM ({src}) s CROSS JOIN awards a
             WHERE a.id = s.award_id {of_org}
             UNION ALL
             SELECT a.org_id, a.achievement_id, a.issued_at / {DAY}, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
             FROM awards a WHERE a.issued_at >= $3 AND a.issued_at < $4 {of_org}
             UNION ALL
             SELECT a.org_id, a.achievement_id, b.claimed_at / {DAY}, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0
             FROM backpack b CROSS JOIN awards a
             WHERE a.id = b.award_id AND b.claimed_at >= $3 AND b.claimed_at < $4 {of_org}
             UNION ALL
             SELECT a.org_id, a.achievement_id, f.day, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                 CASE WHEN f.k = 'share' THEN 1 ELSE 0 END,
                 CASE WHEN f.k = 'view' THEN 1 ELSE 0 END
             FROM (
                 SELECT award_id, CASE WHEN kind = 'view' THEN 'view' ELSE 'share' END AS k,
                     MIN(day) AS day
                 FROM ({src}) s2 WHERE kind IN ('view', 'share', 'linkedin_add')
                 GROUP BY award_id, CASE WHEN kind = 'view' THEN 'view' ELSE 'share' END
             ) f CROSS JOIN awards a
             WHERE a.id = f.award_id AND NOT EXISTS (
                 SELECT 1 FROM analytics_daily p
                 WHERE p.award_id = f.award_id AND p.day < $1
                   AND (p.kind = f.k OR (f.k = 'share' AND p.kind = 'linkedin_add'))
             ) {of_org}
         ) t
         GROUP BY org_id, achievement_id, day"
    )
}

/// Shares per organization, badge, day and channel, from `event_source`.
fn channels_sql(live: bool, org: bool) -> String {
    let src = event_source(live);
    let of_org = if org { "AND a.org_id = $5" } else { "" };
    format!(
        "SELECT a.org_id, a.achievement_id, s.day, s.channel, CAST(SUM(s.n) AS BIGINT) AS n
         FROM ({src}) s CROSS JOIN awards a
         WHERE a.id = s.award_id AND s.kind IN ('share', 'linkedin_add') {of_org}
         GROUP BY a.org_id, a.achievement_id, s.day, s.channel"
    )
}

/// The rolled-up counts of an organization (`$2` empty) or one badge, per day in
/// `[$3, $4)`.
pub(super) fn insight_days_sql() -> String {
    format!(
        "SELECT day, {} FROM insights_days
         WHERE org_id = $1 AND achievement_id = $2 AND day >= $3 AND day < $4
         ORDER BY day",
        COLUMNS.join(", ")
    )
}

/// The rolled-up shares of an organization (or one badge) per channel over `[$3, $4)`.
pub(super) const INSIGHT_CHANNELS: &str =
    "SELECT channel, CAST(SUM(shares) AS BIGINT) AS n FROM insights_channels
     WHERE org_id = $1 AND achievement_id = $2 AND day >= $3 AND day < $4
     GROUP BY channel ORDER BY channel";

/// Per badge of organization `$1`, its running totals at the last day before `$3` less
/// those at the last day before `$2`.
pub(super) fn insight_badges_sql() -> String {
    let diffs = COLUMNS
        .iter()
        .map(|c| format!("e.{c} - COALESCE(s.{c}, 0) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT k.id AS achievement_id, {diffs} FROM (
             SELECT c.id,
                 (SELECT MAX(x.day) FROM insights_totals x
                  WHERE x.org_id = $1 AND x.achievement_id = c.id AND x.day < $3) AS end_day,
                 (SELECT MAX(x.day) FROM insights_totals x
                  WHERE x.org_id = $1 AND x.achievement_id = c.id AND x.day < $2) AS start_day
             FROM achievements c WHERE c.org_id = $1
         ) k
         CROSS JOIN insights_totals e
         LEFT JOIN insights_totals s
             ON s.org_id = $1 AND s.achievement_id = k.id AND s.day = k.start_day
         WHERE e.org_id = $1 AND e.achievement_id = k.id AND e.day = k.end_day
             AND (k.start_day IS NULL OR k.end_day > k.start_day)"
    )
}

/// What happened to organization `$5`'s awards from day `$1` on, not rolled up yet.
pub(super) fn pending_counts_sql() -> String {
    counts_sql(true, true)
}

/// The shares per channel of organization `$5`'s awards from day `$1` on, not rolled up yet.
pub(super) fn pending_channels_sql() -> String {
    channels_sql(true, true)
}

/// How many active awards of organization `$1` (of badge `$4` with `badge`) end in
/// `($2, $3]`.
pub(super) fn awards_ending_sql(badge: bool) -> String {
    let of_badge = if badge { "AND achievement_id = $4" } else { "" };
    format!(
        "SELECT COUNT(*) AS n FROM awards
         WHERE org_id = $1 AND status = 'active' AND valid_until > $2 AND valid_until <= $3
         {of_badge}"
    )
}

/// Placeholders of a multi-row statement: `?` on SQLite (binds in linear time), `$n` on
/// PostgreSQL.
fn placeholders<DB: Backend>(rows: usize, per_row: usize) -> String {
    (0..rows)
        .map(|i| {
            let cells: Vec<String> = (0..per_row)
                .map(|j| {
                    if <DB as Backend>::NAME == "sqlite" {
                        "?".to_owned()
                    } else {
                        format!("${}", i * per_row + j + 1)
                    }
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

type Key = (String, String, i64);

sql_impl! {
    /// The organization's badges (achievements) as id and name, by name.
    pub async fn badge_names(&self, org: OrgId) -> Result<Vec<(AchievementId, String)>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM achievements WHERE org_id = $1 ORDER BY name, id")
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "achievements");
                Ok((r.parsed("id")?, r.text("name")?))
            })
            .collect()
    }

    /// Days before this one (days since 1970-01-01, UTC) are in the dashboard's roll-ups.
    pub async fn insights_through(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT through FROM insights_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        RowReader::new(&row, "insights_state").int("through")
    }

    /// Counts what happened on the days from the last roll-up to `through` (exclusive) into
    /// the dashboard's roll-ups, atomically and once: of two roll-ups at the same moment one
    /// counts and the other nothing. Returns how many days were counted.
    pub async fn roll_up_insights(&self, through: i64) -> Result<u64, StoreError> {
        let from = self.insights_through().await?;
        if from >= through {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        // Claim the days first: a concurrent roll-up waits here, then finds them taken.
        let claimed = sqlx::query(
            "UPDATE insights_state SET through = $1 WHERE id = 1 AND through = $2 RETURNING id",
        )
        .bind(through)
        .bind(from)
        .fetch_optional(&mut *tx)
        .await?;
        if claimed.is_none() {
            tx.rollback().await?;
            return Ok(0);
        }
        let rows = Self::rows_in_days(&mut tx, counts_sql(false, false), from, through, None).await?;
        let mut days: BTreeMap<Key, InsightCounts> = BTreeMap::new();
        for row in &rows {
            let r = RowReader::new(row, "insights_days");
            let org = r.text("org_id")?;
            let badge = r.text("achievement_id")?;
            let day = r.int("day")?;
            let counts = InsightCounts::read(|c| r.int(c))?;
            days.entry((org.clone(), String::new(), day)).or_default().add(&counts);
            days.entry((org, badge, day)).or_default().add(&counts);
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(channels_sql(false, false)))
            .bind(from)
            .bind(through)
            .fetch_all(&mut *tx)
            .await?;
        let mut channels: BTreeMap<(String, String, i64, String), i64> = BTreeMap::new();
        for row in &rows {
            let r = RowReader::new(row, "insights_channels");
            let org = r.text("org_id")?;
            let badge = r.text("achievement_id")?;
            let day = r.int("day")?;
            let channel = r.text("channel")?;
            let n = r.int("n")?;
            *channels.entry((org.clone(), String::new(), day, channel.clone())).or_default() += n;
            *channels.entry((org, badge, day, channel)).or_default() += n;
        }
        // Each badge's running totals go on from its last row: every row there is of a day
        // before `from`, and the new days are in order (the map's).
        let mut totals: BTreeMap<Key, InsightCounts> = BTreeMap::new();
        let mut running: Option<(String, String, InsightCounts)> = None;
        for ((org, badge, day), counts) in days.iter().filter(|((_, b, _), _)| !b.is_empty()) {
            let mut sum = match running.take() {
                Some((o, b, sum)) if o == *org && b == *badge => sum,
                _ => {
                    let last = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {} FROM insights_totals WHERE org_id = $1 AND achievement_id = $2
                         ORDER BY day DESC LIMIT 1",
                        COLUMNS.join(", ")
                    )))
                    .bind(org.clone())
                    .bind(badge.clone())
                    .fetch_optional(&mut *tx)
                    .await?;
                    match last {
                        Some(row) => {
                            let r = RowReader::new(&row, "insights_totals");
                            InsightCounts::read(|c| r.int(c))?
                        }
                        None => InsightCounts::default(),
                    }
                }
            };
            sum.add(counts);
            totals.insert((org.clone(), badge.clone(), *day), sum);
            running = Some((org.clone(), badge.clone(), sum));
        }
        for (table, unit, map) in [("insights_days", "day", &days), ("insights_totals", "day", &totals)] {
            let entries: Vec<(&Key, &InsightCounts)> = map.iter().collect();
            for chunk in entries.chunks(ROWS_PER_UPSERT) {
                let updates = COLUMNS
                    .iter()
                    .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "INSERT INTO {table} (org_id, achievement_id, {unit}, {}) VALUES {}
                     ON CONFLICT (org_id, achievement_id, {unit}) DO UPDATE SET {updates}",
                    COLUMNS.join(", "),
                    placeholders::<DB>(chunk.len(), 3 + COLUMNS.len()),
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for ((org, badge, at), counts) in chunk {
                    query = query.bind(org.clone()).bind(badge.clone()).bind(*at);
                    for v in counts.values() {
                        query = query.bind(v);
                    }
                }
                query.execute(&mut *tx).await?;
            }
        }
        let entries: Vec<_> = channels.iter().collect();
        for chunk in entries.chunks(ROWS_PER_UPSERT) {
            let sql = format!(
                "INSERT INTO insights_channels (org_id, achievement_id, day, channel, shares)
                 VALUES {}
                 ON CONFLICT (org_id, achievement_id, day, channel)
                 DO UPDATE SET shares = insights_channels.shares + excluded.shares",
                placeholders::<DB>(chunk.len(), 5),
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for ((org, badge, day, channel), n) in chunk {
                query = query
                    .bind(org.clone())
                    .bind(badge.clone())
                    .bind(*day)
                    .bind(channel.clone())
                    .bind(**n);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(u64::try_from(through - from).unwrap_or(0))
    }

    /// The rolled-up counts of the organization (`badge` `None`) or one of its badges, per
    /// day in `[from, to)` (days), oldest first; days without anything are absent.
    pub async fn insight_days(
        &self,
        org: OrgId,
        badge: Option<AchievementId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, InsightCounts)>, StoreError> {
        let rows = self.rolled_up_rows(insight_days_sql(), org, badge, from, to).await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "insights_days");
                Ok((r.int("day")?, InsightCounts::read(|c| r.int(c))?))
            })
            .collect()
    }

    /// The rolled-up shares of the organization (or one badge) per channel over `[from, to)`.
    pub async fn insight_channels(
        &self,
        org: OrgId,
        badge: Option<AchievementId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = self.rolled_up_rows(INSIGHT_CHANNELS.to_owned(), org, badge, from, to).await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "insights_channels");
                Ok((r.text("channel")?, r.int("n")?))
            })
            .collect()
    }

    /// The rolled-up counts of each of the organization's badges over `[from, to)` (days):
    /// per badge, its running totals at the last day before `to` less those at the last day
    /// before `from` (four lookups by key, whatever the range; SQLite keeps a CROSS JOIN's
    /// order, so it walks the badges). Badges with nothing in the range are absent.
    pub async fn insight_badges(
        &self,
        org: OrgId,
        from: i64,
        to: i64,
    ) -> Result<Vec<(AchievementId, InsightCounts)>, StoreError> {
        let sql = insight_badges_sql();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "insights_totals");
                Ok((r.parsed("achievement_id")?, InsightCounts::read(|c| r.int(c))?))
            })
            .collect()
    }

    /// What happened to the organization's awards on days from `since` on (not rolled up
    /// yet), per badge and day.
    pub async fn pending_insights(
        &self,
        org: OrgId,
        since: i64,
    ) -> Result<PendingInsights, StoreError> {
        // Far enough ahead for any clock, small enough not to overflow in microseconds.
        let until = since + 1_000_000;
        let mut conn = self.pool.acquire().await?;
        let rows = Self::rows_in_days(&mut conn, pending_counts_sql(), since, until, Some(org)).await?;
        let mut out = PendingInsights::default();
        for row in &rows {
            let r = RowReader::new(row, "insights_days");
            out.days.push((r.parsed("achievement_id")?, r.int("day")?, InsightCounts::read(|c| r.int(c))?));
        }
        let rows = Self::rows_in_days(&mut conn, pending_channels_sql(), since, until, Some(org)).await?;
        for row in &rows {
            let r = RowReader::new(row, "insights_channels");
            out.channels.push((
                r.parsed("achievement_id")?,
                r.int("day")?,
                r.text("channel")?,
                r.int("n")?,
            ));
        }
        Ok(out)
    }

    /// The rows of a query over days `[from, to)` as [`counts_sql`] and [`channels_sql`] bind
    /// them: `$1`, `$2` in days, `$3`, `$4` the same in microseconds, and `$5` the
    /// organization when given.
    async fn rows_in_days(
        conn: &mut DB::Connection,
        sql: String,
        from: i64,
        to: i64,
        org: Option<OrgId>,
    ) -> Result<Vec<DB::Row>, StoreError> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(from.saturating_mul(DAY))
            .bind(to.saturating_mul(DAY));
        if let Some(org) = org {
            query = query.bind(org.to_string());
        }
        Ok(query.fetch_all(&mut *conn).await?)
    }

    /// The rows of a roll-up query over the organization (`badge` `None`) or one badge and
    /// days `[from, to)`, bound as [`insight_days_sql`] and [`INSIGHT_CHANNELS`] read them.
    async fn rolled_up_rows(
        &self,
        sql: String,
        org: OrgId,
        badge: Option<AchievementId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<DB::Row>, StoreError> {
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(badge.map(|b| b.to_string()).unwrap_or_default())
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Active awards of the organization (or one badge) whose validity ends in
    /// `(after, until]`: those expiring soon, or those that expired in a span.
    pub async fn awards_ending(
        &self,
        org: OrgId,
        badge: Option<AchievementId>,
        after: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let sql = awards_ending_sql(badge.is_some());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(micros(after)?)
            .bind(micros(until)?);
        if let Some(b) = badge {
            query = query.bind(b.to_string());
        }
        let row = query.fetch_one(&self.pool).await?;
        RowReader::new(&row, "awards").int("n")
    }
}
