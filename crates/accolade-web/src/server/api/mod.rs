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
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use problem::Problem;
use std::sync::Arc;

/// Where the API is mounted.
pub(crate) const BASE: &str = "/api/v1";

/// Every route of the API, relative to [`BASE`].
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(openapi::routes())
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
/// server close the connection after it, under a client that may still be sending the body
/// or its next request on it; read first, every connection stays usable. A body over the
/// limit is read to its end too (up to [`DRAIN_LIMIT`]) and discarded, so that the client
/// hears the 413 instead of a broken connection.
async fn read_body_first(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "The request body was cut off before its end.",
            )
            .into_response();
        };
        seen = seen.saturating_add(chunk.len());
        if seen > DRAIN_LIMIT {
            break;
        }
        if seen <= imports::MAX_BATCH_BYTES {
            kept.extend_from_slice(&chunk);
        }
    }
    if seen > imports::MAX_BATCH_BYTES {
        return rejections::too_large();
    }
    let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(kept));
    next.run(req).await
}

/// How much of a body over the limit is still read (and discarded) before the 413.
const DRAIN_LIMIT: usize = 4 * imports::MAX_BATCH_BYTES;

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
