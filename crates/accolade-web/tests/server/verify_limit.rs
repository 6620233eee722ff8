//! The verifier's limit over HTTP: while every worker is busy with a slow verification, or
//! every place in line is taken, `/verify` (form, URL and JSON callers) and the backpack
//! import answer 503 with `Retry-After`, never a verdict, while credential pages keep
//! answering; once the line frees, verification answers again. A baked image declaring more
//! pixels than any image path accepts is refused before the verifier reads it.

use super::accounts::sign_up;
use super::earner_import::{png_declaring, post_import};
use super::{Http, PUBLIC};
use accolade_app::{App, VerifyLimit};
use accolade_core::SystemClock;
use accolade_store::Store;
use axum::routing::get;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LIMIT: VerifyLimit = VerifyLimit {
    workers: 1,
    queue: 1,
    wait: Duration::from_millis(300),
};

async fn start(store: Store) -> (Arc<App>, u16) {
    let config = super::fixture::config(super::PUBLIC, true);
    let app = Arc::new(
        super::fixture::app(store, Arc::new(SystemClock), config).with_verify_limit(LIMIT),
    );
    (app.clone(), super::fixture::serve(app).await)
}

/// An OB 2.0 issuer on loopback whose hosted assertion takes three seconds to answer: its
/// verification holds a worker that long. Returns the assertion's JSON.
async fn slow_site() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let b = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let assertion = json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
        "id": format!("{b}/assertions/1"),
        "recipient": {"type": "email", "hashed": false, "identity": "ada@example.com"},
        "badge": format!("{b}/badge"), "verification": {"type": "hosted"},
        "issuedOn": "2026-01-01T00:00:00Z"})
    .to_string();
    let served = assertion.clone();
    let router = axum::Router::new().route(
        "/assertions/1",
        get(move || {
            let a = served.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(3)).await;
                a
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    assertion
}

/// A 503 from the limit: `Retry-After`, and no verdict in it.
fn assert_busy(r: &super::Reply) {
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("1"));
    for verdict in [
        "Valid",
        "Verified",
        "Not valid",
        "not valid",
        "Could not be checked",
    ] {
        assert!(
            !r.body.contains(verdict),
            "a verdict ({verdict}) in a 503: {}",
            r.body
        );
    }
}

fn post_verify_json(http: &Http, input: &str) -> super::Reply {
    let boundary = "limit-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"input\"\r\n\r\n{input}\r\n--{boundary}--\r\n"
    );
    let res = http
        .agent
        .post(format!("{}/verify", http.base))
        .header("Accept", "application/json")
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(body.as_bytes())
        .unwrap();
    Http::reply(res)
}

async fn run(store: Store) {
    let assertion = slow_site().await;
    let (app, port) = start(store).await;
    let http = Http::new(port);
    let (_, achievement) =
        super::fixture::org_with_badge(&app, "Limit Academy", "limit", "Patience").await;
    let award = super::fixture::issue(&app, &achievement, "ada@example.com", None, None).await;
    let page = format!("/credentials/{}", award.id);
    let http = Arc::new(http);

    // One worker busy for three seconds with a real verification.
    let slow = {
        let (http, assertion) = (http.clone(), assertion.clone());
        tokio::task::spawn_blocking(move || http.post_verify(&assertion, None))
    };
    let started = Instant::now();
    while app.verify_gate().running() == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::task::block_in_place(|| {
        // The next one waits its 300 ms for the worker, then is told to come back.
        let t = Instant::now();
        let r = http.post_verify(&award.credential, None);
        assert_busy(&r);
        assert!(t.elapsed() >= LIMIT.wait, "{:?}", t.elapsed());
        assert!(r.body.contains("was not checked"), "{}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("text/html; charset=utf-8"),
            "the form gets a page"
        );
        // Credential pages answer meanwhile.
        let p = http.get(&page, "text/html");
        assert_eq!(p.status, 200);
        assert!(p.body.contains("Patience"));
    });
    let done = slow.await.unwrap();
    assert_eq!(
        done.status, 200,
        "the slow one got its verdict: {}",
        done.body
    );
    assert!(done.body.contains("Open Badges 2.0"), "{}", done.body);

    // Every place in line taken: turned away at once, before the body is read.
    let held: Vec<_> = (0..LIMIT.workers + LIMIT.queue)
        .map(|_| app.verify_gate().admit().unwrap())
        .collect();
    tokio::task::block_in_place(|| {
        let t = Instant::now();
        assert_busy(&http.post_verify(&award.credential, None));
        assert!(t.elapsed() < LIMIT.wait, "{:?}", t.elapsed());
        assert_busy(&http.get(&format!("/verify?url={PUBLIC}{page}"), "text/html"));
        let api = post_verify_json(&http, &award.credential);
        assert_busy(&api);
        assert_eq!(api.header("content-type"), Some("application/problem+json"));
        let problem: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(problem["status"], 503);
        // The backpack import too; nothing is stored.
        let (mut ada, _) = sign_up(&http, "Ada", "ada-limit@example.com");
        let csrf = super::hidden_csrf(&ada.get("/backpack/import").body);
        let r = post_import(&mut ada, &csrf, &[("text", &award.credential)], None);
        assert_busy(&r);
        assert!(
            !ada.get("/backpack/import")
                .body
                .contains("imported-badge\"")
        );
        assert_eq!(http.get(&page, "text/html").status, 200);
    });
    drop(held);
    tokio::task::block_in_place(|| {
        let ok = http.post_verify(&award.credential, None);
        assert!(
            ok.status == 200 && ok.body.contains("Valid: authentic"),
            "{}",
            ok.body
        );
        // A baked image whose header declares 100000×100000 pixels is refused, unread.
        let bomb = http.post_verify("", Some(&png_declaring(100_000, 100_000)));
        assert!(
            bomb.body.contains(
                "The image was refused: the image is 100000×100000 pixels; the limit is 4096×4096"
            ),
            "{}",
            bomb.body
        );
        assert!(!bomb.body.contains("Not valid"));
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_limit_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}
