//! The platform's first story, on SQLite and on PostgreSQL: create an organization, issue a
//! badge, verify it (DID document and status list answered by the application itself),
//! suspend, reinstate, revoke, rotate keys, and lose the master key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use accolade_app::{
    App, AppConfig, AppError, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{Actor, AlignmentSpec, AwardStatus, ExpiryPolicy, FixedClock, StatusPurpose};
use accolade_credentials::verify::{CheckKind, Outcome, Verdict};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::sync::Arc;
use time::macros::datetime;

#[path = "story/account_mail.rs"]
mod account_mail;
#[path = "story/analytics.rs"]
mod analytics;
#[path = "story/authoring.rs"]
mod authoring;
#[path = "story/awards.rs"]
mod awards;
#[path = "story/designs.rs"]
mod designs;
#[path = "story/earners.rs"]
mod earners;
#[path = "story/insights.rs"]
mod insights;
#[path = "story/mail.rs"]
mod mail;
#[path = "story/mail_language.rs"]
mod mail_language;
#[path = "story/password_work.rs"]
mod password_work;
#[path = "story/pathways.rs"]
mod pathways;
#[path = "story/status_changes.rs"]
mod status_changes;
#[path = "story/webhooks.rs"]
mod webhooks;

fn make_app(store: Store, master: Option<MasterKey>, clock: Arc<FixedClock>) -> Arc<App> {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    Arc::new(App::new(store, clock, config, master))
}

async fn story(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let master = MasterKey::generate().unwrap();
    let app = make_app(store.clone(), Some(master.clone()), clock.clone());

    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: Some("Badges@Acme.example".into()),
            description: None,
            slug: None,
        })
        .await
        .unwrap();
    assert_eq!(org.slug.as_str(), "acme-academy");
    let dup = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await;
    assert!(matches!(dup, Err(AppError::Conflict(_))), "{dup:?}");

    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the practical assessment.".into()),
                achievement_type: Some("Certification".into()),
                alignments: vec![AlignmentSpec {
                    target_name: "Provide first aid".into(),
                    target_url: "https://esco.example/skills/first-aid".into(),
                    target_code: None,
                    target_framework: Some("ESCO".into()),
                }],
                credits: Some(1.5),
                expiry: ExpiryPolicy::MonthsAfterIssue(12),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    let bad = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "x".into(),
                description: "y".into(),
                ..NewAchievement::default()
            },
        )
        .await;
    assert!(
        matches!(bad, Err(AppError::Invalid(_))),
        "criteria are required"
    );

    let award = app
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "Ada@Example.com".into(),
                recipient_name: Some("Ada Lovelace".into()),
                issued_at: None,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let credential: serde_json::Value = serde_json::from_str(&award.credential).unwrap();
    assert_eq!(
        credential["id"],
        format!("https://badges.example.org/credentials/{}", award.id)
    );
    assert_eq!(
        credential["issuer"]["id"],
        "did:web:badges.example.org:issuers:acme-academy"
    );
    assert_eq!(credential["validUntil"], "2027-03-01T09:30:00Z");
    assert_eq!(
        credential["credentialStatus"]["statusListIndex"],
        award.status_index.to_string()
    );
    assert!(
        !award.credential.contains("ada@example.com"),
        "no plaintext email in the credential"
    );

    // Verification resolves the issuer's DID document and status list through the app.
    let report = app
        .verify(
            award.credential.clone().into_bytes(),
            Some(accolade_core::Email::parse("ada@example.com").unwrap()),
        )
        .await;
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(
        report.check(CheckKind::Status).unwrap().outcome,
        Outcome::Passed
    );
    assert_eq!(
        report.check(CheckKind::Recipient).unwrap().outcome,
        Outcome::Passed
    );

    // Suspension shows in the suspension list; reinstating clears it.
    app.suspend(&Actor::system(), award.id, Some("review"))
        .await
        .unwrap();
    let list = app
        .status_list(&org, StatusPurpose::Suspension)
        .await
        .unwrap();
    assert!(list.json.contains("BitstringStatusListCredential"));
    assert_eq!(
        app.reinstate(&Actor::system(), award.id)
            .await
            .unwrap()
            .status,
        AwardStatus::Active
    );

    // Revocation flips the bit at once: the same credential no longer verifies.
    let v_before = store.status_version(org.id).await.unwrap();
    let revoked = app
        .revoke(&Actor::system(), award.id, "Issued in error")
        .await
        .unwrap();
    assert_eq!(revoked.status, AwardStatus::Revoked);
    assert!(store.status_version(org.id).await.unwrap() > v_before);
    let report = app
        .verify(award.credential.clone().into_bytes(), None)
        .await;
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(report.flags.revoked, "{report:#?}");
    assert!(matches!(
        app.revoke(&Actor::system(), award.id, "again").await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        app.reinstate(&Actor::system(), award.id).await,
        Err(AppError::Conflict(_))
    ));

    // Key rotation: new credentials use the new key, old ones still verify.
    let second = app
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "grace@example.com".into(),
                recipient_name: None,
                issued_at: None,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let new_key = app.rotate_key(&Actor::system(), org.id).await.unwrap();
    let third = app
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "alan@example.com".into(),
                recipient_name: None,
                issued_at: None,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_ne!(second.key_id, third.key_id);
    assert_eq!(third.key_id, new_key.id);
    let keys = app.keys(org.id).await.unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys.iter().filter(|k| k.retired_at.is_some()).count(), 1);
    let did_doc = app.did_document(&org).await.unwrap();
    assert_eq!(did_doc["assertionMethod"].as_array().unwrap().len(), 2);
    for a in [&second, &third] {
        let report = app.verify(a.credential.clone().into_bytes(), None).await;
        assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    }

    // Expiry follows the injected clock.
    clock.set(datetime!(2027-03-02 0:00 UTC));
    let report = app
        .verify(second.credential.clone().into_bytes(), None)
        .await;
    assert!(report.flags.expired, "{report:#?}");

    // Without the master key nothing can be signed; pages and verification still work.
    let no_master = make_app(store.clone(), None, clock.clone());
    let err = no_master
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "x@example.com".into(),
                recipient_name: None,
                issued_at: None,
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(err, Err(AppError::NoMasterKey)), "{err:?}");
    assert!(matches!(
        no_master.rotate_key(&Actor::system(), org.id).await,
        Err(AppError::NoMasterKey)
    ));
    // A wrong master key cannot unseal the stored keys either.
    let wrong = make_app(
        store.clone(),
        Some(MasterKey::generate().unwrap()),
        clock.clone(),
    );
    let err = wrong
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement.id,
                recipient_email: "x@example.com".into(),
                recipient_name: None,
                issued_at: None,
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(err, Err(AppError::MasterKey(_))), "{err:?}");

    // Unknown ids are "not found", never a crash.
    assert!(matches!(
        app.award_by_id(accolade_core::AwardId::new()).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.org_by_slug("../etc").await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}

async fn accounts_story(store: Store) {
    use accolade_app::accounts::SIGNIN_FAILED;
    use accolade_core::Role;
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let app = make_app(
        store.clone(),
        Some(MasterKey::generate().unwrap()),
        clock.clone(),
    );
    let pw = "correct horse battery staple";

    let ada = app
        .sign_up(" Ada@Example.com ", "Ada Lovelace", pw)
        .await
        .unwrap();
    assert_eq!(ada.email.as_str(), "ada@example.com");
    assert!(!ada.password_hash.contains(pw));
    assert!(matches!(
        app.sign_up("ada@example.com", "Again", pw).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        app.sign_up("eve@example.com", "Eve", "short").await,
        Err(AppError::Invalid(_))
    ));

    // Wrong password and unknown account answer the same.
    let wrong = app
        .sign_in("ada@example.com", "not the password", "client-1")
        .await
        .unwrap_err();
    let unknown = app
        .sign_in("nobody@example.com", "not the password", "client-1")
        .await
        .unwrap_err();
    assert_eq!(wrong.to_string(), SIGNIN_FAILED);
    assert_eq!(unknown.to_string(), SIGNIN_FAILED);
    let signed = app
        .sign_in("ADA@example.com", pw, "client-1")
        .await
        .unwrap();
    let me = app.current_user(&signed.token).await.unwrap().unwrap();
    assert_eq!(me.user.id, ada.id);
    assert_eq!(me.csrf_token, signed.csrf_token);
    assert!(app.current_user("forged-token").await.unwrap().is_none());

    // Brute force: after 5 failures even the right password is refused, until the window passes.
    for _ in 0..5 {
        assert!(
            app.sign_in("ada@example.com", "guess", "client-2")
                .await
                .is_err()
        );
    }
    assert!(matches!(
        app.sign_in("ada@example.com", pw, "client-3").await,
        Err(AppError::RateLimited(_))
    ));
    clock.advance(time::Duration::minutes(16));
    assert!(app.sign_in("ada@example.com", pw, "client-3").await.is_ok());

    // Organizations and roles; other organizations' ids answer "not found".
    let org = app
        .create_org_for(
            &me,
            NewOrganization {
                name: "Acme".into(),
                url: "https://acme.example".into(),
                email: None,
                description: None,
                slug: None,
            },
        )
        .await
        .unwrap();
    let me = app.current_user(&signed.token).await.unwrap().unwrap();
    assert_eq!(me.role_in(org.id), Some(Role::Owner));
    let bob = app.sign_up("bob@example.com", "Bob", pw).await.unwrap();
    let bob_session = app
        .sign_in("bob@example.com", pw, "client-4")
        .await
        .unwrap();
    let bob_now = app.current_user(&bob_session.token).await.unwrap().unwrap();
    assert!(matches!(
        app.authorize(&bob_now, org.id, Role::Viewer).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.invite(&bob_now, org.id, "x@example.com", Role::Viewer)
            .await,
        Err(AppError::NotFound(_))
    ));

    let (_, token) = app
        .invite(&me, org.id, "bob@example.com", Role::Issuer)
        .await
        .unwrap();
    assert_eq!(
        app.accept_invitation(&bob, &token).await.unwrap().role,
        Role::Issuer
    );
    assert!(
        matches!(
            app.accept_invitation(&bob, &token).await,
            Err(AppError::Invalid(_))
        ),
        "single use"
    );
    let bob_now = app.current_user(&bob_session.token).await.unwrap().unwrap();
    assert!(app.authorize(&bob_now, org.id, Role::Issuer).await.is_ok());
    assert!(matches!(
        app.authorize(&bob_now, org.id, Role::Admin).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.invite(&bob_now, org.id, "x@example.com", Role::Viewer)
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(
        matches!(
            app.set_member_role(&me, org.id, ada.id, Role::Admin).await,
            Err(AppError::Conflict(_))
        ),
        "the last owner stays"
    );
    app.set_member_role(&me, org.id, bob.id, Role::Admin)
        .await
        .unwrap();

    let (_, late) = app
        .invite(&me, org.id, "carol@example.com", Role::Viewer)
        .await
        .unwrap();
    clock.advance(time::Duration::days(8));
    let carol = app.sign_up("carol@example.com", "Carol", pw).await.unwrap();
    assert!(
        matches!(
            app.accept_invitation(&carol, &late).await,
            Err(AppError::Invalid(_))
        ),
        "expired"
    );

    // Password reset: same answer for unknown emails; one use; signs out everywhere.
    assert!(
        app.request_password_reset("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    let (_, reset) = app
        .request_password_reset("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    let fresh = app
        .sign_in("ada@example.com", pw, "client-5")
        .await
        .unwrap();
    app.reset_password(&reset, "a brand new passphrase")
        .await
        .unwrap();
    assert!(
        app.current_user(&fresh.token).await.unwrap().is_none(),
        "sessions end on reset"
    );
    assert!(
        app.sign_in("ada@example.com", pw, "client-5")
            .await
            .is_err()
    );
    assert!(
        app.sign_in("ada@example.com", "a brand new passphrase", "client-5")
            .await
            .is_ok()
    );
    assert!(matches!(
        app.reset_password(&reset, "another passphrase!").await,
        Err(AppError::Invalid(_))
    ));

    // Sessions expire.
    let short = app
        .sign_in("bob@example.com", pw, "client-6")
        .await
        .unwrap();
    clock.advance(time::Duration::days(15));
    assert!(app.current_user(&short.token).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    accounts_story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    accounts_story(store).await;
}
