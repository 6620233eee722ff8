//! Webhook endpoints through the API (admin scope): list, add (the secret is in the answer,
//! once), read, delete, ping, and each endpoint's newest deliveries. The same `App` methods
//! as the workspace's pages, authorized as the organization's admin.

use super::auth::ApiAuth;
use super::paging::ListPage;
use super::problem::Problem;
use super::rejections::{ApiJson, ApiPath, ApiQuery};
use super::types::{ProblemDoc, rfc3339};
use crate::server::AppState;
use accolade_app::webhooks::{EndpointForm, WebhookDelivery, WebhookEndpoint};
use accolade_app::{AppError, OrgAdmin};
use accolade_core::WebhookEndpointId;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Deliveries on one page of an endpoint's log.
const DELIVERIES_PAGE: i64 = 100;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, delete))
        .routes(routes!(ping))
        .routes(routes!(deliveries))
}

/// A webhook endpoint (its secret only in the answer that adds it).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WebhookOut {
    pub id: String,
    pub url: String,
    pub description: String,
    /// The event types it receives; empty: every event.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it is disabled, when it is.
    pub disabled_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl WebhookOut {
    fn of(e: &WebhookEndpoint) -> Self {
        Self {
            id: e.id.to_string(),
            url: e.url.clone(),
            description: e.description.clone(),
            events: e.events.clone(),
            enabled: e.enabled,
            disabled_reason: e.disabled_reason.clone(),
            created_at: rfc3339(e.created_at),
            updated_at: rfc3339(e.updated_at),
        }
    }
}

/// A new endpoint, with the secret its deliveries are signed with (shown this once).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WebhookCreated {
    #[serde(flatten)]
    pub endpoint: WebhookOut,
    /// `whsec_…`: verify each delivery's `webhook-signature` with it (Standard Webhooks).
    pub secret: String,
}

/// An endpoint to add.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"url": "https://lms.example.org/hooks/accolade", "description": "LMS sync", "events": ["award.issued", "award.revoked"]}))]
pub(crate) struct WebhookIn {
    /// Where to POST the events (http or https).
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// Event types to receive (`award.issued`, `award.claimed`, `award.revoked`,
    /// `award.suspended`, `award.reinstated`, `award.expired`, `award.renewed`,
    /// `import.completed`, `achievement.updated`); empty or absent: every event.
    #[serde(default)]
    pub events: Vec<String>,
}

/// One event's delivery to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeliveryOut {
    pub id: String,
    /// The `webhook-id` the receiver sees (the same on every attempt).
    pub msg_id: String,
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
}

impl DeliveryOut {
    fn of(d: &WebhookDelivery) -> Self {
        Self {
            id: d.id.to_string(),
            msg_id: d.msg_id.clone(),
            event_type: d.event_type.clone(),
            state: d.state.as_str().to_owned(),
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error.clone(),
            next_attempt_at: d.next_attempt_at.map(rfc3339),
            created_at: rfc3339(d.created_at),
        }
    }
}

/// Which deliveries.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeliveriesQuery {
    /// Only those that failed.
    #[serde(default)]
    pub failed: bool,
}

fn endpoint_id(raw: &str) -> Result<WebhookEndpointId, AppError> {
    raw.parse()
        .map_err(|_| AppError::NotFound("webhook endpoint"))
}

/// List webhook endpoints
#[utoipa::path(get, path = "/webhooks", operation_id = "listWebhooks", tag = "Webhooks",
    responses((status = 200, description = "The organization's endpoints", body = ListPage<WebhookOut>)),
    security(("bearer" = [])))]
async fn list(State(app): State<AppState>, ApiAuth(caller): ApiAuth) -> Result<Response, Problem> {
    let data = app
        .webhook_endpoints(OrgAdmin::Key(&caller), caller.org_id)
        .await?
        .iter()
        .map(WebhookOut::of)
        .collect();
    Ok(axum::Json(ListPage { data, next: None }).into_response())
}

/// Add a webhook endpoint
///
/// Deliveries are signed per Standard Webhooks with the secret in the answer, which is not
/// shown again.
#[utoipa::path(post, path = "/webhooks", operation_id = "createWebhook", tag = "Webhooks",
    request_body = WebhookIn,
    responses(
        (status = 201, description = "The endpoint, with its secret", body = WebhookCreated,
            links(
                ("get" = (operation_id = "getWebhook", parameters(("id" = "$response.body#/id")))),
                ("ping" = (operation_id = "pingWebhook", parameters(("id" = "$response.body#/id")))),
                ("deliveries" = (operation_id = "listWebhookDeliveries", parameters(("id" = "$response.body#/id")))),
                ("delete" = (operation_id = "deleteWebhook", parameters(("id" = "$response.body#/id"))))
            ),
            headers(("Location" = String, description = "The endpoint's address"))),
        (status = 400, description = "A field is not valid", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The organization has as many endpoints as it may", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiJson(body): ApiJson<WebhookIn>,
) -> Result<Response, Problem> {
    let form = EndpointForm {
        url: body.url,
        description: body.description,
        events: body.events,
    };
    let e = app
        .create_webhook_endpoint(OrgAdmin::Key(&caller), caller.org_id, form)
        .await?;
    let out = WebhookCreated {
        endpoint: WebhookOut::of(&e),
        secret: e.secret.clone(),
    };
    let mut res = (StatusCode::CREATED, axum::Json(out)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/webhooks/{}", e.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Get a webhook endpoint
#[utoipa::path(get, path = "/webhooks/{id}", operation_id = "getWebhook", tag = "Webhooks",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookOut),
        (status = 404, description = "No such endpoint in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn get_one(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let e = app
        .webhook_endpoint(OrgAdmin::Key(&caller), caller.org_id, endpoint_id(&id)?)
        .await?;
    Ok(axum::Json(WebhookOut::of(&e)).into_response())
}

/// Delete a webhook endpoint
///
/// With its delivery log; deliveries not yet sent are dropped.
#[utoipa::path(delete, path = "/webhooks/{id}", operation_id = "deleteWebhook", tag = "Webhooks",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such endpoint in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn delete(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    app.delete_webhook_endpoint(OrgAdmin::Key(&caller), caller.org_id, endpoint_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Send a test event
///
/// Queues a `webhook.ping` delivery to the endpoint.
#[utoipa::path(post, path = "/webhooks/{id}/ping", operation_id = "pingWebhook", tag = "Webhooks",
    params(("id" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "The ping is queued"),
        (status = 404, description = "No such endpoint in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The endpoint is disabled", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn ping(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    app.send_webhook_ping(OrgAdmin::Key(&caller), caller.org_id, endpoint_id(&id)?)
        .await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// List an endpoint's deliveries
///
/// The newest first, up to 100.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", operation_id = "listWebhookDeliveries", tag = "Webhooks",
    params(("id" = String, Path, description = "The endpoint's id"), DeliveriesQuery),
    responses(
        (status = 200, description = "The deliveries", body = ListPage<DeliveryOut>),
        (status = 404, description = "No such endpoint in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn deliveries(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DeliveriesQuery>,
) -> Result<Response, Problem> {
    let data = app
        .webhook_deliveries(
            OrgAdmin::Key(&caller),
            caller.org_id,
            endpoint_id(&id)?,
            q.failed,
            None,
            DELIVERIES_PAGE,
        )
        .await?
        .iter()
        .map(DeliveryOut::of)
        .collect();
    Ok(axum::Json(ListPage { data, next: None }).into_response())
}
