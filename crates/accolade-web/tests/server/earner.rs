//! The earner over HTTP, on SQLite and PostgreSQL, with cookies and anti-forgery tokens: a
//! badge email's claim link shows the badge to anyone; "Add to my backpack" sends a visitor
//! to sign up and back; the account claims it (a second account is refused); the portfolio
//! shows only what is public, unlisted badges by direct link, private ones never; hostile
//! names are escaped and no email address appears on public pages.

use super::accounts::{PW, location};
use super::{Browser, Http, hidden_csrf, start};
use accolade_app::App;
use accolade_store::Store;
use std::sync::Arc;

/// The value of the hidden `name` field in a page.
fn hidden(html: &str, name: &str) -> Option<String> {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key)? + key.len();
    html[at..].split('"').next().map(str::to_owned)
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (_, achievement) = rt.block_on(super::fixture::org_with_badge(
        &app,
        "Acme <Academy>",
        "acme-earners",
        "Safety \"First\" <b>",
    ));
    let award = rt.block_on(super::fixture::issue_named(
        &app,
        &achievement,
        "ada@example.com",
        "Ada <L>",
    ));
    let token = rt.block_on(super::claim_token(&app, &award));
    let claim = format!("/claim/{token}");

    // Anyone with the link sees the badge at once, escaped, without the address it went to.
    let mut visitor = Browser::new(http);
    let page = visitor.get(&claim);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Safety &quot;First&quot; &lt;b&gt;"));
    assert!(page.body.contains("Acme &lt;Academy&gt;"));
    assert!(page.body.contains("Awarded to Ada &lt;L&gt;"));
    assert!(!page.body.contains("<b>") && !page.body.contains("ada@example.com"));
    assert!(page.body.contains(&format!("/credentials/{}", award.id)));
    assert!(
        page.body
            .contains(&format!("/credentials/{}.json", award.id))
    );
    assert_eq!(page.header("x-robots-tag"), Some("noindex"));
    assert!(page.body.contains("no account needed"));
    assert!(page.body.contains("Congratulations, Ada &lt;L&gt;!"));
    // The link to share is the full address, ready to copy, and LinkedIn takes it at once.
    let absolute = format!("{}/credentials/{}", super::PUBLIC, award.id);
    assert!(
        page.body
            .contains(&format!("value=\"{absolute}\" readonly")),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-copy=\"claim-url\""));
    assert!(
        page.body
            .contains(&format!("href=\"/s/{}/linkedin-profile\"", award.id))
    );
    assert!(page.body.contains("Add to LinkedIn profile"));
    let signup_link = format!("/signup?next=/claim/{token}");
    assert!(page.body.contains(&signup_link), "{}", page.body);
    assert_eq!(visitor.get("/claim/not-a-real-token").status, 404);
    // Adding it without an account leads to sign-in, and back.
    let anonymous = visitor.post(&claim, &[("csrf", "x")]);
    assert_eq!(anonymous.status, 303);
    assert_eq!(location(&anonymous), format!("/signin?next=/claim/{token}"));
    let signin = visitor.get(&location(&anonymous));
    assert_eq!(
        hidden(&signin.body, "next").as_deref(),
        Some(claim.as_str())
    );
    assert!(signin.body.contains(&signup_link));

    // Sign up from the claim page: back to it, signed in, then claim.
    let form = visitor.get(&signup_link);
    assert_eq!(hidden(&form.body, "next").as_deref(), Some(claim.as_str()));
    let done = visitor.post(
        "/signup",
        &[
            ("csrf", &hidden_csrf(&form.body)),
            ("name", "Ada Lovelace"),
            ("email", "ada.lovelace@example.com"),
            ("password", PW),
            ("next", &claim),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(location(&done), claim);
    let mut ada = visitor;
    let page = ada.get(&claim);
    assert!(page.body.contains("Add to my backpack"));
    assert!(
        page.body.contains("href=\"/backpack\""),
        "the header links the backpack"
    );
    let csrf = hidden_csrf(&page.body);
    let forged = ada.post(&claim, &[("csrf", "forged")]);
    assert_eq!(forged.status, 403);
    let claimed = ada.post(&claim, &[("csrf", &csrf)]);
    assert_eq!(claimed.status, 303, "{}", claimed.body);
    // Back on the badge: congratulations, and one click puts it on the portfolio.
    assert_eq!(location(&claimed), claim);
    let mine = ada.get(&claim);
    assert!(
        mine.body
            .contains("Congratulations! This badge is in your backpack."),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("It is not on your portfolio yet."));
    let vis = format!("/backpack/badges/{}/visibility", award.id);
    assert!(mine.body.contains(&format!("action=\"{vis}\"")));
    assert!(
        mine.body
            .contains("<input type=\"hidden\" name=\"visibility\" value=\"public\">")
    );
    assert!(mine.body.contains("so an employer can always check it"));
    let backpack = ada.get("/backpack");
    assert_eq!(backpack.status, 200);
    assert!(backpack.body.contains("Safety &quot;First&quot; &lt;b&gt;"));
    assert!(
        backpack
            .body
            .contains("<option value=\"private\" selected>Not on your portfolio</option>")
    );
    assert!(!backpack.body.contains("only me"), "no promise of privacy");

    // A hostile `next` is ignored.
    let mut eve = Browser::new(http);
    let form = eve.get("/signup?next=//evil.example/");
    assert_eq!(hidden(&form.body, "next"), None);
    let done = eve.post(
        "/signup",
        &[
            ("csrf", &hidden_csrf(&form.body)),
            ("name", "Eve"),
            ("email", "eve@example.com"),
            ("password", PW),
            ("next", "//evil.example/"),
        ],
    );
    assert_eq!(location(&done), "/dashboard");
    // Another account cannot take the badge after Ada.
    let page = eve.get(&claim);
    assert!(page.body.contains("already been claimed"));
    let eve_csrf = hidden_csrf(&eve.get("/dashboard").body);
    let refused = eve.post(&claim, &[("csrf", &eve_csrf)]);
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(eve.get("/backpack").body.contains("No badges yet"));
    assert_eq!(
        location(&Browser::new(http).get("/backpack")),
        "/signin?next=/backpack"
    );

    // Handle: a hostile one is refused (and shown escaped); then a good one.
    let bad = ada.post(
        "/backpack/handle",
        &[("csrf", &csrf), ("handle", "<script>x</script>")],
    );
    assert_eq!(bad.status, 400);
    assert!(!bad.body.contains("<script>x"));
    let ok = ada.post("/backpack/handle", &[("csrf", &csrf), ("handle", "ada")]);
    assert_eq!(ok.status, 303, "{}", ok.body);
    let taken = eve.post(
        "/backpack/handle",
        &[("csrf", &eve_csrf), ("handle", "ada")],
    );
    assert_eq!(taken.status, 409);

    // Private by default: the portfolio shows nothing, and the badge's link is not found.
    let mut public = Browser::new(http);
    let portfolio = public.get("/u/ada");
    assert_eq!(portfolio.status, 200);
    assert!(!portfolio.body.contains("Safety"));
    let badge_link = format!("/u/ada/badges/{}", award.id);
    assert_eq!(public.get(&badge_link).status, 404);
    assert_eq!(public.get("/u/nobody-here").status, 404);

    // Public (the claim page's one click): listed. Unlisted: its link only.
    let set = ada.post(&vis, &[("csrf", &csrf), ("visibility", "public")]);
    assert_eq!(set.status, 303);
    assert_eq!(location(&set), "/backpack?notice=public");
    assert!(
        ada.get("/backpack?notice=public")
            .body
            .contains("The badge is on your public portfolio.")
    );
    assert!(
        ada.get(&claim)
            .body
            .contains("It is on your public portfolio.")
    );
    let portfolio = public.get("/u/ada");
    assert!(
        portfolio
            .body
            .contains("Safety &quot;First&quot; &lt;b&gt;")
    );
    assert!(portfolio.body.contains("Ada Lovelace"));
    assert!(
        !portfolio.body.contains("@example.com"),
        "no email on public pages"
    );
    let forged = ada.post(&vis, &[("csrf", "forged"), ("visibility", "private")]);
    assert_eq!(forged.status, 403);
    let not_hers = eve.post(&vis, &[("csrf", &eve_csrf), ("visibility", "private")]);
    assert_eq!(not_hers.status, 404);
    ada.post(&vis, &[("csrf", &csrf), ("visibility", "unlisted")]);
    assert!(!public.get("/u/ada").body.contains("Safety"));
    let direct = public.get(&badge_link);
    assert_eq!(direct.status, 200);
    assert!(direct.body.contains("Safety &quot;First&quot; &lt;b&gt;"));

    // A public collection with a hostile name: escaped; it lists public badges only.
    let hostile = "<img src=x onerror=alert(1)>";
    let made = ada.post(
        "/backpack/collections",
        &[("csrf", &csrf), ("name", hostile), ("visibility", "public")],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let page = ada.get("/backpack");
    assert!(!page.body.contains(hostile));
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let collection_id = page
        .body
        .split("action=\"/backpack/collections/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let added = ada.post(
        &format!("/backpack/collections/{collection_id}"),
        &[
            ("csrf", &csrf),
            ("action", "add"),
            ("award", &award.id.to_string()),
        ],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    let portfolio = public.get("/u/ada");
    assert!(
        portfolio
            .body
            .contains("&lt;img src=x onerror=alert(1)&gt;")
    );
    assert!(!portfolio.body.contains(hostile));
    assert!(
        !portfolio.body.contains("Safety"),
        "an unlisted badge stays out of a public collection"
    );
    ada.post(&vis, &[("csrf", &csrf), ("visibility", "public")]);
    let collection_page = public.get(&format!("/u/ada/collections/{collection_id}"));
    assert_eq!(collection_page.status, 200);
    assert!(
        collection_page
            .body
            .contains("Safety &quot;First&quot; &lt;b&gt;")
    );
    // Private: the collection's link is not found any more.
    ada.post(
        &format!("/backpack/collections/{collection_id}"),
        &[
            ("csrf", &csrf),
            ("action", "update"),
            ("name", hostile),
            ("visibility", "private"),
        ],
    );
    assert_eq!(
        public
            .get(&format!("/u/ada/collections/{collection_id}"))
            .status,
        404
    );
    assert!(!public.get("/u/ada").body.contains("&lt;img"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn earner_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn earner_on_postgres() {
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
