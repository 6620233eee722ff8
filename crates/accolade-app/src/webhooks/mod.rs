//! Webhooks (Standard Webhooks 1.0): an organization's admins register endpoints; every
//! change worth telling (the [`EventType`] catalogue) is queued as one delivery per matching
//! endpoint through [`App::emit_webhooks`], signed with the endpoint's secret and POSTed by
//! the delivery sender (`jobs/webhooks.rs`) through the SSRF-guarded client, with retries
//! over three days.

mod events;
mod expiry;
mod notice;
pub(crate) use notice::webhook_disabled;
pub mod sign;

pub use accolade_store::{DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint};
pub use events::{EventType, WebhookEvent};

use crate::api_keys::OrgAdmin;
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, OrgId, WebhookDeliveryId, WebhookEndpointId};
use accolade_net::TargetUrl;
use serde_json::json;
use time::Duration;

/// How long a rotated-out secret still signs deliveries, so receivers can switch over.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);
/// Endpoints per organization.
pub const MAX_ENDPOINTS: usize = 20;
const MAX_URL: usize = 2000;
const MAX_DESCRIPTION: usize = 500;

/// What an admin types to add or change an endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointForm {
    pub url: String,
    pub description: String,
    /// Event type names; empty: every event.
    pub events: Vec<String>,
}

/// A delivery with every attempt, for its page.
#[derive(Debug, Clone)]
pub struct DeliveryDetail {
    pub endpoint: WebhookEndpoint,
    pub delivery: WebhookDelivery,
    pub attempts: Vec<WebhookAttempt>,
}

impl App {
    /// The organization's endpoints, oldest first (admins).
    pub async fn webhook_endpoints(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
    ) -> AppResult<Vec<WebhookEndpoint>> {
        self.admin_of(by, org).await?;
        Ok(self.store.webhook_endpoints(org).await?)
    }

    /// One endpoint of the organization (admins); another organization's is not found.
    pub async fn webhook_endpoint(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> AppResult<WebhookEndpoint> {
        self.admin_of(by, org).await?;
        self.endpoint_of(org, id).await
    }

    async fn endpoint_of(&self, org: OrgId, id: WebhookEndpointId) -> AppResult<WebhookEndpoint> {
        self.store
            .webhook_endpoint(id)
            .await?
            .filter(|e| e.org_id == org)
            .ok_or(AppError::NotFound("webhook endpoint"))
    }

    /// Adds an endpoint, enabled, with a fresh secret (shown to the admin on its page).
    pub async fn create_webhook_endpoint(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        form: EndpointForm,
    ) -> AppResult<WebhookEndpoint> {
        let actor = self.admin_of(by, org).await?;
        let (url, description, events) = checked(form)?;
        if self.store.webhook_endpoints(org).await?.len() >= MAX_ENDPOINTS {
            return Err(AppError::Conflict(format!(
                "An organization can have at most {MAX_ENDPOINTS} webhook endpoints. Delete one you no longer use first."
            )));
        }
        let now = self.now();
        let endpoint = WebhookEndpoint {
            id: WebhookEndpointId::new(),
            org_id: org,
            url,
            description,
            events,
            enabled: true,
            disabled_reason: None,
            secret: sign::new_secret()?,
            previous_secret: None,
            previous_expires_at: None,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_webhook_endpoint(&endpoint).await?;
        let id = endpoint.id.to_string();
        self.audit(org, &actor, "webhook.create", &id, &endpoint.url)
            .await?;
        Ok(endpoint)
    }

    /// Changes an endpoint's URL, description and events.
    pub async fn update_webhook_endpoint(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookEndpointId,
        form: EndpointForm,
    ) -> AppResult<WebhookEndpoint> {
        let actor = self.admin_of(by, org).await?;
        let (url, description, events) = checked(form)?;
        let endpoint = WebhookEndpoint {
            url,
            description,
            events,
            updated_at: self.now(),
            ..self.endpoint_of(org, id).await?
        };
        self.save_endpoint(&actor, &endpoint, "webhook.update", &endpoint.url)
            .await?;
        Ok(endpoint)
    }

    /// Turns an endpoint on or off. Turning it off fails its pending deliveries; turning it
    /// on clears the reason it was off.
    pub async fn set_webhook_endpoint_enabled(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookEndpointId,
        enabled: bool,
    ) -> AppResult<WebhookEndpoint> {
        let actor = self.admin_of(by, org).await?;
        let current = self.endpoint_of(org, id).await?;
        let reason = (!enabled).then(|| format!("Disabled by {}.", actor.label));
        let endpoint = WebhookEndpoint {
            enabled,
            disabled_reason: reason.clone(),
            updated_at: self.now(),
            ..current
        };
        let action = if enabled {
            "webhook.enable"
        } else {
            "webhook.disable"
        };
        self.save_endpoint(&actor, &endpoint, action, &endpoint.url)
            .await?;
        if let Some(reason) = reason {
            self.store
                .fail_pending_webhook_deliveries(id, &reason)
                .await?;
        }
        Ok(endpoint)
    }

    /// Gives the endpoint a new secret; the old one keeps signing (a second signature) for
    /// [`ROTATION_OVERLAP`].
    pub async fn rotate_webhook_secret(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> AppResult<WebhookEndpoint> {
        let actor = self.admin_of(by, org).await?;
        let current = self.endpoint_of(org, id).await?;
        let now = self.now();
        let endpoint = WebhookEndpoint {
            secret: sign::new_secret()?,
            previous_secret: Some(current.secret.clone()),
            previous_expires_at: Some(now + ROTATION_OVERLAP),
            updated_at: now,
            ..current
        };
        self.save_endpoint(&actor, &endpoint, "webhook.rotate_secret", &endpoint.url)
            .await?;
        Ok(endpoint)
    }

    async fn save_endpoint(
        &self,
        actor: &Actor,
        endpoint: &WebhookEndpoint,
        action: &str,
        detail: &str,
    ) -> AppResult<()> {
        if !self.store.update_webhook_endpoint(endpoint).await? {
            return Err(AppError::NotFound("webhook endpoint"));
        }
        self.audit(
            endpoint.org_id,
            actor,
            action,
            &endpoint.id.to_string(),
            detail,
        )
        .await
    }

    /// Deletes an endpoint with its delivery log.
    pub async fn delete_webhook_endpoint(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> AppResult<()> {
        let actor = self.admin_of(by, org).await?;
        let endpoint = self.endpoint_of(org, id).await?;
        if !self.store.delete_webhook_endpoint(org, id).await? {
            return Err(AppError::NotFound("webhook endpoint"));
        }
        self.audit(
            org,
            &actor,
            "webhook.delete",
            &id.to_string(),
            &endpoint.url,
        )
        .await
    }

    /// Queues a `webhook.ping` to this endpoint (enabled or not: it is how an admin checks
    /// a fixed receiver before enabling it again). Returns the delivery's id.
    pub async fn send_webhook_ping(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> AppResult<()> {
        let actor = self.admin_of(by, org).await?;
        let endpoint = self.endpoint_of(org, id).await?;
        let ping = WebhookEvent::new(
            EventType::Ping,
            json!({
                "endpoint_id": endpoint.id.to_string(),
                "organization_id": org.to_string(),
                "requested_by": actor.label,
            }),
        );
        self.queue_deliveries(org, std::slice::from_ref(&endpoint), &[ping])
            .await?;
        Ok(())
    }

    /// The endpoint's delivery log, newest first (failed ones only when asked), `limit`
    /// rows created before `before` when given.
    pub async fn webhook_deliveries(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookEndpointId,
        failed_only: bool,
        before: Option<time::OffsetDateTime>,
        limit: i64,
    ) -> AppResult<Vec<WebhookDelivery>> {
        self.admin_of(by, org).await?;
        self.endpoint_of(org, id).await?;
        Ok(self
            .store
            .webhook_deliveries(id, failed_only, before, limit)
            .await?)
    }

    /// One delivery with its endpoint and attempts.
    pub async fn webhook_delivery(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookDeliveryId,
    ) -> AppResult<DeliveryDetail> {
        self.admin_of(by, org).await?;
        let delivery = self
            .store
            .webhook_delivery(id)
            .await?
            .filter(|d| d.org_id == org)
            .ok_or(AppError::NotFound("webhook delivery"))?;
        let endpoint = self.endpoint_of(org, delivery.endpoint_id).await?;
        let attempts = self.store.webhook_attempts(id).await?;
        Ok(DeliveryDetail {
            endpoint,
            delivery,
            attempts,
        })
    }

    /// Sends a delivery again, now, with the same `webhook-id` (receivers deduplicate by
    /// it). The endpoint must be enabled.
    pub async fn redeliver_webhook(
        &self,
        by: OrgAdmin<'_>,
        org: OrgId,
        id: WebhookDeliveryId,
    ) -> AppResult<()> {
        let detail = self.webhook_delivery(by, org, id).await?;
        if !detail.endpoint.enabled {
            return Err(AppError::Conflict(
                "This endpoint is disabled. Enable it first, then send the delivery again.".into(),
            ));
        }
        self.store.redeliver_webhook(id, self.now()).await?;
        Ok(())
    }
}

/// The form's values, checked: an absolute http(s) URL without user info, a short
/// description, and known event types (each once).
fn checked(form: EndpointForm) -> AppResult<(String, String, Vec<String>)> {
    let url = form.url.trim().to_owned();
    if url.is_empty() {
        return Err(AppError::invalid_field(
            "url",
            "Enter the URL that should receive the events.",
        ));
    }
    if url.len() > MAX_URL {
        return Err(AppError::invalid_field(
            "url",
            "Shorten the URL to at most 2,000 characters.",
        ));
    }
    let parsed = TargetUrl::parse(&url).map_err(|e| {
        AppError::invalid_field(
            "url",
            format!("Enter a full http:// or https:// URL ({e})."),
        )
    })?;
    let description = form.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::invalid_field(
            "description",
            "Shorten the description to at most 500 characters.",
        ));
    }
    let mut events: Vec<String> = Vec::new();
    for name in form.events {
        let name = name.trim();
        match EventType::parse(name) {
            Some(t) if t != EventType::Ping => {
                if !events.iter().any(|e| e == name) {
                    events.push(name.to_owned());
                }
            }
            _ => {
                return Err(AppError::invalid_field(
                    "events",
                    format!(
                        "“{}” is not an event Accolade sends.",
                        name.chars().take(40).collect::<String>()
                    ),
                ));
            }
        }
    }
    // Choosing every event is the same as choosing none: both follow new event types.
    if events.len() == EventType::CATALOGUE.len() {
        events.clear();
    }
    Ok((parsed.to_string(), description, events))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(url: &str, events: &[&str]) -> EndpointForm {
        EndpointForm {
            url: url.into(),
            description: String::new(),
            events: events.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    #[test]
    fn forms_are_checked() {
        let (url, _, events) = checked(form(" https://hooks.example/in ", &[])).unwrap();
        assert_eq!(url, "https://hooks.example/in");
        assert!(events.is_empty());
        let (_, _, events) = checked(form(
            "https://h.example/",
            &["award.issued", "award.issued"],
        ))
        .unwrap();
        assert_eq!(events, ["award.issued"]);
        let all: Vec<&str> = EventType::CATALOGUE.iter().map(|e| e.as_str()).collect();
        assert!(
            checked(form("https://h.example/", &all))
                .unwrap()
                .2
                .is_empty()
        );
        for bad in [
            "",
            "ftp://h.example/",
            "https://user@h.example/",
            "h.example",
        ] {
            assert!(checked(form(bad, &[])).is_err(), "{bad}");
        }
        assert!(checked(form("https://h.example/", &["webhook.ping"])).is_err());
        assert!(checked(form("https://h.example/", &["award.nope"])).is_err());
    }
}
