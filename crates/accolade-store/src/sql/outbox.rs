//! The mail outbox, with its send jobs stored in the same transaction.

use super::Backend;
use super::codec::{RowReader, micros, opt_micros, to_json};
use super::jobs::enqueue_on;
use super::params::{Params, ROWS_PER_INSERT};
use crate::StoreError;
use crate::error::insert_error;
use crate::jobs::Enqueued;
use crate::outbox::{OutboxMessage, OutboxState, OutboxUpdate, QueuedEmail};
use accolade_core::{AwardId, OrgId, OutboxId};
use sqlx::{ColumnIndex, Decode, Encode, IntoArguments, Type};

macro_rules! select_outbox {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, award_id, template, to_address, subject, body_text, body_html,
                    state, attempts, last_error, created_at, sent_at
             FROM outbox ",
            $tail
        )
    };
}

/// An award's emails, oldest first.
pub(super) const AWARD_OUTBOX: &str =
    select_outbox!("WHERE award_id = $1 ORDER BY created_at, id LIMIT 200");
/// An organization's newest emails.
pub(super) const ORG_OUTBOX: &str =
    select_outbox!("WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2");
/// Every organization's newest emails.
pub(super) const ALL_OUTBOX: &str = select_outbox!("ORDER BY created_at DESC, id DESC LIMIT $1");

sql_impl! {
    pub async fn enqueue_emails(
        &self,
        emails: &[QueuedEmail],
    ) -> Result<Vec<Enqueued>, StoreError> {
        let mut tx = self.begin_write().await?;
        let results = enqueue_emails_on::<DB>(&mut tx, emails).await?;
        tx.commit().await?;
        Ok(results)
    }

    pub async fn award_outbox(&self, award: AwardId) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query(AWARD_OUTBOX)
        .bind(award.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from_row::<DB>).collect()
    }

    pub async fn outbox_message(&self, id: OutboxId) -> Result<Option<OutboxMessage>, StoreError> {
        let row = sqlx::query(select_outbox!("WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(message_from_row::<DB>).transpose()
    }

    pub async fn outbox(
        &self,
        org: Option<OrgId>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let limit = limit.max(0);
        let rows = match org {
            Some(org) => {
                sqlx::query(ORG_OUTBOX)
                .bind(org.to_string())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(ALL_OUTBOX)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(message_from_row::<DB>).collect()
    }

    pub async fn update_outbox(
        &self,
        id: OutboxId,
        update: &OutboxUpdate<'_>,
    ) -> Result<bool, StoreError> {
        let sent_at = (update.state == OutboxState::Sent).then_some(update.at);
        let done = sqlx::query(
            "UPDATE outbox SET state = $1, last_error = $2, attempts = attempts + $3,
                 sent_at = COALESCE($4, sent_at)
             WHERE id = $5
             RETURNING id",
        )
        .bind(update.state.as_str().to_owned())
        .bind(
            update
                .last_error
                .map(|e| e.chars().take(2000).collect::<String>()),
        )
        .bind(i64::from(update.attempted))
        .bind(opt_micros(sent_at)?)
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }
}

/// Stores messages and their jobs on `conn`: call it inside a transaction (as a bulk issue's
/// chunk does, to queue its awards' emails with the awards themselves).
pub(super) async fn enqueue_emails_on<DB>(
    conn: &mut DB::Connection,
    emails: &[QueuedEmail],
) -> Result<Vec<Enqueued>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let mut results = Vec::with_capacity(emails.len());
    for email in emails {
        // The job first: if its key is taken, the message was queued before.
        let enqueued = enqueue_on::<DB>(&mut *conn, &email.job).await?;
        if let Enqueued::New(_) = enqueued {
            insert_message::<DB>(&mut *conn, &email.message).await?;
        }
        results.push(enqueued);
    }
    Ok(results)
}

/// Stores many messages and their jobs on `conn` in multi-row statements (a bulk issue's
/// chunk, inside its transaction). Like [`enqueue_emails_on`], a message whose job key is
/// taken is skipped; returns how many were new.
pub(super) async fn enqueue_emails_batched_on<DB>(
    conn: &mut DB::Connection,
    emails: &[QueuedEmail],
) -> Result<usize, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let mut new = 0;
    for part in emails.chunks(ROWS_PER_INSERT) {
        let mut p = Params::new::<DB>();
        let mut values = String::with_capacity(part.len() * 48);
        for r in 0..part.len() {
            values.push_str(&format!(
                "{}({}, {}, {}, {}, 'queued', {}, 0, {}, {}, {})",
                if r == 0 { "" } else { ", " },
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next()
            ));
        }
        let sql = format!(
            "INSERT INTO jobs (id, kind, payload, idempotency_key, state, run_at, attempts,
                 max_attempts, created_at, updated_at)
             VALUES {values}
             ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING id"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in part {
            let job = &e.job;
            if job.max_attempts == 0 {
                return Err(StoreError::Unstorable {
                    what: "job",
                    detail: "max_attempts must be at least 1".into(),
                });
            }
            q = q
                .bind(job.id.to_string())
                .bind(job.kind.clone())
                .bind(to_json("job payload", &job.payload)?)
                .bind(job.idempotency_key.clone())
                .bind(micros(job.run_at)?)
                .bind(i64::from(job.max_attempts))
                // created_at and updated_at
                .bind(micros(job.created_at)?)
                .bind(micros(job.created_at)?);
        }
        let inserted = q
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| insert_error(e, &[]))?;
        let inserted: std::collections::HashSet<String> = inserted
            .iter()
            .map(|row| RowReader::new(row, "jobs").text("id"))
            .collect::<Result<_, _>>()?;
        let fresh: Vec<&OutboxMessage> = part
            .iter()
            .filter(|e| inserted.contains(&e.job.id.to_string()))
            .map(|e| &e.message)
            .collect();
        if fresh.is_empty() {
            continue;
        }
        new += fresh.len();
        let sql = format!(
            "INSERT INTO outbox (id, org_id, award_id, template, to_address, subject, body_text,
                 body_html, state, attempts, last_error, created_at, sent_at)
             VALUES {}",
            Params::new::<DB>().tuples(fresh.len(), 13)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for m in fresh {
            q = q
                .bind(m.id.to_string())
                .bind(m.org_id.map(|o| o.to_string()))
                .bind(m.award_id.map(|a| a.to_string()))
                .bind(m.template.clone())
                .bind(m.to.as_str().to_owned())
                .bind(m.subject.clone())
                .bind(m.body_text.clone())
                .bind(m.body_html.clone())
                .bind(m.state.as_str().to_owned())
                .bind(i64::from(m.attempts))
                .bind(m.last_error.clone())
                .bind(micros(m.created_at)?)
                .bind(opt_micros(m.sent_at)?);
        }
        q.execute(&mut *conn)
            .await
            .map_err(|e| insert_error(e, &[]))?;
    }
    Ok(new)
}

async fn insert_message<DB>(conn: &mut DB::Connection, m: &OutboxMessage) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
{
    sqlx::query(
        "INSERT INTO outbox (id, org_id, award_id, template, to_address, subject, body_text,
             body_html, state, attempts, last_error, created_at, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(m.id.to_string())
    .bind(m.org_id.map(|o| o.to_string()))
    .bind(m.award_id.map(|a| a.to_string()))
    .bind(m.template.clone())
    .bind(m.to.as_str().to_owned())
    .bind(m.subject.clone())
    .bind(m.body_text.clone())
    .bind(m.body_html.clone())
    .bind(m.state.as_str().to_owned())
    .bind(i64::from(m.attempts))
    .bind(m.last_error.clone())
    .bind(micros(m.created_at)?)
    .bind(opt_micros(m.sent_at)?)
    .execute(&mut *conn)
    .await
    .map_err(|e| insert_error(e, &[]))?;
    Ok(())
}

fn message_from_row<DB>(row: &DB::Row) -> Result<OutboxMessage, StoreError>
where
    DB: Backend,
    &'static str: ColumnIndex<DB::Row>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Decode<'q, DB> + Type<DB>,
{
    let r = RowReader::new(row, "outbox");
    Ok(OutboxMessage {
        id: r.parsed("id")?,
        org_id: r.opt_parsed("org_id")?,
        award_id: r.opt_parsed("award_id")?,
        template: r.text("template")?,
        to: r.text_with("to_address", accolade_core::Email::parse)?,
        subject: r.text("subject")?,
        body_text: r.text("body_text")?,
        body_html: r.text("body_html")?,
        state: r.text_with("state", |s| {
            OutboxState::parse(s).ok_or_else(|| format!("unknown outbox state {s:?}"))
        })?,
        attempts: r.u32("attempts")?,
        last_error: r.opt_text("last_error")?,
        created_at: r.time("created_at")?,
        sent_at: r.opt_time("sent_at")?,
    })
}

sql_impl! {
    /// How many messages are in each state: one count per state over the
    /// `(state, created_at)` index.
    pub async fn outbox_counts(&self) -> Result<Vec<(OutboxState, i64)>, StoreError> {
        let mut counts = Vec::with_capacity(OutboxState::ALL.len());
        for state in OutboxState::ALL {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state = $1")
                .bind(state.as_str().to_owned())
                .fetch_one(&self.pool)
                .await?;
            counts.push((state, RowReader::new(&row, "outbox").int("n")?));
        }
        Ok(counts)
    }
}
