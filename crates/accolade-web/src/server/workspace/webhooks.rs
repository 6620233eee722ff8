//! The webhook pages (admins): the organization's endpoints and the form to add one; an
//! endpoint's page with its secret (open once after it is made or rotated, else behind
//! "Reveal"), its actions (ping, rotate, disable or enable, delete) and its delivery log;
//! a delivery's page with the request and every attempt's answer, and manual redelivery.
//! Every POST redirects after success.

use super::{check_csrf, html, member_org, nav, require};
use crate::format_datetime;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{
    AttemptView, DeliveryRow, DeliveryView, EndpointRow, EventChoice, Layout, Refusal, WebhookView,
    WebhooksView,
};
use accolade_app::accounts::CurrentUser;
use accolade_app::webhooks::{DeliveryState, EndpointForm, EventType};
use accolade_app::{AppError, OrgAdmin};
use accolade_core::{Organization, Role, WebhookDeliveryId, WebhookEndpointId};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

/// Deliveries per page of the log.
const PAGE: i64 = 50;

pub fn routes() -> Router<AppState> {
    let base = "/dashboard/orgs/{slug}/webhooks";
    Router::new()
        .route(base, get(list).post(create))
        .route(&format!("{base}/{{id}}"), get(endpoint_page))
        .route(&format!("{base}/{{id}}/{{action}}"), post(act))
        .route(
            &format!("{base}/{{id}}/deliveries/{{delivery}}"),
            get(delivery_page),
        )
        .route(
            &format!("{base}/{{id}}/deliveries/{{delivery}}/redeliver"),
            post(redeliver),
        )
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
    /// `delete` on the confirmation step's button.
    #[serde(default)]
    confirm: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct LogQuery {
    failed: Option<String>,
    before: Option<i64>,
    /// Set after a redirect: which action just succeeded.
    done: Option<String>,
    /// `delete`: ask to confirm the deletion.
    confirm: Option<String>,
}

fn list_url(org: &Organization) -> String {
    format!("/dashboard/orgs/{}/webhooks", org.slug)
}

fn endpoint_url(org: &Organization, id: WebhookEndpointId) -> String {
    format!("{}/{id}", list_url(org))
}

fn parse_endpoint(raw: &str) -> Result<WebhookEndpointId, AppError> {
    raw.parse()
        .map_err(|_| AppError::NotFound("webhook endpoint"))
}

fn parse_delivery(raw: &str) -> Result<WebhookDeliveryId, AppError> {
    raw.parse()
        .map_err(|_| AppError::NotFound("webhook delivery"))
}

/// The list with the add form, holding what was typed after a refusal.
async fn list_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    typed: Option<&EndpointForm>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let endpoints = app
        .webhook_endpoints(OrgAdmin::Member(user), org.id)
        .await?;
    let chosen = typed.map(|f| f.events.clone()).unwrap_or_default();
    let view = WebhooksView {
        layout: Layout::new("Webhooks", "The organization's webhook endpoints")
            .with_user(nav(user)),
        slug: org.slug.to_string(),
        csrf: user.csrf_token.clone(),
        endpoints: endpoints
            .iter()
            .map(|e| EndpointRow {
                page: endpoint_url(org, e.id),
                url: e.url.clone(),
                description: e.description.clone(),
                events: e.events.clone(),
                enabled: e.enabled,
                disabled_reason: e.disabled_reason.clone(),
                created: format_datetime(e.created_at),
            })
            .collect(),
        url: typed.map(|f| f.url.clone()).unwrap_or_default(),
        description: typed.map(|f| f.description.clone()).unwrap_or_default(),
        events: EventType::CATALOGUE
            .iter()
            .map(|e| EventChoice {
                name: e.as_str().into(),
                description: e.description().into(),
                checked: chosen.iter().any(|c| c == e.as_str()),
            })
            .collect(),
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(html(crate::webhooks(&view), status))
}

async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        list_page(&app, &user, &org, None, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let value = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        check_csrf(&user, &value("csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let form = EndpointForm {
            url: value("url"),
            description: value("description"),
            events: fields
                .iter()
                .filter(|(n, _)| n == "events")
                .map(|(_, v)| v.clone())
                .collect(),
        };
        match app
            .create_webhook_endpoint(OrgAdmin::Member(&user), org.id, form.clone())
            .await
        {
            Ok(e) => Ok(
                Redirect::to(&format!("{}?done=created", endpoint_url(&org, e.id))).into_response(),
            ),
            Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
                let refusal = Refusal::from(&e);
                list_page(&app, &user, &org, Some(&form), Some(refusal.message)).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// What a redirect's `done` says happened.
fn notice(done: Option<&str>) -> Option<String> {
    let text = match done? {
        "created" => "Endpoint added. Copy its signing secret into your receiver.",
        "rotated" => "New secret made. The previous one also signs requests for 24 hours.",
        "ping" => "Test ping queued: it appears below within seconds.",
        "enabled" => "Endpoint enabled.",
        "disabled" => "Endpoint disabled. Its pending deliveries were stopped.",
        "redelivered" => "Delivery queued again: it goes out within seconds.",
        _ => return None,
    };
    Some(text.into())
}

async fn endpoint_page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<LogQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let id = parse_endpoint(&id)?;
        let e = app
            .webhook_endpoint(OrgAdmin::Member(&user), org.id, id)
            .await?;
        let failed_only = q.failed.as_deref() == Some("1");
        let before = q.before.and_then(|us| {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000).ok()
        });
        let log = app
            .webhook_deliveries(
                OrgAdmin::Member(&user),
                org.id,
                id,
                failed_only,
                before,
                PAGE,
            )
            .await?;
        let page = endpoint_url(&org, id);
        let older = (log.len() as i64 == PAGE)
            .then(|| log.last())
            .flatten()
            .map(|d| {
                let us = d.created_at.unix_timestamp_nanos() / 1000;
                let failed = if failed_only { "failed=1&" } else { "" };
                format!("{page}?{failed}before={us}")
            });
        let now = app.clock().now();
        let view = WebhookView {
            layout: Layout::new("Webhook endpoint", "A webhook endpoint and its deliveries")
                .with_user(nav(&user)),
            slug: org.slug.to_string(),
            csrf: user.csrf_token.clone(),
            page: page.clone(),
            url: e.url.clone(),
            description: e.description.clone(),
            events: e.events.clone(),
            enabled: e.enabled,
            disabled_reason: e.disabled_reason.clone(),
            secret: e.secret.clone(),
            secret_open: matches!(q.done.as_deref(), Some("created" | "rotated")),
            previous_until: e
                .previous_expires_at
                .filter(|u| *u > now && e.previous_secret.is_some())
                .map(format_datetime),
            created: format_datetime(e.created_at),
            notice: notice(q.done.as_deref()),
            error: None,
            confirm_delete: q.confirm.as_deref() == Some("delete"),
            failed_only,
            deliveries: log
                .iter()
                .map(|d| DeliveryRow {
                    page: format!("{page}/deliveries/{}", d.id),
                    event_type: d.event_type.clone(),
                    msg_id: d.msg_id.clone(),
                    state: d.state.as_str().into(),
                    attempts: d.attempts,
                    last_status: d.last_status,
                    last_error: d.last_error.clone(),
                    created: format_datetime(d.created_at),
                    next_attempt: (d.state == DeliveryState::Pending && d.attempts > 0)
                        .then_some(d.next_attempt_at)
                        .flatten()
                        .map(format_datetime),
                })
                .collect(),
            older,
        };
        Ok::<_, WebError>(html(crate::webhook(&view), StatusCode::OK))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// The endpoint's buttons: ping, rotate, enable, disable, delete.
async fn act(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id, action)): Path<(String, String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let id = parse_endpoint(&id)?;
        let done = match action.as_str() {
            "ping" => {
                app.send_webhook_ping(OrgAdmin::Member(&user), org.id, id)
                    .await?;
                "ping"
            }
            "rotate" => {
                app.rotate_webhook_secret(OrgAdmin::Member(&user), org.id, id)
                    .await?;
                "rotated"
            }
            "enable" => {
                app.set_webhook_endpoint_enabled(OrgAdmin::Member(&user), org.id, id, true)
                    .await?;
                "enabled"
            }
            "disable" => {
                app.set_webhook_endpoint_enabled(OrgAdmin::Member(&user), org.id, id, false)
                    .await?;
                "disabled"
            }
            // Deleting drops the delivery log too: asked once more, on the endpoint's page.
            "delete" if f.confirm != "delete" => {
                app.webhook_endpoint(OrgAdmin::Member(&user), org.id, id)
                    .await?;
                return Ok(
                    Redirect::to(&format!("{}?confirm=delete", endpoint_url(&org, id)))
                        .into_response(),
                );
            }
            "delete" => {
                app.delete_webhook_endpoint(OrgAdmin::Member(&user), org.id, id)
                    .await?;
                return Ok(Redirect::to(&list_url(&org)).into_response());
            }
            _ => return Err(WebError::from(AppError::NotFound("action"))),
        };
        Ok::<_, WebError>(
            Redirect::to(&format!("{}?done={done}", endpoint_url(&org, id))).into_response(),
        )
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn delivery_page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id, delivery)): Path<(String, String, String)>,
    Query(q): Query<LogQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let endpoint = parse_endpoint(&id)?;
        let detail = app
            .webhook_delivery(OrgAdmin::Member(&user), org.id, parse_delivery(&delivery)?)
            .await?;
        if detail.endpoint.id != endpoint {
            return Err(AppError::NotFound("webhook delivery").into());
        }
        let d = &detail.delivery;
        let endpoint_page = endpoint_url(&org, endpoint);
        let view = DeliveryView {
            layout: Layout::new("Webhook delivery", "A webhook delivery and its attempts")
                .with_user(nav(&user)),
            slug: org.slug.to_string(),
            csrf: user.csrf_token.clone(),
            page: format!("{endpoint_page}/deliveries/{}", d.id),
            endpoint_page,
            endpoint_url: detail.endpoint.url.clone(),
            event_type: d.event_type.clone(),
            msg_id: d.msg_id.clone(),
            state: d.state.as_str().into(),
            created: format_datetime(d.created_at),
            next_attempt: (d.state == DeliveryState::Pending)
                .then_some(d.next_attempt_at)
                .flatten()
                .map(format_datetime),
            can_redeliver: detail.endpoint.enabled && d.state != DeliveryState::Pending,
            payload: d.payload.clone(),
            attempts: detail
                .attempts
                .iter()
                .rev()
                .map(|a| AttemptView {
                    number: a.attempt,
                    at: format_datetime(a.at),
                    status: a.status,
                    ok: a.status.is_some_and(|s| (200..300).contains(&s)),
                    error: a.error.clone(),
                    duration_ms: a.duration_ms,
                    request_headers: a.request_headers.clone(),
                    response_headers: a.response_headers.clone(),
                    response_body: a.response_body.clone(),
                })
                .collect(),
            notice: notice(q.done.as_deref()),
            error: None,
        };
        Ok::<_, WebError>(html(crate::webhook_delivery(&view), StatusCode::OK))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn redeliver(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id, delivery)): Path<(String, String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let endpoint = parse_endpoint(&id)?;
        let delivery = parse_delivery(&delivery)?;
        app.redeliver_webhook(OrgAdmin::Member(&user), org.id, delivery)
            .await?;
        Ok::<_, WebError>(
            Redirect::to(&format!(
                "{}/deliveries/{delivery}?done=redelivered",
                endpoint_url(&org, endpoint)
            ))
            .into_response(),
        )
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
