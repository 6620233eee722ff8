//! Analytics events on credentials, appended in batches and counted per award and per
//! achievement; the daily salts that client hashes are made with; an organization's
//! sharing settings.

use super::codec::{RowReader, micros};
use super::params::Params;
use crate::StoreError;
use accolade_core::{AchievementId, AwardId, OrgId};
use time::OffsetDateTime;

/// One thing that happened to a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyticsEvent {
    pub award_id: AwardId,
    /// `view`, `verification`, `share`, `download`, `linkedin_add`, `embed_impression`.
    pub kind: String,
    /// The share channel or download format; empty when the kind has none.
    pub channel: String,
    /// A salted hash identifying the client for the day; never an address.
    pub client: String,
    pub at: OffsetDateTime,
}

/// How many events of one kind and channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCount {
    pub kind: String,
    pub channel: String,
    pub count: i64,
}

/// Rows in one INSERT statement (five parameters each, well below either backend's limit).
const ROWS_PER_INSERT: usize = 200;

sql_impl! {
    /// Appends the events in one transaction.
    pub async fn insert_events(&self, events: &[AnalyticsEvent]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // Many rows per statement: one round trip per chunk instead of one per event.
        for chunk in events.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO analytics_events (award_id, kind, channel, client, at) VALUES {}",
                Params::new::<DB>().tuples(chunk.len(), 5)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in chunk {
                query = query
                    .bind(e.award_id.to_string())
                    .bind(e.kind.clone())
                    .bind(e.channel.clone())
                    .bind(e.client.clone())
                    .bind(micros(e.at)?);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The award's events, oldest first.
    pub async fn award_events(&self, award: AwardId) -> Result<Vec<AnalyticsEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT award_id, kind, channel, client, at FROM analytics_events
             WHERE award_id = $1 ORDER BY id",
        )
        .bind(award.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "analytics_events");
                Ok(AnalyticsEvent {
                    award_id: r.parsed("award_id")?,
                    kind: r.text("kind")?,
                    channel: r.text("channel")?,
                    client: r.text("client")?,
                    at: r.time("at")?,
                })
            })
            .collect()
    }

    /// The award's events counted by kind and channel.
    pub async fn award_event_counts(&self, award: AwardId) -> Result<Vec<EventCount>, StoreError> {
        // Today's events are still rows; earlier days are counted in analytics_daily.
        let rows = sqlx::query(
            "SELECT kind, channel, CAST(SUM(n) AS BIGINT) AS n FROM (
                 SELECT kind, channel, COUNT(*) AS n FROM analytics_events
                 WHERE award_id = $1 GROUP BY kind, channel
                 UNION ALL
                 SELECT kind, channel, events AS n FROM analytics_daily WHERE award_id = $1
             ) t
             GROUP BY kind, channel ORDER BY kind, channel",
        )
        .bind(award.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "analytics_events");
                Ok(EventCount {
                    kind: r.text("kind")?,
                    channel: r.text("channel")?,
                    count: r.int("n")?,
                })
            })
            .collect()
    }

    /// The events on the organization's awards, counted by achievement, kind and channel.
    pub async fn achievement_event_counts(
        &self,
        org: OrgId,
    ) -> Result<Vec<(AchievementId, EventCount)>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.achievement_id, e.kind, e.channel, CAST(SUM(e.n) AS BIGINT) AS n
             FROM (
                 SELECT award_id, kind, channel, COUNT(*) AS n FROM analytics_events
                 WHERE award_id IN (SELECT id FROM awards WHERE org_id = $1)
                 GROUP BY award_id, kind, channel
                 UNION ALL
                 SELECT award_id, kind, channel, events AS n FROM analytics_daily
                 WHERE award_id IN (SELECT id FROM awards WHERE org_id = $1)
             ) e JOIN awards a ON a.id = e.award_id
             WHERE a.org_id = $1
             GROUP BY a.achievement_id, e.kind, e.channel
             ORDER BY a.achievement_id, e.kind, e.channel",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "analytics_events");
                Ok((
                    r.parsed("achievement_id")?,
                    EventCount {
                        kind: r.text("kind")?,
                        channel: r.text("channel")?,
                        count: r.int("n")?,
                    },
                ))
            })
            .collect()
    }

    /// The salt of `day` (`YYYY-MM-DD`): `candidate` if the day had none yet, else the one
    /// stored first (so concurrent writers agree).
    pub async fn analytics_salt(&self, day: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        sqlx::query(
            "INSERT INTO analytics_salts (day, salt) VALUES ($1, $2)
             ON CONFLICT (day) DO NOTHING",
        )
        .bind(day.to_owned())
        .bind(candidate.to_vec())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT salt FROM analytics_salts WHERE day = $1")
            .bind(day.to_owned())
            .fetch_one(&self.pool)
            .await?;
        RowReader::new(&row, "analytics_salts").bytes("salt")
    }

    /// Forgets the salts of days before `day`; returns how many.
    pub async fn delete_analytics_salts_before(&self, day: &str) -> Result<u64, StoreError> {
        let gone = sqlx::query("DELETE FROM analytics_salts WHERE day < $1 RETURNING day")
            .bind(day.to_owned())
            .fetch_all(&self.pool)
            .await?;
        Ok(gone.len() as u64)
    }

    pub async fn linkedin_org_id(&self, org: OrgId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT linkedin_org_id FROM org_share_settings WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => RowReader::new(&row, "org_share_settings").opt_text("linkedin_org_id"),
            None => Ok(None),
        }
    }

    pub async fn set_linkedin_org_id(&self, org: OrgId, id: Option<&str>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO org_share_settings (org_id, linkedin_org_id) VALUES ($1, $2)
             ON CONFLICT (org_id) DO UPDATE SET linkedin_org_id = $2",
        )
        .bind(org.to_string())
        .bind(id.map(str::to_owned))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
