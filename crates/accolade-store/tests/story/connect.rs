//! Opening stores: URLs, and one SQLite file shared by two processes.

use crate::fixtures::{T0, achievement, award, key, minutes, org};
use accolade_core::{Award, AwardStatus, ExpiryPolicy};
use accolade_store::{Store, StoreError};

/// The server and the CLI open the same SQLite file at once: both see each other's writes,
/// migrations run once, and concurrent writers wait for each other instead of failing.
#[tokio::test]
async fn sqlite_file_shared_by_two_stores() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/data/accolade.db");
    let server = Store::open_sqlite(&path).await.unwrap();
    let cli = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let acme = org("Acme Academy", "acme");
    cli.insert_org(&acme).await.unwrap();
    assert_eq!(server.org(acme.id).await.unwrap(), Some(acme.clone()));
    let k = key(acme.id, T0);
    server.insert_key(&k).await.unwrap();
    let badge = achievement(acme.id, "Badge", ExpiryPolicy::Never);
    server.insert_achievement(&badge).await.unwrap();
    let awards: Vec<Award> = (0..40)
        .map(|i| award(&badge, k.id, i, minutes(i64::from(i))))
        .collect();
    for a in &awards {
        server.insert_award(a).await.unwrap();
    }
    let (a, b) = awards.split_at(20);
    let revoke = |store: Store, list: Vec<Award>| async move {
        for a in list {
            assert!(
                store
                    .set_award_status(a.id, AwardStatus::Revoked, None, T0)
                    .await
                    .unwrap()
            );
        }
    };
    tokio::join!(
        revoke(server.clone(), a.to_vec()),
        revoke(cli.clone(), b.to_vec())
    );
    assert_eq!(cli.status_version(acme.id).await.unwrap(), 40);
    assert_eq!(
        server
            .flagged_indices(acme.id, AwardStatus::Revoked)
            .await
            .unwrap()
            .len(),
        40
    );
    cli.close().await;
    server.close().await;
    // Reopening an existing file applies no migration twice.
    let again = Store::connect(path.to_str().unwrap()).await.unwrap();
    assert_eq!(again.count_awards(acme.id).await.unwrap(), 40);
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    for url in ["mysql://localhost/x", "accolade", "sqlite::memory:"] {
        assert!(
            matches!(
                Store::connect(url).await,
                Err(StoreError::UnsupportedUrl(_))
            ),
            "{url}"
        );
    }
}
