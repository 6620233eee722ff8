//! The event catalogue and the one seam every change goes through to reach webhooks:
//! [`App::emit_webhooks`] turns events into one delivery per event and matching enabled
//! endpoint, written together (multi-row statements in one transaction), and the delivery
//! sender (`jobs/webhooks.rs`) takes it from there.

use crate::{App, AppResult, rfc3339};
use accolade_core::{AwardSummary, OrgId, WebhookDeliveryId};
use accolade_store::{NewDelivery, WebhookEndpoint};
use serde_json::{Value, json};

/// What happened. Type names are `[a-z_]` words joined by dots, per Standard Webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    AwardIssued,
    AwardClaimed,
    AwardRevoked,
    AwardSuspended,
    AwardReinstated,
    AwardExpired,
    AwardRenewed,
    ImportCompleted,
    AchievementUpdated,
    /// The test ping an admin sends from the endpoint's page; never filtered out.
    Ping,
}

impl EventType {
    /// The events an endpoint can choose from (the ping goes to whoever asks for it).
    pub const CATALOGUE: [EventType; 9] = [
        EventType::AwardIssued,
        EventType::AwardClaimed,
        EventType::AwardRevoked,
        EventType::AwardSuspended,
        EventType::AwardReinstated,
        EventType::AwardExpired,
        EventType::AwardRenewed,
        EventType::ImportCompleted,
        EventType::AchievementUpdated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::AwardIssued => "award.issued",
            EventType::AwardClaimed => "award.claimed",
            EventType::AwardRevoked => "award.revoked",
            EventType::AwardSuspended => "award.suspended",
            EventType::AwardReinstated => "award.reinstated",
            EventType::AwardExpired => "award.expired",
            EventType::AwardRenewed => "award.renewed",
            EventType::ImportCompleted => "import.completed",
            EventType::AchievementUpdated => "achievement.updated",
            EventType::Ping => "webhook.ping",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::CATALOGUE
            .into_iter()
            .chain([EventType::Ping])
            .find(|e| e.as_str() == s)
    }

    /// A sentence for the event picker.
    pub fn description(self) -> &'static str {
        match self {
            EventType::AwardIssued => "A badge was issued.",
            EventType::AwardClaimed => "An earner added a badge to their backpack.",
            EventType::AwardRevoked => "A badge was revoked.",
            EventType::AwardSuspended => "A badge was suspended.",
            EventType::AwardReinstated => "A suspended badge was reinstated.",
            EventType::AwardExpired => "A badge reached its expiry date.",
            EventType::AwardRenewed => "A badge was renewed with a new credential.",
            EventType::ImportCompleted => "A bulk issue finished.",
            EventType::AchievementUpdated => "A badge's details were changed.",
            EventType::Ping => "A test ping.",
        }
    }
}

/// One event about to be sent: its type and its small `data` object.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub event_type: EventType,
    pub data: Value,
    /// Sent at most once per endpoint under this key (for events a scan may find twice).
    pub dedupe_key: Option<String>,
}

impl WebhookEvent {
    pub fn new(event_type: EventType, data: Value) -> Self {
        Self {
            event_type,
            data,
            dedupe_key: None,
        }
    }
}

impl App {
    /// An award event: the award's ids, recipient, status, dates and credential URL.
    pub fn award_event(&self, event_type: EventType, award: &AwardSummary) -> WebhookEvent {
        WebhookEvent::new(
            event_type,
            json!({
                "award_id": award.id.to_string(),
                "achievement_id": award.achievement_id.to_string(),
                "organization_id": award.org_id.to_string(),
                "recipient_email": award.recipient_email.as_str(),
                "status": award.status.as_str(),
                "status_reason": award.status_reason,
                "issued_at": rfc3339(award.issued_at),
                "valid_until": award.valid_until.map(rfc3339),
                "credential_url": self.urls().credential(award.id),
            }),
        )
    }

    /// THE seam: queues one delivery of each event to each enabled endpoint of `org` that
    /// takes its type, all in one transaction. Returns how many deliveries were stored. The
    /// caller's change is already committed (every emitter calls this right after its own
    /// transaction), so see [`App::notify_webhooks`] for callers that must not fail.
    pub async fn emit_webhooks(&self, org: OrgId, events: &[WebhookEvent]) -> AppResult<u64> {
        if events.is_empty() {
            return Ok(0);
        }
        let endpoints: Vec<WebhookEndpoint> = self
            .store
            .webhook_endpoints(org)
            .await?
            .into_iter()
            .filter(|e| e.enabled)
            .collect();
        self.queue_deliveries(org, &endpoints, events).await
    }

    /// [`App::emit_webhooks`] for code whose change has committed: a failure is logged, not
    /// returned (the change stands; the event is lost, which the log says).
    pub(crate) async fn notify_webhooks(&self, org: OrgId, events: &[WebhookEvent]) {
        if let Err(e) = self.emit_webhooks(org, events).await {
            tracing::warn!(%org, events = events.len(), error = %crate::Chain(&e), "queuing webhook deliveries failed");
        }
    }

    /// One delivery per event and endpoint that takes it (the ping: every endpoint given).
    /// The body is serialized once per event: every endpoint gets the same bytes and the
    /// same `msg_…` id.
    pub(crate) async fn queue_deliveries(
        &self,
        org: OrgId,
        endpoints: &[WebhookEndpoint],
        events: &[WebhookEvent],
    ) -> AppResult<u64> {
        if endpoints.is_empty() || events.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let timestamp = rfc3339(now);
        let mut deliveries = Vec::new();
        for event in events {
            let name = event.event_type.as_str();
            let takers: Vec<&WebhookEndpoint> = endpoints
                .iter()
                .filter(|e| event.event_type == EventType::Ping || e.wants(name))
                .collect();
            if takers.is_empty() {
                continue;
            }
            let payload = json!({ "type": name, "timestamp": timestamp, "data": event.data });
            let payload = serde_json::to_string(&payload)
                .map_err(|e| crate::AppError::internal("serializing a webhook payload", e))?;
            let msg_id = new_msg_id();
            for endpoint in takers {
                deliveries.push(NewDelivery {
                    id: WebhookDeliveryId::new(),
                    endpoint_id: endpoint.id,
                    org_id: org,
                    msg_id: msg_id.clone(),
                    event_type: name.to_owned(),
                    payload: payload.clone(),
                    dedupe_key: event.dedupe_key.clone(),
                    created_at: now,
                });
            }
        }
        Ok(self.store.insert_webhook_deliveries(&deliveries).await?)
    }
}

/// `msg_` and 32 hex digits of a random UUID: no dots, unguessable, unique.
fn new_msg_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}
