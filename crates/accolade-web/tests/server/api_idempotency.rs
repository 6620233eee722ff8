//! API keys through the API and `Idempotency-Key`, over real HTTP on SQLite and PostgreSQL:
//! only an admin key manages keys (403 naming the scope otherwise); creating one needs an
//! idempotency key (400 without); a retry with the same key and body replays the first
//! answer (same token, `Idempotent-Replayed: true`) and creates nothing; the same key with
//! another body is 422; a key whose first request is still running is 409; ten identical
//! requests at once create exactly one key; a revoked key is refused from then on.

use super::api_auth::{Api, ApiReply, key, org};
use super::{PUBLIC, fixture};
use accolade_app::idempotency::{IdempotencyClaim, fingerprint};
use accolade_app::{ApiScope, OrgAdmin};
use accolade_core::SystemClock;
use accolade_store::Store;
use std::sync::Arc;

fn post(api: &Api, token: &str, idem: Option<&str>, body: &str) -> ApiReply {
    let auth = format!("Bearer {token}");
    let headers: Vec<(&str, &str)> = idem.map(|k| ("Idempotency-Key", k)).into_iter().collect();
    api.call("POST", "/api-keys", Some(&auth), &headers, Some(body))
}

async fn run(store: Store) {
    let app = Arc::new(fixture::app(
        store,
        Arc::new(SystemClock),
        fixture::config(PUBLIC, false),
    ));
    let port = fixture::serve(app.clone()).await;
    let acme = org(&app, "acme").await;
    let admin = key(&app, &acme, &[ApiScope::Admin], None).await;
    let read = key(&app, &acme, &[ApiScope::Read, ApiScope::Issue], None).await;
    let api = Api::new(port);
    let count = || {
        let app = app.clone();
        async move {
            app.api_keys(OrgAdmin::Operator, acme.id)
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(count().await, 2);
    let body = r#"{"name":"Moodle sync","scopes":["issue","read"],"expires_in_days":30}"#;

    tokio::task::block_in_place(|| {
        // Without the admin scope: 403 naming it, for reading and for creating.
        let p = api.get("/api-keys", &read).problem(403);
        assert!(p["detail"].as_str().unwrap().contains("admin"), "{p}");
        post(&api, &read, Some("r-1"), body).problem(403);
        // Without an idempotency key, or with a malformed one: 400.
        let p = post(&api, &admin, None, body).problem(400);
        assert_eq!(p["field"], "Idempotency-Key", "{p}");
        post(&api, &admin, Some("two words"), body).problem(400);
        // A body that is not a key: 400 naming the field.
        let p = post(
            &api,
            &admin,
            Some("bad-1"),
            r#"{"name":"x","scopes":["owner"]}"#,
        )
        .problem(400);
        assert_eq!(p["field"], "scopes", "{p}");
    });

    // Created once; the retry replays the same answer.
    let (first, again) = tokio::task::block_in_place(|| {
        let first = post(&api, &admin, Some("\"k-1\""), body);
        assert_eq!(first.status, 201, "{}", first.body);
        assert_eq!(first.header("idempotent-replayed"), None);
        let again = post(&api, &admin, Some("k-1"), body);
        (first, again)
    });
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("content-type"), Some("application/json"));
    let created = first.json();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with(created["prefix"].as_str().unwrap()));
    assert_eq!(created["scopes"], serde_json::json!(["read", "issue"]));
    assert_eq!(created["state"], "active");
    assert!(created["expires_at"].is_string());
    assert_eq!(count().await, 3);

    tokio::task::block_in_place(|| {
        // Another body with the same key: 422.
        let p = post(&api, &admin, Some("k-1"), &body.replace("Moodle", "Canvas")).problem(422);
        assert!(
            p["detail"].as_str().unwrap().contains("different request"),
            "{p}"
        );
        // The list shows no token.
        let list = api.get("/api-keys", &admin).json();
        let data = list["data"].as_array().unwrap();
        assert_eq!(data.len(), 3);
        assert!(data.iter().all(|k| k.get("token").is_none()));
    });
    // The new key works with its scopes: it reads, but does not manage keys.
    tokio::task::block_in_place(|| {
        assert_eq!(api.get("/organization", &token).status, 200);
        api.get("/api-keys", &token).problem(403);
    });

    // A first request still running: the same key and request get 409.
    let admin_caller = app.api_caller(&admin).await.unwrap();
    let print = fingerprint("POST", "/api/v1/api-keys", body.as_bytes());
    assert_eq!(
        app.claim_idempotency_key(&admin_caller, "k-busy", &print)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    tokio::task::block_in_place(|| {
        let r = post(&api, &admin, Some("k-busy"), body);
        let p = r.problem(409);
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("still being processed"),
            "{p}"
        );
        assert_eq!(r.header("retry-after"), Some("1"));
    });
    assert_eq!(count().await, 3);

    // Ten identical requests at once: one key.
    let replies: Vec<ApiReply> = tokio::task::block_in_place(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..10)
                .map(|_| s.spawn(|| post(&api, &admin, Some("k-many"), body)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    });
    assert_eq!(count().await, 4);
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    eprintln!("ten at once answered {statuses:?}");
    let fresh: Vec<&ApiReply> = replies
        .iter()
        .filter(|r| r.status == 201 && r.header("idempotent-replayed").is_none())
        .collect();
    assert_eq!(
        fresh.len(),
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in &replies {
        match r.status {
            201 => assert_eq!(r.body, fresh[0].body),
            409 => {}
            other => panic!("unexpected {other}: {}", r.body),
        }
    }
    // Afterwards every retry gets the answer.
    let late = tokio::task::block_in_place(|| post(&api, &admin, Some("k-many"), body));
    assert_eq!(
        (late.status, late.body.as_str()),
        (201, fresh[0].body.as_str())
    );

    // Revoked through the API: refused from then on; a second revocation is a conflict.
    let prefix = created["prefix"].as_str().unwrap().to_owned();
    tokio::task::block_in_place(|| {
        let auth = format!("Bearer {admin}");
        let r = api.get(&format!("/api-keys/{prefix}"), &admin);
        assert_eq!(r.json()["name"], "Moodle sync");
        let r = api.call(
            "DELETE",
            &format!("/api-keys/{prefix}"),
            Some(&auth),
            &[],
            None,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["state"], "revoked");
        api.get("/organization", &token).problem(401);
        api.call(
            "DELETE",
            &format!("/api-keys/{prefix}"),
            Some(&auth),
            &[],
            None,
        )
        .problem(409);
        api.get("/api-keys/acc_ffffffff", &admin).problem(404);
    });
    // The audit log names the key that did it.
    let log = app.audit_log(acme.id, 50, 0).await.unwrap();
    let by_key = format!("API key {} (admin key)", &admin[..12]);
    assert!(
        log.iter()
            .any(|e| e.action == "api_key.revoke" && e.actor.label == by_key),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_idempotency_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_idempotency_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
