//! JWT signing keys, on both backends: one current key per organization even when several
//! first uses race, replacement retires the current key in the same transaction, retired
//! keys stay listed, and each organization sees only its own keys.

use super::fixtures::{T0, minutes, org};
use accolade_core::{KeyId, OrgId};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{JwtKey, Store};
use time::OffsetDateTime;

fn jwt_key(org: OrgId, at: OffsetDateTime) -> JwtKey {
    JwtKey {
        id: KeyId::new(),
        org_id: org,
        alg: "ES256".into(),
        public_jwk: format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"y"}}"#,
            KeyId::new()
        ),
        sealed_secret: vec![0, 1, 2, 254, 255],
        created_at: at,
        retired_at: None,
    }
}

async fn jwt_keys_story(store: &Store) {
    let acme = org("Acme Academy", "acme");
    let beta = org("Beta Institute", "beta");
    store.insert_org(&acme).await.unwrap();
    store.insert_org(&beta).await.unwrap();
    assert_eq!(store.current_jwt_key(acme.id).await.unwrap(), None);

    // Eight first uses at once: exactly one key is stored, and everyone reads that one.
    let tries: Vec<JwtKey> = (0..8).map(|_| jwt_key(acme.id, T0)).collect();
    let stored = futures_join(store, &tries).await;
    assert_eq!(stored.iter().filter(|s| **s).count(), 1, "{stored:?}");
    let winner = &tries[stored.iter().position(|s| *s).unwrap()];
    assert_eq!(
        store.current_jwt_key(acme.id).await.unwrap().as_ref(),
        Some(winner)
    );
    // Once there is a current key, another insert changes nothing.
    assert!(
        !store
            .insert_current_jwt_key(&jwt_key(acme.id, minutes(1)))
            .await
            .unwrap()
    );
    assert_eq!(store.jwt_keys(acme.id).await.unwrap(), vec![winner.clone()]);

    // Replacement retires the current key and keeps it listed.
    let next = jwt_key(acme.id, minutes(10));
    assert_eq!(
        store.replace_jwt_key(&next, minutes(10)).await.unwrap(),
        vec![winner.id]
    );
    assert_eq!(
        store.current_jwt_key(acme.id).await.unwrap(),
        Some(next.clone())
    );
    let listed = store.jwt_keys(acme.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, winner.id);
    assert_eq!(listed[0].retired_at, Some(minutes(10)));
    assert_eq!(listed[1], next);

    // Replacing where there is no key yet just stores one.
    let first_beta = jwt_key(beta.id, minutes(20));
    assert!(
        store
            .replace_jwt_key(&first_beta, minutes(20))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.jwt_keys(beta.id).await.unwrap(),
        vec![first_beta.clone()]
    );
    let all: Vec<KeyId> = store
        .all_jwt_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(all, vec![winner.id, next.id, first_beta.id]);

    // A key of an organization that does not exist is refused.
    assert!(
        store
            .insert_current_jwt_key(&jwt_key(OrgId::new(), T0))
            .await
            .is_err()
    );
}

/// Runs one `insert_current_jwt_key` per key concurrently; their answers in order.
async fn futures_join(store: &Store, keys: &[JwtKey]) -> Vec<bool> {
    let handles: Vec<_> = keys
        .iter()
        .cloned()
        .map(|k| {
            let store = store.clone();
            tokio::spawn(async move { store.insert_current_jwt_key(&k).await.unwrap() })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jwt_keys_on_sqlite() {
    jwt_keys_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jwt_keys_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    jwt_keys_story(&store).await;
}
