//! The issuer's workspace over HTTP, on SQLite and PostgreSQL: sign-up, creating an
//! organization, issuing from an achievement's form and revoking from the award's page (the
//! overview only leads there), another account seeing nothing of it, and sign-in answering
//! the same for a wrong password and an unknown account.

use super::*;

fn workspace_flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let pw = "correct horse battery staple";
    let mut ada = Browser::new(http);
    // Sign up: the form's token must match its cookie.
    let form = ada.get("/signup");
    let _ = hidden_csrf(&form.body);
    let forged = ada.post(
        "/signup",
        &[
            ("csrf", "forged"),
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", pw),
        ],
    );
    assert_eq!(forged.status, 403);
    // The refused form comes back with a fresh token, as a browser would show it.
    let token = hidden_csrf(&forged.body);
    let done = ada.post(
        "/signup",
        &[
            ("csrf", &token),
            ("name", "Ada Lovelace"),
            ("email", "ada@example.com"),
            ("password", pw),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(ada.cookies.contains_key("accolade_session"));
    let dash = ada.get("/dashboard");
    assert!(dash.status == 200 && dash.body.contains("Ada Lovelace"));
    let csrf = hidden_csrf(&dash.body);
    assert_eq!(
        ada.post(
            "/dashboard/orgs",
            &[
                ("csrf", "nope"),
                ("name", "X"),
                ("url", "https://x.example")
            ]
        )
        .status,
        403
    );
    let created = ada.post(
        "/dashboard/orgs",
        &[
            ("csrf", &csrf),
            ("name", "Globex Institute"),
            ("url", "https://globex.example"),
        ],
    );
    assert_eq!(created.status, 303);
    let org = rt.block_on(app.org_by_slug("globex-institute")).unwrap();
    let achievement = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Safety Basics".into(),
                description: "Basic workplace safety.".into(),
                criteria_narrative: Some("Attend the course.".into()),
                ..NewAchievement::default()
            },
        ))
        .unwrap();
    // The overview leads to each achievement's issue form and to each award's page; issuing
    // and revoking happen there (one route each, no second way in).
    let ws = ada.get("/dashboard/orgs/globex-institute");
    assert!(ws.status == 200 && ws.body.contains("Safety Basics") && ws.body.contains("owner"));
    let issue_url = format!(
        "/dashboard/orgs/globex-institute/achievements/{}/issue",
        achievement.id
    );
    assert!(ws.body.contains(&issue_url), "{}", ws.body);
    let issued = ada.post_follow(
        &issue_url,
        &[
            ("csrf", &csrf),
            ("email", "grace@example.com"),
            ("name", "Grace Hopper"),
        ],
    );
    assert!(
        issued.status == 200 && issued.body.contains("Issued Safety Basics"),
        "{}",
        issued.body
    );
    let award = rt
        .block_on(app.store().awards(org.id, 1, 0))
        .unwrap()
        .remove(0);
    let award_page = format!("/dashboard/orgs/globex-institute/awards/{}", award.id);
    let ws = ada.get("/dashboard/orgs/globex-institute");
    assert!(
        ws.body.contains(&award_page) && ws.body.contains("status-active"),
        "{}",
        ws.body
    );
    let revoked = ada.post(
        &format!("{award_page}/status"),
        &[
            ("csrf", &csrf),
            ("action", "revoke"),
            ("reason", "Wrong person"),
        ],
    );
    assert!(revoked.status < 400, "{}", revoked.body);
    assert_eq!(
        rt.block_on(app.award_by_id(award.id)).unwrap().status,
        accolade_core::AwardStatus::Revoked
    );
    let ws = ada.get("/dashboard/orgs/globex-institute");
    assert!(ws.body.contains("status-revoked"), "{}", ws.body);
    // The old second ways in are gone.
    // On connections of their own: the server may close a connection whose request body
    // it never read, and the next request must not find it in the shared pool.
    let apart = Http {
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .build()
            .into(),
        base: http.base.clone(),
    };
    let mut ada_apart = Browser {
        http: &apart,
        cookies: ada.cookies.clone(),
    };
    for gone in [
        "/dashboard/orgs/globex-institute/awards".to_owned(),
        format!("{award_page}/revoke"),
    ] {
        let r = ada_apart.post(&gone, &[("csrf", &csrf), ("reason", "x")]);
        assert!(r.status == 404 || r.status == 405, "{gone}: {}", r.status);
    }

    // Another account sees nothing of Globex: 404, not 403, and nothing changes.
    let mut eve = Browser::new(http);
    let t = hidden_csrf(&eve.get("/signup").body);
    assert_eq!(
        eve.post(
            "/signup",
            &[
                ("csrf", &t),
                ("name", "Eve"),
                ("email", "eve@example.com"),
                ("password", pw)
            ]
        )
        .status,
        303
    );
    let eve_csrf = hidden_csrf(&eve.get("/dashboard").body);
    assert_eq!(eve.get("/dashboard/orgs/globex-institute").status, 404);
    let attempt = eve.post(
        &issue_url,
        &[("csrf", &eve_csrf), ("email", "x@example.com")],
    );
    assert_eq!(attempt.status, 404);
    assert_eq!(rt.block_on(app.store().count_awards(org.id)).unwrap(), 1);

    // Sign-in answers the same for a wrong password and an unknown account.
    let mut anon = Browser::new(http);
    let t = hidden_csrf(&anon.get("/signin").body);
    let wrong = anon.post(
        "/signin",
        &[
            ("csrf", &t),
            ("email", "ada@example.com"),
            ("password", "wrong password"),
        ],
    );
    let t = hidden_csrf(&anon.get("/signin").body);
    let unknown = anon.post(
        "/signin",
        &[
            ("csrf", &t),
            ("email", "nobody@example.com"),
            ("password", "wrong password"),
        ],
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert!(
        wrong.body.contains("The email or password is incorrect.")
            && unknown.body.contains("The email or password is incorrect.")
    );
    assert_eq!(
        anon.get("/dashboard").status,
        303,
        "signed-out users are sent to sign in"
    );

    // Sign out ends the session.
    let out = ada.post("/signout", &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert_eq!(ada.get("/dashboard").status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workspace_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| workspace_flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workspace_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| workspace_flow(app, &http));
}
