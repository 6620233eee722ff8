//! What several servers of one instance share (on both backends): a staged upload written by
//! one is read by another, only for its organization, and deleted after use or a day; the
//! master key check is stored once, by whichever of several racing first callers wins, and
//! every caller reads that one.

use super::fixtures::{T0, minutes, org};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{StagedFile, Store};

async fn shared_state_story(store: &Store) {
    let acme = org("Acme Academy", "acme");
    let beta = org("Beta Institute", "beta");
    store.insert_org(&acme).await.unwrap();
    store.insert_org(&beta).await.unwrap();

    let file = StagedFile {
        file_name: "people.csv".into(),
        content: b"email,name\nada@example.org,Ada\n\xff".to_vec(),
    };
    store
        .insert_staged_upload("tok-1", acme.id, &file, T0)
        .await
        .unwrap();
    let later = StagedFile {
        file_name: "later.csv".into(),
        content: b"email\n".to_vec(),
    };
    store
        .insert_staged_upload("tok-2", acme.id, &later, minutes(60 * 25))
        .await
        .unwrap();
    assert_eq!(
        store.staged_upload(acme.id, "tok-1").await.unwrap(),
        Some(file.clone())
    );
    assert_eq!(
        store.staged_upload(beta.id, "tok-1").await.unwrap(),
        None,
        "another organization's file is not found"
    );
    assert!(store.has_staged_upload(acme.id, "tok-1").await.unwrap());
    assert!(!store.has_staged_upload(beta.id, "tok-1").await.unwrap());
    assert!(
        store
            .insert_staged_upload("tok-1", beta.id, &file, T0)
            .await
            .is_err(),
        "a token names one file"
    );
    // A day later the first is gone, the second stays until it is used.
    assert_eq!(
        store
            .delete_staged_uploads_before(minutes(60 * 24 + 1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.staged_upload(acme.id, "tok-1").await.unwrap(), None);
    store.delete_staged_upload("tok-2").await.unwrap();
    assert_eq!(store.staged_upload(acme.id, "tok-2").await.unwrap(), None);
    assert!(!store.has_staged_upload(acme.id, "tok-2").await.unwrap());

    // Eight first callers at once: one check is stored, and all of them read it.
    let handles: Vec<_> = (0u8..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mine = vec![i; 48];
                (
                    mine.clone(),
                    store.claim_master_key_check(&mine, T0).await.unwrap(),
                )
            })
        })
        .collect();
    let mut stored = Vec::new();
    for h in handles {
        stored.push(h.await.unwrap());
    }
    let winner = stored[0].1.clone();
    assert!(stored.iter().all(|(_, got)| *got == winner), "{stored:?}");
    assert_eq!(stored.iter().filter(|(mine, _)| *mine == winner).count(), 1);
    assert_eq!(
        store
            .claim_master_key_check(&[9; 48], minutes(5))
            .await
            .unwrap(),
        winner,
        "later callers read the first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shared_state_on_sqlite() {
    shared_state_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shared_state_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    shared_state_story(&store).await;
}
