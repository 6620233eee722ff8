//! Faults the store reports in words callers act on: a full disk under SQLite refuses the
//! write whole (nothing half-written, the file passes SQLite's integrity check, and writes
//! work again once there is room), and an unreachable or closed database is "unavailable"
//! (the web layer answers 503 with Retry-After), not a generic database error.

use crate::fixtures::{T0, achievement, award, key, minutes, org};
use accolade_core::ExpiryPolicy;
use accolade_store::testing::open_sqlite_nearly_full;
use accolade_store::{Store, StoreError};

#[tokio::test]
async fn a_full_disk_refuses_the_write_whole_and_corrupts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accolade.db");
    let store = open_sqlite_nearly_full(&path, 24).await.unwrap();
    let acme = org("Acme Academy", "acme");
    store.insert_org(&acme).await.unwrap();
    let k = key(acme.id, T0);
    store.insert_key(&k).await.unwrap();
    let badge = achievement(acme.id, "Badge", ExpiryPolicy::Never);
    store.insert_achievement(&badge).await.unwrap();
    let mut kept = Vec::new();
    let full = loop {
        let a = award(&badge, k.id, kept.len() as u32, minutes(kept.len() as i64));
        match store.insert_award(&a).await {
            Ok(()) => kept.push(a),
            Err(e) => break e,
        }
        assert!(kept.len() < 10_000, "the page limit never hit");
    };
    assert!(matches!(full, StoreError::DiskFull(_)), "{full:?}");
    assert_eq!(full.to_string(), "the database's disk is full");
    assert!(!full.is_unavailable());
    assert!(!kept.is_empty());
    // Every pooled connection stays sound: further writes are refused as "full" again, not
    // broken by a transaction the failed one left open.
    for n in 0..16 {
        let i = kept.len() as u32 + 1 + n;
        let more = store
            .insert_award(&award(&badge, k.id, i, minutes(i64::from(i))))
            .await
            .unwrap_err();
        assert!(matches!(more, StoreError::DiskFull(_)), "{more:?}");
    }
    assert!(store.integrity_problems().await.unwrap().is_empty());
    for a in &kept {
        assert_eq!(store.award(a.id).await.unwrap().as_ref(), Some(a));
    }
    store.close().await;

    // Room again: the same file opens, is sound, and takes the write that failed.
    let store = Store::open_sqlite(&path).await.unwrap();
    assert!(store.integrity_problems().await.unwrap().is_empty());
    let next = award(&badge, k.id, kept.len() as u32, minutes(kept.len() as i64));
    store.insert_award(&next).await.unwrap();
    for a in kept.iter().chain([&next]) {
        assert_eq!(store.award(a.id).await.unwrap().as_ref(), Some(a));
    }
}

#[tokio::test]
async fn an_unreachable_database_is_unavailable() {
    // Nothing listens on port 1: the connection is refused.
    let refused = Store::connect("postgres://accolade:accolade@127.0.0.1:1/accolade")
        .await
        .unwrap_err();
    assert!(refused.is_unavailable(), "{refused:?}");

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("a.db")).await.unwrap();
    assert!(store.pending_migrations().await.unwrap().is_empty());
    store.close().await;
    let closed = store.orgs().await.unwrap_err();
    assert!(closed.is_unavailable(), "{closed:?}");
    assert!(
        store
            .pending_migrations()
            .await
            .unwrap_err()
            .is_unavailable()
    );
}
