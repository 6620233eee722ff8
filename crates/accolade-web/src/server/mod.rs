//! HTTP: routes, content negotiation, security headers and error pages. Handlers parse the
//! request, call the application API and render; no rule lives here.

mod achievement_page;
pub mod client;
mod documents;
mod downloads;
mod earner;
mod earner_import;
mod errors;
mod language;
mod negotiate;
mod pages;
pub mod rate_limit;
mod share;
mod shed;
mod verify_page;
pub(crate) mod viewer;
mod workspace;

use accolade_app::App;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use client::TrustedProxies;
pub use shed::MaxInFlight;
use std::sync::Arc;

pub(crate) type AppState = Arc<App>;

/// Largest request body accepted (the verify page takes baked images).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Every route of the public site, believing no forwarding header.
pub fn router(app: Arc<App>) -> Router {
    router_with(app, &ServeOptions::default())
}

/// How the server meets its network.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-*` headers are believed.
    pub trusted_proxies: TrustedProxies,
    /// How often one client may post the public forms (429 beyond).
    pub request_limits: accolade_app::RequestLimits,
    /// Requests in progress beyond which new ones get 503 at once (the health check and
    /// credential pages have a reserved share above it).
    pub max_in_flight: MaxInFlight,
}

/// Every route of the public site, with `options`.
pub fn router_with(app: Arc<App>, options: &ServeOptions) -> Router {
    let trusted = Arc::new(options.trusted_proxies.clone());
    let shed = Arc::new(shed::Shed::new(options.max_in_flight));
    let limits = rate_limit::LimitState {
        app: app.clone(),
        limiter: Arc::new(rate_limit::Limiter::new(options.request_limits)),
    };
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(documents::healthz))
        .route(crate::STYLESHEET_PATH, get(documents::stylesheet))
        .route("/static/js/{name}", get(documents::script))
        .route("/issuers/{slug}", get(pages::issuer))
        .route("/issuers/{slug}/did.json", get(documents::did_document))
        .route("/issuers/{slug}/keys/{file}", get(documents::jwt_key))
        .route("/.well-known/jwks.json", get(documents::jwks))
        .route(
            "/issuers/{slug}/status/{purpose}",
            get(documents::status_list),
        )
        .route("/credentials/{id}", get(pages::credential))
        .route("/achievements/{id}", get(achievement_page::achievement))
        .route("/images/{id}", get(documents::image))
        .route("/verify", get(verify_page::form).post(verify_page::submit))
        .merge(workspace::routes())
        .merge(earner::routes())
        .merge(earner_import::routes())
        .merge(share::routes())
        .merge(downloads::routes())
        .fallback(errors::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Inside the language layer, so that a 429 page shows in the visitor's language.
        .layer(middleware::from_fn_with_state(limits, rate_limit::layer))
        .layer(middleware::from_fn_with_state(app.clone(), language::layer))
        // Outside everything that may wait on the database; inside the security headers.
        .layer(middleware::from_fn_with_state(shed, shed::layer))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(trusted, client::layer))
        .with_state(app)
}

/// Headers every response carries; HTML gets the strict page CSP unless a handler set its
/// own (images are sandboxed).
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Only a page whose own policy lets every site frame it (the embed) may be framed.
    let frameable = h
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.contains("frame-ancestors *"));
    if !frameable {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::CONTENT_SECURITY_POLICY),
        );
    }
    res
}

/// Serves until Ctrl-C.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    options: &ServeOptions,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router_with(app, options).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
