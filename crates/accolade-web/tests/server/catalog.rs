//! The public catalogue of an organization's badges on its issuer page: every badge with
//! how to earn it, its type, credits and validity, each linking to its page; `?q=` narrows
//! the list case-insensitively (name, description, skills, tags) with a count and an empty
//! state; a signed-in visitor sees their header; an unknown organization is "404 Not Found".

use super::accounts::sign_up;
use super::{Http, start};
use accolade_app::{App, NewAchievement, NewOrganization};
use accolade_core::{Actor, AlignmentSpec, ExpiryPolicy};
use accolade_store::Store;
use std::sync::Arc;

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let org = rt
        .block_on(app.create_org(NewOrganization {
            name: "Catalogue College".into(),
            url: "https://catalogue.example".into(),
            email: None,
            description: None,
            slug: Some("catalogue-college".into()),
        }))
        .unwrap();
    let add = |a: NewAchievement| {
        rt.block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                ..a
            },
        ))
        .unwrap()
    };
    let rust = add(NewAchievement {
        name: "Rust Foundations".into(),
        description: "Ownership, borrowing and lifetimes.".into(),
        criteria_narrative: Some("Pass the **final exam** with 80% or more.".into()),
        achievement_type: Some("Certificate".into()),
        credits: Some(3.0),
        alignments: vec![AlignmentSpec {
            target_name: "Memory safety".into(),
            target_url: "https://skills.example/memory".into(),
            target_code: None,
            target_framework: None,
        }],
        ..NewAchievement::default()
    });
    let aid = add(NewAchievement {
        name: "First Aid".into(),
        description: "Emergency care at work.".into(),
        criteria_narrative: Some("Attend the two-day course.".into()),
        tags: vec!["Health".into()],
        expiry: ExpiryPolicy::MonthsAfterIssue(24),
        ..NewAchievement::default()
    });

    let page = http.get("/issuers/catalogue-college", "text/html");
    assert_eq!(page.status, 200);
    let body = &page.body;
    for text in [
        "Rust Foundations",
        "First Aid",
        "Pass the final exam with 80% or more.",
        "Attend the two-day course.",
        "How to earn it",
        "Certificate",
        "3 credits",
        "Valid for 24 months after it is issued",
        "Does not expire",
        "<label for=\"catalog-q\">",
        "name=\"q\"",
    ] {
        assert!(body.contains(text), "catalogue lacks {text:?}");
    }
    assert!(body.contains(&format!("href=\"/achievements/{}\"", rust.id)));
    assert!(body.contains(&format!("href=\"/achievements/{}\"", aid.id)));

    // Search by skill, in another case: only the Rust badge, with a count.
    let found = http.get("/issuers/catalogue-college?q=MEMORY+Safety", "text/html");
    assert_eq!(found.status, 200);
    assert!(found.body.contains("Rust Foundations"));
    assert!(!found.body.contains("First Aid"));
    assert!(found.body.contains("1 badge matches “MEMORY Safety”"));
    assert!(found.body.contains("value=\"MEMORY Safety\""));
    // By tag.
    let tagged = http.get("/issuers/catalogue-college?q=health", "text/html");
    assert!(tagged.body.contains("First Aid") && !tagged.body.contains("Rust Foundations"));
    // Nothing matches: an empty state, and the way back.
    let none = http.get("/issuers/catalogue-college?q=knitting", "text/html");
    assert_eq!(none.status, 200);
    assert!(
        none.body
            .contains("No badges from Catalogue College match your search.")
    );
    assert!(none.body.contains("0 badges match “knitting”"));
    assert!(none.body.contains("Show all 2 badges"));
    // A search term is text, never markup.
    let odd = http.get("/issuers/catalogue-college?q=%3Cscript%3E", "text/html");
    assert_eq!(odd.status, 200);
    assert!(!odd.body.contains("value=\"<script>"));
    assert!(
        odd.body.contains("0 badges match “&lt;script&gt;”")
            || odd.body.contains("0 badges match “&#60;script&#62;”")
    );

    // Unknown organization.
    assert_eq!(http.get("/issuers/no-such-org", "text/html").status, 404);
    assert_eq!(
        http.get("/issuers/no-such-org?q=rust", "text/html").status,
        404
    );

    // Signed in: the same catalogue with the visitor's header.
    let (mut grace, _) = sign_up(http, "Grace Hopper", "grace@example.com");
    let mine = grace.get("/issuers/catalogue-college?q=rust");
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("action=\"/signout\""));
    assert!(mine.body.contains("Rust Foundations") && !mine.body.contains("First Aid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn catalog_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn catalog_on_postgres() {
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
