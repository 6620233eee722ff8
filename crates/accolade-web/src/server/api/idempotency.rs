//! `Idempotency-Key` on the API's POSTs (draft-ietf-httpapi-idempotency-key-header): the
//! layer runs the first request with a key and keeps its answer (status, the headers that
//! describe the result, body) for 24 hours once it has finished; a retry with the same key
//! and the same method, path and body gets that answer again with `Idempotent-Replayed:
//! true`; the same key with another request is refused with 422, and while the first is
//! still running with 409. A server error is not kept (the retry runs anew), nor is a
//! request cut off before its answer. Keys belong to the API key that sent them. Endpoints
//! that must not run without a key take [`IdempotencyRequired`].

use super::problem::Problem;
use crate::server::AppState;
use accolade_app::idempotency::{IdempotencyClaim, StoredResponse, fingerprint, parse_key};
use accolade_app::{ApiCaller, App};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub(crate) const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub(crate) const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The headers of an answer that are part of its result (the rest is about the moment).
const KEPT_HEADERS: [HeaderName; 6] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::ETAG,
    header::LAST_MODIFIED,
    header::CONTENT_LOCATION,
    header::LINK,
];

/// Rejects a request without an `Idempotency-Key` (400) on endpoints that require one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdempotencyRequired;

impl FromRequestParts<AppState> for IdempotencyRequired {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Problem> {
        if parts.headers.contains_key(IDEMPOTENCY_KEY) {
            Ok(Self)
        } else {
            Err(Problem::typed(
                StatusCode::BAD_REQUEST,
                "urn:accolade:problem:idempotency-key-missing",
                "Idempotency-Key missing",
                "This request needs an Idempotency-Key header (a UUID, say), so that a retry cannot create the same thing twice.",
            )
            .with_field("Idempotency-Key"))
        }
    }
}

/// Frees a claimed key if the request is dropped before its answer is kept (the client
/// went away and the handler was cut off), so a retry is not told "in flight".
struct Claim {
    app: AppState,
    caller: ApiCaller,
    key: String,
    armed: bool,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let (app, caller, key) = (self.app.clone(), self.caller.clone(), self.key.clone());
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = app.release_idempotency_key(&caller, &key).await;
            });
        }
    }
}

pub(crate) async fn layer(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(raw) = req.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(req).await;
    };
    // Without a key the handler answers 401; idempotency belongs to keyed callers.
    let Some(caller) = req.extensions().get::<ApiCaller>().cloned() else {
        return next.run(req).await;
    };
    let key = match parse_key(raw.to_str().unwrap_or("")) {
        Ok(k) => k,
        Err(e) => return Problem::from(e).into_response(),
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, super::super::MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            )
            .into_response();
        }
    };
    let target = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |pq| pq.as_str());
    // The path inside the nested router lacks the mount point; the fingerprint names the
    // whole path, as the client sent it.
    let whole = format!("{}{target}", super::BASE);
    let print = fingerprint(parts.method.as_str(), &whole, &bytes);
    match app.claim_idempotency_key(&caller, &key, &print).await {
        Err(e) => Problem::from(e).into_response(),
        Ok(IdempotencyClaim::Mismatch) => Problem::typed(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:accolade:problem:idempotency-key-reused",
            "Idempotency-Key reused",
            "This Idempotency-Key was already used for a different request (another method, path or body). Use a new key for a new request.",
        )
        .with_field("Idempotency-Key")
        .into_response(),
        Ok(IdempotencyClaim::InFlight) => Problem::typed(
            StatusCode::CONFLICT,
            "urn:accolade:problem:idempotency-key-in-flight",
            "Request in progress",
            "A request with this Idempotency-Key is still being processed. Retry once it has finished to get its answer.",
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
        .into_response(),
        Ok(IdempotencyClaim::Done(stored)) => replay(stored),
        Ok(IdempotencyClaim::Claimed) => {
            let claim = Claim {
                app: app.clone(),
                caller,
                key,
                armed: true,
            };
            let req = Request::from_parts(parts, Body::from(bytes));
            first(&app, claim, next.run(req).await).await
        }
    }
}

/// Keeps the first request's answer (or frees the key after a server error) and sends it.
async fn first(app: &Arc<App>, mut claim: Claim, res: Response) -> Response {
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            // The handler's body failed while being read: nothing to keep; the drop guard
            // frees the key.
            return Problem::from(accolade_app::AppError::internal(
                "reading the answer to keep",
                e,
            ))
            .into_response();
        }
    };
    let status = parts.status;
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        claim.armed = false;
        if let Err(e) = app.release_idempotency_key(&claim.caller, &claim.key).await {
            tracing::warn!(error = %accolade_app::Chain(&e), "freeing an idempotency key failed");
        }
    } else {
        let stored = StoredResponse {
            status: status.as_u16(),
            headers: KEPT_HEADERS
                .iter()
                .filter_map(|name| {
                    let v = parts.headers.get(name)?.to_str().ok()?;
                    Some((name.as_str().to_owned(), v.to_owned()))
                })
                .collect(),
            body: bytes.to_vec(),
        };
        // Kept or not, the work is done: the claim stays (a retry is told "in flight" until
        // it is abandoned) rather than be freed for a second run.
        claim.armed = false;
        if let Err(e) = app
            .finish_idempotency_key(&claim.caller, &claim.key, &stored)
            .await
        {
            tracing::warn!(error = %accolade_app::Chain(&e), "keeping an idempotent answer failed");
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The kept answer, marked as a replay.
fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut res = (status, stored.body).into_response();
    let h = res.headers_mut();
    h.remove(header::CONTENT_TYPE);
    for (name, value) in &stored.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            h.insert(n, v);
        }
    }
    h.insert(REPLAYED, HeaderValue::from_static("true"));
    res
}
