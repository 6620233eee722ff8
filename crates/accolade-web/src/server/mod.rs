//! HTTP: routes, content negotiation, security headers and error pages. Handlers parse the
//! request, call the application API and render; no rule lives here.

mod achievement_page;
mod api;
pub mod client;
mod documents;
mod downloads;
mod earner;
mod earner_import;
mod errors;
mod language;
pub mod metrics;
mod negotiate;
pub mod observe;
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
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-*` headers are believed.
    pub trusted_proxies: TrustedProxies,
    /// Serve `/metrics` on the main listener to requests bearing this token (without one,
    /// `/metrics` there is not found).
    pub metrics_token: Option<metrics::MetricsToken>,
    /// After the stop signal, how long requests in flight may take to finish before their
    /// connections are closed.
    pub shutdown_grace: std::time::Duration,
    /// How often one client may post the public forms (429 beyond).
    pub request_limits: accolade_app::RequestLimits,
    /// Requests in progress beyond which new ones get 503 at once (the health check and
    /// credential pages have a reserved share above it).
    pub max_in_flight: MaxInFlight,
}

/// The default bound on finishing requests in flight after SIGTERM.
pub const DEFAULT_SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            trusted_proxies: TrustedProxies::default(),
            metrics_token: None,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            request_limits: accolade_app::RequestLimits::default(),
            max_in_flight: MaxInFlight::DEFAULT,
        }
    }
}

/// Every route of the public site, with `options`.
pub fn router_with(app: Arc<App>, options: &ServeOptions) -> Router {
    let trusted = Arc::new(options.trusted_proxies.clone());
    let metrics = match &options.metrics_token {
        Some(token) => metrics::with_token(token.clone()),
        None => Router::new(),
    };
    let shed = Arc::new(shed::Shed::new(options.max_in_flight));
    let limits = rate_limit::LimitState {
        app: app.clone(),
        limiter: Arc::new(rate_limit::Limiter::new(options.request_limits)),
    };
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(documents::healthz))
        .route("/readyz", get(documents::readyz))
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
        .nest(api::BASE, api::service(app.clone(), limits.limiter.clone()))
        .merge(workspace::routes())
        .merge(earner::routes())
        .merge(earner_import::routes())
        .merge(share::routes())
        .merge(downloads::routes())
        .merge(metrics)
        .fallback(errors::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Inside the language layer, so that a 429 page shows in the visitor's language.
        .layer(middleware::from_fn_with_state(limits, rate_limit::layer))
        .layer(middleware::from_fn_with_state(app.clone(), language::layer))
        // Outside everything that may wait on the database; inside the security headers.
        .layer(middleware::from_fn_with_state(shed, shed::layer))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(app.clone(), observe::layer))
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

/// Serves until SIGTERM or SIGINT (Ctrl-C), then stops as [`serve_until`] does.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    options: &ServeOptions,
) -> std::io::Result<()> {
    serve_until(app, listener, options, shutdown_signal()).await
}

/// Resolves on the first SIGTERM or SIGINT (on other platforms: Ctrl-C).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            // No signal handler could be installed: never stop on a signal.
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Serves until `stop` resolves; then stops accepting connections (the listening socket is
/// closed, so new connections are refused), lets requests in flight finish for at most
/// `options.shutdown_grace`, and returns. Connections still open then are closed.
pub async fn serve_until(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    options: &ServeOptions,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stopped_tx, mut stopped) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        router_with(app, options).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stop.await;
        let _ = stopped_tx.send(true);
    })
    .into_future();
    tokio::pin!(server);
    tokio::select! {
        served = &mut server => return served,
        _ = stopped.wait_for(|s| *s) => {}
    }
    match tokio::time::timeout(options.shutdown_grace, server).await {
        Ok(served) => served,
        Err(_) => {
            tracing::warn!(
                grace_secs = options.shutdown_grace.as_secs(),
                "requests still in flight when the shutdown grace ended were cut off"
            );
            Ok(())
        }
    }
}

/// Serves the metrics listener (`/metrics` only, no token: bind it where only the scraper
/// reaches) until Ctrl-C.
pub async fn serve_metrics(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    axum::serve(listener, metrics::router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
