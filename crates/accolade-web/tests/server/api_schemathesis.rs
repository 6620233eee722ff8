//! schemathesis (PyPI, pinned in `interop/py/requirements.txt`) against a live server with
//! the demo data and an admin API key: it reads the served `/api/v1/openapi.json` and sends
//! every operation examples, edge cases, random and invalid data, and stateful sequences
//! (the document's links), and runs all its checks: no server error, every status, content
//! type, header and body as the document says, invalid data refused (settings in
//! `interop/py/schemathesis.toml`).
//! Runs when ACCOLADE_PYTHON names the Python of that venv (scripts/test.sh sets it);
//! skipped otherwise, and a failure under CI.

use super::{PUBLIC, fixture};
use accolade_app::{ApiScope, NewApiKey, OrgAdmin, Rate, RequestLimits};
use std::process::Command;
use std::sync::Arc;

fn python() -> Option<String> {
    accolade_testkit::gate::require_var(
        "ACCOLADE_PYTHON",
        "schemathesis against /api/v1",
        "a Python with interop/py/requirements.txt; scripts/test.sh sets it",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn schemathesis_on_sqlite() {
    let Some(python) = python() else {
        return;
    };
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store, python).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn schemathesis_on_postgres() {
    let Some(python) = python() else {
        return;
    };
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store, python).await;
}

/// Runs schemathesis against a server on `store` with the demo data: every check passes.
async fn run(store: accolade_store::Store, python: String) {
    let app = Arc::new(fixture::app(
        store,
        Arc::new(accolade_core::SystemClock),
        fixture::config(PUBLIC, false),
    ));
    let demo = app.seed_demo().await.unwrap();
    let token = app
        .create_api_key(
            OrgAdmin::Operator,
            demo.org.id,
            NewApiKey {
                name: "schemathesis".into(),
                scopes: vec![ApiScope::Admin],
                expires_in_days: None,
            },
        )
        .await
        .unwrap()
        .token;
    // The run sends thousands of requests: a budget that does not run out in it.
    let options = accolade_web::ServeOptions {
        request_limits: RequestLimits {
            api: Rate::per_minute(1_000_000),
            ..RequestLimits::default()
        },
        ..accolade_web::ServeOptions::default()
    };
    let port = fixture::serve_with(app.clone(), &options).await;
    let report = std::env::temp_dir().join(format!("accolade-schemathesis-{}", std::process::id()));
    let examples = std::env::var("ACCOLADE_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "25".into());
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interop/py/schemathesis.toml");
    let out = tokio::task::spawn_blocking(move || {
        // Its working directory is scratch: schemathesis keeps a cache there.
        std::fs::create_dir_all(&report).unwrap();
        Command::new(python)
            .current_dir(&report)
            .args(["-m", "schemathesis.cli", "--config-file"])
            .arg(config)
            .arg("run")
            .arg(format!("http://127.0.0.1:{port}/api/v1/openapi.json"))
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args(["--checks", "all"])
            // Whether well-formed data is accepted depends on more than a schema can say
            // (an achievement's required custom fields, an award's current state, a real
            // language tag): those refusals are 400/409 by design.
            .args(["--exclude-checks", "positive_data_acceptance"])
            .args(["--phases", "examples,coverage,fuzzing,stateful"])
            .args(["--max-examples", &examples])
            .args(["--seed", "20261208"])
            .args(["--workers", "1"])
            .args(["--request-timeout", "30"])
            .args(["--report", "junit", "--report-dir"])
            .arg(&report)
            .env("NO_COLOR", "1")
            .env("SCHEMATHESIS_HOOKS", "")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "schemathesis found problems:\n{stdout}\n{stderr}"
    );
    // It ran every operation (a document it could not read would test nothing).
    assert!(stdout.contains("passed"), "{stdout}");
}
