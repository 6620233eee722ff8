//! Public pages know who is signed in: home, verify, issuer, credential and error pages show a
//! signed-in visitor their Dashboard, Backpack and Sign out, never stored by caches; an
//! anonymous visitor gets the same pages without them, the credential page still kept
//! (same entity tag, "304 Not Modified") and never carrying someone else's header.

use super::accounts::sign_up;
use super::{Http, start};
use accolade_app::App;
use accolade_store::Store;
use std::sync::Arc;

fn signed_in_header(body: &str) -> bool {
    body.contains("action=\"/signout\"") && body.contains("href=\"/backpack\"")
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (_, achievement) = rt.block_on(super::fixture::org_with_badge(
        &app,
        "Header Institute",
        "header-institute",
        "Navigation",
    ));
    let award = rt.block_on(super::fixture::issue_named(
        &app,
        &achievement,
        "nav@example.com",
        "Nav",
    ));
    let credential = format!("/credentials/{}", award.id);

    // Anonymous first: the credential page is kept, with its tag.
    let first = http.get(&credential, "text/html");
    assert_eq!(first.status, 200);
    assert!(!signed_in_header(&first.body));
    assert!(first.body.contains("href=\"/signin\""));
    let etag = first
        .header("etag")
        .expect("a kept page has a tag")
        .to_owned();

    let (mut grace, _) = sign_up(http, "Grace Hopper", "grace@example.com");
    for path in [
        "/",
        "/verify",
        "/issuers/header-institute",
        credential.as_str(),
    ] {
        let page = grace.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(signed_in_header(&page.body), "{path}: {}", page.body);
        assert!(page.body.contains("href=\"/dashboard\""), "{path}");
        assert!(!page.body.contains("href=\"/signin\""), "{path}");
        assert_eq!(
            page.header("cache-control"),
            Some("private, no-store"),
            "{path}"
        );
        assert!(page.header("etag").is_none(), "{path}: not the kept page");
    }
    // Error pages too, in any language.
    for path in ["/no/such/page", "/no/such/page?lang=de"] {
        let missing = grace.get(path);
        assert_eq!(missing.status, 404, "{path}");
        assert!(signed_in_header(&missing.body), "{path}: {}", missing.body);
        assert_eq!(
            missing.header("cache-control"),
            Some("private, no-store"),
            "{path}"
        );
        let anonymous = http.get(path, "text/html");
        assert_eq!(anonymous.status, 404, "{path}");
        assert!(!signed_in_header(&anonymous.body), "{path}");
    }
    // A verification run shows the header too.
    let checked = grace.get(&format!("/verify?url={credential}"));
    assert_eq!(checked.status, 200);
    assert!(signed_in_header(&checked.body));

    // Anonymous again: the kept page, unchanged, without Grace's header or form token.
    for path in ["/", "/verify", "/issuers/header-institute"] {
        let page = http.get(path, "text/html");
        assert!(!signed_in_header(&page.body), "{path}");
        assert!(!page.body.contains("Grace Hopper"), "{path}");
        assert_ne!(
            page.header("cache-control"),
            Some("private, no-store"),
            "{path}"
        );
    }
    let again = http.get(&credential, "text/html");
    assert_eq!(again.status, 200);
    assert_eq!(
        again.header("etag"),
        Some(etag.as_str()),
        "still the kept page"
    );
    assert_eq!(again.body, first.body);
    assert!(!signed_in_header(&again.body) && !again.body.contains("Grace Hopper"));
    assert_eq!(http.get_if_none_match(&credential, &etag).status, 304);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn public_header_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn public_header_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}

async fn run(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}
