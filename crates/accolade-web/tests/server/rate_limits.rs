//! Per-client request limits over HTTP, behind a trusted proxy naming the client: each
//! class of public form (account, claim, verify, import) answers 429 with `Retry-After`
//! once a client has used its burst, as a page in the visitor's language or as problem JSON;
//! another client is unaffected; and after the interval passes on the server's clock the
//! client is let in again.

use super::{Http, PUBLIC, Reply};
use accolade_app::{App, AppConfig, MasterKey, PublicUrl, Rate, RequestLimits};
use accolade_core::FixedClock;
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

const BURST: u32 = 3;
const EVERY: Duration = Duration::from_secs(60);

/// The server behind a "proxy" on loopback (trusted), with small limits on a fixed clock.
async fn start(store: Store) -> (Arc<FixedClock>, u16) {
    let clock = Arc::new(FixedClock::new(
        time::macros::datetime!(2026-03-01 12:00 UTC),
    ));
    let config = AppConfig {
        public_url: PublicUrl::parse(PUBLIC).unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let app = Arc::new(App::new(
        store,
        clock.clone(),
        config,
        Some(MasterKey::generate().unwrap()),
    ));
    let options = accolade_web::ServeOptions {
        trusted_proxies: accolade_web::TrustedProxies::new(vec!["127.0.0.1".parse().unwrap()]),
        request_limits: RequestLimits::uniform(
            Rate {
                burst: BURST,
                every: EVERY,
            },
            1000,
        ),
        ..Default::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = accolade_web::router_with(app, &options);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    (clock, port)
}

/// A form post from `client` (named by the proxy's `X-Forwarded-For`), on a connection of
/// its own: a handler that answers without reading the body closes the connection.
fn post(http: &Http, path: &str, client: &str, accept: &str) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    Http::reply(
        agent
            .post(format!("{}{path}", http.base))
            .header("X-Forwarded-For", client)
            .header("Accept", accept)
            .header("Accept-Language", "fr")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send("csrf=x&email=a%40example.com&password=wrong")
            .unwrap(),
    )
}

async fn limits(store: Store) {
    let (clock, port) = start(store).await;
    let http = Http::new(port);
    // Each class with the routes it covers: the routes of a class share one budget.
    let classes: [(&str, &[&str]); 4] = [
        (
            "account",
            &[
                "/signin",
                "/signup",
                "/forgot",
                "/reset/tok",
                "/invitations/tok",
            ],
        ),
        ("claim", &["/claim/tok"]),
        ("verify", &["/verify"]),
        ("import", &["/backpack/imports"]),
    ];
    tokio::task::block_in_place(|| {
        for (class, routes) in classes {
            let (a, b) = ("198.51.100.7", "203.0.113.20");
            let mut used = 0;
            for route in routes.iter().cycle().take(BURST as usize) {
                let r = post(&http, route, a, "text/html");
                assert_ne!(r.status, 429, "{class} {route} within the burst");
                used += 1;
            }
            assert_eq!(used, BURST);
            for route in routes.iter() {
                let r = post(&http, route, a, "text/html");
                assert_eq!(r.status, 429, "{class} {route} over the limit: {}", r.body);
                let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
                assert!((1..=EVERY.as_secs()).contains(&wait), "{class}: {wait}");
                // A page in the site's style, in the visitor's language.
                assert!(r.header("content-type").unwrap().starts_with("text/html"));
                assert!(r.body.contains("Trop de demandes"), "{}", r.body);
                assert!(r.body.contains("rel=\"stylesheet\""), "the site's style");
            }
            let json = post(&http, routes[0], a, "application/json");
            assert_eq!(json.status, 429);
            assert_eq!(
                json.header("content-type"),
                Some("application/problem+json")
            );
            let problem: serde_json::Value = serde_json::from_str(&json.body).unwrap();
            assert_eq!(problem["status"], 429);
            assert!(json.header("retry-after").is_some());
            // Another client behind the same proxy has its own budget.
            let other = post(&http, routes[0], b, "text/html");
            assert_ne!(other.status, 429, "{class}: another client");
        }
        clock.advance(time::Duration::seconds(EVERY.as_secs() as i64));
        for (class, routes) in classes {
            let r = post(&http, routes[0], "198.51.100.7", "text/html");
            assert_ne!(r.status, 429, "{class}: recovered after the interval");
            let again = post(&http, routes[0], "198.51.100.7", "text/html");
            assert_eq!(again.status, 429, "{class}: one interval gives one request");
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn public_forms_are_limited_per_client_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    limits(store).await;
}
