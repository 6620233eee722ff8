//! The dashboard's roll-ups, on both backends: what a day's awards, claims and events become
//! per organization, badge and day; shares per channel; first shares and views counted once
//! per award; totals over any range the same from running totals as from days; what is not
//! rolled up yet read live; two roll-ups at once count once; awards ending in a span.

use super::fixtures::{achievement, award, key, org};
use accolade_core::Ownership;
use accolade_core::{
    Achievement, AchievementId, Award, Email, ExpiryPolicy, User, UserId, Visibility,
};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{AnalyticsEvent, InsightCounts, Store};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Midnight UTC starting "today" in the story.
const TODAY: OffsetDateTime = datetime!(2025-03-10 00:00 UTC);

fn day_number(t: OffsetDateTime) -> i64 {
    t.unix_timestamp().div_euclid(86_400)
}

/// 10:00 on the day `n` days from today.
fn at(n: i64) -> OffsetDateTime {
    TODAY + Duration::days(n) + Duration::hours(10)
}

fn event(award: &Award, kind: &str, channel: &str, when: OffsetDateTime) -> AnalyticsEvent {
    AnalyticsEvent {
        award_id: award.id,
        kind: kind.into(),
        channel: channel.into(),
        client: "c".into(),
        at: when,
    }
}

fn issued_on(a: &Achievement, key: accolade_core::KeyId, index: u32, n: i64) -> Award {
    award(a, key, index, at(n))
}

async fn insights_story(store: &Store) {
    let acme = org("Acme Academy", "acme");
    let beta = org("Beta Institute", "beta");
    let mut awards = Vec::new();
    let mut keys = Vec::new();
    for o in [&acme, &beta] {
        store.insert_org(o).await.unwrap();
        let k = key(o.id, at(-400));
        store.insert_key(&k).await.unwrap();
        keys.push(k.id);
    }
    let first_aid = achievement(acme.id, "First Aid", ExpiryPolicy::MonthsAfterIssue(12));
    let safety = achievement(acme.id, "Lab Safety", ExpiryPolicy::Never);
    let other = achievement(beta.id, "Elsewhere", ExpiryPolicy::Never);
    for a in [&first_aid, &safety, &other] {
        store.insert_achievement(a).await.unwrap();
    }
    let a1 = issued_on(&first_aid, keys[0], 0, -3);
    let a2 = issued_on(&first_aid, keys[0], 1, -3);
    // Expired yesterday.
    let a3 = Award {
        valid_until: Some(at(-1)),
        ..issued_on(&first_aid, keys[0], 2, -1)
    };
    let b1 = issued_on(&safety, keys[0], 3, -20);
    let a4 = issued_on(&first_aid, keys[0], 4, 0);
    let c1 = issued_on(&other, keys[1], 0, -3);
    for a in [&a1, &a2, &a3, &b1, &a4, &c1] {
        store.insert_award(a).await.unwrap();
        awards.push(a.id);
    }
    let user = User {
        id: UserId::new(),
        email: Email::parse("ada@example.com").unwrap(),
        name: "Ada".into(),
        password_hash: "x".into(),
        created_at: at(-30),
    };
    store.insert_user(&user).await.unwrap();
    assert!(
        store
            .add_to_backpack(&Ownership {
                award_id: a1.id,
                user_id: user.id,
                visibility: Visibility::Public,
                claimed_at: at(-2),
            })
            .await
            .unwrap()
    );
    let mut events = vec![
        event(&a1, "view", "", at(-2)),
        event(&a1, "view", "", at(-2)),
        event(&a1, "view", "", at(-2)),
        event(&a1, "share", "linkedin", at(-2)),
        event(&a1, "accept", "", at(-2)),
        event(&a1, "linkedin_add", "linkedin-profile", at(-1)),
        event(&a1, "view", "", at(-1)),
        event(&a2, "view", "", at(-1)),
        event(&a2, "download", "png", at(-1)),
        event(&a2, "embed_impression", "", at(-1)),
        event(&a2, "verification", "", at(-1)),
        event(&c1, "view", "", at(-2)),
        // Today's, not rolled up.
        event(&a3, "view", "", at(0)),
        event(&a1, "share", "x", at(0)),
    ];
    store.insert_events(&events).await.unwrap();
    events.clear();
    store.roll_up_events(TODAY).await.unwrap();

    let today = day_number(TODAY);
    assert_eq!(store.insights_through().await.unwrap(), 0);
    // Two servers at the same moment: one counts every day, the other none.
    let (x, y) = tokio::join!(store.roll_up_insights(today), store.roll_up_insights(today));
    assert_eq!(x.unwrap() + y.unwrap(), u64::try_from(today).unwrap());
    assert_eq!(store.insights_through().await.unwrap(), today);
    assert_eq!(store.roll_up_insights(today).await.unwrap(), 0);

    let d = |n: i64| today + n;
    let acme_days = store
        .insight_days(acme.id, None, d(-30), d(1))
        .await
        .unwrap();
    assert_eq!(
        acme_days,
        vec![
            (
                d(-20),
                InsightCounts {
                    issued: 1,
                    ..Default::default()
                }
            ),
            (
                d(-3),
                InsightCounts {
                    issued: 2,
                    ..Default::default()
                }
            ),
            (
                d(-2),
                InsightCounts {
                    claimed: 1,
                    accepted: 1,
                    views: 3,
                    shares: 1,
                    shared_awards: 1,
                    viewed_awards: 1,
                    ..Default::default()
                }
            ),
            (
                d(-1),
                InsightCounts {
                    issued: 1,
                    views: 2,
                    shares: 1,
                    linkedin_adds: 1,
                    downloads: 1,
                    embeds: 1,
                    verifications: 1,
                    // a2's first view; a1 was viewed before.
                    viewed_awards: 1,
                    ..Default::default()
                }
            ),
        ]
    );
    // One badge; the other organization's badge apart; a range's ends are kept.
    let safety_days = store
        .insight_days(acme.id, Some(safety.id), d(-30), d(1))
        .await
        .unwrap();
    assert_eq!(
        safety_days,
        vec![(
            d(-20),
            InsightCounts {
                issued: 1,
                ..Default::default()
            }
        )]
    );
    assert!(
        store
            .insight_days(acme.id, Some(safety.id), d(-19), d(1))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .insight_days(acme.id, None, d(-2), d(-1))
            .await
            .unwrap()
            .len(),
        1
    );
    let beta_days = store
        .insight_days(beta.id, None, d(-30), d(1))
        .await
        .unwrap();
    assert_eq!(beta_days.len(), 2, "{beta_days:?}");
    assert_eq!(
        store
            .insight_channels(acme.id, None, d(-30), d(0))
            .await
            .unwrap(),
        vec![
            ("linkedin".to_owned(), 1),
            ("linkedin-profile".to_owned(), 1)
        ]
    );
    assert_eq!(
        store
            .insight_channels(acme.id, Some(first_aid.id), d(-1), d(0))
            .await
            .unwrap(),
        vec![("linkedin-profile".to_owned(), 1)]
    );

    // Per badge over any range: the running totals agree with the days. sums.
    for (from, to) in [
        (d(-30), d(0)),
        (d(-3), d(-1)),
        (d(-400), d(400)),
        (d(-20), d(-19)),
        (d(-2), d(-2)),
        (d(-64), d(-2)),
    ] {
        let mut got = store.insight_badges(acme.id, from, to).await.unwrap();
        got.sort_by_key(|(id, _)| id.to_string());
        let mut want: Vec<(AchievementId, InsightCounts)> = Vec::new();
        for a in [&first_aid, &safety] {
            let mut sum = InsightCounts::default();
            for (_, c) in store
                .insight_days(acme.id, Some(a.id), from, to)
                .await
                .unwrap()
            {
                sum.add(&c);
            }
            if sum != InsightCounts::default() {
                want.push((a.id, sum));
            }
        }
        want.sort_by_key(|(id, _)| id.to_string());
        assert_eq!(got, want, "range {from}..{to}");
    }

    // Today, live: a4 issued, a3 viewed for the first time, a1 shared on X (not its first).
    let pending = store.pending_insights(acme.id, today).await.unwrap();
    let mut days = pending.days.clone();
    days.sort_by_key(|(id, day, _)| (id.to_string(), *day));
    assert_eq!(
        days,
        vec![(
            first_aid.id,
            today,
            InsightCounts {
                issued: 1,
                views: 1,
                shares: 1,
                viewed_awards: 1,
                ..Default::default()
            }
        )]
    );
    assert_eq!(
        pending.channels,
        vec![(first_aid.id, today, "x".to_owned(), 1)]
    );
    assert_eq!(
        store.pending_insights(beta.id, today).await.unwrap().days,
        vec![]
    );

    // Awards ending: a3 expired yesterday; a1, a2, a4 expire within a year and a bit.
    let now = at(0);
    assert_eq!(
        store
            .awards_ending(acme.id, None, now - Duration::days(7), now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .awards_ending(acme.id, None, now, now + Duration::days(400))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .awards_ending(acme.id, Some(safety.id), now - Duration::days(7), now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .awards_ending(acme.id, None, now, now + Duration::days(30))
            .await
            .unwrap(),
        0
    );
    let _ = awards;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn insights_on_sqlite() {
    insights_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn insights_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    insights_story(&store).await;
}
