//! The insight dashboard's numbers, on SQLite and PostgreSQL: awards issued, claimed and
//! accepted (made public, once per award), shares by channel, views, the funnel and its
//! rates; a range holds exactly its days (rolled up and live); one badge apart from the
//! others; awards expiring in the next 30 days and expired within the range.

use accolade_app::analytics::{Client, EventKind};
use accolade_app::insights::{DateRange, Insights};
use accolade_app::{
    App, AppConfig, AppError, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{
    AchievementId, Actor, Award, Clock, ExpiryPolicy, FixedClock, OrgId, Visibility,
};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::sync::Arc;
use time::Duration;
use time::macros::{date, datetime};

const PW: &str = "correct horse battery staple";

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
        accolade_app::NewAchievement {
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
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn claim_token(text: &str) -> String {
    let prefix = "https://badges.example.org/claim/";
    let at = text.find(prefix).expect("the claim link") + prefix.len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn story(store: Store) {
    // Today is 1 March; the first badges were issued on 19 February.
    let clock = Arc::new(FixedClock::new(datetime!(2026-02-19 09:30 UTC)));
    let app = Arc::new(App::new(
        store.clone(),
        clock.clone(),
        AppConfig {
            public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
            fetch_policy: FetchPolicy::default(),
            http_for_loopback: false,
        },
        Some(MasterKey::generate().unwrap()),
    ));
    let acme = org(&app, "Acme Academy").await;
    let other = org(&app, "Other").await;
    let first_aid = achievement(&app, acme, "First Aid", ExpiryPolicy::MonthsAfterIssue(1)).await;
    let safety = achievement(&app, acme, "Safety", ExpiryPolicy::Never).await;
    let elsewhere = achievement(&app, other, "Elsewhere", ExpiryPolicy::Never).await;
    let mut first_aids = Vec::new();
    for who in ["ada", "bob", "cy", "dee"] {
        first_aids.push(issue(&app, first_aid, &format!("{who}@example.com")).await);
    }
    issue(&app, safety, "eve@example.com").await;
    issue(&app, elsewhere, "zed@example.com").await;

    // 24 February: Ada claims her badge, shows it publicly (twice: accepted once), shares
    // it on LinkedIn and adds it to her profile; it is viewed three times, Bob's once.
    clock.set(datetime!(2026-02-24 12:00 UTC));
    let ada = app.sign_up("ada@example.com", "Ada", PW).await.unwrap();
    let actor = Actor::user(&ada);
    let mails = app.outbox(Some(acme), 1000).await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.award_id == Some(first_aids[0].id) && m.template == "badge_issued")
        .unwrap();
    app.claim(&actor, &ada, &claim_token(&mail.body_text))
        .await
        .unwrap();
    for v in [Visibility::Public, Visibility::Private, Visibility::Public] {
        app.set_badge_visibility(&actor, &ada, first_aids[0].id, v)
            .await
            .unwrap();
        app.flush_events().await;
    }
    let visitor = Client::new(Some("203.0.113.7".parse().unwrap()), Some("Firefox"));
    let ada_award = first_aids[0].id;
    app.record_event(ada_award, EventKind::Share, "linkedin", &visitor);
    app.record_event(
        ada_award,
        EventKind::LinkedinAdd,
        "linkedin-profile",
        &visitor,
    );
    for _ in 0..3 {
        app.record_event(ada_award, EventKind::View, "", &visitor);
    }
    app.record_event(first_aids[1].id, EventKind::View, "", &visitor);
    app.record_event(first_aids[1].id, EventKind::Download, "pdf", &visitor);

    // 1 March: the past days are rolled up; today one more badge is issued and viewed live.
    clock.set(datetime!(2026-03-01 09:30 UTC));
    app.roll_up_analytics().await.unwrap();
    let today_award = issue(&app, safety, "fay@example.com").await;
    app.record_event(today_award.id, EventKind::View, "", &visitor);
    app.flush_events().await;

    let now = clock.now();
    let month: Insights = app
        .insights(acme, DateRange::last_days(30, now), None)
        .await
        .unwrap();
    let t = month.totals;
    assert_eq!(
        (t.issued, t.claimed, t.accepted, t.shares, t.linkedin_adds),
        (6, 1, 1, 2, 1)
    );
    assert_eq!(
        (t.views, t.downloads, t.verifications, t.embeds),
        (5, 1, 0, 0)
    );
    assert_eq!((t.shared_awards, t.viewed_awards), (1, 3));
    let funnel: Vec<(i64, Option<f64>)> = month.funnel.iter().map(|s| (s.count, s.rate)).collect();
    assert_eq!(
        funnel,
        vec![
            (6, None),
            (1, Some(1.0 / 6.0)),
            (1, Some(1.0)),
            (3, Some(3.0))
        ]
    );
    assert_eq!(
        month.channels,
        vec![
            ("linkedin".to_owned(), 1),
            ("linkedin-profile".to_owned(), 1)
        ]
    );
    assert_eq!(month.daily.len(), 30);
    assert_eq!(month.daily[29].0, date!(2026 - 03 - 01));
    assert_eq!(month.daily[29].1.issued, 1, "today's badge, read live");
    assert_eq!(month.daily[29].1.views, 1);
    let names: Vec<(&str, i64)> = month
        .badges
        .iter()
        .map(|b| (b.name.as_str(), b.counts.issued))
        .collect();
    assert_eq!(names, [("First Aid", 4), ("Safety", 2)]);

    // A range holds exactly its days: 19 February is the first of the last 11, not of 10.
    let ten = app
        .insights(acme, DateRange::last_days(10, now), None)
        .await
        .unwrap();
    assert_eq!(ten.totals.issued, 1);
    let eleven = app
        .insights(acme, DateRange::last_days(11, now), None)
        .await
        .unwrap();
    assert_eq!(eleven.totals.issued, 6);
    let feb24 = app
        .insights(
            acme,
            DateRange::custom(date!(2026 - 02 - 24), date!(2026 - 02 - 24)).unwrap(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            feb24.totals.issued,
            feb24.totals.claimed,
            feb24.totals.views
        ),
        (0, 1, 4)
    );
    assert_eq!(feb24.daily.len(), 1);

    // One badge; another organization's badge is not found.
    let one = app
        .insights(acme, DateRange::last_days(30, now), Some(safety))
        .await
        .unwrap();
    assert_eq!((one.totals.issued, one.totals.views), (2, 1));
    assert!(one.badges.is_empty());
    assert!(one.channels.is_empty());
    assert!(matches!(
        app.insights(acme, DateRange::last_days(30, now), Some(elsewhere))
            .await,
        Err(AppError::NotFound(_))
    ));

    // Expiry: First Aid lasts a month, so its four awards end on 19 March.
    assert_eq!(month.expiring_soon, 4);
    assert_eq!(month.expired, 0);
    clock.set(datetime!(2026-04-10 12:00 UTC));
    let now = clock.now();
    let later = app
        .insights(acme, DateRange::last_days(30, now), None)
        .await
        .unwrap();
    assert_eq!((later.expiring_soon, later.expired), (0, 4));
    let recent = app
        .insights(acme, DateRange::last_days(20, now), None)
        .await
        .unwrap();
    assert_eq!(recent.expired, 0, "19 March is before the last 20 days");
    let on_the_day = app
        .insights(
            acme,
            DateRange::custom(date!(2026 - 03 - 19), date!(2026 - 03 - 19)).unwrap(),
            Some(first_aid),
        )
        .await
        .unwrap();
    assert_eq!(on_the_day.expired, 4);
    let _ = Duration::ZERO;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
