//! Load shedding: past a bound of requests in progress, a new one is answered 503 with
//! `Retry-After` at once instead of waiting in an unbounded line (where it would time out
//! anyway, after holding memory and a connection). The health check and the public
//! credential page, which employers and monitors rely on, have a reserved share above the
//! bound, so they keep answering while the rest of the site sheds.

use super::errors::WebError;
use super::language;
use super::negotiate::wants_json;
use accolade_app::i18n::Lang;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a shed request is told.
pub(crate) const BUSY: &str = "The site is very busy right now. Please try again in a moment.";

/// Requests in progress at once beyond which ordinary requests are turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxInFlight(pub usize);

impl MaxInFlight {
    /// Enough for bursts of hundreds of visitors on a small machine; far below what would
    /// exhaust memory or the database pool's patience.
    pub const DEFAULT: MaxInFlight = MaxInFlight(512);

    /// The bound for the health check and credential pages: a quarter more (at least two).
    pub fn priority(self) -> usize {
        self.0.saturating_add((self.0 / 4).max(2))
    }
}

impl Default for MaxInFlight {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The count of requests in progress, shared by every connection of a server.
#[derive(Debug)]
pub(crate) struct Shed {
    in_flight: AtomicUsize,
    max: usize,
    priority: usize,
}

impl Shed {
    pub fn new(max: MaxInFlight) -> Self {
        Self {
            in_flight: AtomicUsize::new(0),
            max: max.0.max(1),
            priority: max.priority(),
        }
    }
}

/// Held while a request is in progress; gives its place back however the request ends.
struct InFlight(Arc<Shed>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The paths served first: liveness, readiness and the public credential pages.
fn served_first(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz") || path.starts_with("/credentials/")
}

pub(crate) async fn layer(State(shed): State<Arc<Shed>>, req: Request, next: Next) -> Response {
    let bound = if served_first(req.uri().path()) {
        shed.priority
    } else {
        shed.max
    };
    let before = shed.in_flight.fetch_add(1, Ordering::AcqRel);
    let held = InFlight(shed);
    if before >= bound {
        drop(held);
        let (lang, _) = language::from_request(req.uri().query(), req.headers());
        return busy(wants_json(req.headers()), lang);
    }
    let res = next.run(req).await;
    drop(held);
    res
}

/// 503 with `Retry-After`, made without touching the database: a page in the visitor's
/// language, or problem JSON.
fn busy(json: bool, lang: Lang) -> Response {
    let mut res = WebError::new(StatusCode::SERVICE_UNAVAILABLE, BUSY)
        .json(json)
        .into_response();
    if let Some(page) = res.extensions_mut().remove::<super::errors::ErrorPage>()
        && lang != Lang::En
    {
        let mut localized = (res.status(), Html(page.render(lang, None))).into_response();
        std::mem::swap(localized.headers_mut(), res.headers_mut());
        localized.headers_mut().remove(header::CONTENT_LENGTH);
        res = localized;
    }
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_and_credential_pages_come_first() {
        assert!(served_first("/healthz") && served_first("/readyz"));
        assert!(served_first(
            "/credentials/0190a3b4-0000-7000-8000-000000000000"
        ));
        assert!(!served_first("/verify") && !served_first("/") && !served_first("/signin"));
        assert_eq!(MaxInFlight(2).priority(), 4);
        assert_eq!(MaxInFlight::DEFAULT.priority(), 640);
    }
}
