//! The REST API, under `/api/v1`: JSON in and out, RFC 9457 problems for errors
//! ([`problem`]), bearer API keys ([`auth`]) with a request budget per key ([`limits`]), and
//! `Idempotency-Key` on the POSTs that create ([`idempotency`]). Each part of the API adds
//! its routes with one `.merge(…)` line in [`router`].

mod achievements;
pub(crate) mod api_keys;
pub(crate) mod auth;
mod award_status;
mod awards;
pub(crate) mod idempotency;
mod imports;
pub(crate) mod limits;
mod openapi;
mod paging;
pub(crate) mod problem;
mod reads;
mod reference;
mod rejections;
mod types;
mod webhooks;

use super::AppState;
use crate::server::rate_limit::Limiter;
use accolade_app::ApiScope;
use auth::ApiAuth;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use problem::Problem;
use std::sync::Arc;

/// Where the API is mounted.
pub(crate) const BASE: &str = "/api/v1";

/// Every route of the API, relative to [`BASE`].
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/organization", get(organization))
        .merge(openapi::routes())
        .merge(api_keys::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(rejections::method_not_allowed)
        .layer(DefaultBodyLimit::max(imports::MAX_BATCH_BYTES))
}

/// [`router`] with the API's layers: the caller's key checked once, its budget counted and
/// the rate limit headers added, idempotent creation. `server/mod.rs` nests it under
/// [`BASE`].
pub(crate) fn service(app: AppState, limiter: Arc<Limiter>) -> Router<AppState> {
    let state = limits::ApiLimits { app, limiter };
    router()
        .layer(middleware::from_fn_with_state(
            state.app.clone(),
            idempotency::layer,
        ))
        .layer(middleware::from_fn_with_state(state, limits::layer))
        .layer(middleware::from_fn(read_body_first))
}

/// Reads the whole request body (up to the largest the API takes) before anything answers.
/// An answer given with the body unread (a request without a key, over its budget) makes the
/// server close the connection after it, under a client that may already be sending its
/// next request on it; read first, every connection stays usable.
async fn read_body_first(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, imports::MAX_BATCH_BYTES).await {
        Ok(bytes) => {
            let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
            next.run(req).await
        }
        Err(_) => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large, or it was cut off before its end.",
        )
        .into_response(),
    }
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "There is no API endpoint at this address.",
    )
}

/// An instant as the API writes it: RFC 3339, UTC, whole seconds.
pub(crate) fn instant(t: time::OffsetDateTime) -> String {
    use time::format_description::well_known::Rfc3339;
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The caller's organization.
async fn organization(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
) -> Result<Json<serde_json::Value>, Problem> {
    caller.require(ApiScope::Read)?;
    let org = app.org(caller.org_id).await?;
    let urls = app.urls();
    Ok(Json(serde_json::json!({
        "id": org.id.to_string(),
        "slug": org.slug.as_str(),
        "name": org.name,
        "url": org.url,
        "email": org.email.as_ref().map(|e| e.as_str()),
        "description": org.description,
        "languages": org.languages.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "image_url": org.image_id.map(|i| urls.image(i)),
        "profile_url": urls.issuer_page(&org.slug),
        "did": urls.issuer_did(&org.slug),
        "created_at": instant(org.created_at),
    })))
}
