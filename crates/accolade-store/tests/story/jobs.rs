//! Jobs and the mail outbox, on both backends: idempotent enqueue, leases, retries, expired
//! leases, leases handed back by a stopping worker, concurrent claimers, and emails queued
//! with their jobs in one transaction.

use super::fixtures::{T0, minutes, org};
use accolade_core::{Email, JobId, OutboxId};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{
    Enqueued, JobCounts, JobState, NewJob, OutboxMessage, OutboxState, OutboxUpdate, QueuedEmail,
    Store,
};
use std::collections::HashSet;
use time::{Duration, OffsetDateTime};

fn job(key: Option<&str>, run_at: OffsetDateTime, max_attempts: u32) -> NewJob {
    NewJob {
        id: JobId::new(),
        kind: "test".into(),
        payload: serde_json::json!({ "n": 1, "text": "ünïcode ✓" }),
        idempotency_key: key.map(str::to_owned),
        run_at,
        max_attempts,
        created_at: T0,
    }
}

const LEASE: Duration = Duration::minutes(5);

async fn jobs_story(store: &Store) {
    // Idempotent enqueue: the second job with the same key is not stored.
    let a = job(Some("mail:award-1"), T0, 3);
    assert_eq!(store.enqueue_job(&a).await.unwrap(), Enqueued::New(a.id));
    let again = job(Some("mail:award-1"), T0, 3);
    assert_eq!(
        store.enqueue_job(&again).await.unwrap(),
        Enqueued::Existing(a.id)
    );
    assert_eq!(store.job(again.id).await.unwrap(), None);
    let b = job(None, minutes(10), 2);
    store.enqueue_job(&b).await.unwrap();
    let zero = NewJob {
        max_attempts: 0,
        ..job(None, T0, 1)
    };
    assert!(store.enqueue_job(&zero).await.is_err());

    // Claiming: only due jobs, each once, counted as an attempt.
    let claimed = store.claim_jobs("w1", 10, T0, LEASE).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let got = &claimed[0];
    assert_eq!(
        (got.id, got.state, got.attempts),
        (a.id, JobState::Running, 1)
    );
    assert_eq!(got.payload, a.payload);
    assert_eq!(got.lease_owner.as_deref(), Some("w1"));
    assert_eq!(got.leased_until, Some(T0 + LEASE));
    assert!(
        store
            .claim_jobs("w2", 10, T0, LEASE)
            .await
            .unwrap()
            .is_empty()
    );

    // Completing: only the lease holder.
    assert!(!store.complete_job(a.id, "w2", minutes(1)).await.unwrap());
    assert!(store.complete_job(a.id, "w1", minutes(1)).await.unwrap());
    assert!(!store.complete_job(a.id, "w1", minutes(1)).await.unwrap());
    let done = store.job(a.id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.lease_owner, None);

    // Failing: retried at the given time, then given up.
    let claimed = store
        .claim_jobs("w1", 10, minutes(10), LEASE)
        .await
        .unwrap();
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [b.id]);
    assert!(
        store
            .fail_job(b.id, "w1", "smtp down", Some(minutes(20)), minutes(11))
            .await
            .unwrap()
    );
    let retry = store.job(b.id).await.unwrap().unwrap();
    assert_eq!(retry.state, JobState::Queued);
    assert_eq!(retry.run_at, minutes(20));
    assert_eq!(retry.last_error.as_deref(), Some("smtp down"));
    assert!(
        store
            .claim_jobs("w1", 10, minutes(19), LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let claimed = store
        .claim_jobs("w1", 10, minutes(20), LEASE)
        .await
        .unwrap();
    assert_eq!(claimed[0].attempts, 2);
    assert!(
        store
            .fail_job(b.id, "w1", "still down", None, minutes(21))
            .await
            .unwrap()
    );
    assert_eq!(
        store.jobs(JobState::Failed, 10).await.unwrap()[0]
            .last_error
            .as_deref(),
        Some("still down")
    );

    // A worker dies holding a lease: the job runs again once the lease expires, and fails
    // for good when its attempts are used up.
    let c = job(None, minutes(30), 2);
    store.enqueue_job(&c).await.unwrap();
    store
        .claim_jobs("dead", 1, minutes(30), LEASE)
        .await
        .unwrap();
    assert_eq!(store.requeue_expired_leases(minutes(34)).await.unwrap(), 0);
    assert_eq!(store.requeue_expired_leases(minutes(36)).await.unwrap(), 1);
    let requeued = store.job(c.id).await.unwrap().unwrap();
    assert_eq!(requeued.state, JobState::Queued);
    assert!(requeued.last_error.unwrap().contains("lease expired"));
    let rerun = store.claim_jobs("w2", 1, minutes(36), LEASE).await.unwrap();
    assert_eq!((rerun[0].id, rerun[0].attempts), (c.id, 2));
    assert!(!store.complete_job(c.id, "dead", minutes(37)).await.unwrap());
    assert_eq!(store.requeue_expired_leases(minutes(50)).await.unwrap(), 1);
    assert_eq!(
        store.job(c.id).await.unwrap().unwrap().state,
        JobState::Failed
    );

    assert_eq!(
        store.job_counts().await.unwrap(),
        JobCounts {
            queued: 0,
            running: 0,
            done: 1,
            failed: 2
        }
    );
    // What the metrics read: only the jobs still waiting.
    assert_eq!(
        store.waiting_job_counts().await.unwrap(),
        JobCounts::default()
    );
}

/// Many claimers at once, on a store shared between tasks: no job is handed out twice and
/// none is lost. Also many enqueuers of one key at once: one job.
async fn concurrency_story(store: &Store) {
    let mut ids = HashSet::new();
    for i in 0..40 {
        let j = job(None, T0 + Duration::seconds(i), 1);
        ids.insert(j.id);
        store.enqueue_job(&j).await.unwrap();
    }
    let claimers = (0..4).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            let owner = format!("worker-{w}");
            let mut mine = Vec::new();
            loop {
                let batch = store
                    .claim_jobs(&owner, 3, minutes(1), LEASE)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return mine;
                }
                for j in batch {
                    assert_eq!(j.lease_owner.as_deref(), Some(owner.as_str()));
                    store.complete_job(j.id, &owner, minutes(1)).await.unwrap();
                    mine.push(j.id);
                }
            }
        })
    });
    let mut seen = Vec::new();
    for handle in claimers.collect::<Vec<_>>() {
        seen.extend(handle.await.unwrap());
    }
    assert_eq!(seen.len(), 40, "every job claimed exactly once");
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), ids);

    let enqueuers = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.enqueue_job(&job(Some("once"), T0, 1)).await.unwrap() })
    });
    let mut outcomes = Vec::new();
    for handle in enqueuers.collect::<Vec<_>>() {
        outcomes.push(handle.await.unwrap());
    }
    let new = outcomes
        .iter()
        .filter(|o| matches!(o, Enqueued::New(_)))
        .count();
    assert_eq!(new, 1, "{outcomes:?}");
    assert!(outcomes.iter().all(|o| o.id() == outcomes[0].id()));
}

async fn outbox_story(store: &Store) {
    let acme = org("Acme Academy", "acme-mail");
    store.insert_org(&acme).await.unwrap();
    let message = |to: &str| OutboxMessage {
        id: OutboxId::new(),
        org_id: Some(acme.id),
        award_id: None,
        template: "badge_issued".into(),
        to: Email::parse(to).unwrap(),
        subject: "Your badge: First Aid".into(),
        body_text: "Hello ✓".into(),
        body_html: "<p>Hello &#10003;</p>".into(),
        state: OutboxState::Queued,
        attempts: 0,
        last_error: None,
        created_at: T0,
        sent_at: None,
    };
    let queued = |m: &OutboxMessage, key: &str| QueuedEmail {
        message: m.clone(),
        job: job(Some(key), T0, 5),
    };
    let ada = message("ada@example.com");
    let bob = message("bob@example.com");
    let batch = [queued(&ada, "mail:ada"), queued(&bob, "mail:bob")];
    let first = store.enqueue_emails(&batch).await.unwrap();
    assert!(first.iter().all(|e| matches!(e, Enqueued::New(_))));
    // The same notifications again (a re-run bulk issue): nothing new is stored.
    let again = [
        queued(&message("ada@example.com"), "mail:ada"),
        queued(&message("bob@example.com"), "mail:bob"),
    ];
    let second = store.enqueue_emails(&again).await.unwrap();
    assert_eq!(
        second.iter().map(|e| e.id()).collect::<Vec<_>>(),
        first.iter().map(|e| e.id()).collect::<Vec<_>>()
    );
    assert!(second.iter().all(|e| matches!(e, Enqueued::Existing(_))));
    assert_eq!(store.outbox(Some(acme.id), 10).await.unwrap().len(), 2);
    assert_eq!(store.outbox(None, 10).await.unwrap().len(), 2);
    assert_eq!(
        store.outbox_message(ada.id).await.unwrap(),
        Some(ada.clone())
    );

    // A message that cannot be stored (unknown organization) takes its job with it: the
    // transaction is undone, so no job is left without its message.
    let orphan = OutboxMessage {
        org_id: Some(accolade_core::OrgId::new()),
        ..message("eve@example.com")
    };
    assert!(
        store
            .enqueue_emails(&[queued(&orphan, "mail:eve")])
            .await
            .is_err()
    );
    let counts = store.job_counts().await.unwrap();
    assert_eq!(counts.queued, 2);

    let failed = OutboxUpdate {
        state: OutboxState::Queued,
        last_error: Some("connection refused"),
        attempted: true,
        at: minutes(1),
    };
    assert!(store.update_outbox(ada.id, &failed).await.unwrap());
    let sent = OutboxUpdate {
        state: OutboxState::Sent,
        last_error: None,
        attempted: true,
        at: minutes(2),
    };
    assert!(store.update_outbox(ada.id, &sent).await.unwrap());
    let by_state = store.outbox_counts().await.unwrap();
    assert_eq!(
        by_state,
        vec![
            (OutboxState::Queued, 1),
            (OutboxState::Sent, 1),
            (OutboxState::Unsent, 0),
            (OutboxState::Failed, 0)
        ]
    );
    assert_eq!(store.waiting_job_counts().await.unwrap().queued, 2);
    let ada_now = store.outbox_message(ada.id).await.unwrap().unwrap();
    assert_eq!(
        (ada_now.state, ada_now.attempts, ada_now.sent_at),
        (OutboxState::Sent, 2, Some(minutes(2)))
    );
    let unsent = OutboxUpdate {
        state: OutboxState::Unsent,
        last_error: Some("no SMTP server is configured"),
        attempted: false,
        at: minutes(2),
    };
    assert!(store.update_outbox(bob.id, &unsent).await.unwrap());
    let bob_now = store.outbox_message(bob.id).await.unwrap().unwrap();
    assert_eq!((bob_now.state, bob_now.attempts), (OutboxState::Unsent, 0));
    assert!(!store.update_outbox(OutboxId::new(), &sent).await.unwrap());
}

/// A worker that stops hands its job back at once: queued again, due now, the interrupted
/// run not counted, so the next worker claims it without waiting for the lease to end.
async fn release_story(store: &Store) {
    let one_try = job(None, T0, 1);
    store.enqueue_job(&one_try).await.unwrap();
    assert_eq!(
        store
            .claim_jobs("stopping", 10, T0, LEASE)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .release_jobs("someone-else", minutes(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(store.release_jobs("stopping", minutes(1)).await.unwrap(), 1);
    let back = store.job(one_try.id).await.unwrap().unwrap();
    assert_eq!((back.state, back.attempts), (JobState::Queued, 0));
    assert_eq!((back.lease_owner, back.leased_until), (None, None));
    assert_eq!(back.run_at, minutes(1));
    let next = store
        .claim_jobs("next", 10, minutes(1), LEASE)
        .await
        .unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!((next[0].id, next[0].attempts), (one_try.id, 1));
    assert_eq!(store.release_jobs("stopping", minutes(2)).await.unwrap(), 0);
}

async fn all(store: &Store) {
    jobs_story(store).await;
    outbox_story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jobs_on_sqlite() {
    all(&fresh_sqlite().await.unwrap()).await;
    concurrency_story(&fresh_sqlite().await.unwrap()).await;
    release_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jobs_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    all(&store).await;
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    concurrency_story(&store).await;
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    release_story(&store).await;
}
