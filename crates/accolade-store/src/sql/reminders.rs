//! Expiry reminders: which awards are due one, the row that makes each go out once (inserted
//! with its email in one transaction), and the organization's offsets.

use super::awards::{AWARD_COLUMNS, award_from_row};
use super::codec::{RowReader, micros};
use super::outbox::enqueue_emails_on;
use crate::StoreError;
use crate::outbox::QueuedEmail;
use accolade_core::{Award, AwardId, OrgId};
use time::OffsetDateTime;

const MICROS_PER_DAY: i64 = 86_400_000_000;

sql_impl! {
    pub async fn reminder_candidates(
        &self,
        org: OrgId,
        from: OffsetDateTime,
        until: OffsetDateTime,
        offset_days: u32,
        limit: i64,
    ) -> Result<Vec<Award>, StoreError> {
        let sql = format!(
            "SELECT {AWARD_COLUMNS} FROM awards a
             WHERE a.org_id = $1 AND a.status = 'active'
               AND a.valid_until > $2 AND a.valid_until <= $3
               AND a.valid_until - a.issued_at >= $4
               AND NOT EXISTS (SELECT 1 FROM expiry_reminders r
                               WHERE r.award_id = a.id AND r.offset_days = $5)
             ORDER BY a.valid_until, a.id
             LIMIT $6"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(micros(from)?)
            .bind(micros(until)?)
            .bind(i64::from(offset_days) * MICROS_PER_DAY)
            .bind(i64::from(offset_days))
            .bind(limit.max(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(award_from_row::<DB>).collect()
    }

    pub async fn record_expiry_reminder(
        &self,
        award: AwardId,
        offset_days: u32,
        at: OffsetDateTime,
        email: &QueuedEmail,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // The insert first: it takes the write lock (SQLite) or the row's key (PostgreSQL),
        // so a second scan waits here and then finds the row.
        let inserted = sqlx::query(
            "INSERT INTO expiry_reminders (award_id, offset_days, sent_at) VALUES ($1, $2, $3)
             ON CONFLICT (award_id, offset_days) DO NOTHING
             RETURNING award_id",
        )
        .bind(award.to_string())
        .bind(i64::from(offset_days))
        .bind(micros(at)?)
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_none() {
            tx.rollback().await?;
            return Ok(false);
        }
        enqueue_emails_on::<DB>(&mut *tx, std::slice::from_ref(email)).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn expiry_reminders(
        &self,
        award: AwardId,
    ) -> Result<Vec<(u32, OffsetDateTime)>, StoreError> {
        let rows = sqlx::query(
            "SELECT offset_days, sent_at FROM expiry_reminders WHERE award_id = $1
             ORDER BY offset_days DESC",
        )
        .bind(award.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "expiry_reminders");
                Ok((r.u32("offset_days")?, r.time("sent_at")?))
            })
            .collect()
    }

    pub async fn reminder_offsets(&self, org: OrgId) -> Result<Option<Vec<u32>>, StoreError> {
        let row = sqlx::query("SELECT offsets FROM reminder_settings WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let text = RowReader::new(&row, "reminder_settings").text("offsets")?;
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<u32>()
                    .map_err(|e| StoreError::corrupt("reminder_settings", "offsets", e))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub async fn set_reminder_offsets(
        &self,
        org: OrgId,
        offsets: &[u32],
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let text = offsets
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(
            "INSERT INTO reminder_settings (org_id, offsets, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (org_id) DO UPDATE SET offsets = $2, updated_at = $3",
        )
        .bind(org.to_string())
        .bind(text)
        .bind(micros(at)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
