//! Webhooks through the workspace pages and the background worker, on SQLite and PostgreSQL,
//! to real receivers on loopback: an admin adds an endpoint (a bad URL is refused at the
//! form), sees its secret, pings it, reads the delivery log and a delivery's request and
//! answer, rotates the secret, disables, enables and deletes; an issuer is refused the pages.
//! With ACCOLADE_PYTHON, every delivery is checked by the official Standard Webhooks library
//! (`interop/py/webhook_receiver.py`): all verify, a tampered body never does, and a delivery
//! stamped ten minutes ago (a server whose clock is behind) is refused as stale.

use super::accounts::{create_org, current_user, location, sign_up, sign_up_member};
use super::{Http, fixture};
use accolade_app::{App, JobWorker};
use accolade_core::{Actor, FixedClock, Role, SystemClock};
use accolade_store::Store;
use accolade_testkit::HttpReceiver;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Waits until `done` holds, up to 20 s.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited too long for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The endpoint id in a page URL `/dashboard/orgs/{slug}/webhooks/{id}…`.
fn endpoint_id(path: &str) -> String {
    let rest = path.split("/webhooks/").nth(1).unwrap();
    rest.split(['?', '/']).next().unwrap().to_owned()
}

fn flow(app: Arc<App>, store: &Store, http: &Http, worker: JobWorker) {
    let rt = tokio::runtime::Handle::current();
    let rx = HttpReceiver::start().unwrap();
    let (mut ada, csrf) = sign_up(http, "Ada Lovelace", "ada@example.com");
    let slug = create_org(&mut ada, &csrf, "Hooked Academy");
    let base = format!("/dashboard/orgs/{slug}/webhooks");
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let owner = current_user(&app, "ada@example.com");

    // The list page, reachable from the workspace's sections, empty.
    let page = ada.get(&base);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("No endpoints yet"));
    assert!(
        ada.get(&format!("/dashboard/orgs/{slug}/settings"))
            .body
            .contains(&base)
    );

    // A bad URL is refused at the form, keeping what was typed.
    let refused = ada.post(
        &base,
        &[
            ("csrf", &csrf),
            ("url", "ftp://nope.example/"),
            ("description", "Kept"),
        ],
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("Kept"));
    assert_eq!(
        ada.post(&base, &[("csrf", "forged"), ("url", "https://x.example/")])
            .status,
        403
    );

    // Added with two events; its page shows the secret open, once.
    let added = ada.post(
        &base,
        &[
            ("csrf", &csrf),
            ("url", &rx.url("/crm")),
            ("description", "CRM sync"),
            ("events", "award.issued"),
            ("events", "award.revoked"),
        ],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    let endpoint_page = location(&added);
    assert!(endpoint_page.ends_with("?done=created"));
    let id = endpoint_id(&endpoint_page);
    let endpoint = rt
        .block_on(app.webhook_endpoint(
            accolade_app::OrgAdmin::Member(&owner),
            org.id,
            id.parse().unwrap(),
        ))
        .unwrap();
    assert_eq!(endpoint.events, ["award.issued", "award.revoked"]);
    let shown = ada.get(&endpoint_page);
    assert!(shown.body.contains(&endpoint.secret));
    assert!(
        shown
            .body
            .contains("<details class=\"webhook-secret\" open>")
    );
    let plain = format!("{base}/{id}");
    let later = ada.get(&plain);
    assert!(
        later.body.contains("<details class=\"webhook-secret\">"),
        "behind Reveal"
    );
    assert!(ada.get(&base).body.contains(&rx.url("/crm")));

    // A ping, delivered by the worker, listed in the log; its page shows request and answer.
    let ping = ada.post(&format!("{plain}/ping"), &[("csrf", &csrf)]);
    assert_eq!(ping.status, 303);
    wait_for("the ping", || rx.received_on("/crm").len() == 1);
    let got = &rx.received_on("/crm")[0];
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["type"], "webhook.ping");
    wait_for("the log", || ada.get(&plain).body.contains("HTTP 200"));
    let log = ada.get(&plain).body;
    let at = log.find(&format!("{plain}/deliveries/")).unwrap();
    let delivery_page = log[at..].split('"').next().unwrap().to_owned();
    let delivery = ada.get(&delivery_page);
    assert_eq!(delivery.status, 200, "{}", delivery.body);
    assert!(delivery.body.contains("webhook-signature: v1,"));
    assert!(delivery.body.contains(got.header("webhook-id").unwrap()));
    assert!(delivery.body.contains("received"), "the answer's body");
    assert!(delivery.body.contains("Send again"));
    let again = ada.post(&format!("{delivery_page}/redeliver"), &[("csrf", &csrf)]);
    assert_eq!(again.status, 303);
    wait_for("the redelivery", || rx.received_on("/crm").len() == 2);
    assert_eq!(
        rx.received_on("/crm")[1].header("webhook-id"),
        got.header("webhook-id")
    );

    // Failed only: empty while everything succeeded.
    assert!(
        ada.get(&format!("{plain}?failed=1"))
            .body
            .contains("No deliveries yet")
    );

    // Rotate, disable, enable: each redirects back with its notice.
    for (action, notice) in [
        ("rotate", "New secret made"),
        ("disable", "Endpoint disabled"),
        ("enable", "Endpoint enabled"),
    ] {
        let done = ada.post(&format!("{plain}/{action}"), &[("csrf", &csrf)]);
        assert_eq!(done.status, 303, "{action}: {}", done.body);
        assert!(ada.get(&location(&done)).body.contains(notice), "{action}");
    }
    let rotated = rt
        .block_on(app.webhook_endpoint(
            accolade_app::OrgAdmin::Member(&owner),
            org.id,
            id.parse().unwrap(),
        ))
        .unwrap();
    assert_ne!(rotated.secret, endpoint.secret);
    assert!(
        ada.get(&plain)
            .body
            .contains("The previous secret also signs requests until")
    );

    // An issuer may not see or change webhooks.
    let (mut bob, bob_csrf, _) = sign_up_member(
        &app,
        http,
        &owner,
        (org.id, Role::Issuer),
        "Bob",
        "bob@example.com",
    );
    assert_eq!(bob.get(&base).status, 403);
    assert_eq!(
        bob.post(&format!("{plain}/delete"), &[("csrf", &bob_csrf)])
            .status,
        403
    );

    if let Some(python) = accolade_testkit::gate::require_var(
        "ACCOLADE_PYTHON",
        "verifying webhook signatures with the standardwebhooks package",
        "a Python with interop/py/requirements.txt; scripts/test.sh sets it",
    ) {
        official_verifier(&app, store, &python, &mut ada, &csrf, &base, worker);
    } else {
        rt.block_on(worker.stop());
    }

    // Deleting asks first; the endpoint stays until the confirmation.
    let asked = ada.post(&format!("{plain}/delete"), &[("csrf", &csrf)]);
    assert_eq!(asked.status, 303);
    assert_eq!(location(&asked), format!("{plain}?confirm=delete"));
    let page = ada.get(&location(&asked));
    assert!(page.body.contains("id=\"confirm-delete\""), "{}", page.body);
    assert_eq!(ada.get(&plain).status, 200);
    let deleted = ada.post(
        &format!("{plain}/delete"),
        &[("csrf", &csrf), ("confirm", "delete")],
    );
    assert_eq!(deleted.status, 303);
    assert_eq!(location(&deleted), base);
    assert_eq!(ada.get(&plain).status, 404);
}

/// The Python receiver: started, its port read from its first line.
struct PyReceiver {
    child: Child,
    port: u16,
}

impl PyReceiver {
    fn start(python: &str) -> Self {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../interop/py/webhook_receiver.py");
        let mut child = Command::new(python)
            .arg(script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = serde_json::from_str::<Value>(&line).unwrap()["port"]
            .as_u64()
            .unwrap() as u16;
        Self { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn request(&self, method: &str, path: &str, body: &str) -> String {
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            conn,
            "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        conn.read_to_string(&mut out).unwrap();
        out.split_once("\r\n\r\n").unwrap().1.to_owned()
    }

    fn log(&self) -> Vec<Value> {
        serde_json::from_str(&self.request("GET", "/log", "")).unwrap()
    }
}

impl Drop for PyReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every delivery of a small story verified by `standardwebhooks`; tampering and a stale
/// timestamp refused by it.
fn official_verifier(
    app: &Arc<App>,
    store: &Store,
    python: &str,
    ada: &mut super::Browser<'_>,
    csrf: &str,
    base: &str,
    worker: JobWorker,
) {
    let rt = tokio::runtime::Handle::current();
    let py = PyReceiver::start(python);
    let added = ada.post(base, &[("csrf", csrf), ("url", &py.url("/hook"))]);
    assert_eq!(added.status, 303, "{}", added.body);
    let plain = location(&added).split('?').next().unwrap().to_owned();
    let id = endpoint_id(&plain);
    let owner = current_user(app, "ada@example.com");
    let org = owner.memberships[0].org_id;
    let endpoint = rt
        .block_on(app.webhook_endpoint(
            accolade_app::OrgAdmin::Member(&owner),
            org,
            id.parse().unwrap(),
        ))
        .unwrap();
    py.request("POST", "/secret", &endpoint.secret);

    // Issue three badges, revoke one, ping: five deliveries, every one verified.
    let achievement = rt
        .block_on(app.create_achievement(
            &Actor::cli(),
            accolade_app::NewAchievement {
                org_id: org,
                name: "Signed".into(),
                description: "Badges whose events are signed.".into(),
                criteria_narrative: Some("Be signed.".into()),
                ..Default::default()
            },
        ))
        .unwrap();
    let mut awards = Vec::new();
    for n in 0..3 {
        awards.push(
            rt.block_on(app.award(
                &Actor::cli(),
                accolade_app::NewAward {
                    achievement_id: achievement.id,
                    recipient_email: format!("earner{n}@example.com"),
                    ..Default::default()
                },
            ))
            .unwrap(),
        );
    }
    rt.block_on(app.revoke(&Actor::cli(), awards[0].id, "Issued in error"))
        .unwrap();
    assert_eq!(
        ada.post(&format!("{plain}/ping"), &[("csrf", csrf)]).status,
        303
    );
    wait_for("five verified deliveries", || py.log().len() >= 5);
    // And after a rotation the receiver, knowing only the new secret, still verifies.
    assert_eq!(
        ada.post(&format!("{plain}/rotate"), &[("csrf", csrf)])
            .status,
        303
    );
    let rotated = rt
        .block_on(app.webhook_endpoint(
            accolade_app::OrgAdmin::Member(&owner),
            org,
            id.parse().unwrap(),
        ))
        .unwrap();
    py.request("POST", "/secret", &rotated.secret);
    assert_eq!(
        ada.post(&format!("{plain}/ping"), &[("csrf", csrf)]).status,
        303
    );
    wait_for("the ping after rotation", || py.log().len() >= 6);
    let log = py.log();
    assert_eq!(log.len(), 6, "{log:?}");
    for entry in &log {
        assert_eq!(entry["verified"], true, "{entry}");
        assert_eq!(entry["tampered_rejected"], true, "{entry}");
    }
    let mut types: Vec<&str> = log.iter().map(|e| e["type"].as_str().unwrap()).collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "award.issued",
            "award.issued",
            "award.issued",
            "award.revoked",
            "webhook.ping",
            "webhook.ping"
        ]
    );
    assert_eq!(
        log[5]["signatures"], 2,
        "two signatures during the rotation"
    );

    // A server whose clock is ten minutes behind stamps its delivery ten minutes ago: the
    // library refuses it as too old, and the delivery log shows the receiver's answer.
    let behind = Arc::new(FixedClock::new(
        accolade_core::Clock::now(&SystemClock) - time::Duration::minutes(10),
    ));
    let stale_app = fixture::app(store.clone(), behind, fixture::config(super::PUBLIC, true));
    // The server's own worker stops first, so that the stale server sends this one.
    rt.block_on(worker.stop());
    // Queued by it too: due by its clock.
    rt.block_on(stale_app.send_webhook_ping(
        accolade_app::OrgAdmin::Member(&owner),
        org,
        id.parse().unwrap(),
    ))
    .unwrap();
    let summary = rt.block_on(stale_app.deliver_webhooks()).unwrap();
    assert_eq!(summary.claimed, 1);
    let log = py.log();
    assert_eq!(log.len(), 7);
    let last = log.last().unwrap();
    assert_eq!(last["verified"], false, "{last}");
    assert!(
        last["error"].as_str().unwrap().contains("too old"),
        "{last}"
    );
    // Created ten minutes ago by its clock: the oldest in the log.
    let all = rt
        .block_on(app.webhook_deliveries(
            accolade_app::OrgAdmin::Member(&owner),
            org,
            id.parse().unwrap(),
            false,
            None,
            50,
        ))
        .unwrap();
    let stale = all.last().unwrap();
    assert_eq!(stale.last_status, Some(400));
    assert!(
        stale
            .last_response_body
            .as_deref()
            .unwrap()
            .contains("too old")
    );
    assert_eq!(
        stale.state,
        accolade_app::webhooks::DeliveryState::Pending,
        "retried later"
    );
}

async fn run(store: Store) {
    let app = Arc::new(fixture::app(
        store.clone(),
        Arc::new(SystemClock),
        fixture::config(super::PUBLIC, true),
    ));
    let port = fixture::serve(app.clone()).await;
    let worker = JobWorker::start(app.clone(), Duration::from_millis(100));
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &store, &http, worker));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
