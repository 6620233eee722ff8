//! Open Badges 2.0 over HTTP, on SQLite and PostgreSQL: the hosted Assertion, BadgeClass and
//! Issuer at stable URLs, revocation as `410 Gone` with `revoked: true`, and badges baked
//! with the hosted assertion. With ACCOLADE_PYTHON set, openbadges-bakery reads the baked
//! files and 1EdTech's OB 2.0 validator (PyPI `openbadges`) validates the live documents and
//! the baked PNG, fetching everything from this server over loopback HTTP.

use super::{fetch, python_json, write_tmp};
use crate::Http;
use accolade_app::{
    App, AppConfig, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{Actor, Email, SystemClock};
use accolade_credentials::bake::{self, Baked};
use accolade_credentials::identity;
use accolade_net::FetchPolicy;
use accolade_store::Store;
use serde_json::Value;
use std::sync::Arc;

/// A server whose public URL is its own loopback address, so that the validator can fetch
/// every document by its id.
async fn start_on_loopback(store: Store) -> (Arc<App>, u16, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let config = AppConfig {
        public_url: PublicUrl::parse(&base).unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: true,
    };
    let app = Arc::new(App::new(
        store,
        Arc::new(SystemClock),
        config,
        Some(MasterKey::generate().unwrap()),
    ));
    let router = accolade_web::router(app.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (app, port, base)
}

fn json_of(http: &Http, path: &str) -> (u16, Value) {
    let file = fetch(http, path);
    assert_eq!(file.content_type, "application/ld+json", "{path}");
    (file.status, serde_json::from_slice(&file.bytes).unwrap())
}

async fn story(store: Store) {
    let (app, port, base) = start_on_loopback(store).await;
    let http = Http::new(port);
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: Some("badges@acme.example".into()),
            description: Some("Training since 1998.".into()),
            slug: Some("acme".into()),
        })
        .await
        .unwrap();
    let svg = accolade_app::demo::badge_svg("RUST", "ACME", "#1f4e79", "#f2c14e");
    let image = app.add_image(Some(org.id), svg.into_bytes()).await.unwrap();
    let mut achievements = Vec::new();
    for (name, image_id) in [
        ("Rust Fundamentals", Some(image.id)),
        ("Safety Basics", None),
    ] {
        let a = app
            .create_achievement(
                &Actor::system(),
                NewAchievement {
                    org_id: org.id,
                    name: name.into(),
                    description: format!("Completed {name}."),
                    criteria_narrative: Some("Pass the assessment.".into()),
                    image_id,
                    ..NewAchievement::default()
                },
            )
            .await
            .unwrap();
        achievements.push(a);
    }
    let mut awards = Vec::new();
    for a in &achievements {
        let award = app
            .award(
                &Actor::system(),
                NewAward {
                    achievement_id: a.id,
                    recipient_email: "ada@example.com".into(),
                    recipient_name: Some("Ada Lovelace".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        awards.push(award);
    }
    let (with_image, plain) = (&awards[0], &awards[1]);
    let assertion_url = format!("{base}/ob2/assertions/{}", with_image.id);

    tokio::task::block_in_place(|| {
        // The three hosted documents link to each other by their ids.
        let (status, assertion) = json_of(&http, &format!("/ob2/assertions/{}", with_image.id));
        assert_eq!(status, 200);
        assert_eq!(assertion["@context"], "https://w3id.org/openbadges/v2");
        assert_eq!(assertion["type"], "Assertion");
        assert_eq!(assertion["id"], assertion_url);
        assert_eq!(assertion["verification"]["type"], "hosted");
        assert!(assertion.get("revoked").is_none());
        let recipient = &assertion["recipient"];
        assert_eq!(recipient["type"], "email");
        assert_eq!(recipient["hashed"], true);
        let ada = Email::parse("ada@example.com").unwrap();
        assert_eq!(
            recipient["identity"].as_str().unwrap(),
            identity::hash_email(&ada, recipient["salt"].as_str().unwrap()),
            "the recipient is the salted hash of the email, never the address"
        );
        assert!(!assertion.to_string().contains("ada@example.com"));
        let badge_path = format!("/ob2/badges/{}", achievements[0].id);
        assert_eq!(assertion["badge"], format!("{base}{badge_path}"));
        let (_, badge) = json_of(&http, &badge_path);
        assert_eq!(badge["type"], "BadgeClass");
        assert_eq!(badge["name"], "Rust Fundamentals");
        assert_eq!(badge["image"], format!("{base}/images/{}", image.id));
        assert_eq!(badge["issuer"], format!("{base}/ob2/issuers/acme"));
        let (_, issuer) = json_of(&http, "/ob2/issuers/acme");
        assert_eq!(issuer["type"], "Issuer");
        assert_eq!(issuer["email"], "badges@acme.example");
        // An achievement without an image gets its designed badge.
        let (_, plain_badge) = json_of(&http, &format!("/ob2/badges/{}", achievements[1].id));
        let image_path = format!("/ob2/badges/{}/image.png", achievements[1].id);
        assert_eq!(plain_badge["image"], format!("{base}{image_path}"));
        let png = fetch(&http, &image_path);
        assert!(png.status == 200 && png.bytes.starts_with(b"\x89PNG"));

        // Baked with the hosted assertion: the JSON in the PNG, the URL on the SVG.
        let png = fetch(
            &http,
            &format!("/credentials/{}/badge-ob2.png", with_image.id),
        );
        assert_eq!(
            png.disposition,
            "attachment; filename=\"rust-fundamentals-ob2.png\""
        );
        let Some(Baked::Ob2(text)) = bake::unbake(&png.bytes).unwrap() else {
            panic!("the OB 2.0 PNG carries no assertion");
        };
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), assertion);
        let svg = fetch(&http, &format!("/credentials/{}/badge-ob2.svg", plain.id));
        assert_eq!(svg.content_type, "image/svg+xml");
        let plain_url = format!("{base}/ob2/assertions/{}", plain.id);
        assert_eq!(
            bake::unbake(&svg.bytes).unwrap(),
            Some(Baked::Ob2(plain_url.clone()))
        );

        // Unknown and malformed ids are not found, as problem JSON.
        for path in [
            format!("/ob2/assertions/{}", accolade_core::AwardId::new()),
            "/ob2/assertions/nope".to_owned(),
            format!("/ob2/badges/{}", accolade_core::AchievementId::new()),
            "/ob2/issuers/nobody".to_owned(),
        ] {
            let missing = fetch(&http, &path);
            assert_eq!(missing.status, 404, "{path}");
            assert_eq!(missing.content_type, "application/problem+json", "{path}");
        }

        if let Some(lines) = python_json(
            "unbake.py",
            &[
                write_tmp("ob2.png", &png.bytes),
                write_tmp("ob2.svg", &svg.bytes),
            ],
        ) {
            assert_eq!(
                lines[0]["ob2"].as_str().unwrap(),
                text,
                "openbadges-bakery read the PNG"
            );
            assert_eq!(lines[1]["ob2"], plain_url, "openbadges-bakery read the SVG");
            assert!(lines[0]["ob3"].is_null() && lines[1]["ob3"].is_null());
        }
        let baked = write_tmp("validate.png", &png.bytes);
        if let Some(reports) = python_json(
            "validate_ob2.py",
            &[
                "--email".into(),
                "ada@example.com".into(),
                assertion_url.clone(),
                plain_url.clone(),
                baked,
            ],
        ) {
            for report in &reports {
                assert_eq!(
                    report["valid"], true,
                    "the OB 2.0 validator refused {}: {report}",
                    report["input"]
                );
            }
            // The validator does check: the same assertion is refused for another address.
            let other = python_json(
                "validate_ob2.py",
                &[
                    "--email".into(),
                    "eve@example.com".into(),
                    assertion_url.clone(),
                ],
            )
            .unwrap();
            assert_eq!(other[0]["valid"], false, "{}", other[0]);
        }
    });

    // Revoked: the hosted assertion answers 410 Gone, revoked with the reason.
    app.revoke(&Actor::system(), with_image.id, "Issued in error")
        .await
        .unwrap();
    tokio::task::block_in_place(|| {
        let (status, gone) = json_of(&http, &format!("/ob2/assertions/{}", with_image.id));
        assert_eq!(status, 410);
        assert_eq!(gone["revoked"], true);
        assert_eq!(gone["revocationReason"], "Issued in error");
        assert_eq!(gone["id"], assertion_url);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ob2_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ob2_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    story(store).await;
}
