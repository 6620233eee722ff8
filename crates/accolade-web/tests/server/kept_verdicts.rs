//! Verify once, keep the verdict: a credential page whose kept page is gone (another
//! process, or the page cache emptied) renders from the verdict kept with the award, without
//! verifying the credential again, and says when its signature was checked; a stored
//! credential that changed is verified again and the page says it is not valid; status
//! changes and expiry still show at once.

use super::fixture::{get_page as get, status_of};
use super::{Http, PUBLIC};
use accolade_app::App;
use accolade_core::{Actor, AwardStatus, Clock, FixedClock, SystemClock};
use accolade_store::Store;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// The "checked" lines under the verification panel.
fn checked_lines(body: &str) -> Vec<String> {
    body.split("<p class=\"checked-at\">")
        .skip(1)
        .filter_map(|rest| rest.split_once("</p>"))
        .map(|(line, _)| line.trim().to_owned())
        .collect()
}

/// A server process on `store`, with its own kept pages.
async fn process(store: &Store, clock: Arc<FixedClock>) -> (Arc<App>, Http) {
    let config = super::fixture::config(PUBLIC, false);
    let app = Arc::new(super::fixture::app(store.clone(), clock, config));
    let http = Http::new(super::fixture::serve(app.clone()).await);
    (app, http)
}

async fn kept_verdicts(store: Store) {
    let start = SystemClock.now().replace_nanosecond(0).unwrap();
    let clock = Arc::new(FixedClock::new(start));
    let (issuer, _) = process(&store, clock.clone()).await;
    let (_, achievement) = super::fixture::org_with_badge(
        &issuer,
        "Kept Verdicts College",
        "verdicts",
        "Careful Reader",
    )
    .await;
    let issue = |email: &'static str, valid_until: Option<OffsetDateTime>| {
        let (app, achievement) = (issuer.clone(), achievement.clone());
        let issued_at = Some(start - Duration::days(1));
        async move { super::fixture::issue(&app, &achievement, email, issued_at, valid_until).await }
    };
    let award = issue("ada@example.com", None).await;
    let expiring = issue("bo@example.com", Some(start + Duration::hours(3))).await;
    let tampered = issue("cy@example.com", None).await;

    // The keeper's pass (what `serve` runs after issue) verifies each credential once.
    assert_eq!(issuer.keep_missing_verdicts().await.unwrap(), 3);
    assert_eq!(issuer.keep_missing_verdicts().await.unwrap(), 0, "kept");

    // An hour later another server, which never saw these pages, serves them cold: from
    // the kept verdicts, without verifying anything again, and it says when each part was
    // checked.
    clock.advance(Duration::hours(1));
    let (reader, http) = process(&store, clock.clone()).await;
    let path = format!("/credentials/{}", award.id);
    let page = get(&http, &path);
    assert_eq!(page.status, 200);
    assert_eq!(status_of(&page.body), "Verified", "{}", page.body);
    assert_eq!(
        reader.page_verifications(),
        0,
        "rendered from the kept verdict"
    );
    let lines = checked_lines(&page.body);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("Status and validity period checked"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("Signature and signing key checked"),
        "{lines:?}"
    );
    assert_ne!(lines[0], lines[1], "two different moments: {lines:?}");
    assert!(
        page.body
            .contains("signature matches the credential exactly")
    );

    // A change of status made elsewhere shows within a second, still without verifying.
    assert!(
        store
            .set_award_status(
                award.id,
                AwardStatus::Suspended,
                Some("Under review"),
                start
            )
            .await
            .unwrap()
    );
    clock.advance(Duration::milliseconds(1500));
    let suspended = get(&http, &path);
    assert_eq!(
        status_of(&suspended.body),
        "Suspended",
        "{}",
        suspended.body
    );
    assert!(suspended.body.contains("Under review"));
    // …and one made through this process at once.
    reader.reinstate(&Actor::system(), award.id).await.unwrap();
    assert_eq!(status_of(&get(&http, &path).body), "Verified");
    reader
        .revoke(&Actor::system(), award.id, "Issued in error")
        .await
        .unwrap();
    assert_eq!(status_of(&get(&http, &path).body), "Revoked");

    // Expiry turns at its moment (validUntil plus five minutes of tolerated skew), from the
    // kept verdict too.
    let expiring_path = format!("/credentials/{}", expiring.id);
    assert_eq!(status_of(&get(&http, &expiring_path).body), "Verified");
    clock.advance(Duration::hours(2) + Duration::minutes(6));
    let expired = get(&http, &expiring_path);
    assert_eq!(status_of(&expired.body), "Expired", "{}", expired.body);
    assert_eq!(reader.page_verifications(), 0);

    // The stored credential is changed behind the application's back: its verdict was made
    // on other bytes, so it is verified again, and the page says it is not valid.
    accolade_store::testing::execute_raw(
        &store,
        &format!(
            "UPDATE awards SET credential = REPLACE(credential, 'Careful Reader', 'Careless Reader') \
             WHERE id = '{}'",
            tampered.id
        ),
    )
    .await
    .unwrap();
    let tampered_page = get(&http, &format!("/credentials/{}", tampered.id));
    assert_eq!(reader.page_verifications(), 1, "verified again");
    assert_eq!(
        status_of(&tampered_page.body),
        "Not valid",
        "{}",
        tampered_page.body
    );
    assert!(tampered_page.body.contains("Careless Reader"));
    assert_eq!(
        checked_lines(&tampered_page.body).len(),
        1,
        "checked whole, now"
    );
    // The new verdict is kept for those bytes: the next process does not verify again,
    // and still says not valid.
    clock.advance(Duration::minutes(1));
    let (third, http3) = process(&store, clock.clone()).await;
    let again = get(&http3, &format!("/credentials/{}", tampered.id));
    assert_eq!(status_of(&again.body), "Not valid");
    assert_eq!(third.page_verifications(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn kept_verdicts_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    kept_verdicts(store).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kept_verdicts_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    kept_verdicts(store).await;
}
