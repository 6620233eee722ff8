//! Sign-up on a server without mail, by default: the form is closed, since creating the
//! account at once would tell anyone whether an address is taken. The page says how to get
//! an account (an invitation, or the operator's `accolade user create`), in the visitor's
//! language; a post is refused with the same page for an address with an account and for a
//! new one, and creates nothing. Opened by the operator (`--signup-without-email`), the
//! form creates the account at once.

use super::signup_confirm::{masked, post_form};
use super::{Browser, Http};
use accolade_app::App;
use accolade_core::{Email, SystemClock};
use accolade_store::Store;
use std::sync::Arc;

fn closed(app: &App, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let user = |email: &str| {
        rt.block_on(app.store().user_by_email(&Email::parse(email).unwrap()))
            .unwrap()
    };
    rt.block_on(app.sign_up("ada@example.com", "Ada Lovelace", super::accounts::PW))
        .unwrap();

    let page = Browser::new(http).get("/signup");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Sign-up is closed"), "{}", page.body);
    assert!(
        page.body
            .contains("ask an organization on this site to invite you")
    );
    assert!(page.body.contains("accolade user create"));
    assert!(!page.body.contains("name=\"password\""), "no form to fill");

    // A post (as from a form kept open, or a script) is refused the same way for both.
    let answer = |email: &str| {
        // The closed page has no form, so no form token to send.
        let r = Browser::new(http).post(
            "/signup",
            &[
                ("csrf", "none"),
                ("name", "Someone"),
                ("email", email),
                ("password", "another long passphrase"),
            ],
        );
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("Sign-up is closed"), "{}", r.body);
        masked(&r, email)
    };
    assert_eq!(answer("ada@example.com"), answer("grace@example.com"));
    assert!(user("grace@example.com").is_none(), "nothing created");
    assert!(
        rt.block_on(app.outbox(None, 50)).unwrap().is_empty(),
        "nothing queued"
    );

    let spanish = Http::reply(
        http.agent
            .get(format!("{}/signup", http.base))
            .header("Accept-Language", "es")
            .call()
            .unwrap(),
    );
    assert!(
        spanish.body.contains("El registro está cerrado"),
        "{}",
        spanish.body
    );
}

async fn run(store: Store) {
    let config = super::fixture::config(super::PUBLIC, false);
    let default = Arc::new(App::new(
        store.clone(),
        Arc::new(SystemClock),
        config.clone(),
        Some(accolade_app::MasterKey::generate().unwrap()),
    ));
    let http = Http::new(super::fixture::serve(default.clone()).await);
    tokio::task::block_in_place(|| closed(&default, &http));

    // Opened by the operator: the account is made at once and signed in.
    let open = Arc::new(super::fixture::app(store, Arc::new(SystemClock), config));
    let http = Http::new(super::fixture::serve(open.clone()).await);
    tokio::task::block_in_place(|| {
        let mut b = Browser::new(&http);
        let r = post_form(
            &mut b,
            "Grace Hopper",
            "grace@example.com",
            "another long passphrase",
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(b.get("/dashboard").status, 200);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_up_without_mail_is_closed_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_up_without_mail_is_closed_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
