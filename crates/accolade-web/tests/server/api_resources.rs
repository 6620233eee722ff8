//! The API's resources over real HTTP, on SQLite and PostgreSQL, with keys of each scope:
//! achievements (create, list with search and cursor, read with ETag, update with
//! If-Match), awards (issue, list with filters and cursor paging, read, suspend, reinstate,
//! revoke, re-issue, renew, the credential as JSON-LD, JWT, PNG and SVG), many awards at once
//! as JSON and as CSV (202 with the import job, polled until done, its problem rows), and
//! the walls: a read key cannot issue, another organization's ids are 404, bodies of the
//! wrong type are 415 and malformed JSON 400, all as problem JSON.

use super::api_auth::{key, org};
use super::{PUBLIC, fixture};
use accolade_app::{ApiScope, App};
use accolade_store::Store;
use serde_json::{Value, json};
use std::io::Read;
use std::sync::Arc;

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self, status: u16) -> Value {
        let text = String::from_utf8_lossy(&self.body);
        assert_eq!(self.status, status, "{text}");
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        self.json(status)
    }
}

static NEXT_KEY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl Client {
    fn new(port: u16, token: &str) -> Self {
        Self {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .into(),
            base: format!("http://127.0.0.1:{port}/api/v1"),
            token: token.to_owned(),
        }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<(&str, &[u8])>,
    ) -> Reply {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token));
        // Every POST gets its own Idempotency-Key (issuing requires one).
        if method == "POST"
            && !extra
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("idempotency-key"))
        {
            let n = NEXT_KEY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            req = req.header(
                "Idempotency-Key",
                format!("test-{}-{n}", std::process::id()),
            );
        }
        // An empty value leaves the header out.
        for (k, v) in extra.iter().filter(|(_, v)| !v.is_empty()) {
            req = req.header(*k, *v);
        }
        let req = match body {
            Some((ct, b)) => req.header("Content-Type", ct).body(b.to_vec()),
            None => req.body(Vec::new()),
        };
        let mut res = tokio::task::block_in_place(|| self.agent.run(req.unwrap())).unwrap();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let mut body = Vec::new();
        res.body_mut().as_reader().read_to_end(&mut body).unwrap();
        Reply {
            status: res.status().as_u16(),
            headers,
            body,
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], None)
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(
            "POST",
            path,
            &[],
            Some(("application/json", body.to_string().as_bytes())),
        )
    }
}

/// Polls an import until it is done.
fn wait_done(api: &Client, location: &str) -> Value {
    let path = location.strip_prefix("/api/v1").unwrap();
    for _ in 0..200 {
        let job = api.get(path).json(200);
        if job["state"] == "done" {
            return job;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the import at {location} did not finish");
}

async fn run(store: Store) {
    let app: Arc<App> = Arc::new(fixture::app(
        store,
        Arc::new(accolade_core::SystemClock),
        fixture::config(PUBLIC, false),
    ));
    let port = fixture::serve(app.clone()).await;
    let acme = org(&app, "acme").await;
    let other = org(&app, "other").await;
    let admin = Client::new(port, &key(&app, &acme, &[ApiScope::Admin], None).await);
    let reader = Client::new(port, &key(&app, &acme, &[ApiScope::Read], None).await);
    let outsider = Client::new(port, &key(&app, &other, &[ApiScope::Admin], None).await);

    // Achievements: create, read with its version, update only from the current version.
    let created = admin.post(
        "/achievements",
        &json!({"name": "Rust fundamentals", "description": "Writes safe Rust.",
                "criteria_narrative": "Pass the *exam*.", "tags": ["rust"], "expires_after_months": 12,
                "translations": [{"language": "de", "name": "Rust-Grundlagen", "description": "Schreibt sicheres Rust."}]}),
    );
    let a = created.json(201);
    let aid = a["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/achievements/{aid}").as_str())
    );
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(a["translations"][0]["language"], "de");
    let read = reader.get(&format!("/achievements/{aid}"));
    assert_eq!(read.json(200)["name"], "Rust fundamentals");
    assert_eq!(read.header("etag"), Some("\"1\""));
    let patch = |etag: &str, body: Value| {
        admin.send(
            "PATCH",
            &format!("/achievements/{aid}"),
            &[("If-Match", etag)],
            Some(("application/json", body.to_string().as_bytes())),
        )
    };
    let updated = patch("\"1\"", json!({"description": "Writes safe, fast Rust."}));
    assert_eq!(updated.json(200)["description"], "Writes safe, fast Rust.");
    assert_eq!(updated.header("etag"), Some("\"2\""));
    assert_eq!(
        updated.json(200)["name"],
        "Rust fundamentals",
        "fields not given stay"
    );
    patch("\"1\"", json!({"name": "Stale"})).problem(412);
    let bad = patch("\"2\"", json!({"name": ""})).problem(400);
    assert_eq!(bad["field"], "name");
    reader
        .post("/achievements", &json!({"name": "x", "description": "y"}))
        .problem(403);
    outsider.get(&format!("/achievements/{aid}")).problem(404);
    admin.post("/achievements", &json!({"name": "Second badge", "description": "Another.", "criteria_url": "https://acme.example/criteria"})).json(201);
    let page = admin.get("/achievements?limit=1").json(200);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let next = page["next"]
        .as_str()
        .unwrap()
        .strip_prefix("/api/v1")
        .unwrap()
        .to_owned();
    let page2 = admin.get(&next).json(200);
    assert_eq!(page2["data"].as_array().unwrap().len(), 1);
    assert_ne!(page["data"][0]["id"], page2["data"][0]["id"]);
    assert!(page2["next"].is_null());
    let found = admin.get("/achievements?search=fundamentals").json(200);
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    admin.get("/achievements?limit=201").problem(400);
    admin.get("/achievements?cursor=zz").problem(400);

    // Awards: issue one, read it, list with filters, change its status.
    let issued = admin.post(
        "/awards",
        &json!({"achievement_id": aid, "recipient_email": "ada@example.org", "recipient_name": "Ada"}),
    );
    let award = issued.json(201);
    let id = award["id"].as_str().unwrap().to_owned();
    assert_eq!(award["state"], "active");
    assert_eq!(
        issued.header("location"),
        Some(format!("/api/v1/awards/{id}").as_str())
    );
    reader
        .post(
            "/awards",
            &json!({"achievement_id": aid, "recipient_email": "b@example.org"}),
        )
        .problem(403);
    outsider
        .post(
            "/awards",
            &json!({"achievement_id": aid, "recipient_email": "b@example.org"}),
        )
        .problem(404);
    outsider.get(&format!("/awards/{id}")).problem(404);
    // Issuing needs an Idempotency-Key; the same key and body replay the first answer.
    let once = json!({"achievement_id": aid, "recipient_email": "grace@example.org"});
    let with_key = |key: &str| {
        admin.send(
            "POST",
            "/awards",
            &[("Idempotency-Key", key)],
            Some(("application/json", once.to_string().as_bytes())),
        )
    };
    let first = with_key("grace-1").json(201);
    let again = with_key("grace-1");
    assert_eq!(again.json(201)["id"], first["id"]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let missing = admin.send(
        "POST",
        "/awards",
        &[("Idempotency-Key", "")],
        Some(("application/json", once.to_string().as_bytes())),
    );
    let p = missing.problem(400);
    assert_eq!(p["field"], "Idempotency-Key");
    let refused = admin
        .post(
            "/awards",
            &json!({"achievement_id": aid, "recipient_email": "not an email"}),
        )
        .problem(400);
    assert_eq!(refused["field"], "recipient_email");
    assert_eq!(
        reader.get(&format!("/awards/{id}")).json(200)["recipient_email"],
        "ada@example.org"
    );

    // The credential in each form.
    let vc = reader.get(&format!("/awards/{id}/credential"));
    assert_eq!(vc.status, 200);
    assert_eq!(vc.header("content-type"), Some("application/vc+ld+json"));
    let vc: Value = serde_json::from_slice(&vc.body).unwrap();
    assert!(vc["proof"].is_object() || vc["proof"].is_array(), "{vc}");
    let jwt = reader.get(&format!("/awards/{id}/credential?format=jwt"));
    assert_eq!(String::from_utf8_lossy(&jwt.body).split('.').count(), 3);
    let png = reader.get(&format!("/awards/{id}/credential?format=png"));
    assert!(png.body.starts_with(b"\x89PNG"));
    let svg = reader.get(&format!("/awards/{id}/credential?format=svg"));
    assert!(String::from_utf8_lossy(&svg.body).contains("openbadges:credential"));
    reader
        .get(&format!("/awards/{id}/credential?format=gif"))
        .problem(400);

    let suspended = admin.post(
        &format!("/awards/{id}/suspend"),
        &json!({"reason": "Under review"}),
    );
    assert_eq!(suspended.json(200)["state"], "suspended");
    admin
        .post(&format!("/awards/{id}/suspend"), &json!({}))
        .problem(409);
    assert_eq!(
        admin
            .post(&format!("/awards/{id}/reinstate"), &json!({}))
            .json(200)["state"],
        "active"
    );
    reader
        .post(&format!("/awards/{id}/revoke"), &json!({"reason": "x"}))
        .problem(403);
    let renewed = admin
        .post(&format!("/awards/{id}/renew"), &json!({}))
        .json(201);
    assert_eq!(
        admin.get(&format!("/awards/{id}")).json(200)["renewed_by"],
        renewed["id"]
    );
    let corrected = admin
        .post(
            &format!("/awards/{id}/reissue"),
            &json!({"recipient_email": "ada.l@example.org", "recipient_name": "Ada L."}),
        )
        .json(201);
    let old = admin.get(&format!("/awards/{id}")).json(200);
    assert_eq!(old["state"], "revoked");
    assert_eq!(old["replaced_by"], corrected["id"]);
    let cid = corrected["id"].as_str().unwrap().to_owned();
    admin
        .post(&format!("/awards/{cid}/revoke"), &json!({"reason": " "}))
        .problem(400);
    admin
        .post(&format!("/awards/{cid}/revoke"), &json!({}))
        .problem(422);
    let revoked = admin
        .post(
            &format!("/awards/{cid}/revoke"),
            &json!({"reason": "Issued in error"}),
        )
        .json(200);
    assert_eq!(revoked["state"], "revoked");
    admin
        .post(
            &format!("/awards/{cid}/revoke"),
            &json!({"reason": "Again"}),
        )
        .problem(409);

    // Many at once: JSON and CSV share the bulk path; duplicates are skipped, bad rows kept.
    let rows: Vec<Value> = (0..30)
        .map(|i| json!({"recipient_email": format!("learner{i}@example.org"), "recipient_name": format!("Learner {i}")}))
        .chain([json!({"recipient_email": "learner0@example.org"}), json!({"recipient_email": "nope"})])
        .collect();
    let batch = admin.post(
        &format!("/awards/batch?achievement={aid}"),
        &Value::from(rows),
    );
    assert_eq!(
        batch.status,
        202,
        "{}",
        String::from_utf8_lossy(&batch.body)
    );
    let job = wait_done(&admin, batch.header("location").unwrap());
    assert_eq!(
        (job["total_rows"].as_i64(), job["issued_rows"].as_i64()),
        (Some(32), Some(30))
    );
    assert_eq!(
        (job["skipped_rows"].as_i64(), job["error_rows"].as_i64()),
        (Some(1), Some(1))
    );
    let job_id = job["id"].as_str().unwrap();
    let problems = admin
        .get(&format!("/imports/{job_id}/errors?limit=1"))
        .json(200);
    assert_eq!(problems["data"][0]["state"], "skipped");
    let next = problems["next"]
        .as_str()
        .unwrap()
        .strip_prefix("/api/v1")
        .unwrap()
        .to_owned();
    let rest = admin.get(&next).json(200);
    assert_eq!(rest["data"][0]["state"], "error");
    assert_eq!(rest["data"][0]["recipient_email"], "nope");
    outsider.get(&format!("/imports/{job_id}")).problem(404);

    let mut csv = String::from("email,name\n");
    for i in 0..40 {
        csv.push_str(&format!("csv{i}@example.org,CSV learner {i}\n"));
    }
    let upload = admin.send(
        "POST",
        &format!("/imports?achievement={aid}"),
        &[],
        Some(("text/csv", csv.as_bytes())),
    );
    assert_eq!(
        upload.status,
        202,
        "{}",
        String::from_utf8_lossy(&upload.body)
    );
    let job = wait_done(&admin, upload.header("location").unwrap());
    assert_eq!(job["issued_rows"].as_i64(), Some(40));
    admin
        .send(
            "POST",
            &format!("/imports?achievement={aid}"),
            &[],
            Some(("application/json", b"[]")),
        )
        .problem(415);

    // The list: newest first, filtered, paged by cursor without repeats.
    let revoked_list = admin.get("/awards?status=revoked").json(200);
    let ids: Vec<&str> = revoked_list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&cid.as_str()) && ids.contains(&id.as_str()),
        "{ids:?}"
    );
    let search = admin.get("/awards?recipient=learner1").json(200);
    assert!(search["data"].as_array().unwrap().len() >= 10);
    let mut seen = std::collections::HashSet::new();
    let mut path = format!("/awards?achievement={aid}&limit=25");
    loop {
        let page = admin.get(&path).json(200);
        for a in page["data"].as_array().unwrap() {
            assert!(
                seen.insert(a["id"].as_str().unwrap().to_owned()),
                "repeated {a}"
            );
        }
        match page["next"].as_str() {
            Some(n) => path = n.strip_prefix("/api/v1").unwrap().to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4 + 30 + 40);
    admin.get("/awards?status=lost").problem(400);
    admin.get("/awards?recipient=ab").problem(400);

    // The reads: pathways, analytics, members, invitations, the audit log by page.
    assert_eq!(reader.get("/pathways").json(200)["data"], json!([]));
    reader.get("/pathways/nope").problem(404);
    let series = reader
        .get(&format!(
            "/analytics?from=2026-01-01&to=2026-01-31&achievement={aid}"
        ))
        .json(200);
    assert_eq!(series["days"].as_array().unwrap().len(), 31);
    assert_eq!(series["days"][0]["date"], "2026-01-01");
    let today = reader.get("/analytics").json(200);
    assert_eq!(today["days"].as_array().unwrap().len(), 30);
    reader
        .get("/analytics?from=2026-02-01&to=2026-01-01")
        .problem(400);
    reader.get("/analytics?from=yesterday").problem(400);
    outsider
        .get(&format!("/analytics?achievement={aid}"))
        .problem(404);
    assert_eq!(
        reader.get(&format!("/awards/{id}/analytics")).json(200)["views"],
        0
    );
    assert!(reader.get("/members").json(200)["data"].is_array());
    reader.get("/invitations").problem(403);
    assert!(admin.get("/invitations").json(200)["data"].is_array());
    reader.get("/audit-log").problem(403);
    let log = admin.get("/audit-log?limit=5").json(200);
    assert_eq!(log["data"].as_array().unwrap().len(), 5);
    assert!(
        log["data"][0]["actor"]
            .as_str()
            .unwrap()
            .contains("API key"),
        "{log}"
    );
    let next = log["next"]
        .as_str()
        .unwrap()
        .strip_prefix("/api/v1")
        .unwrap()
        .to_owned();
    let older = admin.get(&next).json(200);
    assert_ne!(older["data"][0]["id"], log["data"][0]["id"]);

    // Bodies the API cannot read.
    let huge = vec![b' '; 17 * 1024 * 1024];
    admin
        .send("POST", "/awards", &[], Some(("application/json", &huge)))
        .problem(413);
    admin
        .send(
            "POST",
            &format!("/imports?achievement={aid}"),
            &[],
            Some(("text/csv", &huge)),
        )
        .problem(413);
    admin
        .send("POST", "/awards", &[], Some(("text/plain", b"hello")))
        .problem(415);
    admin
        .send(
            "POST",
            "/awards",
            &[],
            Some(("application/json", b"{not json")),
        )
        .problem(400);
    admin
        .send(
            "POST",
            "/awards",
            &[],
            Some(("application/json", b"{\"recipient_email\": 1}")),
        )
        .problem(422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_resources_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_resources_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
