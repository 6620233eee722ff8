//! Webhook endpoints, deliveries and attempts: one SQL text for both backends, except the
//! lock clause of the claim (PostgreSQL skips rows another sender has locked; SQLite's
//! `BEGIN IMMEDIATE` holds the single writer lock).

use super::awards::{SUMMARY_COLUMNS, summary_from_row};
use super::codec::{RowReader, micros, opt_micros, to_json};
use super::params::Params;
use crate::StoreError;
use crate::error::insert_error;
use crate::webhooks::{
    AttemptRecord, DeliveryCounts, DeliveryState, NewDelivery, WebhookAttempt, WebhookDelivery,
    WebhookEndpoint,
};
use accolade_core::{AwardId, AwardSummary, OrgId, WebhookDeliveryId, WebhookEndpointId};
use time::{Duration, OffsetDateTime};

/// Deliveries per multi-row insert (9 parameters each).
const DELIVERIES_PER_INSERT: usize = 100;

const ENDPOINT_COLUMNS: &str = "id, org_id, url, description, events, enabled, disabled_reason, \
     secret, previous_secret, previous_expires_at, created_at, updated_at";

macro_rules! select_deliveries {
    ($tail:literal) => {
        concat!(
            "SELECT id, endpoint_id, org_id, msg_id, event_type, payload, state, attempts,
                    next_attempt_at, lease_token, last_attempt_at, last_status, last_error,
                    last_request_headers, last_response_headers, last_response_body,
                    last_duration_ms, created_at
             FROM webhook_deliveries ",
            $tail
        )
    };
}

macro_rules! claim_deliveries {
    ($lock:literal) => {
        concat!(
            "WITH picked AS (
                 SELECT id FROM webhook_deliveries
                 WHERE state = 'pending' AND next_attempt_at <= $3
                 ORDER BY next_attempt_at, id LIMIT $4 ",
            $lock,
            ")
             UPDATE webhook_deliveries SET lease_token = $1, next_attempt_at = $2
             WHERE id IN (SELECT id FROM picked)
             RETURNING id, endpoint_id, org_id, msg_id, event_type, payload, state, attempts,
                 next_attempt_at, lease_token, last_attempt_at, last_status, last_error,
                 last_request_headers, last_response_headers, last_response_body,
                 last_duration_ms, created_at"
        )
    };
}

const CLAIM_POSTGRES: &str = claim_deliveries!("FOR UPDATE SKIP LOCKED");
const CLAIM_SQLITE: &str = claim_deliveries!("");

sql_impl! {
    pub async fn insert_webhook_endpoint(&self, e: &WebhookEndpoint) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, org_id, url, description, events, enabled,
                 disabled_reason, secret, previous_secret, previous_expires_at, created_at,
                 updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(e.id.to_string())
        .bind(e.org_id.to_string())
        .bind(e.url.clone())
        .bind(e.description.clone())
        .bind(to_json("webhook events", &e.events)?)
        .bind(i64::from(e.enabled))
        .bind(e.disabled_reason.clone())
        .bind(e.secret.clone())
        .bind(e.previous_secret.clone())
        .bind(opt_micros(e.previous_expires_at)?)
        .bind(micros(e.created_at)?)
        .bind(micros(e.updated_at)?)
        .fetch_optional(&self.pool)
        .await
        .map_err(|err| insert_error(err, &[]))?;
        Ok(())
    }

    pub async fn webhook_endpoint(
        &self,
        id: WebhookEndpointId,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(endpoint_from_row::<DB>).transpose()
    }

    pub async fn webhook_endpoints(&self, org: OrgId) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let sql = format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1
             ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(endpoint_from_row::<DB>).collect()
    }

    pub async fn update_webhook_endpoint(&self, e: &WebhookEndpoint) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE webhook_endpoints SET url = $1, description = $2, events = $3, enabled = $4,
                 disabled_reason = $5, secret = $6, previous_secret = $7,
                 previous_expires_at = $8, updated_at = $9
             WHERE id = $10 AND org_id = $11
             RETURNING id",
        )
        .bind(e.url.clone())
        .bind(e.description.clone())
        .bind(to_json("webhook events", &e.events)?)
        .bind(i64::from(e.enabled))
        .bind(e.disabled_reason.clone())
        .bind(e.secret.clone())
        .bind(e.previous_secret.clone())
        .bind(opt_micros(e.previous_expires_at)?)
        .bind(micros(e.updated_at)?)
        .bind(e.id.to_string())
        .bind(e.org_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    pub async fn delete_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1 AND org_id = $2 RETURNING id")
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(done.is_some())
    }

    pub async fn insert_webhook_deliveries(
        &self,
        deliveries: &[NewDelivery],
    ) -> Result<u64, StoreError> {
        if deliveries.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let mut stored = 0;
        for part in deliveries.chunks(DELIVERIES_PER_INSERT) {
            let mut p = Params::new::<DB>();
            let mut values = String::with_capacity(part.len() * 64);
            for r in 0..part.len() {
                if r > 0 {
                    values.push_str(", ");
                }
                let (a, b, c, d, e, f, g, h) =
                    (p.next(), p.next(), p.next(), p.next(), p.next(), p.next(), p.next(), p.next());
                let i = p.next();
                values.push_str(&format!(
                    "({a}, {b}, {c}, {d}, {e}, {f}, {g}, 'pending', 0, {h}, {i})"
                ));
            }
            let sql = format!(
                "INSERT INTO webhook_deliveries (id, endpoint_id, org_id, msg_id, event_type,
                     payload, dedupe_key, state, attempts, next_attempt_at, created_at)
                 VALUES {values}
                 ON CONFLICT (endpoint_id, dedupe_key) DO NOTHING
                 RETURNING id"
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for d in part {
                let at = micros(d.created_at)?;
                q = q
                    .bind(d.id.to_string())
                    .bind(d.endpoint_id.to_string())
                    .bind(d.org_id.to_string())
                    .bind(d.msg_id.clone())
                    .bind(d.event_type.clone())
                    .bind(d.payload.clone())
                    .bind(d.dedupe_key.clone())
                    .bind(at)
                    .bind(at);
            }
            let done = q.fetch_all(&mut *tx).await.map_err(|e| insert_error(e, &[]))?;
            stored += done.len() as u64;
        }
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn claim_webhook_deliveries(
        &self,
        token: &str,
        limit: u32,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let sql = if <DB as super::Backend>::NAME == "postgres" { CLAIM_POSTGRES } else { CLAIM_SQLITE };
        // On SQLite the IMMEDIATE transaction takes the writer lock before the pick, so two
        // senders cannot pick the same rows.
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(sql)
            .bind(token.to_owned())
            .bind(micros(now + lease)?)
            .bind(micros(now)?)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        let mut claimed = rows
            .iter()
            .map(delivery_from_row::<DB>)
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
        claimed.sort_by_key(|d| (d.created_at, d.id));
        Ok(claimed)
    }

    pub async fn record_webhook_attempts(
        &self,
        records: &[AttemptRecord],
    ) -> Result<u64, StoreError> {
        if records.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let mut written = 0;
        for r in records {
            let status = r.status.map(i64::from);
            let updated = sqlx::query(
                "UPDATE webhook_deliveries SET state = $1, attempts = $2, next_attempt_at = $3,
                     lease_token = NULL, last_attempt_at = $4, last_status = $5,
                     last_error = $6, last_request_headers = $7, last_response_headers = $8,
                     last_response_body = $9, last_duration_ms = $10
                 WHERE id = $11 AND lease_token = $12
                 RETURNING id",
            )
            .bind(r.state.as_str().to_owned())
            .bind(i64::from(r.attempt))
            .bind(opt_micros(r.next_attempt_at)?)
            .bind(micros(r.at)?)
            .bind(status)
            .bind(r.error.clone())
            .bind(r.request_headers.clone())
            .bind(r.response_headers.clone())
            .bind(r.response_body.clone())
            .bind(r.duration_ms)
            .bind(r.delivery_id.to_string())
            .bind(r.lease_token.clone())
            .fetch_optional(&mut *tx)
            .await?;
            if updated.is_none() {
                continue;
            }
            sqlx::query(
                "INSERT INTO webhook_attempts (delivery_id, attempt, at, status, error,
                     duration_ms, request_headers, response_headers, response_body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (delivery_id, attempt) DO NOTHING",
            )
            .bind(r.delivery_id.to_string())
            .bind(i64::from(r.attempt))
            .bind(micros(r.at)?)
            .bind(status)
            .bind(r.error.clone())
            .bind(r.duration_ms)
            .bind(r.request_headers.clone())
            .bind(r.response_headers.clone())
            .bind(r.response_body.clone())
            .fetch_optional(&mut *tx)
            .await?;
            written += 1;
        }
        tx.commit().await?;
        Ok(written)
    }

    pub async fn webhook_delivery(
        &self,
        id: WebhookDeliveryId,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        let row = sqlx::query(select_deliveries!("WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(delivery_from_row::<DB>).transpose()
    }

    pub async fn webhook_deliveries(
        &self,
        endpoint: WebhookEndpointId,
        failed_only: bool,
        before: Option<OffsetDateTime>,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let rows = sqlx::query(select_deliveries!(
            "WHERE endpoint_id = $1 AND ($2 = 0 OR state = 'failed')
                 AND created_at < $3
             ORDER BY created_at DESC, id DESC LIMIT $4"
        ))
        .bind(endpoint.to_string())
        .bind(i64::from(failed_only))
        .bind(before.map_or(Ok(i64::MAX), micros)?)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery_from_row::<DB>).collect()
    }

    pub async fn webhook_attempts(
        &self,
        delivery: WebhookDeliveryId,
    ) -> Result<Vec<WebhookAttempt>, StoreError> {
        let rows = sqlx::query(
            "SELECT attempt, at, status, error, duration_ms, request_headers, response_headers,
                    response_body
             FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt",
        )
        .bind(delivery.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let r = RowReader::new(row, "webhook_attempts");
                Ok(WebhookAttempt {
                    attempt: r.u32("attempt")?,
                    at: r.time("at")?,
                    status: opt_status(&r, "status")?,
                    error: r.opt_text("error")?,
                    duration_ms: r.int("duration_ms")?,
                    request_headers: r.text("request_headers")?,
                    response_headers: r.opt_text("response_headers")?,
                    response_body: r.opt_text("response_body")?,
                })
            })
            .collect()
    }

    pub async fn redeliver_webhook(
        &self,
        id: WebhookDeliveryId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $1,
                 lease_token = NULL
             WHERE id = $2
             RETURNING id",
        )
        .bind(micros(now)?)
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(done.is_some())
    }

    pub async fn fail_pending_webhook_deliveries(
        &self,
        endpoint: WebhookEndpointId,
        reason: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL,
                 lease_token = NULL, last_error = $1
             WHERE endpoint_id = $2 AND state = 'pending'
             RETURNING id",
        )
        .bind(reason.to_owned())
        .bind(endpoint.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(done.len() as u64)
    }

    pub async fn next_webhook_due(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        let row = sqlx::query(
            "SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries WHERE state = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?;
        RowReader::new(&row, "webhook_deliveries").opt_time("due")
    }

    pub async fn webhook_delivery_counts(
        &self,
        endpoint: Option<WebhookEndpointId>,
    ) -> Result<DeliveryCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT state, COUNT(*) AS n FROM webhook_deliveries
             WHERE ($1 = '' OR endpoint_id = $1) GROUP BY state",
        )
        .bind(endpoint.map(|e| e.to_string()).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        let mut counts = DeliveryCounts::default();
        for row in &rows {
            let r = RowReader::new(row, "webhook_deliveries");
            let n = r.int("n")?;
            match r.text_with("state", parse_state)? {
                DeliveryState::Pending => counts.pending = n,
                DeliveryState::Delivered => counts.delivered = n,
                DeliveryState::Failed => counts.failed = n,
            }
        }
        Ok(counts)
    }

    pub async fn awards_expired_between(
        &self,
        from: OffsetDateTime,
        after: Option<AwardId>,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM awards
             WHERE status = 'active' AND valid_until <= $2
                 AND (valid_until > $1 OR (valid_until = $1 AND id > $4))
             ORDER BY valid_until, id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(micros(from)?)
            .bind(micros(to)?)
            .bind(limit.max(0))
            .bind(after.map(|a| a.to_string()).unwrap_or_default())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row::<DB>).collect()
    }
}

fn parse_state(s: &str) -> Result<DeliveryState, String> {
    DeliveryState::parse(s).ok_or_else(|| format!("unknown delivery state {s:?}"))
}

fn opt_status<R>(r: &RowReader<'_, R>, col: &'static str) -> Result<Option<u16>, StoreError>
where
    R: sqlx::Row,
    &'static str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> f64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Vec<u8>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    r.opt_int(col)?
        .map(|v| u16::try_from(v).map_err(|e| StoreError::corrupt("webhook_deliveries", col, e)))
        .transpose()
}

fn endpoint_from_row<DB>(row: &DB::Row) -> Result<WebhookEndpoint, StoreError>
where
    DB: sqlx::Database,
    &'static str: sqlx::ColumnIndex<DB::Row>,
    for<'a> String: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> f64: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> Vec<u8>: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
{
    let r = RowReader::new(row, "webhook_endpoints");
    Ok(WebhookEndpoint {
        id: r.parsed("id")?,
        org_id: r.parsed("org_id")?,
        url: r.text("url")?,
        description: r.text("description")?,
        events: r.json("events")?,
        enabled: r.int("enabled")? != 0,
        disabled_reason: r.opt_text("disabled_reason")?,
        secret: r.text("secret")?,
        previous_secret: r.opt_text("previous_secret")?,
        previous_expires_at: r.opt_time("previous_expires_at")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

fn delivery_from_row<DB>(row: &DB::Row) -> Result<WebhookDelivery, StoreError>
where
    DB: sqlx::Database,
    &'static str: sqlx::ColumnIndex<DB::Row>,
    for<'a> String: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> f64: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
    for<'a> Vec<u8>: sqlx::Decode<'a, DB> + sqlx::Type<DB>,
{
    let r = RowReader::new(row, "webhook_deliveries");
    Ok(WebhookDelivery {
        id: r.parsed("id")?,
        endpoint_id: r.parsed("endpoint_id")?,
        org_id: r.parsed("org_id")?,
        msg_id: r.text("msg_id")?,
        event_type: r.text("event_type")?,
        payload: r.text("payload")?,
        state: r.text_with("state", parse_state)?,
        attempts: r.u32("attempts")?,
        next_attempt_at: r.opt_time("next_attempt_at")?,
        lease_token: r.opt_text("lease_token")?,
        last_attempt_at: r.opt_time("last_attempt_at")?,
        last_status: opt_status(&r, "last_status")?,
        last_error: r.opt_text("last_error")?,
        last_request_headers: r.opt_text("last_request_headers")?,
        last_response_headers: r.opt_text("last_response_headers")?,
        last_response_body: r.opt_text("last_response_body")?,
        last_duration_ms: r.opt_int("last_duration_ms")?,
        created_at: r.time("created_at")?,
    })
}
