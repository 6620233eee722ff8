//! Sharing and analytics, on SQLite and PostgreSQL: share links lead where they should with
//! the LinkedIn certification fields filled in (the organization's LinkedIn id when set),
//! every click, view, verification, download and embed impression is counted per channel,
//! per award and per achievement, clients are kept only as salted hashes that change with
//! the day, the share card follows revocation and expiry, and the Open Graph image is a
//! 1200×630 PNG.

use accolade_app::analytics::{Client, EventKind, EventTotals};
use accolade_app::sharing::ShareChannel;
use accolade_app::{
    App, AppConfig, AppError, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{
    AchievementId, Actor, Award, AwardState, Clock, ExpiryPolicy, FixedClock, OrgId,
};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::net::IpAddr;
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

const BASE: &str = "https://badges.example.org";

fn make_app(store: &Store, clock: &Arc<FixedClock>) -> Arc<App> {
    let config = AppConfig {
        public_url: PublicUrl::parse(BASE).unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    Arc::new(App::new(
        store.clone(),
        clock.clone(),
        config,
        Some(MasterKey::generate().unwrap()),
    ))
}

async fn org(app: &App, name: &str) -> OrgId {
    app.create_org(NewOrganization {
        name: name.into(),
        url: "https://acme.example".into(),
        email: None,
        description: None,
        slug: None,
    })
    .await
    .unwrap()
    .id
}

async fn achievement(app: &App, org: OrgId, name: &str, expiry: ExpiryPolicy) -> AchievementId {
    app.create_achievement(
        &Actor::cli(),
        NewAchievement {
            org_id: org,
            name: name.into(),
            description: "Workplace first aid.".into(),
            criteria_narrative: Some("Pass the practical assessment.".into()),
            expiry,
            ..NewAchievement::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn issue(app: &App, achievement: AchievementId, email: &str) -> Award {
    app.award(
        &Actor::cli(),
        NewAward {
            achievement_id: achievement,
            recipient_email: email.into(),
            recipient_name: Some("Ada Lovelace".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn query(url: &str) -> Vec<(String, String)> {
    url.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn param(url: &str, name: &str) -> Option<String> {
    query(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

async fn story(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let app = make_app(&store, &clock);
    let acme = org(&app, "Acme & Sons Academy").await;
    let other = org(&app, "Other Org").await;
    let first_aid = achievement(
        &app,
        acme,
        "First Aid: Level 2",
        ExpiryPolicy::MonthsAfterIssue(12),
    )
    .await;
    let safety = achievement(&app, acme, "Safety", ExpiryPolicy::Never).await;
    let elsewhere = achievement(&app, other, "Elsewhere", ExpiryPolicy::Never).await;
    let ada = issue(&app, first_aid, "ada@example.com").await;
    let bob = issue(&app, first_aid, "bob@example.com").await;
    let cy = issue(&app, safety, "cy@example.com").await;
    let dee = issue(&app, elsewhere, "dee@example.com").await;

    // LinkedIn's add-to-profile form is filled from the credential.
    let linkedin = app
        .share_url(&ada, ShareChannel::LinkedinProfile)
        .await
        .unwrap();
    assert!(
        linkedin.starts_with("https://www.linkedin.com/profile/add?"),
        "{linkedin}"
    );
    let credential_url = format!("{BASE}/credentials/{}", ada.id);
    for (k, v) in [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", "First%20Aid%3A%20Level%202"),
        ("organizationName", "Acme%20%26%20Sons%20Academy"),
        ("issueYear", "2026"),
        ("issueMonth", "3"),
        ("expirationYear", "2027"),
        ("expirationMonth", "3"),
        ("certId", &ada.id.to_string()),
    ] {
        assert_eq!(param(&linkedin, k).as_deref(), Some(v), "{k} in {linkedin}");
    }
    assert_eq!(
        param(&linkedin, "certUrl").unwrap(),
        credential_url.replace(':', "%3A").replace('/', "%2F")
    );
    // An organization id, when set, replaces the name.
    let bad = app
        .set_linkedin_org_id(&Actor::cli(), acme, Some("acme-co"))
        .await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    app.set_linkedin_org_id(&Actor::cli(), acme, Some(" 1337 "))
        .await
        .unwrap();
    assert_eq!(
        app.linkedin_org_id(acme).await.unwrap().as_deref(),
        Some("1337")
    );
    let linkedin = app
        .share_url(&ada, ShareChannel::LinkedinProfile)
        .await
        .unwrap();
    assert_eq!(param(&linkedin, "organizationId").as_deref(), Some("1337"));
    assert_eq!(param(&linkedin, "organizationName"), None);
    let log = app.audit_log(acme, 50, 0).await.unwrap();
    assert!(log.iter().any(|e| e.action == "org.linkedin"), "{log:?}");

    // The other channels.
    let encoded = param(&linkedin, "certUrl").unwrap();
    let urls = [
        (
            ShareChannel::Linkedin,
            format!("https://www.linkedin.com/sharing/share-offsite/?url={encoded}"),
        ),
        (
            ShareChannel::Facebook,
            format!("https://www.facebook.com/sharer/sharer.php?u={encoded}"),
        ),
    ];
    for (channel, expected) in urls {
        assert_eq!(app.share_url(&ada, channel).await.unwrap(), expected);
    }
    let x = app.share_url(&ada, ShareChannel::X).await.unwrap();
    assert!(x.starts_with("https://x.com/intent/post?"), "{x}");
    assert_eq!(param(&x, "url").unwrap(), encoded);
    let mail = app.share_url(&ada, ShareChannel::Email).await.unwrap();
    assert!(mail.starts_with("mailto:?subject=First%20Aid"), "{mail}");
    assert!(mail.contains(&encoded), "{mail}");

    // Events: two visitors look, share and download.
    let ip: IpAddr = "203.0.113.7".parse().unwrap();
    let visitor = Client::new(Some(ip), Some("Firefox/140"));
    let another = Client::new(Some("2001:db8::1".parse().unwrap()), Some("Chrome/140"));
    for _ in 0..3 {
        app.record_event(ada.id, EventKind::View, "", &visitor);
    }
    app.record_event(ada.id, EventKind::View, "", &another);
    app.record_event(bob.id, EventKind::View, "", &another);
    app.record_event(cy.id, EventKind::View, "", &another);
    app.record_event(dee.id, EventKind::View, "", &another);
    app.record_event(ada.id, EventKind::Download, "png", &visitor);
    app.record_event(ada.id, EventKind::EmbedImpression, "", &another);
    for channel in ShareChannel::ALL {
        let url = app.follow_share(ada.id, channel, &visitor).await.unwrap();
        assert_eq!(url, app.share_url(&ada, channel).await.unwrap());
    }
    app.follow_share(bob.id, ShareChannel::X, &visitor)
        .await
        .unwrap();
    let unknown = app
        .follow_share(accolade_core::AwardId::new(), ShareChannel::X, &visitor)
        .await;
    assert!(matches!(unknown, Err(AppError::NotFound(_))), "{unknown:?}");
    // A verification of one of our credentials counts; someone else's does not.
    let report = app.verify(ada.credential.clone().into_bytes(), None).await;
    app.record_verification(&report, &another);
    let foreign = app
        .verify(b"{\"id\":\"https://elsewhere.example/c/1\"}".to_vec(), None)
        .await;
    app.record_verification(&foreign, &another);
    app.flush_events().await;

    let totals = app.award_totals(ada.id).await.unwrap();
    assert_eq!(
        totals,
        EventTotals {
            views: 4,
            verifications: 1,
            downloads: 1,
            linkedin_adds: 1,
            embed_impressions: 1,
            shares: 5,
            shares_by_channel: ShareChannel::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), 1))
                .collect(),
        }
    );
    let by_badge = app.achievement_totals(acme).await.unwrap();
    assert_eq!(by_badge[&first_aid].views, 5);
    assert_eq!(by_badge[&first_aid].shares, 6);
    assert_eq!(by_badge[&first_aid].shares_by_channel["x"], 2);
    assert_eq!(by_badge[&safety].views, 1);
    assert!(!by_badge.contains_key(&elsewhere));
    assert_eq!(
        app.achievement_totals(other).await.unwrap()[&elsewhere].views,
        1
    );

    // No raw address is stored: the client is a hash, the same for one visitor all day,
    // different for another visitor, and different for the same visitor the next day.
    let events = store.award_events(ada.id).await.unwrap();
    assert_eq!(events.len(), 12);
    for e in &events {
        assert_eq!(e.client.len(), 32, "{e:?}");
        assert!(e.client.bytes().all(|b| b.is_ascii_hexdigit()), "{e:?}");
        assert!(!e.client.contains("203.0.113.7") && !e.client.contains("2001:db8"));
    }
    let hash_of = |kind: &str| {
        events
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| e.client.clone())
            .unwrap()
    };
    let today = hash_of("view");
    assert_eq!(hash_of("download"), today);
    assert_ne!(hash_of("embed_impression"), today);
    clock.advance(Duration::days(1));
    app.record_event(ada.id, EventKind::View, "", &visitor);
    app.flush_events().await;
    let events = store.award_events(ada.id).await.unwrap();
    let tomorrow = &events.last().unwrap().client;
    assert_ne!(*tomorrow, today);
    assert_eq!(
        events.last().unwrap().at,
        clock.now().replace_nanosecond(0).unwrap()
    );

    // Past days are rolled up into daily counts: their rows go, the totals stay.
    let before = app.award_totals(ada.id).await.unwrap();
    let by_badge_before = app.achievement_totals(acme).await.unwrap();
    let rolled = app.roll_up_analytics().await.unwrap();
    assert!(rolled >= 12, "yesterday's events were rolled up ({rolled})");
    assert_eq!(app.award_totals(ada.id).await.unwrap(), before);
    assert_eq!(app.achievement_totals(acme).await.unwrap(), by_badge_before);
    let left = store.award_events(ada.id).await.unwrap();
    assert_eq!(left.len(), 1, "today's view is still a row");
    assert_eq!(app.roll_up_analytics().await.unwrap(), 0);

    // The share card says what the credential is now.
    assert_eq!(app.share_card(&ada).state, AwardState::Active);
    assert_eq!(app.share_card(&ada).name, "First Aid: Level 2");
    assert_eq!(app.share_card(&ada).issuer_name, "Acme & Sons Academy");
    let revoked = app
        .revoke(&Actor::cli(), bob.id, "Issued in error")
        .await
        .unwrap();
    assert_eq!(app.share_card(&revoked).state, AwardState::Revoked);
    clock.advance(Duration::days(400));
    assert_eq!(app.share_card(&ada).state, AwardState::Expired);
    assert_eq!(app.share_card(&cy).state, AwardState::Active);

    // The Open Graph image: a 1200×630 PNG, with a tag that follows its content.
    let png = app.og_card_png(&ada).await.unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1200);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 630);
    assert_eq!(app.og_card_etag(&ada), app.og_card_etag(&bob));
    assert_ne!(app.og_card_etag(&ada), app.og_card_etag(&cy));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}

/// Events the queue cannot take are not lost silently: each is counted in the metrics by
/// reason, and the written ones are counted too. On this single-threaded runtime the writer
/// cannot run between the calls below, so the queue fills exactly.
#[tokio::test]
async fn events_past_a_full_queue_are_counted_as_dropped() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let app = make_app(&store, &clock);
    let org = org(&app, "Acme Academy").await;
    let first_aid = achievement(&app, org, "First Aid", ExpiryPolicy::Never).await;
    let ada = issue(&app, first_aid, "ada@example.org").await;
    let client = Client::new(Some("203.0.113.5".parse().unwrap()), Some("Bench/1.0"));
    let capacity = accolade_app::analytics::QUEUE_CAPACITY;
    let extra = 25;
    for _ in 0..capacity + extra {
        app.record_event(ada.id, EventKind::View, "", &client);
    }
    app.flush_events().await;
    let metrics = app.metrics();
    assert_eq!(metrics.analytics_dropped.get(&["queue_full"]), extra as u64);
    assert_eq!(metrics.analytics_recorded.get(&[]), capacity as u64);
    assert_eq!(
        app.award_totals(ada.id).await.unwrap().views,
        capacity as i64
    );
    let text = app.metrics_text().await;
    assert!(
        text.contains(&format!(
            "accolade_analytics_events_dropped_total{{reason=\"queue_full\"}} {extra}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("accolade_analytics_queue_events 0\n"),
        "{text}"
    );
}
