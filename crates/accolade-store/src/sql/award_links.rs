//! Links between awards (a corrected re-issue supersedes, a renewal continues) and the
//! audit entries about one award, its status history.

use super::codec::RowReader;
use crate::StoreError;
use accolade_core::{Actor, AuditEvent, AwardId, AwardLinks, AwardStanding, AwardStatus, OrgId};

/// An award's status and links, without its credential (the credential page's check of a
/// kept page).
pub(super) const AWARD_STANDING: &str = "SELECT status, status_reason, status_changed_at,
        replaced_by, replaces, renewed_by, renewal_of
     FROM awards WHERE id = $1";

sql_impl! {
    /// The award's status and links in one indexed read, without its credential.
    pub async fn award_standing(&self, id: AwardId) -> Result<Option<AwardStanding>, StoreError> {
        let row = sqlx::query(AWARD_STANDING)
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let r = RowReader::new(&row, "awards");
        Ok(Some(AwardStanding {
            status: r.text_with("status", |s| {
                AwardStatus::parse(s).ok_or_else(|| format!("unknown status {s:?}"))
            })?,
            status_reason: r.opt_text("status_reason")?,
            status_changed_at: r.opt_time("status_changed_at")?,
            links: AwardLinks {
                replaced_by: r.opt_parsed("replaced_by")?,
                replaces: r.opt_parsed("replaces")?,
                renewed_by: r.opt_parsed("renewed_by")?,
                renewal_of: r.opt_parsed("renewal_of")?,
            },
        }))
    }

    pub async fn award_links(&self, id: AwardId) -> Result<Option<AwardLinks>, StoreError> {
        let row = sqlx::query(
            "SELECT replaced_by, replaces, renewed_by, renewal_of FROM awards WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let r = RowReader::new(&row, "awards");
        Ok(Some(AwardLinks {
            replaced_by: r.opt_parsed("replaced_by")?,
            replaces: r.opt_parsed("replaces")?,
            renewed_by: r.opt_parsed("renewed_by")?,
            renewal_of: r.opt_parsed("renewal_of")?,
        }))
    }

    pub async fn audit_events_for(
        &self,
        org: OrgId,
        target: &str,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, actor_user_id, actor_label, action, target, detail, at
             FROM audit_events WHERE org_id = $1 AND target = $2 ORDER BY at, id LIMIT $3",
        )
        .bind(org.to_string())
        .bind(target.to_owned())
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "audit_events");
                Ok(AuditEvent {
                    id: r.parsed("id")?,
                    org_id: r.parsed("org_id")?,
                    actor: Actor {
                        user_id: r.opt_parsed("actor_user_id")?,
                        label: r.text("actor_label")?,
                    },
                    action: r.text("action")?,
                    target: r.text("target")?,
                    detail: r.text("detail")?,
                    at: r.time("at")?,
                })
            })
            .collect()
    }
}
