//! The integration a client system does, run by `interop/py/api_integration.py` with plain
//! `requests` against a live server: an achievement, 1,000 badges by CSV, the import polled
//! until done, every webhook received (1,000 `award.issued`, `import.completed`,
//! `award.revoked`, each verified with the official Standard Webhooks package), one award
//! revoked and found in the revoked list and the status list, and
//! credentials checked by the Digital Bazaar verifier (an active one verifies, the revoked
//! one does not). Needs ACCOLADE_PYTHON (interop/py/requirements.txt) and
//! ACCOLADE_INTEROP=1 (npm packages in interop/); skipped otherwise, a failure under CI.

use super::{PUBLIC, fixture, interop};
use accolade_app::{ApiScope, NewApiKey, NewOrganization, OrgAdmin};
use std::process::Command;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_issues_a_thousand_badges_by_csv_and_revokes_one() {
    let Some(python) = accolade_testkit::gate::require_var(
        "ACCOLADE_PYTHON",
        "interop/py/api_integration.py",
        "a Python with interop/py/requirements.txt; scripts/test.sh sets it",
    ) else {
        return;
    };
    if !interop() {
        return;
    }
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let app = Arc::new(fixture::app(
        store,
        Arc::new(accolade_core::SystemClock),
        // Loopback allowed: the script's webhook receiver listens on 127.0.0.1.
        fixture::config(PUBLIC, true),
    ));
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: Some("acme".into()),
        })
        .await
        .unwrap();
    let token = app
        .create_api_key(
            OrgAdmin::Operator,
            org.id,
            NewApiKey {
                name: "integration".into(),
                scopes: vec![ApiScope::Admin],
                expires_in_days: None,
            },
        )
        .await
        .unwrap()
        .token;
    let port = fixture::serve(app.clone()).await;
    // The background worker delivers the webhooks.
    let worker = accolade_app::JobWorker::start(app.clone(), std::time::Duration::from_millis(100));
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../interop/py/api_integration.py");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .args(["--api", &format!("http://127.0.0.1:{port}/api/v1")])
            .args(["--token", &token])
            .args(["--host-map", &format!("accolade.test=127.0.0.1:{port}")])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    worker.stop().await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let steps: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let done = |name: &str| steps.iter().find(|s| s["step"] == name).cloned();
    assert_eq!(done("import done").unwrap()["issued"], 1000, "{stdout}");
    assert_eq!(done("status list").unwrap()["bit"], 1, "{stdout}");
    assert_eq!(
        done("verified").unwrap()["revoked_refused"],
        true,
        "{stdout}"
    );
    let hooks = done("webhooks").unwrap();
    assert_eq!(hooks["issued"], 1000, "{stdout}");
    assert_eq!(hooks["awards"], 1000, "{stdout}");
    assert_eq!(hooks["import_completed"], 1, "{stdout}");
    assert!(done("revoked webhook").is_some(), "{stdout}");
    assert!(done("done").is_some(), "{stdout}");
}
