//! Analytics rolled up by day, on both backends: totals are the same before and after, only
//! the rows of days that are over go, distinct visitors are kept per day, an event of a past
//! day that arrives late is added to its day, and two roll-ups at once count nothing twice.

use super::fixtures::T0;
use accolade_core::AwardId;
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{AnalyticsEvent, DailyCount, EventCount, Store};
use time::{Duration, OffsetDateTime};

fn event(
    award: AwardId,
    kind: &str,
    channel: &str,
    client: &str,
    at: OffsetDateTime,
) -> AnalyticsEvent {
    AnalyticsEvent {
        award_id: award,
        kind: kind.into(),
        channel: channel.into(),
        client: client.into(),
        at,
    }
}

fn daily(day: i64, kind: &str, channel: &str, events: i64, visitors: i64) -> DailyCount {
    DailyCount {
        day,
        kind: kind.into(),
        channel: channel.into(),
        events,
        visitors,
    }
}

fn count(kind: &str, channel: &str, n: i64) -> EventCount {
    EventCount {
        kind: kind.into(),
        channel: channel.into(),
        count: n,
    }
}

async fn analytics_daily_story(store: &Store) {
    let award = AwardId::new();
    let other = AwardId::new();
    let today = T0.replace_time(time::Time::MIDNIGHT);
    let day = |n: i64| today + Duration::days(n) + Duration::hours(10);
    let mut events = Vec::new();
    // Two days ago: three views by two visitors and a LinkedIn share; yesterday: two views
    // by one visitor; today: one view. Another award's views stay apart.
    for client in ["a", "b", "a"] {
        events.push(event(award, "view", "", client, day(-2)));
    }
    events.push(event(award, "share", "linkedin", "a", day(-2)));
    events.push(event(award, "view", "", "c", day(-1)));
    events.push(event(
        award,
        "view",
        "",
        "c",
        day(-1) + Duration::minutes(5),
    ));
    events.push(event(award, "view", "", "d", day(0)));
    events.push(event(other, "view", "", "e", day(-1)));
    store.insert_events(&events).await.unwrap();
    let totals = vec![count("share", "linkedin", 1), count("view", "", 6)];
    assert_eq!(store.award_event_counts(award).await.unwrap(), totals);

    // Two servers roll up at the same moment: every past event is counted exactly once.
    let (a, b) = tokio::join!(store.roll_up_events(today), store.roll_up_events(today));
    assert_eq!(a.unwrap() + b.unwrap(), 7, "the seven events of past days");
    assert_eq!(store.award_event_counts(award).await.unwrap(), totals);
    assert_eq!(
        store.award_event_counts(other).await.unwrap(),
        vec![count("view", "", 1)]
    );
    let rows = store.award_events(award).await.unwrap();
    assert_eq!(rows.len(), 1, "only today's event is still a row");
    assert_eq!(rows[0].client, "d");
    let days = store.daily_event_counts(award).await.unwrap();
    let day_number = |t: OffsetDateTime| t.unix_timestamp().div_euclid(86_400);
    assert_eq!(
        days,
        vec![
            daily(day_number(day(-2)), "share", "linkedin", 1, 1),
            daily(day_number(day(-2)), "view", "", 3, 2),
            daily(day_number(day(-1)), "view", "", 2, 1),
        ]
    );

    // A view of yesterday written late is added to yesterday's count; nothing else moves.
    store
        .insert_events(&[event(award, "view", "", "f", day(-1) + Duration::hours(13))])
        .await
        .unwrap();
    assert_eq!(
        store.award_event_counts(award).await.unwrap(),
        vec![count("share", "linkedin", 1), count("view", "", 7)]
    );
    assert_eq!(store.roll_up_events(today).await.unwrap(), 1);
    let days = store.daily_event_counts(award).await.unwrap();
    assert_eq!(days[2], daily(day_number(day(-1)), "view", "", 3, 2));
    assert_eq!(
        store.award_event_counts(award).await.unwrap(),
        vec![count("share", "linkedin", 1), count("view", "", 7)]
    );
    assert_eq!(
        store.roll_up_events(today).await.unwrap(),
        0,
        "nothing left to roll up"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn analytics_daily_on_sqlite() {
    analytics_daily_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn analytics_daily_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    analytics_daily_story(&store).await;
}
