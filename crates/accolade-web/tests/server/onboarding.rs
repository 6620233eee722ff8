//! A newcomer's way in, over HTTP on SQLite and PostgreSQL: the home page's "Start issuing
//! badges", the empty overview's three steps, criteria labelled honestly and types in
//! words, "Issue it now" right after creating an achievement, the issue form showing every
//! custom field and keeping what was typed, the CSV template and the bulk mapping offering
//! the custom fields, the achievement's page for people and its JSON for programs, and the
//! badge email's PNG image.

use super::accounts::{create_org, location, sign_up};
use super::{Http, start};
use accolade_app::App;
use std::io::Read as _;
use std::sync::Arc;

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// The value of `<input … name="{name}" … value="…">` as the page shows it.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[at..tag_end];
    let v = tag.split("value=\"").nth(1)?;
    Some(v.split('"').next()?.to_owned())
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();

    // Signed out, the home page invites to issue: sign up, then the dashboard.
    let home = http.get("/", BROWSER);
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains(r#"href="/signup?next=/dashboard""#),
        "{}",
        home.body
    );
    assert!(home.body.contains("Start issuing badges"));
    let home_de = http.get("/?lang=de", BROWSER);
    assert!(home_de.body.contains("Abzeichen ausstellen"));

    let (mut ada, csrf) = sign_up(http, "Ada Admin", "ada@initech.example");
    let signed_in = ada.get("/");
    assert!(signed_in.body.contains(r#"href="/dashboard""#));
    let slug = create_org(&mut ada, &csrf, "Initech Academy");
    let base = format!("/dashboard/orgs/{slug}");

    // The empty overview: three steps, the first one to do leading to the designer.
    let overview = ada.get(&base);
    assert_eq!(overview.status, 200);
    for step in [
        "Get started",
        "Design a badge",
        "Create an achievement",
        "Issue it",
    ] {
        assert!(overview.body.contains(step), "{step}: {}", overview.body);
    }
    assert!(overview.body.contains(&format!("href=\"{base}/designer\"")));
    assert!(
        !overview.body.contains(">Issue a badge</a>"),
        "nothing to issue yet"
    );
    assert!(
        overview
            .body
            .contains(&format!("href=\"{base}/achievements/new\""))
    );

    // The authoring form: criteria say which is needed (no "(optional)"), types in words.
    let form = ada.get(&format!("{base}/achievements/new"));
    assert_eq!(form.status, 200);
    for label in ["f-criteria_narrative", "f-criteria_url"] {
        let at = form.body.find(&format!("<label for=\"{label}\">")).unwrap();
        let end = at + form.body[at..].find("</label>").unwrap();
        assert!(
            !form.body[at..end].contains("optional"),
            "{}",
            &form.body[at..end]
        );
    }
    assert!(
        form.body
            .contains("Required unless you give a criteria page")
    );
    assert!(form.body.contains(
        r#"<option value="ApprenticeshipCertificate">Apprenticeship certificate</option>"#
    ));

    // Create one with a criteria page only and two custom fields (one required).
    let created = ada.post(
        &format!("{base}/achievements"),
        &[
            ("csrf", &csrf),
            ("name", "Safety Lead"),
            ("description", "Leads safety drills on site."),
            ("achievement_type", "ApprenticeshipCertificate"),
            ("criteria_narrative", ""),
            ("criteria_url", "https://initech.example/criteria/safety"),
            ("language", "en"),
            ("expiry_kind", "months"),
            ("expiry_months", "24"),
            ("al-0-name", "Lead safety drills"),
            ("al-0-framework", "ESCO"),
            ("al-0-code", "S4.1"),
            ("al-0-url", "https://esco.example/s4-1"),
            ("cf-0-label", "Site"),
            ("cf-0-key", "site"),
            ("cf-0-required", "on"),
            ("cf-1-label", "Drill count"),
            ("cf-1-key", "drills"),
            ("image", ""),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    let edit = location(&created);
    assert!(edit.ends_with("/edit?created=1"), "{edit}");
    let a = rt
        .block_on(app.achievements(rt.block_on(app.org_by_slug(&slug)).unwrap().id))
        .unwrap()
        .remove(0);
    let issue_url = format!("{base}/achievements/{}/issue", a.id);
    let after = ada.get(&edit);
    assert_eq!(after.status, 200);
    assert!(after.body.contains("Safety Lead is ready to issue."));
    assert!(after.body.contains(&format!("href=\"{issue_url}\"")));
    assert!(after.body.contains("Issue it now"));
    let list = ada.get(&format!("{base}/achievements"));
    assert!(list.body.contains("Apprenticeship certificate"));
    // The overview's guide: the achievement done, "Issue it" now leads to its form.
    let overview = ada.get(&base);
    assert!(overview.body.contains("guide-step guide-step-done"));
    assert!(overview.body.contains(&format!(
        "<a class=\"button button-small button-primary\" href=\"{base}/designer\""
    )));
    assert!(
        overview
            .body
            .contains(&format!("href=\"{issue_url}\">Issue a badge</a>"))
    );
    assert!(list.body.contains(&format!("href=\"{issue_url}\"")));

    // The issue form shows every custom field; a missing required one keeps what was typed.
    let issue = ada.get(&issue_url);
    assert_eq!(issue.status, 200);
    assert!(
        issue
            .body
            .contains(r#"name="field-site" type="text" value="" required"#)
    );
    assert!(issue.body.contains("Required for this badge"));
    assert!(issue.body.contains(r#"name="field-drills""#));
    let drills_label = issue.body.find(r#"<label for="f-field-drills">"#).unwrap();
    assert!(
        issue.body[drills_label..]
            .starts_with(r#"<label for="f-field-drills">Drill count <span class="optional">"#)
    );
    let typed = [
        ("csrf", csrf.as_str()),
        ("email", "grace@example.com"),
        ("name", "Grace Hopper"),
        ("field-site", ""),
        ("field-drills", "12"),
        ("ev-0-url", "https://initech.example/drills/grace"),
        ("ev-0-name", "Drill log"),
        ("evidence_narrative", "Ran twelve drills."),
    ];
    let refused = ada.post(&issue_url, &typed);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains(
            "<p id=\"f-field-site-error\" class=\"field-error\"><span class=\"visually-hidden\">Error: </span>Enter “Site”: this badge requires it.</p>"
        ),
        "{}",
        refused.body
    );
    for (name, value) in [
        ("email", "grace@example.com"),
        ("name", "Grace Hopper"),
        ("field-drills", "12"),
        ("ev-0-url", "https://initech.example/drills/grace"),
        ("ev-0-name", "Drill log"),
    ] {
        assert_eq!(
            input_value(&refused.body, name).as_deref(),
            Some(value),
            "{name} is kept"
        );
    }
    assert!(refused.body.contains(">Ran twelve drills.</textarea>"));

    // The CSV template names the custom fields, which the mapping step then offers.
    let template = ada.get(&format!("{base}/imports/template.csv?achievement={}", a.id));
    assert_eq!(template.status, 200);
    assert_eq!(
        template.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        template.body.lines().next(),
        Some("email,name,issued_at,Site,Drill count")
    );
    let imports = ada.get(&format!("{base}/imports"));
    assert!(imports.body.contains("Template for Safety Lead"));
    let up = super::bulk_issue::upload(
        &mut ada,
        &slug,
        &csrf,
        &a.id.to_string(),
        "crew.csv",
        b"email,name,Site\ncy@example.com,Cy,North yard\n",
    );
    assert_eq!(up.status, 303, "{}", up.body);
    let map = ada.get(&location(&up));
    assert_eq!(map.status, 200);
    assert!(
        map.body
            .contains("Required for this badge: rows without a value are reported"),
        "{}",
        map.body
    );
    assert!(map.body.contains(r#"name="field-drills""#));
    let site_select = map.body.find(r#"name="field-site""#).unwrap();
    assert!(
        map.body[site_select..].contains(r#"<option value="Site" selected>"#),
        "the column named like the field is preselected"
    );

    // Issue it: the guide is gone from the overview.
    let issued = ada.post_follow(
        &issue_url,
        &[
            ("csrf", csrf.as_str()),
            ("email", "grace@example.com"),
            ("name", "Grace Hopper"),
            ("field-site", "North yard"),
        ],
    );
    assert_eq!(issued.status, 200, "{}", issued.body);
    assert!(!ada.get(&base).body.contains("Get started"));

    // The achievement: a page for browsers, the same JSON as ever for programs.
    let path = format!("/achievements/{}", a.id);
    let page = http.get(&path, BROWSER);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(page.header("vary"), Some("Accept"));
    for needle in [
        "<h1 id=\"badge-name\">Safety Lead</h1>",
        "Apprenticeship certificate",
        "Leads safety drills on site.",
        "https://initech.example/criteria/safety",
        "Lead safety drills",
        "S4.1",
        &format!("href=\"/issuers/{slug}\""),
        "Initech Academy",
        "Valid for 24 months after it is issued",
        &format!("href=\"/achievements/{}.json\"", a.id),
    ] {
        assert!(page.body.contains(needle), "{needle}: {}", page.body);
    }
    let german = http.get(&format!("{path}?lang=de"), BROWSER);
    assert!(
        german.body.contains("Ausbildungszeugnis"),
        "{}",
        german.body
    );
    assert!(german.body.contains("So erhalten Sie es"));
    let mut documents = Vec::new();
    for accept in ["application/ld+json", "application/json", "*/*", ""] {
        let r = http.get(&path, accept);
        assert_eq!(r.status, 200, "{accept}");
        assert_eq!(
            r.header("content-type"),
            Some("application/ld+json"),
            "{accept:?}"
        );
        documents.push(r.body);
    }
    let json = http.get(&format!("{path}.json"), BROWSER);
    assert_eq!(json.header("content-type"), Some("application/ld+json"));
    documents.push(json.body);
    let doc: serde_json::Value = serde_json::from_str(&documents[0]).unwrap();
    assert!(documents.iter().all(|d| *d == documents[0]));
    assert_eq!(doc["id"], format!("{}{path}", super::PUBLIC));
    assert_eq!(doc["achievementType"], "ApprenticeshipCertificate");
    let missing = format!("/achievements/{}", accolade_core::AchievementId::new());
    let lost = http.get(&missing, BROWSER);
    assert_eq!(lost.status, 404);
    assert!(
        lost.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let lost = http.get(&missing, "application/ld+json");
    assert_eq!(lost.status, 404);
    assert!(serde_json::from_str::<serde_json::Value>(&lost.body).is_ok());

    // The issuer page's tiles name the type in words and lead to that page.
    let issuer = http.get(&format!("/issuers/{slug}"), BROWSER);
    assert!(issuer.body.contains("Apprenticeship certificate"));
    assert!(issuer.body.contains(&format!("href=\"{path}\"")));
}

/// The badge email's image is a PNG that the server renders from the stored SVG.
fn email_image_is_png(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let org = rt.block_on(app.org_by_slug("initech-academy")).unwrap();
    let mails = rt.block_on(app.outbox(Some(org.id), 10)).unwrap();
    assert!(!mails.is_empty());
    // The achievement above has no image; give one to a new achievement and issue it.
    let svg = accolade_app::demo::badge_svg("LEAD", "INITECH", "#1f4e79", "#f2c14e");
    let image = rt
        .block_on(app.add_image(Some(org.id), svg.into_bytes()))
        .unwrap();
    let a = rt
        .block_on(app.create_achievement(
            &accolade_core::Actor::system(),
            accolade_app::NewAchievement {
                org_id: org.id,
                name: "Drill Captain".into(),
                description: "Captains drills.".into(),
                criteria_narrative: Some("Captain three drills.".into()),
                image_id: Some(image.id),
                ..Default::default()
            },
        ))
        .unwrap();
    let award = rt
        .block_on(app.award(
            &accolade_core::Actor::system(),
            accolade_app::NewAward {
                achievement_id: a.id,
                recipient_email: "dee@example.com".into(),
                ..Default::default()
            },
        ))
        .unwrap();
    let mail = rt
        .block_on(app.outbox(Some(org.id), 50))
        .unwrap()
        .into_iter()
        .find(|m| m.award_id == Some(award.id))
        .unwrap();
    let src = mail
        .body_html
        .split("<img src=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let expected = format!("{}/images/{}.png?size=320", super::PUBLIC, image.id);
    assert_eq!(src, expected);
    let mut res = http
        .agent
        .get(format!(
            "{}{}",
            http.base,
            src.strip_prefix(super::PUBLIC).unwrap()
        ))
        .call()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers().get("content-type").unwrap().to_str().unwrap(),
        "image/png"
    );
    let mut bytes = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut bytes).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn onboarding_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| {
        flow(app.clone(), &http);
        email_image_is_png(app, &http);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn onboarding_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| {
        flow(app.clone(), &http);
        email_image_is_png(app, &http);
    });
}
