//! An earner's extra addresses over HTTP, on SQLite and PostgreSQL: adding one sends a
//! verification link (forged forms refused), the link verifies it once (a made-up token is
//! 404), a badge sent to that address then waits on the backpack and `POST
//! /backpack/waiting/{id}` adds it; another account cannot take it; removing the address
//! removes it from the account.

use super::accounts::{location, sign_up};
use super::{Browser, Http, hidden_csrf, start};
use accolade_app::App;
use accolade_core::Email;
use accolade_store::Store;
use std::sync::Arc;

/// The token of the newest `{PUBLIC}/backpack/emails/verify/TOKEN` link mailed to `to`.
fn verify_token(app: &App, to: &str) -> String {
    let rt = tokio::runtime::Handle::current();
    let mails = rt.block_on(app.outbox(None, 100)).unwrap();
    let mail = mails
        .iter()
        .find(|m| m.to.as_str() == to && m.body_text.contains("/backpack/emails/verify/"))
        .expect("a verification email to the new address");
    super::link_token(&mail.body_text, "backpack/emails/verify").expect("the link")
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (_, achievement) = rt.block_on(super::fixture::org_with_badge(
        &app,
        "Acme Academy",
        "acme-emails",
        "Night Shift Lead",
    ));
    let award = rt.block_on(super::fixture::issue_named(
        &app,
        &achievement,
        "ada.work@example.com",
        "Ada",
    ));
    let (mut ada, _) = sign_up(http, "Ada Lovelace", "ada.home@example.com");
    let ada_user = rt
        .block_on(
            app.store()
                .user_by_email(&Email::parse("ada.home@example.com").unwrap()),
        )
        .unwrap()
        .unwrap();
    let page = ada.get("/backpack");
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("/backpack/waiting/"),
        "nothing waits yet"
    );
    let csrf = hidden_csrf(&page.body);

    // Adding the address: a forged form does nothing; a real one mails a link.
    let forged = ada.post(
        "/backpack/emails",
        &[
            ("csrf", "forged"),
            ("action", "add"),
            ("email", "ada.work@example.com"),
        ],
    );
    assert_eq!(forged.status, 403);
    assert!(
        rt.block_on(app.earner_emails(&ada_user))
            .unwrap()
            .is_empty()
    );
    let added = ada.post(
        "/backpack/emails",
        &[
            ("csrf", &csrf),
            ("action", "add"),
            ("email", "ada.work@example.com"),
        ],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    assert_eq!(location(&added), "/backpack?notice=sent");
    let emails = rt.block_on(app.earner_emails(&ada_user)).unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].email.as_str(), "ada.work@example.com");
    assert!(emails[0].verified_at.is_none());
    let page = ada.get("/backpack");
    assert!(page.body.contains("ada.work@example.com"));
    assert!(page.body.contains("waiting for its link"));
    assert!(
        !page.body.contains("/backpack/waiting/"),
        "unverified: still nothing waits"
    );

    // The link: a made-up token is refused; the real one verifies, once, without a session.
    let stranger = Browser::new(http).get("/backpack/emails/verify/made-up-token");
    assert_eq!(stranger.status, 404);
    let token = verify_token(&app, "ada.work@example.com");
    let link = format!("/backpack/emails/verify/{token}");
    let verified = Browser::new(http).get(&link);
    assert_eq!(verified.status, 303, "{}", verified.body);
    assert_eq!(location(&verified), "/backpack?notice=verified");
    let emails = rt.block_on(app.earner_emails(&ada_user)).unwrap();
    assert!(emails[0].verified_at.is_some());
    assert_eq!(
        Browser::new(http).get(&link).status,
        404,
        "the link works once"
    );

    // The badge sent to that address now waits; another account cannot take it.
    let page = ada.get("/backpack");
    let waiting = format!("/backpack/waiting/{}", award.id);
    assert!(page.body.contains(&waiting), "{}", page.body);
    assert!(page.body.contains("Badges waiting for you (1)"));
    // It is named (badge and issuer) and comes first, above the badges and the settings.
    let at = |needle: &str| {
        page.body
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {}", page.body))
    };
    let named = at("Badges waiting for you (1)");
    assert!(named < at("id=\"badges-title\""), "waiting badges first");
    assert!(named < at("id=\"portfolio-title\"") && named < at("id=\"emails-title\""));
    let card = &page.body[named..at("id=\"badges-title\"")];
    assert!(card.contains("Night Shift Lead"), "{card}");
    assert!(card.contains(&format!("/credentials/{}", award.id)));
    assert!(card.contains("sent to ada.work@example.com"));
    assert!(card.contains(&waiting));
    assert!(card.contains("Acme Academy"), "the issuer is named");
    let (mut eve, _) = sign_up(http, "Eve", "eve@example.com");
    let eve_csrf = hidden_csrf(&eve.get("/backpack").body);
    let stolen = eve.post(&waiting, &[("csrf", &eve_csrf)]);
    assert_ne!(stolen.status, 303, "another account took the badge");
    assert!(!eve.get("/backpack").body.contains("Night Shift Lead"));
    let forged = ada.post(&waiting, &[("csrf", "forged")]);
    assert_eq!(forged.status, 403);
    let taken = ada.post(&waiting, &[("csrf", &csrf)]);
    assert_eq!(taken.status, 303, "{}", taken.body);
    assert_eq!(location(&taken), "/backpack?notice=claimed");
    let backpack = rt.block_on(app.backpack(&ada_user)).unwrap();
    assert!(
        backpack
            .badges
            .iter()
            .any(|b| b.credential_path.contains(&award.id.to_string())),
        "the badge is in Ada's backpack"
    );
    assert!(
        rt.block_on(app.waiting_badges(&ada_user))
            .unwrap()
            .is_empty()
    );
    let page = ada.get("/backpack");
    assert!(page.body.contains("Night Shift Lead"));
    assert!(!page.body.contains(&waiting));

    // Removing the address.
    let removed = ada.post(
        "/backpack/emails",
        &[
            ("csrf", &csrf),
            ("action", "remove"),
            ("email", "ada.work@example.com"),
        ],
    );
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(location(&removed), "/backpack?notice=saved");
    assert!(
        rt.block_on(app.earner_emails(&ada_user))
            .unwrap()
            .is_empty()
    );
    assert!(!ada.get("/backpack").body.contains("ada.work@example.com"));
}

async fn run(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backpack_emails_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backpack_emails_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
