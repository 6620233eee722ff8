//! Webhooks on both backends: endpoints round-trip and belong to their organization,
//! deliveries are stored in batches with per-endpoint dedupe, claimed once under a lease (and
//! again after it), attempts are written only under the lease that made them, the log pages
//! newest first, redelivery and disabling change states, deleting an endpoint takes its log
//! along, and the expiry scan's query pages through awards sharing one expiry instant.

use super::fixtures::{T0, achievement, award, key, minutes, org};
use accolade_core::{ExpiryPolicy, WebhookDeliveryId, WebhookEndpointId};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{
    AttemptRecord, DeliveryCounts, DeliveryState, NewDelivery, Store, WebhookEndpoint,
};
use std::collections::HashSet;
use time::Duration;

fn endpoint(org: accolade_core::OrgId, url: &str, events: &[&str]) -> WebhookEndpoint {
    WebhookEndpoint {
        id: WebhookEndpointId::new(),
        org_id: org,
        url: url.into(),
        description: "CRM sync".into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
        enabled: true,
        disabled_reason: None,
        secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".into(),
        previous_secret: None,
        previous_expires_at: None,
        created_at: T0,
        updated_at: T0,
    }
}

fn delivery(e: &WebhookEndpoint, n: usize, dedupe: Option<&str>) -> NewDelivery {
    NewDelivery {
        id: WebhookDeliveryId::new(),
        endpoint_id: e.id,
        org_id: e.org_id,
        msg_id: format!("msg_{n:04}"),
        event_type: "award.issued".into(),
        payload: format!("{{\"type\":\"award.issued\",\"n\":{n},\"text\":\"ünïcode ✓\"}}"),
        dedupe_key: dedupe.map(str::to_owned),
        created_at: T0 + Duration::seconds(n as i64),
    }
}

fn attempt(
    d: &accolade_store::WebhookDelivery,
    token: &str,
    status: Option<u16>,
    state: DeliveryState,
) -> AttemptRecord {
    AttemptRecord {
        delivery_id: d.id,
        lease_token: token.into(),
        attempt: d.attempts + 1,
        at: minutes(1),
        status,
        error: status.is_none().then(|| "timed out".to_owned()),
        duration_ms: 12,
        request_headers: "webhook-id: x\n".into(),
        response_headers: status.map(|_| "content-type: text/plain\n".to_owned()),
        response_body: status.map(|_| "ok ✓".to_owned()),
        state,
        next_attempt_at: (state == DeliveryState::Pending).then(|| minutes(30)),
    }
}

async fn webhooks_story(store: &Store) {
    let acme = org("Acme", "acme");
    let other = org("Other", "other");
    store.insert_org(&acme).await.unwrap();
    store.insert_org(&other).await.unwrap();

    // Endpoints round-trip, per organization, oldest first.
    let a = endpoint(acme.id, "https://hooks.acme.example/in", &[]);
    let b = WebhookEndpoint {
        created_at: minutes(1),
        ..endpoint(
            acme.id,
            "https://b.example/",
            &["award.revoked", "award.issued"],
        )
    };
    let c = endpoint(other.id, "https://c.example/", &[]);
    for e in [&a, &b, &c] {
        store.insert_webhook_endpoint(e).await.unwrap();
    }
    assert_eq!(
        store.webhook_endpoint(b.id).await.unwrap().as_ref(),
        Some(&b)
    );
    let listed = store.webhook_endpoints(acme.id).await.unwrap();
    assert_eq!(listed, vec![a.clone(), b.clone()]);
    assert!(b.wants("award.issued") && !b.wants("award.claimed") && a.wants("anything"));

    // Rotation and disabling are whole-row updates; another organization's id does nothing.
    let rotated = WebhookEndpoint {
        secret: "whsec_bmV3".into(),
        previous_secret: Some(b.secret.clone()),
        previous_expires_at: Some(minutes(24 * 60)),
        enabled: false,
        disabled_reason: Some("Disabled by Ada.".into()),
        updated_at: minutes(2),
        ..b.clone()
    };
    assert!(store.update_webhook_endpoint(&rotated).await.unwrap());
    assert_eq!(
        store.webhook_endpoint(b.id).await.unwrap(),
        Some(rotated.clone())
    );
    let stranger = WebhookEndpoint {
        org_id: other.id,
        ..rotated.clone()
    };
    assert!(!store.update_webhook_endpoint(&stranger).await.unwrap());
    assert!(!store.delete_webhook_endpoint(other.id, b.id).await.unwrap());

    // Deliveries: one batched write, more rows than one statement holds; a dedupe key is
    // kept once per endpoint (but may repeat across endpoints).
    let mut batch: Vec<NewDelivery> = (0..250).map(|n| delivery(&a, n, None)).collect();
    batch.push(delivery(&a, 900, Some("award.expired:1")));
    batch.push(delivery(&a, 901, Some("award.expired:1")));
    batch.push(delivery(&c, 902, Some("award.expired:1")));
    assert_eq!(store.insert_webhook_deliveries(&batch).await.unwrap(), 252);
    assert_eq!(
        store
            .insert_webhook_deliveries(&[delivery(&a, 903, Some("award.expired:1"))])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.webhook_delivery_counts(Some(a.id)).await.unwrap(),
        DeliveryCounts {
            pending: 251,
            delivered: 0,
            failed: 0
        }
    );
    assert_eq!(store.next_webhook_due().await.unwrap(), Some(T0));
    let first = store.webhook_delivery(batch[0].id).await.unwrap().unwrap();
    assert_eq!(first.payload, batch[0].payload);
    assert_eq!((first.state, first.attempts), (DeliveryState::Pending, 0));

    // Claims: due ones only, each once; a lease that ran out makes them claimable again.
    let lease = Duration::minutes(5);
    let now = T0 + Duration::seconds(100);
    let one = store
        .claim_webhook_deliveries("t1", 60, now, lease)
        .await
        .unwrap();
    assert_eq!(one.len(), 60);
    assert!(one.iter().all(|d| d.lease_token.as_deref() == Some("t1")));
    let two = store
        .claim_webhook_deliveries("t2", 500, now, lease)
        .await
        .unwrap();
    assert_eq!(two.len(), 41, "created at T0..T0+100s, 101 due");
    let ids: HashSet<_> = one.iter().chain(&two).map(|d| d.id).collect();
    assert_eq!(ids.len(), 101);
    // Attempts are written under their own lease only.
    let d = &one[1];
    let ok = attempt(d, "t1", Some(200), DeliveryState::Delivered);
    assert_eq!(store.record_webhook_attempts(&[ok]).await.unwrap(), 1);
    let failing = &one[2];
    let gave_up = attempt(failing, "t1", Some(500), DeliveryState::Failed);
    store.record_webhook_attempts(&[gave_up]).await.unwrap();
    let again = store
        .claim_webhook_deliveries("t3", 500, now + lease + Duration::seconds(1), lease)
        .await
        .unwrap();
    assert!(again.iter().any(|d| d.id == one[0].id), "the lease ran out");
    assert!(again.iter().all(|x| x.id != d.id && x.id != failing.id));
    let lost = attempt(&one[0], "t1", Some(200), DeliveryState::Delivered);
    assert_eq!(
        store.record_webhook_attempts(&[lost]).await.unwrap(),
        0,
        "t3 holds it now"
    );
    let held = again.iter().find(|x| x.id == one[0].id).unwrap();
    let retry = attempt(held, "t3", None, DeliveryState::Pending);
    assert_eq!(store.record_webhook_attempts(&[retry]).await.unwrap(), 1);
    let got = store.webhook_delivery(one[0].id).await.unwrap().unwrap();
    assert_eq!(got.state, DeliveryState::Pending);
    assert_eq!(got.attempts, 1);
    assert_eq!(got.next_attempt_at, Some(minutes(30)));
    assert_eq!(got.lease_token, None);
    assert_eq!(got.last_error.as_deref(), Some("timed out"));
    let delivered = store.webhook_delivery(d.id).await.unwrap().unwrap();
    assert_eq!(delivered.state, DeliveryState::Delivered);
    assert_eq!(delivered.last_status, Some(200));
    assert_eq!(delivered.last_response_body.as_deref(), Some("ok ✓"));
    let log = store.webhook_attempts(d.id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].attempt, log[0].status, log[0].duration_ms),
        (1, Some(200), 12)
    );

    // The failed-only log; the whole log newest first, paged by creation time.
    let failed = store
        .webhook_deliveries(a.id, true, None, 10)
        .await
        .unwrap();
    assert_eq!(
        failed.iter().map(|d| d.id).collect::<Vec<_>>(),
        [failing.id]
    );
    let newest = store
        .webhook_deliveries(a.id, false, None, 5)
        .await
        .unwrap();
    assert_eq!(newest[0].msg_id, "msg_0900");
    let older = store
        .webhook_deliveries(a.id, false, Some(newest[4].created_at), 5)
        .await
        .unwrap();
    assert!(older.iter().all(|d| d.created_at < newest[4].created_at));
    assert_eq!(older.len(), 5);

    // Redelivery makes a failed delivery due again; disabling fails what is pending.
    assert!(
        store
            .redeliver_webhook(failing.id, minutes(40))
            .await
            .unwrap()
    );
    let back = store.webhook_delivery(failing.id).await.unwrap().unwrap();
    assert_eq!(
        (back.state, back.next_attempt_at, back.attempts),
        (DeliveryState::Pending, Some(minutes(40)), 1)
    );
    let n = store
        .fail_pending_webhook_deliveries(a.id, "Disabled by Ada.")
        .await
        .unwrap();
    assert_eq!(n, 250);
    let counts = store.webhook_delivery_counts(Some(a.id)).await.unwrap();
    assert_eq!(
        (counts.pending, counts.delivered, counts.failed),
        (0, 1, 250)
    );
    assert_eq!(
        store.next_webhook_due().await.unwrap(),
        Some(T0 + Duration::seconds(902))
    );

    // Deleting an endpoint deletes its deliveries and attempts.
    assert!(store.delete_webhook_endpoint(acme.id, a.id).await.unwrap());
    assert_eq!(store.webhook_delivery(d.id).await.unwrap(), None);
    assert!(store.webhook_attempts(d.id).await.unwrap().is_empty());
    assert_eq!(store.webhook_endpoints(acme.id).await.unwrap().len(), 1);

    // The expiry scan's query: active awards expired in the window, paged by key even when
    // they share one instant.
    let k = key(acme.id, T0);
    store.insert_key(&k).await.unwrap();
    let badge = achievement(
        acme.id,
        "First Aid",
        ExpiryPolicy::FixedDate(T0 + Duration::days(1)),
    );
    store.insert_achievement(&badge).await.unwrap();
    for i in 0..7 {
        store
            .insert_award(&award(&badge, k.id, i, T0))
            .await
            .unwrap();
    }
    let expiry = T0 + Duration::days(1);
    let mut seen = Vec::new();
    let (mut from, mut after) = (expiry - Duration::hours(1), None);
    loop {
        let page = store
            .awards_expired_between(from, after, expiry + Duration::hours(1), 3)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        (from, after) = (last.valid_until.unwrap(), Some(last.id));
        seen.extend(page.iter().map(|a| a.id));
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);
    let early = store
        .awards_expired_between(T0, None, expiry - Duration::seconds(1), 10)
        .await
        .unwrap();
    assert!(early.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_on_sqlite() {
    webhooks_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    webhooks_story(&store).await;
}
