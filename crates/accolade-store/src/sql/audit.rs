//! The audit log: appended, read newest first.

use super::Backend;
use super::codec::{RowReader, micros};
use super::params::Params;
use crate::StoreError;
use crate::error::insert_error;
use accolade_core::{Actor, AuditEvent, OrgId};
use sqlx::{ColumnIndex, Decode, Encode, IntoArguments, Type};

/// Audit entries per multi-row insert (8 parameters each).
const AUDITS_PER_INSERT: usize = 100;

sql_impl! {
    pub async fn insert_audit(&self, e: &AuditEvent) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_events (id, org_id, actor_user_id, actor_label, action, target,
                 detail, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id.to_string())
        .bind(e.org_id.to_string())
        .bind(e.actor.user_id.map(|u| u.to_string()))
        .bind(e.actor.label.clone())
        .bind(e.action.clone())
        .bind(e.target.clone())
        .bind(e.detail.clone())
        .bind(micros(e.at)?)
        .execute(&self.pool)
        .await
        .map_err(|e| insert_error(e, &[]))?;
        Ok(())
    }

    pub async fn audit_events(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, actor_user_id, actor_label, action, target, detail, at
             FROM audit_events WHERE org_id = $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(org.to_string())
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from_row::<DB>).collect()
    }
}

fn audit_from_row<DB>(row: &DB::Row) -> Result<AuditEvent, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
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
}

/// Appends entries on `conn`, in multi-row statements: call it inside the transaction that
/// makes the change they record.
pub(super) async fn insert_audits_on<DB>(
    conn: &mut DB::Connection,
    events: &[AuditEvent],
) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    for part in events.chunks(AUDITS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO audit_events (id, org_id, actor_user_id, actor_label, action, target,
                 detail, at)
             VALUES {}",
            Params::new::<DB>().tuples(part.len(), 8)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in part {
            q = q
                .bind(e.id.to_string())
                .bind(e.org_id.to_string())
                .bind(e.actor.user_id.map(|u| u.to_string()))
                .bind(e.actor.label.clone())
                .bind(e.action.clone())
                .bind(e.target.clone())
                .bind(e.detail.clone())
                .bind(micros(e.at)?);
        }
        q.execute(&mut *conn)
            .await
            .map_err(|e| insert_error(e, &[]))?;
    }
    Ok(())
}
