//! Load shedding over HTTP with a bound of two requests in progress: two slow requests
//! (form posts whose bodies never finish arriving) hold the bound; another ordinary request
//! is answered 503 with `Retry-After` at once, as a page or as problem JSON; `/healthz` and
//! a credential page still answer 200 from their reserved share; and once the slow requests
//! end, ordinary requests are served again.

use super::{Http, PUBLIC};
use accolade_app::App;
use accolade_core::SystemClock;
use accolade_store::Store;
use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn start(store: Store) -> (Arc<App>, u16) {
    let config = super::fixture::config(PUBLIC, false);
    let app = Arc::new(super::fixture::app(store, Arc::new(SystemClock), config));
    let options = accolade_web::ServeOptions {
        max_in_flight: accolade_web::MaxInFlight(2),
        ..Default::default()
    };
    (app.clone(), super::fixture::serve_with(app, &options).await)
}

/// A sign-in post that sends its headers and half its body, then waits: in progress on the
/// server until the connection closes.
fn slow_post(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(
        b"POST /signin HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\ncsrf=x&email=",
    )
    .unwrap();
    s.flush().unwrap();
    s
}

/// Whether the server has answered (or closed) a held request.
fn answered(s: &TcpStream) -> bool {
    s.set_nonblocking(true).unwrap();
    let mut b = [0u8; 1];
    let got = s.peek(&mut b);
    s.set_nonblocking(false).unwrap();
    !matches!(got, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

async fn shedding(store: Store) {
    let (app, port) = start(store).await;
    let (_, achievement) =
        super::fixture::org_with_badge(&app, "Busy Academy", "busy", "Calm").await;
    let award = super::fixture::issue(&app, &achievement, "ada@example.com", None, None).await;
    let page = format!("/credentials/{}", award.id);
    let http = Http::new(port);
    tokio::task::block_in_place(|| {
        assert_eq!(http.get("/", "text/html").status, 200);
        let mut held = [slow_post(port), slow_post(port)];
        // Wait until the server has both in progress: then the next ordinary one is shed.
        // A slow post that reached the server just after a probe may have been shed
        // itself: open it again.
        let started = Instant::now();
        let shed = loop {
            for h in held.iter_mut() {
                if answered(h) {
                    *h = slow_post(port);
                }
            }
            let t = Instant::now();
            let r = http.get("/", "text/html");
            if r.status == 503 && !held.iter().any(answered) {
                break (r, t.elapsed());
            }
            assert!(started.elapsed() < Duration::from_secs(10), "never shed");
            std::thread::sleep(Duration::from_millis(20));
        };
        let (r, took) = shed;
        assert_eq!(r.header("retry-after"), Some("1"));
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(r.body.contains("very busy"), "{}", r.body);
        assert!(took < Duration::from_secs(1), "answered at once: {took:?}");
        let json = http.get("/issuers/busy", "application/json");
        assert_eq!(json.status, 503);
        assert_eq!(
            json.header("content-type"),
            Some("application/problem+json")
        );
        let french = Http::reply(
            http.agent
                .get(format!("{}/verify", http.base))
                .header("Accept-Language", "fr")
                .call()
                .unwrap(),
        );
        assert_eq!(french.status, 503);
        assert!(french.body.contains("très sollicité"), "{}", french.body);
        // Served first: the health check and the public credential page.
        assert_eq!(http.get("/healthz", "*/*").status, 200);
        let credential = http.get(&page, "text/html");
        assert_eq!(credential.status, 200);
        assert!(credential.body.contains("Calm"));
        assert_eq!(http.get(&page, "application/ld+json").status, 200);
        // The slow requests end; ordinary requests are served again.
        drop(held);
        let started = Instant::now();
        while http.get("/", "text/html").status != 200 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "never recovered"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn load_is_shed_but_health_and_credentials_answer_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    shedding(store).await;
}
