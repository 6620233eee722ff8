//! The earner's profile over HTTP, on SQLite and PostgreSQL: the headline and photo set from
//! the backpack show on the portfolio (escaped), a refused headline or photo is shown at its
//! own input and nothing changes, and the portfolio's skills come from its public badges
//! only, counted, linked to their address.

use super::accounts::sign_up;
use super::{Browser, Http, Reply, claim_token, claim_with, hidden_csrf, start};
use accolade_app::{App, NewAchievement, NewAward, NewOrganization};
use accolade_core::{Actor, AlignmentSpec, OrgId, Visibility};
use accolade_store::Store;
use std::sync::Arc;

fn align(name: &str, url: &str) -> AlignmentSpec {
    AlignmentSpec {
        target_name: name.into(),
        target_url: url.into(),
        target_code: None,
        target_framework: None,
    }
}

/// Issues a badge aligned with `alignments` to Ada and claims it into her backpack.
fn badge_for_ada(
    app: &App,
    ada: &mut Browser<'_>,
    org: OrgId,
    name: &str,
    alignments: Vec<AlignmentSpec>,
) -> accolade_core::Award {
    let rt = tokio::runtime::Handle::current();
    let achievement = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org,
                name: name.into(),
                description: "Assessed at work.".into(),
                criteria_narrative: Some("Pass.".into()),
                alignments,
                ..NewAchievement::default()
            },
        ))
        .unwrap();
    let award = rt
        .block_on(app.award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "ada@example.com".into(),
                ..Default::default()
            },
        ))
        .unwrap();
    claim_with(ada, &rt.block_on(claim_token(app, &award)));
    award
}

/// A multipart post of the photo form.
fn post_photo(b: &mut Browser<'_>, csrf: &str, file: Option<(&str, &[u8])>) -> Reply {
    let boundary = "accolade-profile-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .into_bytes();
    match file {
        Some((content_type, bytes)) => {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        None => body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"remove\"\r\n\r\n1\r\n")
                .as_bytes(),
        ),
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = b
        .http
        .agent
        .post(format!("{}/backpack/photo", b.http.base))
        .header("Cookie", b.cookie_header())
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .unwrap();
    b.absorb(&res);
    Http::reply(res)
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let org = rt
        .block_on(app.create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: Some("acme-profile".into()),
        }))
        .unwrap();
    let (mut ada, _) = sign_up(http, "Ada Lovelace", "ada@example.com");
    let first = badge_for_ada(
        &app,
        &mut ada,
        org.id,
        "Safety",
        vec![
            align("First aid", "https://skills.example/first-aid"),
            align("Risk <assessment>", "https://skills.example/risk"),
        ],
    );
    let second = badge_for_ada(
        &app,
        &mut ada,
        org.id,
        "Rescue",
        vec![align("first aid ", "https://skills.example/first-aid")],
    );
    let hidden = badge_for_ada(
        &app,
        &mut ada,
        org.id,
        "Private one",
        vec![align("Secret skill", "https://skills.example/secret")],
    );
    let user = rt
        .block_on(
            app.store()
                .user_by_email(&accolade_core::Email::parse("ada@example.com").unwrap()),
        )
        .unwrap()
        .unwrap();
    for award in [&first, &second] {
        rt.block_on(app.set_badge_visibility(
            &Actor::user(&user),
            &user,
            award.id,
            Visibility::Public,
        ))
        .unwrap();
    }
    assert_ne!(hidden.id, first.id);

    let page = ada.get("/backpack");
    let csrf = hidden_csrf(&page.body);
    assert!(page.body.contains("name=\"headline\""));
    assert!(page.body.contains("action=\"/backpack/photo\""));
    let done = ada.post("/backpack/handle", &[("csrf", &csrf), ("handle", "ada")]);
    assert_eq!(done.status, 303, "{}", done.body);

    // A headline: shown on the portfolio, escaped.
    let done = ada.post(
        "/backpack/headline",
        &[("csrf", &csrf), ("headline", "  Safety <lead> at Acme ")],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let mut public = Browser::new(http);
    let portfolio = public.get("/u/ada");
    assert_eq!(portfolio.status, 200);
    assert!(
        portfolio
            .body
            .contains("<p class=\"portfolio-headline\">Safety &lt;lead&gt; at Acme</p>"),
        "{}",
        portfolio.body
    );
    // Too long: refused at its input, what was typed kept, the old headline unchanged.
    let long = "x".repeat(121);
    let refused = ada.post(
        "/backpack/headline",
        &[("csrf", &csrf), ("headline", &long)],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("id=\"f-headline-error\""));
    assert!(refused.body.contains("120 characters"));
    assert!(refused.body.contains(&format!("value=\"{long}\"")));
    assert!(
        refused
            .body
            .contains("aria-invalid=\"true\" autofocus aria-describedby=\"f-headline-error")
    );
    assert!(
        public
            .get("/u/ada")
            .body
            .contains("Safety &lt;lead&gt; at Acme")
    );

    // A file that is no image is refused at the photo input, and nothing is shown.
    let refused = post_photo(&mut ada, &csrf, Some(("image/png", b"meeting notes")));
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"f-photo-error\""),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("id=\"f-headline-error\""));
    assert!(
        !public
            .get("/u/ada")
            .body
            .contains("class=\"profile-photo\"")
    );
    // An image (an SVG, cleaned like every upload) is stored and shown.
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#1d4e89"/></svg>"##;
    let done = post_photo(&mut ada, &csrf, Some(("image/svg+xml", svg)));
    assert_eq!(done.status, 303, "{}", done.body);
    let portfolio = public.get("/u/ada").body;
    let at = portfolio
        .find("<img class=\"profile-photo\" src=\"")
        .expect("the photo on the portfolio")
        + "<img class=\"profile-photo\" src=\"".len();
    let src = portfolio[at..].split('"').next().unwrap().to_owned();
    assert!(src.starts_with("/images/"), "{src}");
    assert_eq!(public.get(&src).status, 200);
    assert!(portfolio.contains("alt=\"Photo of Ada Lovelace\""));
    // The headline stays when the photo changes.
    assert!(portfolio.contains("Safety &lt;lead&gt; at Acme"));

    // Skills: from the public badges only, counted, the web address linked, others not.
    let skills = &portfolio[portfolio.find("id=\"skills-title\"").expect("skills")..];
    let skills = &skills[..skills.find("</ul>").unwrap()];
    assert!(
        // Either badge's spelling may come first: names are compared ignoring case.
        skills.to_lowercase().contains(
            "<a href=\"https://skills.example/first-aid\" rel=\"nofollow noopener\">first aid</a> <span class=\"skill-count\">2 badges</span>"
        ),
        "{skills}"
    );
    assert!(skills.contains(
        "rel=\"nofollow noopener\">Risk &lt;assessment&gt;</a> <span class=\"skill-count\">1 badge</span>"
    ));
    let lower = skills.to_lowercase();
    assert!(
        lower.find("first aid").unwrap() < lower.find("risk &lt;").unwrap(),
        "most-backed first"
    );
    assert_eq!(
        skills.matches("<li>").count(),
        2,
        "one entry per skill, ignoring case"
    );
    assert!(!portfolio.contains("Secret skill"));

    // Removing the photo.
    let done = post_photo(&mut ada, &csrf, None);
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(
        !public
            .get("/u/ada")
            .body
            .contains("class=\"profile-photo\"")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn earner_profile_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn earner_profile_on_postgres() {
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
