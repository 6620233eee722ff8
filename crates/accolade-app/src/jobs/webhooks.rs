//! Webhook delivery: the deliveries table is this job's queue. Each run leases the due
//! deliveries, POSTs them (several at once) through the SSRF-guarded client, and writes every
//! attempt with the deliveries' new states in one transaction.
//!
//! Outcomes: 2xx delivered; 410 disables the endpoint; anything else (3xx included:
//! redirects are not followed; timeouts, refusals, network errors) is retried on
//! [`SCHEDULE`], or after `Retry-After` on 429 and 503; when the schedule runs out the
//! delivery fails, the endpoint is disabled and the organization's admins get an email.

use crate::{App, AppError, AppResult};
use accolade_core::{OrgId, Role, WebhookEndpointId};
use accolade_net::{FetchPolicy, GuardedFetcher, PostResponse};
use accolade_store::{AttemptRecord, DeliveryState, WebhookDelivery, WebhookEndpoint};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// The wait after each failed attempt (the first retry comes 5 s after the first attempt),
/// about 3 days in all. A delivery makes `SCHEDULE.len() + 1` attempts before it fails.
pub const SCHEDULE: [Duration; 9] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(14),
    Duration::hours(20),
    Duration::hours(24),
];
/// One request's limit, connection to answer.
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
/// Bytes of the answer's body (and of its headers) kept in the log.
pub const EXCERPT_BYTES: usize = 4096;
/// Deliveries leased per run.
pub const BATCH: u32 = 256;
/// Requests in flight at once.
const CONCURRENCY: usize = 32;
/// A lease outlasts the slowest batch (every request taking its whole timeout).
const LEASE: Duration = Duration::minutes(5);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::hours(24);

/// What one [`App::deliver_webhooks`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliverySummary {
    pub claimed: u32,
    pub delivered: u32,
    pub retrying: u32,
    pub failed: u32,
    /// Endpoints disabled by this run (410, or a schedule run out).
    pub disabled: u32,
}

/// One request's outcome, before it is judged.
struct Sent {
    delivery: WebhookDelivery,
    at: OffsetDateTime,
    request_headers: String,
    answer: Result<PostResponse, String>,
    duration_ms: i64,
}

impl App {
    /// Sends up to [`BATCH`] due deliveries and records the outcomes; the job worker calls
    /// it every tick, and again at once while batches come back full.
    pub async fn deliver_webhooks(&self) -> AppResult<DeliverySummary> {
        let now = self.now();
        let token = uuid::Uuid::new_v4().simple().to_string();
        let due = self
            .store
            .claim_webhook_deliveries(&token, BATCH, now, LEASE)
            .await?;
        let mut summary = DeliverySummary {
            claimed: due.len() as u32,
            ..DeliverySummary::default()
        };
        if due.is_empty() {
            return Ok(summary);
        }
        let mut endpoints: HashMap<WebhookEndpointId, Option<WebhookEndpoint>> = HashMap::new();
        for d in &due {
            if let Entry::Vacant(slot) = endpoints.entry(d.endpoint_id) {
                slot.insert(self.store.webhook_endpoint(d.endpoint_id).await?);
            }
        }
        let fetcher = Arc::new(GuardedFetcher::new(self.webhook_policy()));
        let mut sent = Vec::with_capacity(due.len());
        let mut records = Vec::with_capacity(due.len());
        let mut to_disable: HashMap<WebhookEndpointId, (OrgId, String, bool)> = HashMap::new();
        let mut queue = due.into_iter();
        loop {
            let mut set = tokio::task::JoinSet::new();
            for delivery in queue.by_ref().take(CONCURRENCY) {
                match endpoints.get(&delivery.endpoint_id).cloned().flatten() {
                    Some(endpoint) if endpoint.enabled => {
                        let (fetcher, clock) = (fetcher.clone(), self.clock.clone());
                        set.spawn_blocking(move || send(&fetcher, &*clock, &endpoint, delivery));
                    }
                    _ => {
                        // Disabled or deleted since it was queued: no request.
                        summary.failed += 1;
                        records.push(record(
                            &delivery,
                            &token,
                            now,
                            (None, Some("The endpoint is disabled.".into())),
                            (DeliveryState::Failed, None),
                        ));
                    }
                }
            }
            if set.is_empty() {
                break;
            }
            while let Some(done) = set.join_next().await {
                sent.push(done.map_err(|e| AppError::internal("a webhook request stopped", e))?);
            }
        }
        for s in sent {
            let attempt = s.delivery.attempts + 1;
            let (state, next, disable) = judge(&s.answer, attempt, s.at);
            match state {
                DeliveryState::Delivered => summary.delivered += 1,
                DeliveryState::Pending => summary.retrying += 1,
                DeliveryState::Failed => summary.failed += 1,
            }
            if let Some((reason, email)) = disable {
                to_disable.insert(s.delivery.endpoint_id, (s.delivery.org_id, reason, email));
            }
            let mut r = record(
                &s.delivery,
                &token,
                s.at,
                match &s.answer {
                    Ok(a) => (Some(a.status), None),
                    Err(e) => (None, Some(e.clone())),
                },
                (state, next),
            );
            r.duration_ms = s.duration_ms;
            r.request_headers = s.request_headers;
            if let Ok(answer) = &s.answer {
                r.response_headers = Some(excerpt(
                    answer
                        .headers
                        .iter()
                        .map(|(n, v)| format!("{n}: {v}\n"))
                        .collect::<String>()
                        .as_bytes(),
                ));
                r.response_body = Some(excerpt(&answer.body));
            }
            records.push(r);
        }
        self.store.record_webhook_attempts(&records).await?;
        for (endpoint, (org, reason, email)) in to_disable {
            if self.disable_endpoint(org, endpoint, &reason, email).await? {
                summary.disabled += 1;
            }
        }
        Ok(summary)
    }

    /// The operator's fetch policy (which address ranges are reachable) with webhook limits:
    /// 15 s per request, no redirects.
    fn webhook_policy(&self) -> FetchPolicy {
        FetchPolicy {
            total_timeout: SEND_TIMEOUT,
            max_redirects: 0,
            ..self.config().fetch_policy.clone()
        }
    }

    /// Turns an endpoint off with `reason`, fails its pending deliveries, and (when `email`)
    /// tells the organization's admins. `false` if it was already off or is gone.
    async fn disable_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
        reason: &str,
        email: bool,
    ) -> AppResult<bool> {
        let Some(current) = self.store.webhook_endpoint(id).await? else {
            return Ok(false);
        };
        if !current.enabled {
            return Ok(false);
        }
        let endpoint = WebhookEndpoint {
            enabled: false,
            disabled_reason: Some(reason.to_owned()),
            updated_at: self.now(),
            ..current
        };
        self.store.update_webhook_endpoint(&endpoint).await?;
        self.store
            .fail_pending_webhook_deliveries(id, reason)
            .await?;
        tracing::warn!(%org, endpoint = %id, reason, "webhook endpoint disabled");
        self.audit(
            org,
            &accolade_core::Actor::system(),
            "webhook.disable",
            &id.to_string(),
            reason,
        )
        .await?;
        if email {
            self.email_admins_endpoint_disabled(org, &endpoint).await?;
        }
        Ok(true)
    }

    /// An email to each owner and admin of the organization: which endpoint stopped, why,
    /// and where to turn it on again.
    async fn email_admins_endpoint_disabled(
        &self,
        org: OrgId,
        endpoint: &WebhookEndpoint,
    ) -> AppResult<()> {
        let organization = self.org(org).await?;
        let page = format!(
            "{}/workspace/{}/webhooks/{}",
            self.urls().base(),
            organization.slug,
            endpoint.id
        );
        let reason = endpoint.disabled_reason.as_deref().unwrap_or_default();
        let mut emails = Vec::new();
        for member in self.store.members(org).await? {
            if member.role < Role::Admin {
                continue;
            }
            let Some(user) = self.store.user(member.user_id).await? else {
                continue;
            };
            let content =
                crate::webhooks::webhook_disabled(&organization.name, &endpoint.url, reason, &page);
            let key = format!("mail:webhook_disabled:{}:{}", endpoint.id, user.id);
            emails.push(self.org_email(org, &user.email, "webhook_disabled", key, content)?);
        }
        self.queue_emails(&emails).await?;
        Ok(())
    }
}

/// The headers of one attempt at `now`, signed with the current secret and, during a
/// rotation, the previous one too.
fn signed_request(
    endpoint: &WebhookEndpoint,
    delivery: &WebhookDelivery,
    now: OffsetDateTime,
) -> AppResult<Vec<(String, String)>> {
    let timestamp = now.unix_timestamp();
    let mut secrets = vec![endpoint.secret.as_str()];
    if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_expires_at)
        && until > now
    {
        secrets.push(previous);
    }
    let signature = crate::webhooks::sign::signature_header(
        &secrets,
        &delivery.msg_id,
        timestamp,
        delivery.payload.as_bytes(),
    )?;
    Ok(vec![
        ("content-type".into(), "application/json".into()),
        ("webhook-id".into(), delivery.msg_id.clone()),
        ("webhook-timestamp".into(), timestamp.to_string()),
        ("webhook-signature".into(), signature),
    ])
}

/// Signs and sends one attempt, on a blocking thread (the guarded client is synchronous).
/// The timestamp is the attempt's own, read as it goes out.
fn send(
    fetcher: &GuardedFetcher,
    clock: &dyn accolade_core::Clock,
    endpoint: &WebhookEndpoint,
    delivery: WebhookDelivery,
) -> Sent {
    let at = clock.now();
    let at = at.replace_nanosecond(0).unwrap_or(at);
    let request = match signed_request(endpoint, &delivery, at) {
        Ok(request) => request,
        Err(e) => {
            return Sent {
                delivery,
                at,
                request_headers: String::new(),
                answer: Err(e.to_string()),
                duration_ms: 0,
            };
        }
    };
    let started = std::time::Instant::now();
    let headers: Vec<(&str, &str)> = request
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let answer = fetcher
        .post(
            &endpoint.url,
            &headers,
            delivery.payload.as_bytes(),
            SEND_TIMEOUT,
            EXCERPT_BYTES,
        )
        .map_err(|e| e.to_string());
    let request_headers = request.iter().map(|(n, v)| format!("{n}: {v}\n")).collect();
    Sent {
        delivery,
        at,
        request_headers,
        answer,
        duration_ms: started.elapsed().as_millis() as i64,
    }
}

/// The delivery's state after attempt number `attempt` (from 1), its next attempt, and
/// whether to disable the endpoint (why, and whether to email the admins).
#[allow(clippy::type_complexity)]
fn judge(
    answer: &Result<PostResponse, String>,
    attempt: u32,
    at: OffsetDateTime,
) -> (
    DeliveryState,
    Option<OffsetDateTime>,
    Option<(String, bool)>,
) {
    let status = answer.as_ref().ok().map(|a| a.status);
    if status.is_some_and(|s| (200..300).contains(&s)) {
        return (DeliveryState::Delivered, None, None);
    }
    if status == Some(410) {
        let why = "The endpoint answered 410 Gone: it asked not to be sent events any more.";
        return (DeliveryState::Failed, None, Some((why.into(), true)));
    }
    let scheduled = attempt
        .checked_sub(1)
        .and_then(|i| SCHEDULE.get(i as usize))
        .copied();
    let Some(wait) = scheduled else {
        // Attempts beyond the schedule are manual redeliveries: failing one changes nothing
        // else. The attempt that runs the schedule out disables the endpoint.
        let disable = (attempt as usize == SCHEDULE.len() + 1).then(|| {
            (
                "Every delivery attempt over three days failed.".to_owned(),
                true,
            )
        });
        return (DeliveryState::Failed, None, disable);
    };
    let asked = answer
        .as_ref()
        .ok()
        .filter(|a| matches!(a.status, 429 | 503))
        .and_then(|a| a.header("retry-after"))
        .and_then(|v| retry_after(v, at));
    let next = match asked {
        Some(wait) => at + wait,
        None => at + jittered(wait),
    };
    (DeliveryState::Pending, Some(next), None)
}

/// `Retry-After` as seconds or an HTTP date, from `at`; capped at a day.
fn retry_after(value: &str, at: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<i64>() {
        Ok(secs) => Duration::seconds(secs),
        Err(_) => {
            let format = time::format_description::well_known::Rfc2822;
            OffsetDateTime::parse(value, &format).ok()? - at
        }
    };
    Some(wait.clamp(Duration::seconds(1), MAX_RETRY_AFTER))
}

/// The wait, give or take a tenth, so that retries of many deliveries spread out.
fn jittered(wait: Duration) -> Duration {
    let mut b = [0u8; 2];
    let unit = match getrandom::fill(&mut b) {
        Ok(()) => f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX),
        Err(_) => 0.5,
    };
    wait * (0.9 + 0.2 * unit)
}

/// The start of `bytes` as text, at most [`EXCERPT_BYTES`], cut on a character boundary.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_BYTES)]);
    text.into_owned()
}

/// An attempt row, with what is known before any request.
fn record(
    delivery: &WebhookDelivery,
    token: &str,
    at: OffsetDateTime,
    (status, error): (Option<u16>, Option<String>),
    (state, next_attempt_at): (DeliveryState, Option<OffsetDateTime>),
) -> AttemptRecord {
    AttemptRecord {
        delivery_id: delivery.id,
        lease_token: token.to_owned(),
        attempt: delivery.attempts + 1,
        at,
        status,
        error,
        duration_ms: 0,
        request_headers: String::new(),
        response_headers: None,
        response_body: None,
        state,
        next_attempt_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn answer(status: u16, headers: &[(&str, &str)]) -> Result<PostResponse, String> {
        Ok(PostResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: Vec::new(),
        })
    }

    #[test]
    fn outcomes_are_judged() {
        let at = datetime!(2026-06-01 12:00 UTC);
        assert_eq!(judge(&answer(204, &[]), 1, at).0, DeliveryState::Delivered);
        let (state, next, disable) = judge(&answer(410, &[]), 1, at);
        assert_eq!((state, next), (DeliveryState::Failed, None));
        assert!(disable.unwrap().0.contains("410"));
        // A redirect is a failure, retried after about 5 s.
        let (state, next, disable) = judge(&answer(302, &[("location", "/x")]), 1, at);
        assert_eq!(state, DeliveryState::Pending);
        let wait = next.unwrap() - at;
        assert!(wait >= Duration::milliseconds(4500) && wait <= Duration::milliseconds(5500));
        assert!(disable.is_none());
        // Retry-After is honoured on 429 and 503, not on 500.
        let (_, next, _) = judge(&answer(429, &[("retry-after", "120")]), 3, at);
        assert_eq!(next.unwrap() - at, Duration::seconds(120));
        let date = "Mon, 01 Jun 2026 13:00:00 +0000";
        let (_, next, _) = judge(&answer(503, &[("retry-after", date)]), 3, at);
        assert_eq!(next.unwrap() - at, Duration::hours(1));
        let (_, next, _) = judge(&answer(500, &[("retry-after", "120")]), 3, at);
        let wait = next.unwrap() - at;
        assert!(wait >= Duration::minutes(27) && wait <= Duration::minutes(33));
        // The tenth attempt runs the schedule out; a manual eleventh fails quietly.
        let err: Result<PostResponse, String> = Err("timed out".into());
        let (state, _, disable) = judge(&err, 10, at);
        assert_eq!(state, DeliveryState::Failed);
        assert!(disable.unwrap().1);
        assert!(judge(&err, 11, at).2.is_none());
    }

    #[test]
    fn the_schedule_spans_three_days() {
        let total: Duration = SCHEDULE.iter().copied().sum();
        assert!(total >= Duration::days(3), "{total}");
        assert_eq!(
            retry_after("999999", datetime!(2026-06-01 0:00 UTC)),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(retry_after("soon", datetime!(2026-06-01 0:00 UTC)), None);
    }
}
