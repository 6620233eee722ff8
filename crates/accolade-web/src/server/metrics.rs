//! `/metrics` in the Prometheus text format. Off by default: served on the main listener
//! only when a bearer token is configured (and then only to requests that carry it), or on
//! a listener of its own (`accolade serve --metrics-listen`), which serves nothing else.

use super::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// The content type of the text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The secret a scraper sends as `Authorization: Bearer …`. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// A token; `None` for an empty one (which would protect nothing).
    pub fn new(token: &str) -> Option<Self> {
        let t = token.trim();
        (!t.is_empty()).then(|| MetricsToken(t.to_owned()))
    }

    /// Whether `headers` carry this token. Both sides are hashed first and the digests
    /// compared in constant time, so neither the token's bytes nor its length leak through
    /// timing.
    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        let a = Sha256::digest(given.trim().as_bytes());
        let b = Sha256::digest(self.0.as_bytes());
        // Constant time: every byte is compared whatever the earlier ones were.
        a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

async fn text(app: &AppState) -> Response {
    let body = app.metrics_text().await;
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT_FORMAT))],
        body,
    )
        .into_response()
}

/// `/metrics` on the main listener, behind the token.
pub(crate) fn with_token(token: MetricsToken) -> Router<AppState> {
    let token = Arc::new(token);
    Router::new().route(
        "/metrics",
        get(move |State(app): State<AppState>, headers: HeaderMap| {
            let token = token.clone();
            async move {
                if !token.admits(&headers) {
                    let mut res = (
                        StatusCode::UNAUTHORIZED,
                        "A bearer token is needed for the metrics.\n",
                    )
                        .into_response();
                    res.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Bearer realm=\"metrics\""),
                    );
                    return res;
                }
                text(&app).await
            }
        }),
    )
}

/// The router of the metrics listener: `/metrics` and nothing else.
pub fn router(app: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(app): State<AppState>| async move { text(&app).await }),
        )
        .with_state(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn only_the_exact_token_is_admitted() {
        let t = MetricsToken::new("s3cret-token").unwrap();
        assert!(t.admits(&bearer("Bearer s3cret-token")));
        assert!(!t.admits(&bearer("Bearer s3cret-toke")));
        assert!(!t.admits(&bearer("Bearer s3cret-token2")));
        assert!(!t.admits(&bearer("Basic s3cret-token")));
        assert!(!t.admits(&HeaderMap::new()));
        assert!(MetricsToken::new("  ").is_none());
        assert_eq!(format!("{t:?}"), "MetricsToken(…)");
    }
}
