//! Webhooks end to end inside the application, on SQLite and PostgreSQL, against a real HTTP
//! receiver on loopback, with the injected clock driving retries: every event of the
//! catalogue reaches the endpoints that chose it, signed (two signatures during a rotation);
//! a failing receiver is retried on the schedule until the endpoint is disabled and the
//! admins are emailed; 410 disables at once; `Retry-After` is honoured; redirects are not
//! followed; loopback is refused under the default policy; manual redelivery keeps the
//! `webhook-id`; the expiry scan sends `award.expired` once.

use accolade_app::OrgAdmin;
use accolade_app::accounts::CurrentUser;
use accolade_app::jobs::WEBHOOK_SCHEDULE;
use accolade_app::webhooks::{EndpointForm, sign};
use accolade_app::{
    App, AppConfig, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{
    AchievementId, Actor, Award, Clock, ExpiryPolicy, FixedClock, OrgId, WebhookEndpointId,
};
use accolade_net::FetchPolicy;
use accolade_store::{DeliveryState, Store, WebhookEndpoint};
use accolade_testkit::HttpReceiver;
use accolade_testkit::receiver::Received;
use serde_json::Value;
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

const PW: &str = "correct horse battery staple";

fn app_with(store: &Store, clock: &Arc<FixedClock>, loopback: bool) -> Arc<App> {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy {
            allow_loopback: loopback,
            ..FetchPolicy::default()
        },
        http_for_loopback: false,
    };
    let master = MasterKey::generate().unwrap();
    Arc::new(App::new(store.clone(), clock.clone(), config, Some(master)))
}

async fn signed_in(app: &App, email: &str) -> CurrentUser {
    let s = app.sign_in(email, PW, "test-client").await.unwrap();
    app.current_user(&s.token).await.unwrap().unwrap()
}

fn form(url: String, events: &[&str]) -> EndpointForm {
    EndpointForm {
        url,
        description: "Test receiver".into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
    }
}

fn json(r: &Received) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// Checks the Standard Webhooks headers of a delivery against the endpoint's secrets.
fn assert_signed(r: &Received, secrets: &[&str]) {
    let id = r.header("webhook-id").unwrap();
    assert!(id.starts_with("msg_") && !id.contains('.'), "{id}");
    let ts: i64 = r.header("webhook-timestamp").unwrap().parse().unwrap();
    let header = r.header("webhook-signature").unwrap();
    let expected = sign::signature_header(secrets, id, ts, &r.body).unwrap();
    assert_eq!(header, expected);
    assert_eq!(r.header("content-type"), Some("application/json"));
}

async fn deliver(app: &App) -> accolade_app::jobs::DeliverySummary {
    app.deliver_webhooks().await.unwrap()
}

async fn issue(app: &App, achievement: AchievementId, email: &str) -> Award {
    app.award(
        &Actor::cli(),
        NewAward {
            achievement_id: achievement,
            recipient_email: email.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// An award valid until 2030, whatever the badge's fixed expiry (the clock has passed it).
async fn issue_lasting(app: &App, achievement: AchievementId, email: &str) -> Award {
    app.award(
        &Actor::cli(),
        NewAward {
            achievement_id: achievement,
            recipient_email: email.into(),
            valid_until: Some(datetime!(2030-01-01 0:00 UTC)),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn endpoint(app: &App, id: WebhookEndpointId) -> WebhookEndpoint {
    app.store().webhook_endpoint(id).await.unwrap().unwrap()
}

async fn story(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-06-01 10:00 UTC)));
    let app = app_with(&store, &clock, true);
    let rx = HttpReceiver::start().unwrap();
    app.sign_up("ada@example.com", "Ada Lovelace", PW)
        .await
        .unwrap();
    let ada = signed_in(&app, "ada@example.com").await;
    let org = app
        .create_org_for(
            &ada,
            NewOrganization {
                name: "Acme Academy".into(),
                url: "https://acme.example".into(),
                email: None,
                description: None,
                slug: None,
            },
        )
        .await
        .unwrap();
    let ada = signed_in(&app, "ada@example.com").await;
    let badge = app
        .create_achievement(
            &Actor::cli(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the practical assessment.".into()),
                expiry: ExpiryPolicy::FixedDate(datetime!(2026-06-03 12:00 UTC)),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();

    // Nothing is queued while the organization has no endpoint.
    issue(&app, badge.id, "early@example.com").await;
    assert_eq!(deliver(&app).await.claimed, 0);

    let all = app
        .create_webhook_endpoint(OrgAdmin::Member(&ada), org.id, form(rx.url("/all"), &[]))
        .await
        .unwrap();
    let revocations = app
        .create_webhook_endpoint(
            OrgAdmin::Member(&ada),
            org.id,
            form(rx.url("/revoked"), &["award.revoked"]),
        )
        .await
        .unwrap();
    assert!(all.secret.starts_with("whsec_") && all.enabled);
    assert_ne!(all.secret, revocations.secret);
    assert_eq!(
        app.webhook_endpoints(OrgAdmin::Member(&ada), org.id)
            .await
            .unwrap()
            .len(),
        2
    );

    // award.issued: to the endpoint that takes everything only, signed, small data.
    let award = issue(&app, badge.id, "Grace@Example.com").await;
    let summary = deliver(&app).await;
    assert_eq!((summary.claimed, summary.delivered), (1, 1));
    let got = rx.received_on("/all");
    assert_eq!(got.len(), 1);
    assert!(rx.received_on("/revoked").is_empty());
    assert_signed(&got[0], &[&all.secret]);
    assert_eq!(
        got[0].header("webhook-timestamp"),
        Some(clock.now().unix_timestamp().to_string().as_str())
    );
    let body = json(&got[0]);
    assert_eq!(body["type"], "award.issued");
    assert_eq!(body["timestamp"], "2026-06-01T10:00:00Z");
    assert_eq!(body["data"]["award_id"], award.id.to_string());
    assert_eq!(body["data"]["achievement_id"], badge.id.to_string());
    assert_eq!(body["data"]["organization_id"], org.id.to_string());
    assert_eq!(body["data"]["recipient_email"], "grace@example.com");
    assert_eq!(body["data"]["status"], "active");
    assert_eq!(
        body["data"]["credential_url"],
        app.urls().credential(award.id)
    );

    // award.revoked fans out to both endpoints with one id and the same bytes.
    app.revoke(&Actor::cli(), award.id, "Issued in error")
        .await
        .unwrap();
    assert_eq!(deliver(&app).await.delivered, 2);
    let (a, r) = (rx.received_on("/all"), rx.received_on("/revoked"));
    assert_eq!((a.len(), r.len()), (2, 1));
    assert_eq!(a[1].body, r[0].body);
    assert_eq!(a[1].header("webhook-id"), r[0].header("webhook-id"));
    assert_ne!(a[0].header("webhook-id"), a[1].header("webhook-id"));
    assert_signed(&r[0], &[&revocations.secret]);
    assert_eq!(json(&r[0])["data"]["status"], "revoked");
    assert_eq!(json(&r[0])["data"]["status_reason"], "Issued in error");

    // Suspend, reinstate, renew, achievement update: each its event, in order.
    let other = issue(&app, badge.id, "lin@example.com").await;
    app.suspend(&Actor::cli(), other.id, Some("Under review"))
        .await
        .unwrap();
    app.reinstate(&Actor::cli(), other.id).await.unwrap();
    let renewed = app.renew(&Actor::cli(), other.id).await.unwrap();
    let mut changes = NewAchievement {
        org_id: org.id,
        name: "First Aid (2026)".into(),
        description: "Workplace first aid.".into(),
        criteria_narrative: Some("Pass the practical assessment.".into()),
        expiry: ExpiryPolicy::FixedDate(datetime!(2026-06-03 12:00 UTC)),
        ..NewAchievement::default()
    };
    changes.org_id = org.id;
    app.update_achievement(&Actor::cli(), badge.id, badge.version, changes)
        .await
        .unwrap();
    assert_eq!(deliver(&app).await.delivered, 5);
    // Deliveries go out several at once: arrival order is not promised (receivers order by
    // the payload's timestamp), so they are compared as a set.
    let recent = rx.received_on("/all").split_off(2);
    let of = |t: &str| {
        recent
            .iter()
            .find(|r| json(r)["type"] == t)
            .unwrap()
            .clone()
    };
    let mut types: Vec<String> = recent
        .iter()
        .map(|r| json(r)["type"].as_str().unwrap().to_owned())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "achievement.updated",
            "award.issued",
            "award.reinstated",
            "award.renewed",
            "award.suspended",
        ]
    );
    let renewal = json(&of("award.renewed"));
    assert_eq!(renewal["data"]["renews_award_id"], other.id.to_string());
    assert_eq!(renewal["data"]["award_id"], renewed.id.to_string());
    assert_eq!(
        json(&of("award.suspended"))["data"]["status_reason"],
        "Under review"
    );
    assert_eq!(
        json(&of("achievement.updated"))["data"]["name"],
        "First Aid (2026)"
    );

    // Rotation: both secrets sign for a day, then only the new one.
    let rotated = app
        .rotate_webhook_secret(OrgAdmin::Member(&ada), org.id, all.id)
        .await
        .unwrap();
    assert_ne!(rotated.secret, all.secret);
    app.send_webhook_ping(OrgAdmin::Member(&ada), org.id, all.id)
        .await
        .unwrap();
    deliver(&app).await;
    let ping = rx.received_on("/all").pop().unwrap();
    assert_eq!(json(&ping)["type"], "webhook.ping");
    assert_eq!(
        ping.header("webhook-signature").unwrap().split(' ').count(),
        2
    );
    assert_signed(&ping, &[&rotated.secret, &all.secret]);

    // award.expired: found by the scan once the date passed, sent once per endpoint.
    clock.set(datetime!(2026-06-03 13:00 UTC));
    let expired = app.emit_expired_awards().await.unwrap();
    // early@, lin@ (renewed: the old one still expires), and the renewal itself; not the
    // revoked one.
    assert_eq!(expired, 3);
    assert_eq!(app.emit_expired_awards().await.unwrap(), 0, "sent once");
    assert_eq!(deliver(&app).await.delivered, 3);
    let expiries = rx.received_on("/all").split_off(8);
    assert_eq!(expiries.len(), 3);
    for e in &expiries {
        assert_eq!(json(e)["type"], "award.expired");
        assert_eq!(json(e)["data"]["status"], "expired");
        // The rotated-out secret stopped signing a day after the rotation.
        assert_signed(e, &[&rotated.secret]);
    }

    retries_story(&app, &clock, &rx, &ada, org.id, badge.id).await;
    refusals_story(&store, &clock, &rx, &ada, org.id).await;
}

/// A receiver that fails: the whole schedule, then the endpoint is disabled and the admins
/// are emailed; manual redelivery after it is fixed keeps the id.
async fn retries_story(
    app: &App,
    clock: &FixedClock,
    rx: &HttpReceiver,
    ada: &CurrentUser,
    org: OrgId,
    badge: AchievementId,
) {
    rx.answer("/flaky", 500, &[]);
    let flaky = app
        .create_webhook_endpoint(
            OrgAdmin::Member(ada),
            org,
            form(rx.url("/flaky"), &["award.issued"]),
        )
        .await
        .unwrap();
    issue_lasting(app, badge, "retry@example.com").await;
    deliver(app).await;
    assert_eq!(rx.received_on("/flaky").len(), 1);
    // Not due again before its wait.
    assert_eq!(deliver(app).await.claimed, 0);
    for wait in WEBHOOK_SCHEDULE {
        let log = app
            .webhook_deliveries(OrgAdmin::Member(ada), org, flaky.id, false, None, 10)
            .await
            .unwrap();
        let due = log[0].next_attempt_at.unwrap();
        let planned = due - clock.now();
        assert!(
            planned >= wait * 0.9 - Duration::seconds(1)
                && planned <= wait * 1.1 + Duration::seconds(1),
            "{planned} for {wait}"
        );
        // The application reads the clock in whole seconds.
        clock.set(due + Duration::seconds(1));
        assert_eq!(deliver(app).await.claimed, 1, "after {wait}");
    }
    let tries = rx.received_on("/flaky");
    assert_eq!(tries.len(), WEBHOOK_SCHEDULE.len() + 1);
    let ids: Vec<_> = tries.iter().map(|r| r.header("webhook-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one id across retries");
    let stamps: std::collections::HashSet<_> = tries
        .iter()
        .map(|r| r.header("webhook-timestamp"))
        .collect();
    assert_eq!(
        stamps.len(),
        tries.len(),
        "each attempt has its own timestamp"
    );
    let disabled = endpoint(app, flaky.id).await;
    assert!(!disabled.enabled);
    assert!(disabled.disabled_reason.unwrap().contains("three days"));
    let failed = app
        .webhook_deliveries(OrgAdmin::Member(ada), org, flaky.id, true, None, 10)
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_status, Some(500));
    let detail = app
        .webhook_delivery(OrgAdmin::Member(ada), org, failed[0].id)
        .await
        .unwrap();
    assert_eq!(detail.attempts.len(), WEBHOOK_SCHEDULE.len() + 1);
    assert!(
        detail.attempts[0]
            .request_headers
            .contains("webhook-signature: v1,")
    );
    assert_eq!(
        detail.attempts[0].response_body.as_deref(),
        Some("received")
    );
    let mail = app.outbox(Some(org), 100).await.unwrap();
    let notice = mail
        .iter()
        .find(|m| m.template == "webhook_disabled")
        .expect("the admins' email");
    assert_eq!(notice.to.as_str(), "ada@example.com");
    assert!(notice.body_text.contains(&rx.url("/flaky")));
    // While disabled: no new deliveries, and redelivery is refused.
    issue_lasting(app, badge, "while-off@example.com").await;
    deliver(app).await;
    assert_eq!(rx.received_on("/flaky").len(), tries.len());
    let log = app.webhook_deliveries(OrgAdmin::Member(ada), org, flaky.id, false, None, 10);
    assert_eq!(log.await.unwrap().len(), 1);
    assert!(
        app.redeliver_webhook(OrgAdmin::Member(ada), org, failed[0].id)
            .await
            .is_err()
    );
    // Fixed: enable, redeliver, same id.
    rx.answer("/flaky", 204, &[]);
    app.set_webhook_endpoint_enabled(OrgAdmin::Member(ada), org, flaky.id, true)
        .await
        .unwrap();
    app.redeliver_webhook(OrgAdmin::Member(ada), org, failed[0].id)
        .await
        .unwrap();
    assert_eq!(deliver(app).await.delivered, 1);
    let again = rx.received_on("/flaky").pop().unwrap();
    assert_eq!(again.header("webhook-id"), ids[0]);
    let now = app
        .webhook_delivery(OrgAdmin::Member(ada), org, failed[0].id)
        .await
        .unwrap();
    assert_eq!(now.delivery.state, DeliveryState::Delivered);
    assert_eq!(now.attempts.len(), WEBHOOK_SCHEDULE.len() + 2);
    app.delete_webhook_endpoint(OrgAdmin::Member(ada), org, flaky.id)
        .await
        .unwrap();
}

/// 410, 429 with Retry-After, a redirect, and loopback refused under the default policy.
async fn refusals_story(
    store: &Store,
    clock: &Arc<FixedClock>,
    rx: &HttpReceiver,
    ada: &CurrentUser,
    org: OrgId,
) {
    let app = app_with(store, clock, true);
    // Only pings from here on: the endpoints below take no award events.
    let only = |path: &str| form(rx.url(path), &["import.completed"]);
    rx.answer("/gone", 410, &[]);
    rx.answer("/busy", 429, &[("retry-after", "120")]);
    rx.answer("/moved", 302, &[("location", "/all")]);
    let gone = app
        .create_webhook_endpoint(OrgAdmin::Member(ada), org, only("/gone"))
        .await
        .unwrap();
    let busy = app
        .create_webhook_endpoint(OrgAdmin::Member(ada), org, only("/busy"))
        .await
        .unwrap();
    let moved = app
        .create_webhook_endpoint(OrgAdmin::Member(ada), org, only("/moved"))
        .await
        .unwrap();
    let all_before = rx.received_on("/all").len();
    for e in [&gone, &busy, &moved] {
        app.send_webhook_ping(OrgAdmin::Member(ada), org, e.id)
            .await
            .unwrap();
    }
    deliver(&app).await;
    let now = clock.now().replace_nanosecond(0).unwrap(); // the application's reading
    let gone_now = endpoint(&app, gone.id).await;
    assert!(!gone_now.enabled);
    assert!(gone_now.disabled_reason.unwrap().contains("410"));
    let busy_log = app
        .webhook_deliveries(OrgAdmin::Member(ada), org, busy.id, false, None, 1)
        .await
        .unwrap();
    assert_eq!(
        busy_log[0].next_attempt_at,
        Some(now + Duration::seconds(120))
    );
    assert_eq!(busy_log[0].last_status, Some(429));
    let moved_log = app
        .webhook_deliveries(OrgAdmin::Member(ada), org, moved.id, false, None, 1)
        .await
        .unwrap();
    assert_eq!(moved_log[0].state, DeliveryState::Pending);
    assert_eq!(moved_log[0].last_status, Some(302));
    assert_eq!(rx.received_on("/moved").len(), 1);
    assert_eq!(
        rx.received_on("/all").len(),
        all_before,
        "the redirect was not followed"
    );

    // The operator's default policy refuses loopback before connecting.
    let guarded = app_with(store, clock, false);
    rx.answer("/busy", 200, &[]);
    let count = rx.count();
    clock.advance(Duration::hours(1));
    guarded.deliver_webhooks().await.unwrap();
    assert_eq!(rx.count(), count, "nothing reached the receiver");
    let refused = app
        .webhook_deliveries(OrgAdmin::Member(ada), org, busy.id, false, None, 1)
        .await
        .unwrap();
    assert!(
        refused[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("refused"),
        "{:?}",
        refused[0].last_error
    );
    assert_eq!(refused[0].state, DeliveryState::Pending);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_on_postgres() {
    let Some(store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("unusable test PostgreSQL")
    else {
        return;
    };
    let (store, _guard) = store.into_parts();
    story(store).await;
}

/// The fan-out benchmark (`scripts/bench-webhooks.sh`, release build): N award events
/// (ACCOLADE_BENCH_WEBHOOKS, 10,000 by default) queued in chunks of 500, as a bulk issue's
/// chunks queue them, to one endpoint, delivered by the sender to a receiver on loopback
/// until none is pending; every event must arrive exactly once. SQLite on a file.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark: scripts/bench-webhooks.sh runs it"]
async fn webhook_fanout_benchmark() {
    use accolade_app::webhooks::{EventType, WebhookEvent};
    let n: usize = std::env::var("ACCOLADE_BENCH_WEBHOOKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let clock = Arc::new(FixedClock::new(accolade_core::SystemClock.now()));
    let app = app_with(&store, &clock, true);
    let rx = HttpReceiver::start().unwrap();
    app.sign_up("ada@example.com", "Ada Lovelace", PW)
        .await
        .unwrap();
    let ada = signed_in(&app, "ada@example.com").await;
    let org = app
        .create_org_for(
            &ada,
            NewOrganization {
                name: "Bench".into(),
                url: "https://bench.example".into(),
                email: None,
                description: None,
                slug: None,
            },
        )
        .await
        .unwrap();
    let ada = signed_in(&app, "ada@example.com").await;
    app.create_webhook_endpoint(OrgAdmin::Member(&ada), org.id, form(rx.url("/bench"), &[]))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut queued = 0;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let events: Vec<WebhookEvent> = chunk
            .iter()
            .map(|i| {
                WebhookEvent::new(
                    EventType::AwardIssued,
                    serde_json::json!({
                        "award_id": uuid_like(*i),
                        "organization_id": org.id.to_string(),
                        "recipient_email": format!("earner{i}@example.com"),
                        "status": "active",
                        "credential_url": format!("https://badges.example.org/credentials/{i}"),
                    }),
                )
            })
            .collect();
        queued += app.emit_webhooks(org.id, &events).await.unwrap();
    }
    let queued_in = started.elapsed();
    assert_eq!(queued, n as u64);
    loop {
        let s = app.deliver_webhooks().await.unwrap();
        assert_eq!(s.failed + s.retrying, 0, "{s:?}");
        if s.claimed == 0 {
            break;
        }
    }
    let total = started.elapsed();
    let got = rx.received();
    let ids: std::collections::HashSet<_> = got
        .iter()
        .map(|r| r.header("webhook-id").unwrap().to_owned())
        .collect();
    let awards: std::collections::HashSet<_> = got
        .iter()
        .map(|r| json(r)["data"]["award_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got.len(), n, "none doubled");
    assert_eq!(ids.len(), n, "one webhook-id each");
    assert_eq!(awards.len(), n, "none lost");
    let counts = app.store().webhook_delivery_counts(None).await.unwrap();
    assert_eq!(
        (counts.delivered, counts.pending, counts.failed),
        (n as i64, 0, 0)
    );
    println!(
        "webhook fan-out: {n} events queued in {:.2} s, all delivered in {:.2} s ({:.0} events/s); received {}, distinct ids {}, lost 0, doubled 0",
        queued_in.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        got.len(),
        ids.len()
    );
}

fn uuid_like(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012}")
}
