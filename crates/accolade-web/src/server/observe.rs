//! Every request logged once and counted: method, matched route (the route pattern, so no
//! award id or token lands in the log), status, latency and a request id. The id comes
//! from a trusted proxy's `x-request-id` when it is well formed, else it is made here; it
//! is sent back in `x-request-id` and shown on error pages, so a visitor's "request id"
//! finds its log lines.

use super::AppState;
use super::client::ClientAddr;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    /// The id of the request the current task answers (error pages and logs read it).
    static REQUEST_ID: String;
}

/// The current request's id, or a new one outside a request (a handler called directly).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| new_request_id())
}

/// An id to quote in a support request (not a secret): 16 hex digits. Random; should the
/// random source fail, the process id and a counter, so no two requests of one server
/// share an id.
pub fn new_request_id() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        b = ((u64::from(std::process::id()) << 40) ^ n).to_be_bytes();
    }
    hex::encode(b)
}

/// Whether a proxy's request id may be kept: 1 to 64 of `A-Z a-z 0-9 . _ -` (nothing a log
/// reader could mistake for another field or line).
pub fn well_formed_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The id of a request: the trusted proxy's, when well formed, else a new one.
fn request_id_of(req: &Request) -> String {
    let via_proxy = req
        .extensions()
        .get::<ClientAddr>()
        .is_some_and(|c| c.via_trusted_proxy);
    if via_proxy
        && let Some(id) = req
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|id| well_formed_request_id(id))
    {
        return id.to_owned();
    }
    new_request_id()
}

/// The layer: runs the request with its id in scope, then logs and counts it.
pub(crate) async fn layer(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id_of(&req);
    let method = req.method().clone();
    // Unmatched paths share one label: a scan of random URLs adds no series.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let mut res = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    let elapsed = started.elapsed();
    let status = res.status();
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    let status_text = status.as_str();
    let labels = [method.as_str(), route.as_str(), status_text];
    let metrics = app.metrics();
    metrics.http_requests.inc(&labels);
    metrics
        .http_duration
        .observe(&labels, elapsed.as_secs_f64());
    // Milliseconds to the microsecond: a number in JSON lines.
    let latency_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
    tracing::info!(
        target: "accolade::http",
        request_id = %id,
        method = %method,
        route = %route,
        status = status.as_u16(),
        latency_ms,
        "request"
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(well_formed_request_id("abc-DEF_1.2"));
        assert!(well_formed_request_id(&"a".repeat(64)));
        for bad in ["", "a b", "a\nb", "é", "x\"y", "a=b", &"a".repeat(65)] {
            assert!(!well_formed_request_id(bad), "{bad:?}");
        }
        let made = new_request_id();
        assert_eq!(made.len(), 16);
        assert!(well_formed_request_id(&made));
        assert_ne!(made, new_request_id());
    }

    #[tokio::test]
    async fn error_pages_show_the_id_of_their_request() {
        use axum::response::IntoResponse;
        let internal = || super::super::errors::WebError::internal("the disk is full");
        let (json, html) = REQUEST_ID
            .scope("proxy-id-7".to_owned(), async {
                (
                    internal().json(true).into_response(),
                    internal().into_response(),
                )
            })
            .await;
        let body = axum::body::to_bytes(json.into_body(), 1 << 16)
            .await
            .unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["request_id"], "proxy-id-7");
        assert!(!problem.to_string().contains("disk"), "{problem}");
        let body = axum::body::to_bytes(html.into_body(), 1 << 20)
            .await
            .unwrap();
        let page = String::from_utf8_lossy(&body);
        assert!(page.contains("proxy-id-7"), "{page}");
        assert!(!page.contains("disk"), "{page}");
    }
}
