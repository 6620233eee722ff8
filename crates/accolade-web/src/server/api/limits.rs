//! The API's layer: checks the caller's key once (a token that does not name a usable key
//! is refused with 401 here), then counts the request against the key's budget
//! ([`RequestClass::Api`], per key, configured with the server's other limits). Every
//! response to a keyed request carries the IETF `RateLimit-Policy` and `RateLimit` headers
//! (draft-ietf-httpapi-ratelimit-headers: `"default";q=600;w=60` and `"default";r=599;t=1`);
//! a request over the budget gets 429 problem JSON with `Retry-After`.

use super::auth::authenticate;
use super::problem::Problem;
use crate::server::AppState;
use crate::server::rate_limit::Limiter;
use accolade_app::{ApiCaller, RequestClass};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The state of the API's layer.
#[derive(Clone)]
pub(crate) struct ApiLimits {
    pub app: AppState,
    pub limiter: Arc<Limiter>,
}

pub(crate) const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
pub(crate) const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// The bucket of a key: the first 12 bytes of its id (random, so unique in practice).
fn bucket(caller: &ApiCaller) -> [u8; 12] {
    let mut k = [0u8; 12];
    k.copy_from_slice(&caller.key_id.as_uuid().as_bytes()[..12]);
    k
}

fn set_headers(h: &mut HeaderMap, policy: &str, remaining: u32, reset_secs: u64) {
    if let Ok(v) = HeaderValue::from_str(policy) {
        h.insert(RATELIMIT_POLICY, v);
    }
    let now = format!("\"default\";r={remaining};t={reset_secs}");
    if let Ok(v) = HeaderValue::from_str(&now) {
        h.insert(RATELIMIT, v);
    }
}

pub(crate) async fn layer(State(s): State<ApiLimits>, mut req: Request, next: Next) -> Response {
    let caller = match authenticate(&s.app, req.headers()).await {
        Ok(Some(caller)) => caller,
        // Without a key the handler decides (those that need one answer 401).
        Ok(None) => return next.run(req).await,
        Err(problem) => return problem.into_response(),
    };
    let rate = s.limiter.limits().rate(RequestClass::Api);
    let policy = format!("\"default\";q={};w={}", rate.burst, rate.window_secs());
    let now = s.app.clock().now().unix_timestamp_nanos();
    match s.limiter.take(RequestClass::Api, bucket(&caller), now) {
        Ok(left) => {
            req.extensions_mut().insert(caller);
            let mut res = next.run(req).await;
            set_headers(
                res.headers_mut(),
                &policy,
                left.remaining,
                left.full_in_secs,
            );
            res
        }
        Err(secs) => {
            let mut res = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "This API key made more than {} requests in {} seconds. Try again in {secs} seconds.",
                    rate.burst,
                    rate.window_secs()
                ),
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from(secs))
            .into_response();
            set_headers(res.headers_mut(), &policy, 0, secs);
            res
        }
    }
}
