//! Mail, on SQLite and PostgreSQL, through a real SMTP server over TCP: issuing queues an
//! email that a job delivers; an SMTP outage or a hanging server never slows issuing, and the
//! mail goes out once the server is back; without SMTP the outbox keeps it; an expired
//! lease is re-run; two runners never send one message twice.

use accolade_app::{
    App, AppConfig, MailSettings, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{Actor, Award, ExpiryPolicy, FixedClock, OrgId};
use accolade_net::FetchPolicy;
use accolade_store::{JobState, OutboxMessage, OutboxState, Store};
use accolade_testkit::{ReceivedMail, SmtpServer};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};
use time::Duration;
use time::macros::datetime;

const SEND_TIMEOUT: StdDuration = StdDuration::from_millis(1500);
const WAIT: StdDuration = StdDuration::from_secs(10);
const BADGE_SVG: &[u8] =
    br#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>"#;

fn app(
    store: &Store,
    clock: &Arc<FixedClock>,
    master: &MasterKey,
    smtp: Option<&SmtpServer>,
) -> Arc<App> {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let app = App::new(store.clone(), clock.clone(), config, Some(master.clone()));
    let settings = MailSettings {
        smtp: smtp.map(|s| s.url().parse().unwrap()),
        from: None,
        timeout: SEND_TIMEOUT,
    };
    Arc::new(app.with_mail(&settings).unwrap())
}

async fn outbox_for(app: &App, award: &Award) -> Vec<OutboxMessage> {
    let all = app.outbox(Some(award.org_id), 100).await.unwrap();
    all.into_iter()
        .filter(|m| m.award_id == Some(award.id))
        .collect()
}

fn linkedin_url(award: &Award) -> String {
    let id = award.id.to_string();
    format!(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME\
         &name=First%20Aid%20%26%20CPR&organizationName=Acme%20Academy\
         &issueYear=2026&issueMonth=3&expirationYear=2028&expirationMonth=3\
         &certUrl=https%3A%2F%2Fbadges.example.org%2Fcredentials%2F{id}&certId={id}"
    )
}

fn assert_badge_mail(mail: &ReceivedMail, award: &Award, to: &str) {
    assert_eq!(mail.to, [to]);
    assert_eq!(mail.from, "badges@badges.example.org");
    assert_eq!(
        mail.header("subject").as_deref(),
        Some("Acme Academy awarded you \"First Aid & CPR\"")
    );
    assert_eq!(mail.header("to").as_deref(), Some(to));
    // "View your badge" is the award's claim link (it shows the badge at once).
    let claim = "https://badges.example.org/claim/";
    let text = mail.body("text/plain").expect("a text part");
    assert!(
        text.contains(&format!("View your badge: {claim}")),
        "{text}"
    );
    // "Add to LinkedIn" goes through the tracked share link, which leads to LinkedIn only
    // while the badge is valid (see `linkedin_url` for where it leads then).
    let tracked = format!("https://badges.example.org/s/{}/linkedin-profile", award.id);
    assert!(text.contains(&tracked), "{text}");
    assert!(text.contains("valid until 1 March 2028"), "{text}");
    let html = mail.body("text/html").expect("an HTML part");
    assert!(html.contains(&format!(r#"href="{claim}"#)), "{html}");
    assert!(html.contains(&format!(r#"href="{tracked}""#)), "{html}");
    // The badge image is a PNG (Gmail and Outlook show no SVG), at twice its shown size.
    let src = html
        .split(r#"<img src=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a badge image");
    assert!(
        src.starts_with("https://badges.example.org/images/") && src.ends_with(".png?size=320"),
        "{src}"
    );
}

async fn story(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let smtp = SmtpServer::start().await.unwrap();
    let master = MasterKey::generate().unwrap();
    let app = app(&store, &clock, &master, Some(&smtp));
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: None,
        })
        .await
        .unwrap();
    let image = app
        .add_image(Some(org.id), BADGE_SVG.to_vec())
        .await
        .unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid & CPR".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the practical assessment.".into()),
                image_id: Some(image.id),
                expiry: ExpiryPolicy::MonthsAfterIssue(24),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    let achievement_id = achievement.id;
    let issue = |email: &'static str| {
        let app = app.clone();
        async move {
            let started = Instant::now();
            let award = app
                .award(
                    &Actor::system(),
                    NewAward {
                        achievement_id,
                        recipient_email: email.into(),
                        recipient_name: Some("Ada Lovelace".into()),
                        issued_at: None,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            (award, started.elapsed())
        }
    };

    // Issuing queues the mail; a job run delivers it.
    let (ada, _) = issue("ada@example.com").await;
    let queued = outbox_for(&app, &ada).await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].state, OutboxState::Queued);
    assert_eq!(app.job_counts().await.unwrap().queued, 1);
    assert!(smtp.messages().is_empty(), "nothing is sent while issuing");
    let run = app.run_jobs("runner-1", 10).await.unwrap();
    assert_eq!((run.claimed, run.succeeded), (1, 1));
    let got = smtp.wait_for(1, WAIT).await;
    assert_badge_mail(&got[0], &ada, "ada@example.com");
    assert_eq!(
        app.share_url(&ada, accolade_app::sharing::ShareChannel::LinkedinProfile)
            .await
            .unwrap(),
        linkedin_url(&ada)
    );
    let sent = &outbox_for(&app, &ada).await[0];
    assert_eq!((sent.state, sent.attempts), (OutboxState::Sent, 1));
    assert_eq!(sent.sent_at, Some(clock_now(&clock)));

    // The same notification queued again (a retried request): it is not sent twice.
    let again = app.badge_issued_email(&org, &achievement, &ada).unwrap();
    let outcome = app.queue_badge_emails(&[again]).await.unwrap();
    assert!(matches!(outcome[0], accolade_store::Enqueued::Existing(_)));
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().claimed, 0);
    assert_eq!(smtp.messages().len(), 1);

    // SMTP down: issuing is as fast as ever; the job is retried with backoff; the mail goes
    // out once the server is back.
    smtp.go_down().await;
    let (bob, took) = issue("bob@example.com").await;
    assert!(took < StdDuration::from_secs(2), "issuing took {took:?}");
    let run = app.run_jobs("runner-1", 10).await.unwrap();
    assert_eq!((run.claimed, run.retried), (1, 1));
    let waiting = &outbox_for(&app, &bob).await[0];
    assert_eq!((waiting.state, waiting.attempts), (OutboxState::Queued, 1));
    assert!(waiting.last_error.is_some());
    clock.advance(Duration::seconds(29));
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().claimed, 0);
    clock.advance(Duration::seconds(1)); // first backoff: 30 s
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().retried, 1);
    clock.advance(Duration::seconds(59));
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().claimed, 0);
    smtp.come_up().await.unwrap();
    clock.advance(Duration::seconds(1)); // second backoff: 60 s
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().succeeded, 1);
    let got = smtp.wait_for(2, WAIT).await;
    assert_badge_mail(&got[1], &bob, "bob@example.com");
    assert_eq!(outbox_for(&app, &bob).await[0].attempts, 3);

    // A hanging server costs one timeout, then the job is retried.
    smtp.set_hanging(true);
    let (cy, took) = issue("cy@example.com").await;
    assert!(took < StdDuration::from_secs(2), "issuing took {took:?}");
    let started = Instant::now();
    let run = app.run_jobs("runner-1", 10).await.unwrap();
    let took = started.elapsed();
    assert_eq!(run.retried, 1);
    assert!(took >= SEND_TIMEOUT && took < SEND_TIMEOUT * 4, "{took:?}");
    let hung = &outbox_for(&app, &cy).await[0];
    assert!(
        hung.last_error
            .as_deref()
            .unwrap()
            .contains("did not finish")
    );
    smtp.set_hanging(false);
    clock.advance(Duration::seconds(30));
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().succeeded, 1);
    assert_eq!(smtp.wait_for(3, WAIT).await[2].to, ["cy@example.com"]);

    // Revoking sends a notice with the reason.
    app.revoke(&Actor::system(), ada.id, "Issued in error")
        .await
        .unwrap();
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().succeeded, 1);
    let notice = &smtp.wait_for(4, WAIT).await[3];
    assert_eq!(
        notice.header("subject").as_deref(),
        Some("Your badge \"First Aid & CPR\" from Acme Academy was revoked")
    );
    assert!(
        notice
            .body("text/plain")
            .unwrap()
            .contains("Reason: Issued in error")
    );

    // A worker dies holding a lease: once it expires, another runner sends the mail.
    let (dee, _) = issue("dee@example.com").await;
    let taken = store
        .claim_jobs(
            "dead-worker",
            1,
            clock_now(&clock),
            accolade_app::jobs::LEASE,
        )
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(app.run_jobs("runner-1", 10).await.unwrap().claimed, 0);
    clock.advance(accolade_app::jobs::LEASE + Duration::seconds(1));
    let run = app.run_jobs("runner-1", 10).await.unwrap();
    assert_eq!((run.requeued, run.succeeded), (1, 1));
    assert_eq!(smtp.wait_for(5, WAIT).await[4].to, ["dee@example.com"]);
    assert_eq!(outbox_for(&app, &dee).await[0].state, OutboxState::Sent);

    // Two runners at once: every message is sent exactly once.
    for email in [
        "e1@example.com",
        "e2@example.com",
        "e3@example.com",
        "e4@example.com",
    ] {
        issue(email).await;
    }
    let (a, b) = tokio::join!(app.run_jobs("runner-a", 10), app.run_jobs("runner-b", 10));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.succeeded + b.succeeded, 4, "{a:?} {b:?}");
    let got = smtp.wait_for(9, WAIT).await;
    assert_eq!(got.len(), 9);
    let mut recipients: Vec<_> = got[5..].iter().map(|m| m.to[0].clone()).collect();
    recipients.sort();
    assert_eq!(
        recipients,
        [
            "e1@example.com",
            "e2@example.com",
            "e3@example.com",
            "e4@example.com"
        ]
    );

    // Out of attempts: the job fails and stays visible, and so does the message.
    smtp.go_down().await;
    let (fay, _) = issue("fay@example.com").await;
    for _ in 0..10 {
        app.run_jobs("runner-1", 10).await.unwrap();
        clock.advance(accolade_app::jobs::BACKOFF_CAP);
    }
    let failed = &outbox_for(&app, &fay).await[0];
    assert_eq!((failed.state, failed.attempts), (OutboxState::Failed, 10));
    let jobs = store.jobs(JobState::Failed, 10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].attempts, 10);
    assert!(jobs[0].last_error.is_some());

    no_smtp(&store, &clock, &master, org.id, achievement.id).await;
}

/// Without an SMTP server the mail stays in the outbox, marked unsent, readable by admins.
async fn no_smtp(
    store: &Store,
    clock: &Arc<FixedClock>,
    master: &MasterKey,
    org: OrgId,
    achievement: accolade_core::AchievementId,
) {
    let app = app(store, clock, master, None);
    let award = app
        .award(
            &Actor::system(),
            NewAward {
                achievement_id: achievement,
                recipient_email: "gil@example.com".into(),
                recipient_name: None,
                issued_at: None,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let run = app.run_jobs("runner-1", 10).await.unwrap();
    assert_eq!((run.claimed, run.succeeded), (1, 1));
    let kept = &outbox_for(&app, &award).await[0];
    assert_eq!((kept.state, kept.attempts), (OutboxState::Unsent, 0));
    assert!(
        kept.last_error
            .as_deref()
            .unwrap()
            .contains("no SMTP server")
    );
    assert!(kept.body_text.contains(&award.id.to_string()));
    assert!(app.outbox(Some(org), 100).await.unwrap().len() >= 2);
}

fn clock_now(clock: &FixedClock) -> time::OffsetDateTime {
    use accolade_core::Clock;
    clock.now()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
