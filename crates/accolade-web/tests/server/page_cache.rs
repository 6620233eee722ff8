//! The public credential page is kept once rendered. These check that what a visitor sees
//! stays true: a change made by this process shows at once, a change made by another
//! process (here: straight in the database) within a second, expiry at its moment, and
//! browsers revalidate with the page's entity tag.

use super::fixture::{get_page as get, status_of};
use super::{Http, PUBLIC};

use accolade_core::{Actor, AwardStatus, Clock, FixedClock, SystemClock};
use accolade_store::Store;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

async fn kept_pages(store: Store) {
    let start = SystemClock.now().replace_nanosecond(0).unwrap();
    let clock = Arc::new(FixedClock::new(start));
    let config = super::fixture::config(PUBLIC, false);
    let app = Arc::new(super::fixture::app(store, clock.clone(), config));
    let http = Http::new(super::fixture::serve(app.clone()).await);

    let (_, achievement) =
        super::fixture::org_with_badge(&app, "Kept Pages Institute", "kept", "Cache Coherence")
            .await;
    let issue = |email: &'static str, valid_until: Option<OffsetDateTime>| {
        let (app, achievement) = (app.clone(), achievement.clone());
        let issued_at = Some(start - Duration::days(1));
        async move { super::fixture::issue(&app, &achievement, email, issued_at, valid_until).await }
    };
    let award = issue("kim@example.com", None).await;
    let expiring = issue("lee@example.com", Some(start + Duration::hours(2))).await;
    let path = format!("/credentials/{}", award.id);

    // Kept, with a validator: the browser's conditional request gets a bodiless 304.
    let first = get(&http, &path);
    assert_eq!(first.status, 200);
    assert_eq!(status_of(&first.body), "Verified");
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    let etag = first.header("etag").unwrap().to_owned();
    let again = get(&http, &path);
    assert_eq!(again.body, first.body, "served as kept");
    let not_modified = tokio::task::block_in_place(|| http.get_if_none_match(&path, &etag));
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());

    // A second later nothing has changed: the standing is read again and the page kept.
    clock.advance(Duration::milliseconds(1500));
    let later = get(&http, &path);
    assert_eq!(later.header("etag"), Some(etag.as_str()));
    assert_eq!(later.body, first.body);

    // Another process revokes it (the database changes under this one): within a second
    // the page says so, and its tag changes.
    assert!(
        app.store()
            .set_award_status(award.id, AwardStatus::Revoked, Some("Exam fraud"), start)
            .await
            .unwrap()
    );
    clock.advance(Duration::milliseconds(1500));
    let revoked = get(&http, &path);
    assert_eq!(status_of(&revoked.body), "Revoked", "{}", revoked.body);
    assert!(revoked.body.contains("Exam fraud"));
    assert_ne!(revoked.header("etag").unwrap(), etag);
    let stale = tokio::task::block_in_place(|| http.get_if_none_match(&path, &etag));
    assert_eq!(stale.status, 200, "an old tag no longer matches");

    // A change through this process shows at once, without waiting.
    let expiring_path = format!("/credentials/{}", expiring.id);
    assert_eq!(status_of(&get(&http, &expiring_path).body), "Verified");
    app.suspend(&Actor::system(), expiring.id, Some("Under review"))
        .await
        .unwrap();
    assert_eq!(status_of(&get(&http, &expiring_path).body), "Suspended");
    app.reinstate(&Actor::system(), expiring.id).await.unwrap();
    assert_eq!(status_of(&get(&http, &expiring_path).body), "Verified");

    // Expiry needs no change at all: the page turns at validUntil (and the verifier's
    // five minutes of tolerated clock skew).
    clock.advance(Duration::hours(2));
    assert_eq!(status_of(&get(&http, &expiring_path).body), "Verified");
    clock.advance(Duration::minutes(5));
    let expired = get(&http, &expiring_path);
    assert_eq!(status_of(&expired.body), "Expired", "{}", expired.body);

    // Every view is counted, kept or not.
    app.flush_events().await;
    let views = app
        .store()
        .award_events(award.id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == "view")
        .count();
    assert_eq!(views, 6, "five 200s and a 304 are six views");
}

#[tokio::test(flavor = "multi_thread")]
async fn kept_pages_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    kept_pages(store).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kept_pages_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    kept_pages(store).await;
}
