//! Webhooks as rows: an organization's endpoints (URL, event filter, secrets), one delivery
//! per event and endpoint, which is also the delivery queue, and a row per attempt.
//!
//! A delivery is `pending` until an attempt succeeds (`delivered`) or its schedule runs out
//! (`failed`). Senders lease due deliveries by moving `next_attempt_at` past a lease under a
//! fresh token, so a sender that dies leaves a delivery that falls due again by itself.

use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{AwardId, AwardSummary, OrgId, WebhookDeliveryId, WebhookEndpointId};
use time::{Duration, OffsetDateTime};

/// An organization's webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: WebhookEndpointId,
    pub org_id: OrgId,
    pub url: String,
    pub description: String,
    /// Event types sent to it; empty: every event.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it was disabled (by an admin, a 410 answer, or sustained failure).
    pub disabled_reason: Option<String>,
    /// `whsec_…`: signs every delivery.
    pub secret: String,
    /// The secret replaced by the last rotation, also signed with until `previous_expires_at`.
    pub previous_secret: Option<String>,
    pub previous_expires_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl WebhookEndpoint {
    /// Does this endpoint take events of `event_type`?
    pub fn wants(&self, event_type: &str) -> bool {
        self.events.is_empty() || self.events.iter().any(|e| e == event_type)
    }
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for its next attempt (the first, or a retry).
    Pending,
    Delivered,
    /// Given up: its schedule ran out, or its endpoint was disabled or refused it for good.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// A delivery to store: one event for one endpoint, due at `created_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookEndpointId,
    pub org_id: OrgId,
    /// `msg_…`: the `webhook-id` header, the same on every attempt.
    pub msg_id: String,
    pub event_type: String,
    /// The request body, exactly as signed and sent.
    pub payload: String,
    /// A second delivery with the same key to the same endpoint is not stored.
    pub dedupe_key: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A stored delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookEndpointId,
    pub org_id: OrgId,
    pub msg_id: String,
    pub event_type: String,
    pub payload: String,
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: u32,
    pub next_attempt_at: Option<OffsetDateTime>,
    /// Set while a sender holds the delivery.
    pub lease_token: Option<String>,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub last_request_headers: Option<String>,
    pub last_response_headers: Option<String>,
    pub last_response_body: Option<String>,
    pub last_duration_ms: Option<i64>,
    pub created_at: OffsetDateTime,
}

/// One attempt's outcome, written with the delivery's new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub delivery_id: WebhookDeliveryId,
    /// The lease the sender held: the record is dropped when it no longer holds it.
    pub lease_token: String,
    /// The attempt's number, from 1.
    pub attempt: u32,
    pub at: OffsetDateTime,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i64,
    /// The request's headers, one `name: value` a line (the body is the payload).
    pub request_headers: String,
    pub response_headers: Option<String>,
    /// The start of the answer's body, capped by the sender.
    pub response_body: Option<String>,
    /// The delivery's state after this attempt.
    pub state: DeliveryState,
    /// When `state` is pending: the next attempt's instant.
    pub next_attempt_at: Option<OffsetDateTime>,
}

/// A stored attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub attempt: u32,
    pub at: OffsetDateTime,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub request_headers: String,
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
}

/// How many deliveries are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryCounts {
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
}

impl Store {
    pub async fn insert_webhook_endpoint(&self, e: &WebhookEndpoint) -> Result<(), StoreError> {
        on_backend!(self.insert_webhook_endpoint(e))
    }

    pub async fn webhook_endpoint(
        &self,
        id: WebhookEndpointId,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        on_backend!(self.webhook_endpoint(id))
    }

    /// The organization's endpoints, oldest first.
    pub async fn webhook_endpoints(&self, org: OrgId) -> Result<Vec<WebhookEndpoint>, StoreError> {
        on_backend!(self.webhook_endpoints(org))
    }

    /// Writes every field but the id, organization and creation time; `false` if there is
    /// no such endpoint.
    pub async fn update_webhook_endpoint(&self, e: &WebhookEndpoint) -> Result<bool, StoreError> {
        on_backend!(self.update_webhook_endpoint(e))
    }

    /// Deletes the endpoint with its deliveries and attempts; `false` if the organization
    /// has no such endpoint.
    pub async fn delete_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> Result<bool, StoreError> {
        on_backend!(self.delete_webhook_endpoint(org, id))
    }

    /// Stores deliveries in one transaction (multi-row statements), skipping those whose
    /// dedupe key the endpoint already has. Returns how many were stored.
    pub async fn insert_webhook_deliveries(
        &self,
        deliveries: &[NewDelivery],
    ) -> Result<u64, StoreError> {
        on_backend!(self.insert_webhook_deliveries(deliveries))
    }

    /// Leases up to `limit` pending deliveries due at `now` (earliest first) under `token`
    /// until `now + lease`. Concurrent callers never get the same delivery.
    pub async fn claim_webhook_deliveries(
        &self,
        token: &str,
        limit: u32,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        on_backend!(self.claim_webhook_deliveries(token, limit, now, lease))
    }

    /// Writes the attempts and their deliveries' new states in one transaction. An attempt
    /// whose delivery is no longer leased under its token is not written. Returns how many
    /// were written.
    pub async fn record_webhook_attempts(
        &self,
        records: &[AttemptRecord],
    ) -> Result<u64, StoreError> {
        on_backend!(self.record_webhook_attempts(records))
    }

    pub async fn webhook_delivery(
        &self,
        id: WebhookDeliveryId,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        on_backend!(self.webhook_delivery(id))
    }

    /// The endpoint's deliveries, newest first, those created before `before` only when
    /// given, failed ones only when `failed_only`.
    pub async fn webhook_deliveries(
        &self,
        endpoint: WebhookEndpointId,
        failed_only: bool,
        before: Option<OffsetDateTime>,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        on_backend!(self.webhook_deliveries(endpoint, failed_only, before, limit))
    }

    /// The delivery's attempts, in order.
    pub async fn webhook_attempts(
        &self,
        delivery: WebhookDeliveryId,
    ) -> Result<Vec<WebhookAttempt>, StoreError> {
        on_backend!(self.webhook_attempts(delivery))
    }

    /// Makes a delivery due again at `now` (manual redelivery), whatever its state; `false`
    /// if there is no such delivery.
    pub async fn redeliver_webhook(
        &self,
        id: WebhookDeliveryId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        on_backend!(self.redeliver_webhook(id, now))
    }

    /// Fails every pending delivery of the endpoint with `reason` (it was disabled).
    pub async fn fail_pending_webhook_deliveries(
        &self,
        endpoint: WebhookEndpointId,
        reason: &str,
    ) -> Result<u64, StoreError> {
        on_backend!(self.fail_pending_webhook_deliveries(endpoint, reason))
    }

    /// The earliest instant a pending delivery is due, if any is pending.
    pub async fn next_webhook_due(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        on_backend!(self.next_webhook_due())
    }

    /// Deliveries per state, over all endpoints, or one endpoint's.
    pub async fn webhook_delivery_counts(
        &self,
        endpoint: Option<WebhookEndpointId>,
    ) -> Result<DeliveryCounts, StoreError> {
        on_backend!(self.webhook_delivery_counts(endpoint))
    }

    /// Active awards whose `validUntil` is at most `to` and after `from` (or equal to it with
    /// an id after `after`: keyset paging), by `validUntil` and id. The expiry scan turns
    /// them into `award.expired` events.
    pub async fn awards_expired_between(
        &self,
        from: OffsetDateTime,
        after: Option<AwardId>,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<AwardSummary>, StoreError> {
        on_backend!(self.awards_expired_between(from, after, to, limit))
    }
}
