//! API keys and idempotency keys, on both backends: keys found by prefix, listed newest
//! first per organization, a taken prefix refused, revoked once, last use written only when
//! the recorded one is older than asked; idempotency keys claimed once among many claims at
//! once, mismatched fingerprints and unfinished claims told apart, the answer replayed, an
//! abandoned or expired claim taken again, and expired rows purged.

use super::fixtures::{T0, minutes, org};
use accolade_core::{ApiKeyId, OrgId};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{
    ApiKey, IdempotencyClaim, IdempotencyRequest, Store, StoreError, StoredResponse,
};
use time::OffsetDateTime;

fn api_key(org: OrgId, prefix: &str, at: OffsetDateTime) -> ApiKey {
    ApiKey {
        id: ApiKeyId::new(),
        org_id: org,
        name: format!("Key {prefix}"),
        prefix: prefix.into(),
        secret_hash: vec![7; 32],
        scopes: vec!["read".into(), "issue".into()],
        created_by: "command line".into(),
        created_at: at,
        last_used_at: None,
        expires_at: Some(at + time::Duration::days(30)),
        revoked_at: None,
    }
}

fn claim<'a>(
    key: ApiKeyId,
    idem: &'a str,
    fingerprint: &'a str,
    now: OffsetDateTime,
) -> IdempotencyRequest<'a> {
    IdempotencyRequest {
        api_key: key,
        key: idem,
        fingerprint,
        now,
        expires_at: now + time::Duration::hours(24),
        abandoned_before: now - time::Duration::minutes(10),
    }
}

async fn api_keys_story(store: &Store) {
    let acme = org("Acme Academy", "acme");
    let beta = org("Beta Institute", "beta");
    store.insert_org(&acme).await.unwrap();
    store.insert_org(&beta).await.unwrap();

    let older = api_key(acme.id, "0000aaaa", T0);
    let newer = api_key(acme.id, "0000bbbb", minutes(5));
    store.insert_api_key(&older).await.unwrap();
    store.insert_api_key(&newer).await.unwrap();
    store
        .insert_api_key(&api_key(beta.id, "0000cccc", T0))
        .await
        .unwrap();
    match store
        .insert_api_key(&api_key(beta.id, "0000aaaa", T0))
        .await
    {
        Err(StoreError::Conflict { what: "prefix" }) => {}
        other => panic!("expected a prefix conflict, got {other:?}"),
    }
    assert!(matches!(
        store
            .insert_api_key(&api_key(OrgId::new(), "0000dddd", T0))
            .await,
        Err(StoreError::MissingReference)
    ));
    assert_eq!(
        store.api_key_by_prefix("0000aaaa").await.unwrap(),
        Some(older.clone())
    );
    assert_eq!(store.api_key_by_prefix("ffffffff").await.unwrap(), None);
    assert_eq!(
        store.api_keys(acme.id).await.unwrap(),
        vec![newer.clone(), older.clone()]
    );

    // Last use: written when none is recorded since the given instant.
    assert!(
        store
            .touch_api_key(older.id, minutes(10), minutes(9))
            .await
            .unwrap()
    );
    assert!(
        !store
            .touch_api_key(older.id, minutes(10), minutes(9))
            .await
            .unwrap()
    );
    assert!(
        store
            .touch_api_key(older.id, minutes(12), minutes(11))
            .await
            .unwrap()
    );
    let got = store.api_key_by_prefix("0000aaaa").await.unwrap().unwrap();
    assert_eq!(got.last_used_at, Some(minutes(12)));

    // Revocation: once.
    assert!(store.revoke_api_key(older.id, minutes(20)).await.unwrap());
    assert!(!store.revoke_api_key(older.id, minutes(21)).await.unwrap());
    assert!(
        !store
            .revoke_api_key(ApiKeyId::new(), minutes(21))
            .await
            .unwrap()
    );
    let got = store.api_key_by_prefix("0000aaaa").await.unwrap().unwrap();
    assert_eq!(got.revoked_at, Some(minutes(20)));

    // Idempotency: ten claims at once, one wins; the others see it in flight.
    let now = minutes(30);
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            let id = newer.id;
            tokio::spawn(async move {
                store
                    .claim_idempotency_key(&claim(id, "k1", "POST /x abc", now))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.unwrap());
    }
    assert_eq!(
        results
            .iter()
            .filter(|c| **c == IdempotencyClaim::Claimed)
            .count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .all(|c| matches!(c, IdempotencyClaim::Claimed | IdempotencyClaim::InFlight))
    );
    assert_eq!(
        store
            .claim_idempotency_key(&claim(newer.id, "k1", "POST /x other", now))
            .await
            .unwrap(),
        IdempotencyClaim::Mismatch
    );
    let answer = StoredResponse {
        status: 201,
        headers: vec![("content-type".into(), "application/json".into())],
        body: b"{\"id\":1}".to_vec(),
    };
    assert!(
        store
            .finish_idempotency_key(newer.id, "k1", &answer, now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish_idempotency_key(newer.id, "k1", &answer, now)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .claim_idempotency_key(&claim(newer.id, "k1", "POST /x abc", now))
            .await
            .unwrap(),
        IdempotencyClaim::Done(answer.clone())
    );
    // The same idempotency key of another API key is another key.
    let beta_key = store.api_key_by_prefix("0000cccc").await.unwrap().unwrap();
    assert_eq!(
        store
            .claim_idempotency_key(&claim(beta_key.id, "k1", "POST /x abc", now))
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    // A released claim is free again; an abandoned one is taken over.
    assert!(
        store
            .release_idempotency_key(beta_key.id, "k1")
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .claim_idempotency_key(&claim(beta_key.id, "k1", "POST /y", now))
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    let later = now + time::Duration::minutes(11);
    assert_eq!(
        store
            .claim_idempotency_key(&claim(beta_key.id, "k1", "POST /z", later))
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    // After 24 hours the finished key is forgotten: lazily on its next claim, or purged.
    let next_day = now + time::Duration::hours(24);
    assert_eq!(
        store
            .claim_idempotency_key(&claim(newer.id, "k1", "POST /x other", next_day))
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    assert_eq!(store.purge_idempotency_keys(next_day).await.unwrap(), 0);
    assert_eq!(
        store
            .purge_idempotency_keys(next_day + time::Duration::hours(25))
            .await
            .unwrap(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_keys_on_sqlite() {
    let store = fresh_sqlite().await.unwrap();
    api_keys_story(store.store()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_keys_on_postgres() {
    let Some(store) = fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    api_keys_story(store.store()).await;
}
