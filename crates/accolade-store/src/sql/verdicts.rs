//! Kept verdicts: what verifying an award's stored credential found that does not change
//! with time, with the SHA-256 of the exact bytes it was found for; and the award read for
//! its public page, with its links and kept verdict, in one indexed read.

use super::awards::award_from_row;
use super::codec::{RowReader, micros};
use crate::StoreError;
use accolade_core::{Award, AwardId, AwardLinks};
use time::OffsetDateTime;

/// A kept verdict on an award's credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptVerdict {
    /// Lowercase hex SHA-256 of the credential the checks were made on.
    pub credential_sha256: String,
    pub checked_at: OffsetDateTime,
    /// The checks, as the application wrote them (JSON).
    pub checks: String,
}

/// An award as its public page needs it.
#[derive(Debug, Clone)]
pub struct AwardForPage {
    pub award: Award,
    pub links: AwardLinks,
    pub verdict: Option<KeptVerdict>,
}

sql_impl! {
    /// The award, its links and its kept verdict (if any) in one read by primary key.
    pub async fn award_for_page(&self, id: AwardId) -> Result<Option<AwardForPage>, StoreError> {
        let row = sqlx::query(
            "SELECT a.id, a.org_id, a.achievement_id, a.recipient_email, a.recipient_name,
                    a.issued_at, a.valid_until, a.status, a.status_reason, a.status_changed_at,
                    a.status_index, a.key_id, a.credential, a.created_at,
                    a.replaced_by, a.replaces, a.renewed_by, a.renewal_of,
                    v.credential_sha256, v.checked_at AS verdict_checked_at, v.checks
             FROM awards a LEFT JOIN award_verdicts v ON v.award_id = a.id
             WHERE a.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let award = award_from_row::<DB>(&row)?;
        let r = RowReader::new(&row, "awards");
        let links = AwardLinks {
            replaced_by: r.opt_parsed("replaced_by")?,
            replaces: r.opt_parsed("replaces")?,
            renewed_by: r.opt_parsed("renewed_by")?,
            renewal_of: r.opt_parsed("renewal_of")?,
        };
        let v = RowReader::new(&row, "award_verdicts");
        let verdict = match (
            v.opt_text("credential_sha256")?,
            v.opt_time("verdict_checked_at")?,
            v.opt_text("checks")?,
        ) {
            (Some(credential_sha256), Some(checked_at), Some(checks)) => Some(KeptVerdict {
                credential_sha256,
                checked_at,
                checks,
            }),
            _ => None,
        };
        Ok(Some(AwardForPage {
            award,
            links,
            verdict,
        }))
    }

    /// Keeps (or replaces) the verdicts on awards' credentials, in one transaction (one
    /// commit, not one per award).
    pub async fn keep_verdicts(&self, verdicts: &[(AwardId, KeptVerdict)]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (id, verdict) in verdicts {
            sqlx::query(
                "INSERT INTO award_verdicts (award_id, credential_sha256, checked_at, checks)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (award_id) DO UPDATE SET
                     credential_sha256 = excluded.credential_sha256,
                     checked_at = excluded.checked_at, checks = excluded.checks",
            )
            .bind(id.to_string())
            .bind(verdict.credential_sha256.clone())
            .bind(micros(verdict.checked_at)?)
            .bind(verdict.checks.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` awards with no kept verdict, in id order after `after`: their ids and
    /// credentials. (`v.award_id > $1` says nothing new, but lets PostgreSQL's merge anti-join
    /// start the verdicts' index at `after` instead of at its beginning for every page.)
    pub async fn awards_without_verdict(
        &self,
        after: Option<AwardId>,
        limit: i64,
    ) -> Result<Vec<(AwardId, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.credential FROM awards a
             WHERE a.id > $1
               AND NOT EXISTS (SELECT 1 FROM award_verdicts v
                               WHERE v.award_id = a.id AND v.award_id > $1)
             ORDER BY a.id LIMIT $2",
        )
        .bind(after.map(|a| a.to_string()).unwrap_or_default())
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "awards");
                Ok((r.parsed("id")?, r.text("credential")?))
            })
            .collect()
    }
}
