//! Health checks and an unreachable database: `/healthz` answers while the process lives,
//! whatever the database does; `/readyz` answers 200 only when the database answers and
//! every migration is applied (503 with the reason otherwise); and with the database gone,
//! pages answer 503 with `Retry-After` rather than 500.

use super::{Http, start};
use accolade_app::NewOrganization;
use accolade_store::testing::{execute_raw, fresh_sqlite};

#[tokio::test(flavor = "multi_thread")]
async fn health_readiness_and_an_unreachable_database() {
    let store = fresh_sqlite().await.unwrap();
    let (app, port) = start(store.store().clone()).await;
    let http = Http::new(port);
    app.create_org(NewOrganization {
        name: "Acme Academy".into(),
        url: "https://acme.example".into(),
        email: None,
        description: None,
        slug: Some("acme".into()),
    })
    .await
    .unwrap();
    let get = |path: &'static str| {
        let http = &http;
        tokio::task::block_in_place(move || http.get(path, "text/html"))
    };
    let health = get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let ready = get("/readyz");
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready\n"));
    assert_eq!(get("/issuers/acme").status, 200);

    // A migration of this build missing from the database: not ready, and it says which.
    execute_raw(
        store.store(),
        "DELETE FROM _sqlx_migrations WHERE version = 20",
    )
    .await
    .unwrap();
    let ready = get("/readyz");
    assert_eq!(ready.status, 503);
    assert_eq!(ready.body, "not ready: migrations not applied: 0020\n");
    assert_eq!(get("/healthz").status, 200);

    // The database gone (every connection closed): alive, not ready, and pages answer 503
    // with Retry-After instead of 500.
    app.store().close().await;
    assert_eq!(get("/healthz").status, 200);
    let ready = get("/readyz");
    assert_eq!(ready.status, 503);
    assert_eq!(ready.body, "not ready: database unreachable\n");
    let page = get("/issuers/acme");
    assert_eq!(page.status, 503, "{}", page.body);
    assert_eq!(page.header("retry-after"), Some("5"));
    assert!(
        page.body
            .contains("The database cannot be reached right now")
    );
    let json =
        tokio::task::block_in_place(|| http.get("/issuers/acme/did.json", "application/json"));
    assert_eq!(json.status, 503);
    assert_eq!(json.header("retry-after"), Some("5"));
}
