//! A bulk issue on PostgreSQL: the rows of an import, and each chunk's awards, emails and
//! claim tokens, written with
//! `COPY … FROM STDIN` (one stream per table instead of a statement per 100 rows); the
//! emails' send jobs with one `INSERT … SELECT FROM UNNEST(arrays)` that keeps
//! `ON CONFLICT DO NOTHING`. All of it on the chunk's own transaction, so a chunk still
//! commits whole or not at all.

use super::codec::{RowReader, micros, opt_micros, to_json};
use crate::StoreError;
use crate::error::{UniqueKey, insert_error};
use crate::imports::{Import, NewImportRow};
use crate::outbox::{OutboxMessage, QueuedEmail};
use accolade_core::{Award, ClaimToken};
use sqlx::postgres::PgConnection;
use std::collections::HashSet;
use std::fmt::Write;

/// Rows in PostgreSQL's text `COPY` format: tab-separated columns, one line per row, `\N`
/// for NULL, and backslash, tab, newline and carriage return escaped.
#[derive(Debug)]
pub(super) struct CopyRows {
    data: String,
    fresh_row: bool,
}

impl CopyRows {
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Self {
            data: String::with_capacity(bytes),
            fresh_row: true,
        }
    }

    fn sep(&mut self) {
        if !self.fresh_row {
            self.data.push('\t');
        }
        self.fresh_row = false;
    }

    pub(super) fn text(&mut self, value: &str) -> &mut Self {
        self.sep();
        // Runs of ordinary bytes are copied whole: a chunk's credentials and emails are
        // megabytes, written while the chunk's transaction waits. The four escaped bytes are
        // ASCII, so every split falls on a character boundary.
        let mut rest = value;
        while let Some(at) = rest
            .bytes()
            .position(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
        {
            self.data.push_str(&rest[..at]);
            self.data.push_str(match rest.as_bytes()[at] {
                b'\\' => "\\\\",
                b'\t' => "\\t",
                b'\n' => "\\n",
                _ => "\\r",
            });
            rest = &rest[at + 1..];
        }
        self.data.push_str(rest);
        self
    }

    pub(super) fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub(super) fn int(&mut self, value: i64) -> &mut Self {
        self.sep();
        // Writing to a String cannot fail.
        let _ = write!(self.data, "{value}");
        self
    }

    pub(super) fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    pub(super) fn null(&mut self) -> &mut Self {
        self.sep();
        self.data.push_str("\\N");
        self
    }

    pub(super) fn end_row(&mut self) {
        self.data.push('\n');
        self.fresh_row = true;
    }

    pub(super) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.data.into_bytes()
    }
}

/// Streams `rows` into the table and columns `statement` names (`COPY t (a, b) FROM STDIN`).
async fn copy_in(
    conn: &mut PgConnection,
    statement: &str,
    rows: CopyRows,
    keys: &[UniqueKey],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let run = async {
        let mut copy = conn.copy_in_raw(statement).await?;
        copy.send(rows.into_bytes()).await?;
        copy.finish().await
    };
    run.await.map_err(|e| insert_error(e, keys))?;
    Ok(())
}

pub(super) async fn copy_awards(
    conn: &mut PgConnection,
    awards: &[Award],
    keys: &[UniqueKey],
) -> Result<(), StoreError> {
    let mut rows = CopyRows::with_capacity(awards.iter().map(|a| a.credential.len() + 400).sum());
    for a in awards {
        rows.text(&a.id.to_string())
            .text(&a.org_id.to_string())
            .text(&a.achievement_id.to_string())
            .text(a.recipient_email.as_str())
            .opt_text(a.recipient_name.as_deref())
            .int(micros(a.issued_at)?)
            .opt_int(opt_micros(a.valid_until)?)
            .text(a.status.as_str())
            .opt_text(a.status_reason.as_deref())
            .opt_int(opt_micros(a.status_changed_at)?)
            .int(i64::from(a.status_index))
            .text(&a.key_id.to_string())
            .text(&a.credential)
            .int(micros(a.created_at)?)
            .end_row();
    }
    copy_in(
        conn,
        "COPY awards (id, org_id, achievement_id, recipient_email, recipient_name, issued_at,
             valid_until, status, status_reason, status_changed_at, status_index, key_id,
             credential, created_at) FROM STDIN",
        rows,
        keys,
    )
    .await
}

/// Like the portable batched path: each message's job first, and only the messages whose
/// job is new (its idempotency key not taken) are stored. Returns how many were new.
pub(super) async fn queue_emails(
    conn: &mut PgConnection,
    emails: &[QueuedEmail],
) -> Result<usize, StoreError> {
    if emails.is_empty() {
        return Ok(0);
    }
    let n = emails.len();
    let (mut ids, mut kinds, mut payloads, mut keys) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut run_at, mut max_attempts, mut created) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for e in emails {
        let job = &e.job;
        if job.max_attempts == 0 {
            return Err(StoreError::Unstorable {
                what: "job",
                detail: "max_attempts must be at least 1".into(),
            });
        }
        ids.push(job.id.to_string());
        kinds.push(job.kind.clone());
        payloads.push(to_json("job payload", &job.payload)?);
        keys.push(job.idempotency_key.clone());
        run_at.push(micros(job.run_at)?);
        max_attempts.push(i64::from(job.max_attempts));
        created.push(micros(job.created_at)?);
    }
    let inserted = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, idempotency_key, state, run_at, attempts,
             max_attempts, created_at, updated_at)
         SELECT id, kind, payload, idempotency_key, 'queued', run_at, 0, max_attempts,
             created_at, created_at
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int8[],
                     $7::int8[])
             AS t (id, kind, payload, idempotency_key, run_at, max_attempts, created_at)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id",
    )
    .bind(ids)
    .bind(kinds)
    .bind(payloads)
    .bind(keys)
    .bind(run_at)
    .bind(max_attempts)
    .bind(created)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| insert_error(e, &[]))?;
    let inserted: HashSet<String> = inserted
        .iter()
        .map(|row| RowReader::new(row, "jobs").text("id"))
        .collect::<Result<_, _>>()?;
    let fresh: Vec<&OutboxMessage> = emails
        .iter()
        .filter(|e| inserted.contains(&e.job.id.to_string()))
        .map(|e| &e.message)
        .collect();
    let mut rows = CopyRows::with_capacity(
        fresh
            .iter()
            .map(|m| m.body_text.len() + m.body_html.len() + 300)
            .sum(),
    );
    for m in &fresh {
        rows.text(&m.id.to_string())
            .opt_text(m.org_id.map(|o| o.to_string()).as_deref())
            .opt_text(m.award_id.map(|a| a.to_string()).as_deref())
            .text(&m.template)
            .text(m.to.as_str())
            .text(&m.subject)
            .text(&m.body_text)
            .text(&m.body_html)
            .text(m.state.as_str())
            .int(i64::from(m.attempts))
            .opt_text(m.last_error.as_deref())
            .int(micros(m.created_at)?)
            .opt_int(opt_micros(m.sent_at)?)
            .end_row();
    }
    copy_in(
        conn,
        "COPY outbox (id, org_id, award_id, template, to_address, subject, body_text,
             body_html, state, attempts, last_error, created_at, sent_at) FROM STDIN",
        rows,
        &[],
    )
    .await?;
    Ok(fresh.len())
}

pub(super) async fn copy_claim_tokens(
    conn: &mut PgConnection,
    tokens: &[ClaimToken],
) -> Result<(), StoreError> {
    let mut rows = CopyRows::with_capacity(tokens.len() * 140);
    for t in tokens {
        rows.text(&t.token_hash)
            .text(&t.award_id.to_string())
            .int(micros(t.created_at)?)
            .int(micros(t.expires_at)?)
            .end_row();
    }
    copy_in(
        conn,
        "COPY claim_tokens (token_hash, award_id, created_at, expires_at) FROM STDIN",
        rows,
        &[],
    )
    .await
}

pub(super) async fn copy_import_rows(
    conn: &mut PgConnection,
    import: &Import,
    rows: &[NewImportRow],
) -> Result<(), StoreError> {
    let (import_id, achievement_id) = (import.id.to_string(), import.achievement_id.to_string());
    let mut out = CopyRows::with_capacity(rows.len() * 200);
    for r in rows {
        out.text(&import_id)
            .text(&achievement_id)
            .int(r.row_number)
            .opt_text(r.email.as_deref())
            .opt_text(r.name.as_deref())
            .opt_int(opt_micros(r.issued_at)?)
            .text(r.state.as_str())
            .opt_text(r.error.as_deref())
            .opt_text(r.award_id.map(|a| a.to_string()).as_deref())
            .opt_text(r.field_values.as_deref())
            .end_row();
    }
    copy_in(
        conn,
        "COPY import_rows (import_id, achievement_id, row_number, email, name, issued_at,
             state, error, award_id, field_values) FROM STDIN",
        out,
        &[],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_separators_and_writes_null() {
        let mut rows = CopyRows::with_capacity(0);
        rows.text("a\tb\\c\nd\re").opt_text(None).int(-7).end_row();
        rows.opt_int(Some(3)).text("").end_row();
        rows.text("é\tü\\").text("ß").end_row();
        assert_eq!(
            String::from_utf8(rows.into_bytes()).unwrap(),
            "a\\tb\\\\c\\nd\\re\t\\N\t-7\n3\t\né\\tü\\\\\tß\n"
        );
    }
}
