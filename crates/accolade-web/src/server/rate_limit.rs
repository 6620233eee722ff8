//! Per-client rate limits on the public forms (the policy, which requests and how many, is
//! [`accolade_app::request_limits`]; this is the counting). One token bucket per client key
//! and request class, kept as its "theoretical arrival time" (GCRA): a request is let in
//! while that time is at most the burst ahead of now, and each one pushes it on by the
//! interval. A bucket whose time has passed is full again and is the same as no bucket, so
//! idle clients are dropped by a sweep, and a cap on tracked clients bounds the memory.

use super::AppState;
use super::client::ClientAddr;
use super::errors::WebError;
use super::negotiate::wants_json;
use accolade_app::{RequestClass, RequestLimits};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a refused client is told (the seconds are in `Retry-After`).
pub(crate) const TOO_MANY: &str =
    "Too many requests came from your network in a short time. Wait a moment, then try again.";

const SECOND: i128 = 1_000_000_000;
/// Idle buckets are swept at least this often, and at most once a second when full.
const SWEEP_EVERY: i128 = 60 * SECOND;
/// When every tracked client is active and the cap is reached, the least active of this
/// many is forgotten to make room.
const EVICTION_SAMPLE: usize = 32;

type Key = (RequestClass, [u8; 12]);

/// What is left of a budget after a request was let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Left {
    /// Requests that would be let in at once now.
    pub remaining: u32,
    /// Seconds until the whole budget is back.
    pub full_in_secs: u64,
}

/// The buckets of one server process.
#[derive(Debug)]
pub struct Limiter {
    limits: RequestLimits,
    inner: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    /// Nanoseconds since the epoch when each bucket is full again.
    full_at: HashMap<Key, i128>,
    last_sweep: i128,
}

impl Limiter {
    pub fn new(limits: RequestLimits) -> Self {
        Self {
            limits,
            inner: Mutex::new(Buckets::default()),
        }
    }

    /// Takes one request of `class` from `client` at `now` (ns since the epoch): `Ok`, or
    /// `Err(seconds)` until the next one would be let in.
    pub fn check(&self, class: RequestClass, client: [u8; 12], now: i128) -> Result<(), u64> {
        self.take(class, client, now).map(|_| ())
    }

    /// [`Limiter::check`], telling how much of the budget is left after this request.
    pub fn take(&self, class: RequestClass, client: [u8; 12], now: i128) -> Result<Left, u64> {
        let rate = self.limits.rate(class);
        let every = i128::try_from(rate.every.as_nanos())
            .unwrap_or(i128::MAX / 4)
            .max(1);
        let tolerance = every.saturating_mul(i128::from(rate.burst.max(1) - 1));
        let mut b = match self.inner.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        };
        let key = (class, client);
        let known = b.full_at.get(&key).copied();
        let start = known.unwrap_or(now).max(now);
        if start - now > tolerance {
            let wait = start - now - tolerance;
            let secs = (wait + SECOND - 1) / SECOND;
            return Err(u64::try_from(secs).unwrap_or(u64::MAX).max(1));
        }
        if known.is_none() {
            b.make_room(now, self.limits.max_clients.max(1));
        }
        let full_at = start.saturating_add(every);
        b.full_at.insert(key, full_at);
        let ahead = full_at - now;
        Ok(Left {
            remaining: u32::try_from((tolerance + every - ahead).max(0) / every).unwrap_or(0),
            full_in_secs: u64::try_from((ahead + SECOND - 1) / SECOND).unwrap_or(u64::MAX),
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &RequestLimits {
        &self.limits
    }

    /// Buckets held now.
    #[cfg(test)]
    pub fn tracked(&self) -> usize {
        self.inner.lock().map_or(0, |b| b.full_at.len())
    }
}

impl Buckets {
    fn make_room(&mut self, now: i128, cap: usize) {
        let full = self.full_at.len() >= cap;
        if now - self.last_sweep >= SWEEP_EVERY || (full && now - self.last_sweep >= SECOND) {
            self.full_at.retain(|_, at| *at > now);
            self.last_sweep = now;
        }
        while self.full_at.len() >= cap {
            let oldest = self
                .full_at
                .iter()
                .take(EVICTION_SAMPLE)
                .min_by_key(|(_, at)| **at)
                .map(|(k, _)| *k);
            match oldest {
                Some(k) => self.full_at.remove(&k),
                None => break,
            };
        }
    }
}

/// The class of a request that is rate limited, if it is one: the public forms that post.
pub(crate) fn classify(method: &Method, path: &str, query: Option<&str>) -> Option<RequestClass> {
    let mut parts = path.trim_start_matches('/').split('/');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    if method == Method::GET {
        // A verification by URL fetches and checks documents from elsewhere.
        let by_url = query.is_some_and(|q| q.split('&').any(|p| p.starts_with("url=")));
        return (first == "verify" && rest.is_empty() && by_url).then_some(RequestClass::Verify);
    }
    if method != Method::POST {
        return None;
    }
    match (first, rest.as_slice()) {
        ("signin" | "signup" | "forgot", []) => Some(RequestClass::Account),
        ("reset" | "invitations", [_]) | ("signup", ["confirm", _]) => Some(RequestClass::Account),
        ("claim", [_]) => Some(RequestClass::Claim),
        ("verify", []) => Some(RequestClass::Verify),
        ("backpack", ["imports"]) => Some(RequestClass::Import),
        _ => None,
    }
}

/// The state the limiting layer needs: the clock (through the app) and the buckets.
#[derive(Clone)]
pub(crate) struct LimitState {
    pub app: AppState,
    pub limiter: Arc<Limiter>,
}

/// Turns away a client over its limit with 429 and `Retry-After`, before the handler runs.
pub(crate) async fn layer(State(s): State<LimitState>, req: Request, next: Next) -> Response {
    let Some(class) = classify(req.method(), req.uri().path(), req.uri().query()) else {
        return next.run(req).await;
    };
    let client = req
        .extensions()
        .get::<ClientAddr>()
        .copied()
        .unwrap_or(ClientAddr {
            ip: None,
            via_trusted_proxy: false,
            forwarded_https: None,
        });
    let now = s.app.clock().now().unix_timestamp_nanos();
    match s.limiter.check(class, client.key_bytes(), now) {
        Ok(()) => next.run(req).await,
        Err(secs) => {
            let json = wants_json(req.headers());
            // Read what the client is still sending (a little, briefly) so it gets the
            // answer rather than a reset connection.
            let body = req.into_body();
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(1),
                axum::body::to_bytes(body, 256 * 1024),
            )
            .await;
            too_many(secs, json)
        }
    }
}

/// 429 with `Retry-After`: a page for people, problem JSON for programs.
pub(crate) fn too_many(retry_after_secs: u64, json: bool) -> Response {
    let mut res = WebError::new(StatusCode::TOO_MANY_REQUESTS, TOO_MANY)
        .json(json)
        .into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use accolade_app::Rate;
    use std::time::Duration;

    fn limits(burst: u32, every_secs: u64, max_clients: usize) -> RequestLimits {
        RequestLimits::uniform(
            Rate {
                burst,
                every: Duration::from_secs(every_secs),
            },
            max_clients,
        )
    }

    #[test]
    fn a_burst_then_one_per_interval() {
        let l = Limiter::new(limits(3, 10, 100));
        let (a, t0) = ([1u8; 12], 1_000 * SECOND);
        for _ in 0..3 {
            assert_eq!(l.check(RequestClass::Account, a, t0), Ok(()));
        }
        assert_eq!(l.check(RequestClass::Account, a, t0), Err(10));
        // What is left is counted down, and back in full after the burst's time.
        let b = [3u8; 12];
        assert_eq!(
            l.take(RequestClass::Account, b, t0),
            Ok(Left {
                remaining: 2,
                full_in_secs: 10
            })
        );
        assert_eq!(l.take(RequestClass::Account, b, t0).unwrap().remaining, 1);
        let last = l.take(RequestClass::Account, b, t0).unwrap();
        assert_eq!((last.remaining, last.full_in_secs), (0, 30));
        assert_eq!(l.check(RequestClass::Account, a, t0 + 4 * SECOND), Err(6));
        // Another class and another client have their own buckets.
        assert_eq!(l.check(RequestClass::Claim, a, t0), Ok(()));
        assert_eq!(l.check(RequestClass::Account, [2u8; 12], t0), Ok(()));
        // One interval later, one more; after the whole burst's time, the whole burst.
        assert_eq!(l.check(RequestClass::Account, a, t0 + 10 * SECOND), Ok(()));
        assert!(l.check(RequestClass::Account, a, t0 + 10 * SECOND).is_err());
        for _ in 0..3 {
            assert_eq!(l.check(RequestClass::Account, a, t0 + 100 * SECOND), Ok(()));
        }
    }

    #[test]
    fn memory_stays_bounded_and_idle_clients_go_first() {
        let l = Limiter::new(limits(2, 10, 50));
        let t0 = 1_000 * SECOND;
        for i in 0..200u8 {
            let mut k = [0u8; 12];
            k[0] = i;
            assert_eq!(l.check(RequestClass::Verify, k, t0), Ok(()));
            assert!(l.tracked() <= 50);
        }
        // Long after, every earlier bucket is full again: a sweep makes room for new ones.
        let later = t0 + 3_600 * SECOND;
        l.check(RequestClass::Verify, [9u8; 12], later).unwrap();
        assert_eq!(l.tracked(), 1);
    }

    #[test]
    fn the_public_forms_are_classified() {
        let post = Method::POST;
        let c = |m: &Method, p: &str, q: Option<&str>| classify(m, p, q);
        for p in [
            "/signin",
            "/signup",
            "/forgot",
            "/reset/abc",
            "/invitations/abc",
        ] {
            assert_eq!(c(&post, p, None), Some(RequestClass::Account), "{p}");
        }
        assert_eq!(c(&post, "/claim/tok", None), Some(RequestClass::Claim));
        assert_eq!(c(&post, "/verify", None), Some(RequestClass::Verify));
        assert_eq!(
            c(&Method::GET, "/verify", Some("url=https%3A%2F%2Fx")),
            Some(RequestClass::Verify)
        );
        assert_eq!(c(&Method::GET, "/verify", None), None);
        assert_eq!(
            c(&post, "/backpack/imports", None),
            Some(RequestClass::Import)
        );
        assert_eq!(c(&Method::GET, "/signin", None), None);
        assert_eq!(c(&post, "/dashboard/orgs", None), None);
        assert_eq!(c(&post, "/backpack/imports/x/delete", None), None);
    }
}
