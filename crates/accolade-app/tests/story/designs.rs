//! The badge designer and the organization's settings, on SQLite and PostgreSQL: a design is
//! saved, edited again and saved anew (a new image each time, the old one kept); logos are
//! checked before anything is stored; another organization's designs and images are "not
//! found"; the profile is validated and every change, logo and key rotation is audited.

use accolade_app::{
    App, AppConfig, AppError, DesignForm, MasterKey, NewOrganization, OrgProfile, PublicUrl,
};
use accolade_core::{Actor, AuditEvent, FixedClock, OrgId};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::sync::Arc;
use time::macros::datetime;

fn app(store: Store) -> App {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let clock = Arc::new(FixedClock::new(datetime!(2026-06-01 12:00 UTC)));
    App::new(store, clock, config, Some(MasterKey::generate().unwrap()))
}

async fn org(app: &App, name: &str) -> accolade_core::Organization {
    app.create_org(NewOrganization {
        name: name.into(),
        url: "https://example.org".into(),
        email: None,
        description: None,
        slug: None,
    })
    .await
    .unwrap()
}

async fn log(app: &App, org: OrgId) -> Vec<AuditEvent> {
    app.audit_log(org, 100, 0).await.unwrap()
}

/// A square PNG of `size` pixels, drawn by the same renderer the badges use.
fn png(size: u32) -> Vec<u8> {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#1e78c8"/></svg>"##;
    accolade_media::render_png(svg, size).unwrap()
}

/// A PNG's width and height, from its header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

async fn designs_story(store: Store) {
    let app = app(store);
    let actor = Actor::system();
    let acme = org(&app, "Acme Academy").await;
    let other = org(&app, "Other Org").await;

    // Save a design; its parameters come back for editing, its image is a sanitized SVG.
    let form = DesignForm {
        shape: "hexagon".into(),
        background: "#0A3D62".into(),
        title: "Data Safety".into(),
        subtitle: "Level 1".into(),
        icon: "shield".into(),
        ..DesignForm::default()
    };
    let saved = app.save_design(&actor, acme.id, None, &form).await.unwrap();
    assert_eq!(saved.name, "Data Safety: Level 1");
    let again = app
        .design_form(&app.org_design(acme.id, saved.id).await.unwrap())
        .unwrap();
    assert_eq!(
        again,
        DesignForm {
            background: "#0a3d62".into(),
            ..form.clone()
        }
    );
    let image = app.org_image(acme.id, saved.image_id).await.unwrap();
    assert_eq!(image.content_type, "image/svg+xml");
    let svg = String::from_utf8(image.bytes.clone()).unwrap();
    assert!(
        svg.contains("Data Safety") && svg.contains("#0a3d62"),
        "{svg}"
    );
    assert_eq!(
        app.preview_design(acme.id, &form).await.unwrap(),
        image.bytes,
        "the preview is exactly what a save stores"
    );
    let png_bytes = app.image_png(saved.image_id, 128).await.unwrap();
    assert_eq!(png_size(&png_bytes), (128, 128));
    assert!(matches!(
        app.image_png(saved.image_id, 5000).await,
        Err(AppError::Invalid(_))
    ));

    // Edit and save again: the same design, a new image; the old image stays.
    let edited = DesignForm {
        title: "Data Safety Expert".into(),
        ..again.clone()
    };
    let resaved = app
        .save_design(&actor, acme.id, Some(saved.id), &edited)
        .await
        .unwrap();
    assert_eq!(resaved.id, saved.id);
    assert_ne!(resaved.image_id, saved.image_id);
    assert!(app.image(saved.image_id).await.is_ok());
    let list = app.designs(acme.id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Data Safety Expert: Level 1");
    let saves: Vec<_> = log(&app, acme.id)
        .await
        .into_iter()
        .filter(|e| e.action == "design.save")
        .collect();
    assert_eq!(saves.len(), 2);
    assert!(saves.iter().all(|e| e.target == saved.id.to_string()));

    // Invalid parameters are refused, naming the field, and nothing is stored.
    let images_before = app.org_images(acme.id).await.unwrap().len();
    for (bad, message) in [
        (
            DesignForm {
                accent: "javascript:alert(1)".into(),
                ..form.clone()
            },
            "accent",
        ),
        (
            DesignForm {
                shape: "pentagram".into(),
                ..form.clone()
            },
            "shape",
        ),
        (
            DesignForm {
                title: "x".repeat(121),
                ..form.clone()
            },
            "title",
        ),
    ] {
        match app.save_design(&actor, acme.id, None, &bad).await {
            Err(e @ AppError::Invalid(_)) => assert_eq!(e.field(), Some(message), "{e}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(app.org_images(acme.id).await.unwrap().len(), images_before);

    // Logos: checked first; a hostile file is refused and nothing is stored.
    let logo = app
        .add_design_logo(&actor, acme.id, "acme.png", png(64))
        .await
        .unwrap();
    for hostile in [
        &br#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject><script>alert(1)</script></svg>"#[..],
        br#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#,
        b"just some text",
    ] {
        let refused = app
            .add_design_logo(&actor, acme.id, "evil.svg", hostile.to_vec())
            .await;
        assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");
    }
    for (hostile, why) in [
        (
            &br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"/>"#[..],
            "event handler",
        ),
        (
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>"#,
            "another file",
        ),
    ] {
        match app.add_design_logo(&actor, acme.id, "x.svg", hostile.to_vec()).await {
            Err(e @ AppError::Invalid(_)) => {
                assert_eq!(e.field(), Some("logo"), "{e}");
                assert!(e.message().contains(why), "{e}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    // An inert SVG is accepted, and stored sanitized.
    let cleaned = app
        .add_design_logo(
            &actor,
            acme.id,
            "clean.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4" cx="5" cy="5"/><!-- a comment --></svg>"#.to_vec(),
        )
        .await
        .unwrap();
    let cleaned_svg = app.image(cleaned.image_id).await.unwrap().bytes;
    assert!(!String::from_utf8(cleaned_svg).unwrap().contains("comment"));
    assert_eq!(app.design_logos(acme.id).await.unwrap().len(), 2);
    assert_eq!(
        app.org_images(acme.id).await.unwrap().len(),
        images_before + 2
    );
    let with_logo = DesignForm {
        logo: logo.image_id.to_string(),
        ..form.clone()
    };
    let svg = app.preview_design(acme.id, &with_logo).await.unwrap();
    assert!(
        String::from_utf8(svg)
            .unwrap()
            .contains("data:image/png;base64,")
    );
    let logo_design = app
        .save_design(&actor, acme.id, None, &with_logo)
        .await
        .unwrap();
    let back = app.design_form(&logo_design).unwrap();
    assert_eq!(back.logo, logo.image_id.to_string());
    assert!(
        log(&app, acme.id)
            .await
            .iter()
            .any(|e| e.action == "design.logo" && e.target == logo.image_id.to_string())
    );

    // Another organization's designs and images are "not found".
    assert!(matches!(
        app.org_design(other.id, saved.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.save_design(&actor, other.id, Some(saved.id), &form)
            .await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.preview_design(other.id, &with_logo).await,
        Err(AppError::NotFound(_))
    ));
    // A badge image of the organization is not one of its logos.
    let not_a_logo = DesignForm {
        logo: resaved.image_id.to_string(),
        ..form.clone()
    };
    assert!(matches!(
        app.preview_design(acme.id, &not_a_logo).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.designs(other.id).await.unwrap().is_empty());
}

async fn settings_story(store: Store) {
    let app = app(store);
    let actor = Actor::cli();
    let acme = org(&app, "Acme Arts").await;
    let profile = OrgProfile {
        name: "Acme Academy of Arts".into(),
        url: "https://arts.acme.example".into(),
        email: Some("Badges@Acme.example".into()),
        description: Some("We teach the arts.".into()),
        languages: vec!["en".into(), "de-ch".into(), "EN".into()],
    };

    // Invalid input is refused with the field named, and nothing changes or is logged.
    for (bad, field) in [
        (
            OrgProfile {
                url: "javascript:alert(1)".into(),
                ..profile.clone()
            },
            "url",
        ),
        (
            OrgProfile {
                email: Some("not an email".into()),
                ..profile.clone()
            },
            "email",
        ),
        (
            OrgProfile {
                languages: vec!["english language".into()],
                ..profile.clone()
            },
            "languages",
        ),
        (
            OrgProfile {
                name: "  ".into(),
                ..profile.clone()
            },
            "name",
        ),
        (
            OrgProfile {
                description: Some("x".repeat(2001)),
                ..profile.clone()
            },
            "description",
        ),
    ] {
        match app.update_org_profile(&actor, acme.id, bad).await {
            Err(e @ AppError::Invalid(_)) => {
                assert_eq!(e.field(), Some(field), "{e}");
                // A sentence for the person who typed it.
                assert!(
                    e.message()
                        .starts_with(|c: char| c.is_uppercase() || c == '“'),
                    "{e}"
                );
                assert!(e.message().ends_with('.'), "{e}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(app.org(acme.id).await.unwrap(), acme);
    assert!(log(&app, acme.id).await.is_empty());

    let updated = app
        .update_org_profile(&actor, acme.id, profile.clone())
        .await
        .unwrap();
    assert_eq!(app.org(acme.id).await.unwrap(), updated);
    assert_eq!(updated.name, "Acme Academy of Arts");
    assert_eq!(
        updated.slug, acme.slug,
        "the slug (and so the DID) never changes"
    );
    assert_eq!(
        updated.email.as_ref().unwrap().as_str(),
        "badges@acme.example"
    );
    let tags: Vec<&str> = updated.languages.iter().map(|l| l.as_str()).collect();
    assert_eq!(tags, ["en", "de-CH"]);
    let profile_json = app.profile_json(&updated);
    assert_eq!(profile_json["name"], "Acme Academy of Arts");
    assert_eq!(profile_json["url"], "https://arts.acme.example");
    let events = log(&app, acme.id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "org.update");
    assert_eq!(events[0].actor, Actor::cli());
    assert!(
        events[0].detail.contains("name") && events[0].detail.contains("languages: en, de-CH"),
        "{}",
        events[0].detail
    );
    // Saving the same profile again changes nothing and logs nothing.
    app.update_org_profile(&actor, acme.id, profile.clone())
        .await
        .unwrap();
    assert_eq!(log(&app, acme.id).await.len(), 1);

    // The logo: checked, stored, audited; a hostile one is refused and nothing changes.
    let bomb = {
        // A PNG header claiming 100000×100000 pixels.
        let mut p = png(1);
        p[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        p[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        p
    };
    let refused = app.set_org_logo(&actor, acme.id, Some(bomb)).await;
    assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");
    assert_eq!(app.org(acme.id).await.unwrap().image_id, None);
    let with_logo = app
        .set_org_logo(&actor, acme.id, Some(png(48)))
        .await
        .unwrap();
    let logo_id = with_logo.image_id.unwrap();
    assert_eq!(
        app.org_image(acme.id, logo_id).await.unwrap().content_type,
        "image/png"
    );
    assert_eq!(
        app.profile_json(&with_logo)["image"]["id"],
        format!("https://badges.example.org/images/{logo_id}")
    );
    // The organization's logo may be used in its designs.
    let form = DesignForm {
        logo: logo_id.to_string(),
        ..DesignForm::default()
    };
    assert!(app.preview_design(acme.id, &form).await.is_ok());
    let removed = app.set_org_logo(&actor, acme.id, None).await.unwrap();
    assert_eq!(removed.image_id, None);
    assert_eq!(removed.languages, updated.languages, "the profile is kept");
    let logos: Vec<_> = log(&app, acme.id)
        .await
        .into_iter()
        .filter(|e| e.action == "org.logo")
        .collect();
    // (The fixed clock gives both entries the same time, so their order is not asserted.)
    assert_eq!(logos.len(), 2);
    assert!(
        logos
            .iter()
            .any(|e| e.target == logo_id.to_string() && e.detail == "image/png logo")
    );
    assert!(
        logos
            .iter()
            .any(|e| e.target.is_empty() && e.detail == "removed")
    );

    // Key rotation is audited with the new key and the retired one.
    let before = app.keys(acme.id).await.unwrap();
    let new_key = app.rotate_key(&actor, acme.id).await.unwrap();
    let rotation = log(&app, acme.id)
        .await
        .into_iter()
        .find(|e| e.action == "key.rotate")
        .unwrap();
    assert_eq!(rotation.target, new_key.public_multibase);
    assert_eq!(
        rotation.detail,
        format!("retired {}", before[0].public_multibase)
    );
}

async fn both(store: Store) {
    designs_story(store.clone()).await;
    settings_story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn designs_and_settings_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    both(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn designs_and_settings_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    both(store).await;
}
