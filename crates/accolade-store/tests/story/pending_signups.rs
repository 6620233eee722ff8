//! Sign-ups waiting for their address, on both backends: taken once by their token's hash,
//! never after they expire, and expired ones are dropped when another is kept.

use super::fixtures::{T0, minutes};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{PendingSignup, Store};

fn pending(email: &str, next: Option<&str>) -> PendingSignup {
    PendingSignup {
        email: email.into(),
        name: "Grace".into(),
        password_hash: "$argon2id$x".into(),
        next_path: next.map(str::to_owned),
    }
}

async fn pending_signups_story(store: &Store) {
    let a = pending("grace@example.org", Some("/claim/abc"));
    store
        .insert_pending_signup("hash-a", &a, T0, minutes(60))
        .await
        .unwrap();
    // Two sign-ups for one address are two links.
    let b = pending("grace@example.org", None);
    store
        .insert_pending_signup("hash-b", &b, T0, minutes(60))
        .await
        .unwrap();
    assert_eq!(
        store.take_pending_signup("unknown", T0).await.unwrap(),
        None
    );
    let taken = store.take_pending_signup("hash-a", minutes(5)).await;
    assert_eq!(taken.unwrap(), Some(a));
    assert_eq!(
        store
            .take_pending_signup("hash-a", minutes(5))
            .await
            .unwrap(),
        None,
        "once"
    );
    // Past its time a link takes nothing; keeping a new one drops the expired.
    assert_eq!(
        store
            .take_pending_signup("hash-b", minutes(60))
            .await
            .unwrap(),
        None
    );
    let c = pending("hopper@example.org", None);
    store
        .insert_pending_signup("hash-c", &c, T0, minutes(1))
        .await
        .unwrap();
    store
        .insert_pending_signup("hash-d", &c, minutes(2), minutes(60))
        .await
        .unwrap();
    assert_eq!(
        store.take_pending_signup("hash-c", T0).await.unwrap(),
        None,
        "dropped when expired"
    );
    assert_eq!(
        store
            .take_pending_signup("hash-d", minutes(3))
            .await
            .unwrap(),
        Some(c)
    );
}

#[tokio::test]
async fn pending_signups_on_sqlite() {
    pending_signups_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test]
async fn pending_signups_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    pending_signups_story(&store).await;
}
