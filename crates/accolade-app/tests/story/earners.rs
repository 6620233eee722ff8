//! The earner's story, on SQLite and PostgreSQL: a badge email's claim link (256 random bits,
//! only its hash stored, expiring, single use for ownership) shows the badge to anyone and
//! adds it to the first account that uses it; a second account is refused. An account
//! verifies another address by an emailed link and collects the badges sent to it. The
//! portfolio shows public badges and public collections; unlisted ones by direct link only;
//! private ones never. A bulk import stores exactly one claim token per emailed award.

use accolade_app::bulk::{ColumnMapping, ImportLimits};
use accolade_app::earners::{CLAIM_LIFETIME, ClaimState};
use accolade_app::{App, AppConfig, AppError, MasterKey, NewAchievement, NewAward};
use accolade_app::{NewOrganization, PublicUrl};
use accolade_core::{AchievementId, Actor, Award, FixedClock, OrgId, User, Visibility};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

const PW: &str = "correct horse battery staple";

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The token of the first `https://badges.example.org/{path}/…` link in `text`.
fn token_in(text: &str, path: &str) -> String {
    let prefix = format!("https://badges.example.org/{path}/");
    let at = text.find(&prefix).expect("the link") + prefix.len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn setup(store: Store) -> (Arc<App>, Arc<FixedClock>, OrgId, AchievementId) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let master = MasterKey::generate().unwrap();
    let app = Arc::new(App::new(store, clock.clone(), config, Some(master)));
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await
        .unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the practical assessment.".into()),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    (app, clock, org.id, achievement.id)
}

async fn issue(app: &App, achievement: AchievementId, to: &str) -> Award {
    app.award(
        &Actor::system(),
        NewAward {
            achievement_id: achievement,
            recipient_email: to.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// The claim token in the award's badge email.
async fn claim_token_of(app: &App, award: &Award) -> String {
    let mails = app.outbox(Some(award.org_id), 1000).await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.award_id == Some(award.id) && m.template == "badge_issued")
        .expect("the badge email");
    let token = token_in(&mail.body_text, "claim");
    assert!(
        mail.body_html
            .contains(&format!("https://badges.example.org/claim/{token}\"")),
        "the HTML has the same link"
    );
    token
}

async fn account(app: &App, email: &str, name: &str) -> User {
    app.sign_up(email, name, PW).await.unwrap()
}

pub(crate) async fn story(store: Store) {
    let (app, clock, org, achievement) = setup(store.clone()).await;
    let ada = account(&app, "ada@example.com", "Ada Lovelace").await;
    let bob = account(&app, "bob@example.com", "Bob").await;
    let (ada_actor, bob_actor) = (Actor::user(&ada), Actor::user(&bob));

    // The claim token: 256 random bits in the link, only its SHA-256 stored, 90 days.
    let first = issue(&app, achievement, "ada@example.com").await;
    let token = claim_token_of(&app, &first).await;
    assert_eq!(token.len(), 43, "32 bytes, base64url: {token}");
    let stored = store.claim_tokens_of(first.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].token_hash, sha256_hex(&token));
    assert_ne!(stored[0].token_hash, token);
    assert_eq!(stored[0].expires_at - stored[0].created_at, CLAIM_LIFETIME);
    assert!(CLAIM_LIFETIME >= Duration::days(30));
    let other = issue(&app, achievement, "ada+2@example.com").await;
    assert_ne!(claim_token_of(&app, &other).await, token);

    // Anyone with the link sees the badge; an unknown token is not found.
    let seen = app.claim_view(&token, None).await.unwrap();
    assert_eq!(seen.state, ClaimState::Open);
    assert_eq!(seen.award.id, first.id);
    assert_eq!(seen.achievement.name, "First Aid");
    assert!(matches!(
        app.claim_view("not-a-token", None).await,
        Err(AppError::NotFound(_))
    ));

    // Ada claims it; Bob cannot take it after her, and sees it as claimed.
    let claimed = app.claim(&ada_actor, &ada, &token).await.unwrap();
    assert_eq!(claimed.id, first.id);
    assert_eq!(
        app.claim_view(&token, Some(&ada)).await.unwrap().state,
        ClaimState::Yours
    );
    assert_eq!(
        app.claim_view(&token, Some(&bob)).await.unwrap().state,
        ClaimState::Claimed
    );
    let refused = app.claim(&bob_actor, &bob, &token).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    // Claiming again is harmless for its owner.
    app.claim(&ada_actor, &ada, &token).await.unwrap();
    let used = &store.claim_tokens_of(first.id).await.unwrap()[0];
    assert_eq!(used.used_by, Some(ada.id));
    let audit = app.audit_log(org, 50, 0).await.unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "award.claim").count(),
        1
    );
    // The claim proved Ada's address.
    let emails = app.earner_emails(&ada).await.unwrap();
    assert!(
        emails
            .iter()
            .any(|e| e.email.as_str() == "ada@example.com" && e.verified_at.is_some())
    );
    let badges = app.backpack_badges(&ada).await.unwrap();
    assert_eq!(badges.len(), 1);
    assert_eq!(
        badges[0].visibility,
        Visibility::Private,
        "private by default"
    );
    assert!(app.backpack_badges(&bob).await.unwrap().is_empty());

    // A link past its expiry still shows the badge but adds it to no backpack.
    let late = issue(&app, achievement, "carol@example.com").await;
    let late_token = claim_token_of(&app, &late).await;
    clock.advance(CLAIM_LIFETIME + Duration::seconds(1));
    assert_eq!(
        app.claim_view(&late_token, None).await.unwrap().state,
        ClaimState::Expired
    );
    let expired = app.claim(&bob_actor, &bob, &late_token).await;
    assert!(matches!(expired, Err(AppError::Conflict(_))), "{expired:?}");

    // Another address: verified by its emailed link, then its badges can be collected.
    let old = issue(&app, achievement, "ada.old@example.com").await;
    assert!(app.waiting_badges(&ada).await.unwrap().is_empty());
    let early = app.add_waiting_badge(&ada_actor, &ada, old.id).await;
    assert!(matches!(early, Err(AppError::NotFound(_))), "{early:?}");
    app.add_earner_email(&ada_actor, &ada, "Ada.Old@example.com")
        .await
        .unwrap();
    let link = app
        .outbox(None, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.template == "email_verification" && m.to.as_str() == "ada.old@example.com")
        .expect("the verification email");
    let verify_token = token_in(&link.body_text, "backpack/emails/verify");
    assert!(!link.body_html.contains("ada@example.com"));
    let stored = app.earner_emails(&ada).await.unwrap();
    let pending = stored
        .iter()
        .find(|e| e.email.as_str() == "ada.old@example.com")
        .unwrap();
    assert_eq!(
        pending.token_hash.as_deref(),
        Some(sha256_hex(&verify_token).as_str())
    );
    assert!(pending.verified_at.is_none());
    let verified = app.verify_earner_email(&verify_token).await.unwrap();
    assert_eq!(verified.user_id, ada.id);
    assert!(matches!(
        app.verify_earner_email(&verify_token).await,
        Err(AppError::NotFound(_))
    ));
    let waiting = app.waiting_badges(&ada).await.unwrap();
    assert_eq!(
        waiting.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![old.id]
    );
    assert!(app.waiting_badges(&bob).await.unwrap().is_empty());
    let stolen = app.add_waiting_badge(&bob_actor, &bob, old.id).await;
    assert!(matches!(stolen, Err(AppError::NotFound(_))), "{stolen:?}");
    app.add_waiting_badge(&ada_actor, &ada, old.id)
        .await
        .unwrap();
    assert!(app.waiting_badges(&ada).await.unwrap().is_empty());
    // Bob cannot verify Ada's address for himself.
    app.add_earner_email(&bob_actor, &bob, "ada.old@example.com")
        .await
        .unwrap();
    let bob_link = app
        .outbox(None, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.template == "email_verification" && m.body_text.contains("Hello Bob"))
        .unwrap();
    let bob_token = token_in(&bob_link.body_text, "backpack/emails/verify");
    assert!(matches!(
        app.verify_earner_email(&bob_token).await,
        Err(AppError::Conflict(_))
    ));
    // An expired verification link does nothing.
    app.add_earner_email(&ada_actor, &ada, "ada.work@example.com")
        .await
        .unwrap();
    let work = app
        .outbox(None, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.to.as_str() == "ada.work@example.com")
        .unwrap();
    clock.advance(accolade_app::earners::EMAIL_LINK_LIFETIME + Duration::seconds(1));
    assert!(matches!(
        app.verify_earner_email(&token_in(&work.body_text, "backpack/emails/verify"))
            .await,
        Err(AppError::NotFound(_))
    ));

    // A fourth badge, claimed fresh: Ada now owns first (public), old (unlisted), fresh
    // (private).
    let fresh = issue(&app, achievement, "ada@example.com").await;
    let fresh_token = claim_token_of(&app, &fresh).await;
    app.claim(&ada_actor, &ada, &fresh_token).await.unwrap();
    app.set_badge_visibility(&ada_actor, &ada, first.id, Visibility::Public)
        .await
        .unwrap();
    app.set_badge_visibility(&ada_actor, &ada, old.id, Visibility::Unlisted)
        .await
        .unwrap();
    let not_hers = app
        .set_badge_visibility(&bob_actor, &bob, first.id, Visibility::Private)
        .await;
    assert!(matches!(not_hers, Err(AppError::NotFound(_))));

    // Handles: validated, unique, changeable.
    assert!(matches!(
        app.set_handle(&ada_actor, &ada, "<script>").await,
        Err(AppError::Invalid(_))
    ));
    app.set_handle(&ada_actor, &ada, "ada-l").await.unwrap();
    assert!(matches!(
        app.set_handle(&bob_actor, &bob, "ADA-L").await,
        Err(AppError::Conflict(_))
    ));
    app.set_handle(&ada_actor, &ada, "ada").await.unwrap();
    assert!(matches!(
        app.portfolio("ada-l").await,
        Err(AppError::NotFound(_))
    ));

    // Collections: public (first, old, fresh), unlisted (old, first), private (fresh).
    let shelf = app
        .create_collection(&ada_actor, &ada, "Safety", Visibility::Public)
        .await
        .unwrap();
    let side = app
        .create_collection(
            &ada_actor,
            &ada,
            "Side <b>projects</b>",
            Visibility::Unlisted,
        )
        .await
        .unwrap();
    let secret = app
        .create_collection(&ada_actor, &ada, "Secret", Visibility::Private)
        .await
        .unwrap();
    for award in [first.id, old.id, fresh.id] {
        app.add_to_collection(&ada_actor, &ada, shelf.id, award)
            .await
            .unwrap();
    }
    for award in [first.id, old.id] {
        app.add_to_collection(&ada_actor, &ada, side.id, award)
            .await
            .unwrap();
    }
    app.move_in_collection(&ada_actor, &ada, side.id, old.id, true)
        .await
        .unwrap();
    app.add_to_collection(&ada_actor, &ada, secret.id, fresh.id)
        .await
        .unwrap();
    let foreign = app
        .add_to_collection(&bob_actor, &bob, shelf.id, first.id)
        .await;
    assert!(matches!(foreign, Err(AppError::NotFound(_))));
    let backpack = app.backpack(&ada).await.unwrap();
    assert_eq!(backpack.badges.len(), 3);
    assert_eq!(backpack.collections.len(), 3);
    assert_eq!(backpack.progress.len(), 1);
    assert_eq!(
        (backpack.progress[0].earned, backpack.progress[0].offered),
        (3, 1)
    );

    let keys = |badges: &[accolade_app::earners::BackpackBadge]| {
        badges.iter().map(|b| b.source.key()).collect::<Vec<_>>()
    };
    let portfolio = app.portfolio("ada").await.unwrap();
    assert_eq!(portfolio.name, "Ada Lovelace");
    assert_eq!(keys(&portfolio.badges), vec![first.id.to_string()]);
    assert_eq!(portfolio.collections.len(), 1, "public collections only");
    assert_eq!(portfolio.collections[0].name, "Safety");
    assert_eq!(
        keys(&portfolio.collections[0].badges),
        vec![first.id.to_string()],
        "a public collection lists public badges only"
    );
    // Direct links: unlisted yes, private never.
    app.portfolio_badge("ada", old.id).await.unwrap();
    app.portfolio_badge("ada", first.id).await.unwrap();
    assert!(matches!(
        app.portfolio_badge("ada", fresh.id).await,
        Err(AppError::NotFound(_))
    ));
    let (_, unlisted) = app.portfolio_collection("ada", side.id).await.unwrap();
    assert_eq!(
        keys(&unlisted.badges),
        vec![old.id.to_string(), first.id.to_string()],
        "in the owner's order, unlisted badges included"
    );
    assert!(matches!(
        app.portfolio_collection("ada", secret.id).await,
        Err(AppError::NotFound(_))
    ));
    // Nobody else's badges appear under Ada's handle.
    assert!(matches!(
        app.portfolio_badge("ada", late.id).await,
        Err(AppError::NotFound(_))
    ));
}

/// A bulk import stores one claim token per emailed award, in the chunk that queues it.
pub(crate) async fn bulk_story(store: Store) {
    let (app, _clock, org, achievement) = setup(store.clone()).await;
    let dir =
        std::env::temp_dir().join(format!("accolade-claims-{}", accolade_core::AwardId::new()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("learners.csv");
    let mut csv = String::from("email,name\n");
    for i in 0..2100 {
        csv.push_str(&format!("learner{i}@example.org,Learner {i}\n"));
    }
    std::fs::write(&path, csv).unwrap();
    let report = app
        .import_csv(
            &Actor::cli(),
            achievement,
            &path,
            &ColumnMapping::default(),
            ImportLimits::default(),
        )
        .await
        .unwrap();
    let done = app
        .run_import(report.import.id, false, |_| {})
        .await
        .unwrap();
    assert_eq!(done.issued_rows, 2100);
    let _ = std::fs::remove_dir_all(&dir);
    let mut tokens: HashMap<String, usize> = HashMap::new();
    let mails = app.outbox(Some(org), 1_000_000).await.unwrap();
    let badge_mails: Vec<_> = mails
        .iter()
        .filter(|m| m.template == "badge_issued")
        .collect();
    assert_eq!(badge_mails.len(), 2100);
    for m in badge_mails {
        let award = m.award_id.unwrap();
        let stored = store.claim_tokens_of(award).await.unwrap();
        assert_eq!(stored.len(), 1, "one token for {award}");
        let token = token_in(&m.body_text, "claim");
        assert_eq!(stored[0].token_hash, sha256_hex(&token));
        *tokens.entry(token).or_default() += 1;
    }
    assert_eq!(tokens.len(), 2100, "every token differs");
    // Queueing the emails again adds neither emails nor tokens.
    let ids: Vec<_> = mails.iter().filter_map(|m| m.award_id).take(10).collect();
    assert_eq!(app.queue_award_emails(&ids).await.unwrap(), 0);
    for id in ids {
        assert_eq!(store.claim_tokens_of(id).await.unwrap().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn earners_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn earners_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_claims_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    bulk_story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_claims_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    bulk_story(store).await;
}
