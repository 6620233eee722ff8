//! Managing awards, on SQLite and PostgreSQL: search with filters and counts; suspend,
//! reinstate and revoke in the audit log; a corrected re-issue supersedes the old credential;
//! renewal; the CSV export neutralizes formulas; bulk revocation; expiry reminders go out
//! once per offset, however often (and however concurrently) the scan runs, through a real
//! SMTP server, and never for revoked or suspended awards.

use accolade_app::awards::{AwardFilter, Correction, PageAt};
use accolade_app::{
    App, AppConfig, AppError, MailSettings, MasterKey, NewAchievement, NewAward, NewOrganization,
    PublicUrl,
};
use accolade_core::{
    AchievementId, Actor, Award, AwardState, AwardStatus, AwardSummary, Clock, ExpiryPolicy,
    FixedClock, OrgId,
};
use accolade_credentials::verify::Verdict;
use accolade_net::FetchPolicy;
use accolade_store::Store;
use accolade_testkit::SmtpServer;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

fn app(store: &Store, clock: &Arc<FixedClock>, smtp: &SmtpServer) -> Arc<App> {
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let app = App::new(
        store.clone(),
        clock.clone(),
        config,
        Some(MasterKey::generate().unwrap()),
    );
    let settings = MailSettings {
        smtp: Some(smtp.url().parse().unwrap()),
        from: None,
        timeout: StdDuration::from_secs(5),
    };
    Arc::new(app.with_mail(&settings).unwrap())
}

async fn org(app: &App, name: &str) -> OrgId {
    app.create_org(NewOrganization {
        name: name.into(),
        url: "https://acme.example".into(),
        email: Some("badges@acme.example".into()),
        description: None,
        slug: None,
    })
    .await
    .unwrap()
    .id
}

async fn achievement(app: &App, org: OrgId, name: &str, expiry: ExpiryPolicy) -> AchievementId {
    app.create_achievement(
        &Actor::cli(),
        NewAchievement {
            org_id: org,
            name: name.into(),
            description: "Workplace first aid.".into(),
            criteria_narrative: Some("Pass the practical assessment.".into()),
            expiry,
            ..NewAchievement::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn issue(
    app: &App,
    achievement: AchievementId,
    email: &str,
    name: &str,
    issued_at: OffsetDateTime,
) -> Award {
    app.award(
        &Actor::cli(),
        NewAward {
            achievement_id: achievement,
            recipient_email: email.into(),
            recipient_name: Some(name.into()),
            issued_at: Some(issued_at),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// Awards and award summaries, compared by id.
trait Identified {
    fn key(&self) -> String;
}

impl Identified for Award {
    fn key(&self) -> String {
        self.id.to_string()
    }
}

impl Identified for AwardSummary {
    fn key(&self) -> String {
        self.id.to_string()
    }
}

fn ids<'a, A: Identified + 'a>(awards: impl IntoIterator<Item = &'a A>) -> Vec<String> {
    let mut ids: Vec<String> = awards.into_iter().map(Identified::key).collect();
    ids.sort();
    ids
}

async fn search(app: &App, org: OrgId, filter: AwardFilter) -> (Vec<String>, i64) {
    let page = app.search_awards(org, &filter, 50, 0).await.unwrap();
    (ids(&page.awards), page.total)
}

async fn actions(app: &App, org: OrgId, target: &Award) -> Vec<String> {
    app.award_history(target)
        .await
        .unwrap()
        .into_iter()
        .inspect(|e| assert_eq!(e.org_id, org))
        .map(|e| e.action)
        .collect()
}

async fn story(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let smtp = SmtpServer::start().await.unwrap();
    let app = app(&store, &clock, &smtp);
    let now = clock.now();
    let acme = org(&app, "Acme Academy").await;
    let other = org(&app, "Other Org").await;
    let first_aid = achievement(&app, acme, "First Aid", ExpiryPolicy::MonthsAfterIssue(12)).await;
    let safety = achievement(&app, acme, "Safety", ExpiryPolicy::Never).await;
    let elsewhere = achievement(&app, other, "Elsewhere", ExpiryPolicy::Never).await;

    // valid_until: +12 months. Expires in 19 days (30-day window), in 4 days (7-day
    // window), long ago (expired), next year.
    let ada = issue(&app, first_aid, "ada@example.com", "Ada Lovelace", now).await;
    let soon = issue(
        &app,
        first_aid,
        "soon@example.com",
        "Sam Soon",
        datetime!(2025-03-20 09:30 UTC),
    )
    .await;
    let sooner = issue(
        &app,
        first_aid,
        "sooner@example.com",
        "Sue Sooner",
        datetime!(2025-03-05 09:30 UTC),
    )
    .await;
    let old = issue(
        &app,
        first_aid,
        "old@example.com",
        "Olga Old",
        datetime!(2025-01-01 09:30 UTC),
    )
    .await;
    let pct = issue(
        &app,
        safety,
        "pct@example.com",
        "Percy 50%_off",
        datetime!(2026-02-01 09:30 UTC),
    )
    .await;
    let gone = issue(
        &app,
        first_aid,
        "gone@example.com",
        "Gus Gone",
        datetime!(2025-03-10 09:30 UTC),
    )
    .await;
    let paused = issue(
        &app,
        first_aid,
        "paused@example.com",
        "Pat Paused",
        datetime!(2025-03-12 09:30 UTC),
    )
    .await;
    let foreign = issue(&app, elsewhere, "ada@example.com", "Ada Elsewhere", now).await;

    // Suspend, reinstate, suspend again, revoke: each in the audit log, with its actor.
    clock.advance(Duration::seconds(1));
    app.suspend(&Actor::cli(), paused.id, Some("review"))
        .await
        .unwrap();
    clock.advance(Duration::seconds(1));
    app.reinstate(&Actor::cli(), paused.id).await.unwrap();
    clock.advance(Duration::seconds(1));
    app.suspend(&Actor::cli(), paused.id, None).await.unwrap();
    clock.advance(Duration::seconds(1));
    app.revoke(&Actor::cli(), gone.id, "Issued in error")
        .await
        .unwrap();
    assert_eq!(
        actions(&app, acme, &paused).await,
        [
            "award.issue",
            "award.suspend",
            "award.reinstate",
            "award.suspend"
        ]
    );
    let log = app.audit_log(acme, 100, 0).await.unwrap();
    let revoke = log.iter().find(|e| e.action == "award.revoke").unwrap();
    assert_eq!(revoke.target, gone.id.to_string());
    assert_eq!(revoke.detail, "Issued in error");
    assert_eq!(revoke.actor.label, "command line");
    assert!(
        !app.audit_log(other, 100, 0)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "award.revoke"),
        "each organization has its own log"
    );

    // Search: every filter, with counts; other organizations' awards never show.
    let all = search(&app, acme, AwardFilter::default()).await;
    assert_eq!(all.1, 7);
    let by_achievement = AwardFilter {
        achievement: Some(safety),
        ..Default::default()
    };
    assert_eq!(search(&app, acme, by_achievement).await, (ids([&pct]), 1));
    let state = |s| AwardFilter {
        state: Some(s),
        ..Default::default()
    };
    assert_eq!(
        search(&app, acme, state(AwardState::Revoked)).await.0,
        ids([&gone])
    );
    assert_eq!(
        search(&app, acme, state(AwardState::Suspended)).await.0,
        ids([&paused])
    );
    assert_eq!(
        search(&app, acme, state(AwardState::Expired)).await.0,
        ids([&old])
    );
    assert_eq!(
        search(&app, acme, state(AwardState::Active)).await.0,
        ids([&ada, &soon, &sooner, &pct])
    );
    let recipient = |r: &str| AwardFilter {
        recipient: Some(r.into()),
        ..Default::default()
    };
    assert_eq!(search(&app, acme, recipient("ADA")).await, (ids([&ada]), 1));
    assert_eq!(search(&app, acme, recipient("lovelace")).await.1, 1);
    assert_eq!(search(&app, acme, recipient("50%")).await.0, ids([&pct]));
    assert_eq!(search(&app, acme, recipient("0%_")).await.0, ids([&pct]));
    assert_eq!(
        search(&app, acme, recipient("s_o")).await.1,
        0,
        "_ is not a wildcard"
    );
    let dates = AwardFilter {
        issued_from: Some(datetime!(2025-03-05 00:00 UTC)),
        issued_before: Some(datetime!(2025-03-12 00:00 UTC)),
        ..Default::default()
    };
    assert_eq!(search(&app, acme, dates).await.0, ids([&sooner, &gone]));
    let page = app
        .search_awards(acme, &AwardFilter::default(), 3, 3)
        .await
        .unwrap();
    assert_eq!((page.awards.len(), page.total, page.more), (3, 7, false));
    // Under three characters is refused, not searched.
    assert!(matches!(
        app.search_awards(acme, &recipient(" ad "), 50, 0).await,
        Err(AppError::Invalid(_))
    ));
    // The list pages by key: three at a time, newest first, with links both ways.
    let every = app
        .search_awards(acme, &AwardFilter::default(), 50, 0)
        .await
        .unwrap()
        .awards;
    let first = app
        .list_awards(acme, &AwardFilter::default(), PageAt::First, 3)
        .await
        .unwrap();
    assert_eq!(first.awards, every[..3]);
    assert_eq!((first.count.n, first.count.more), (7, false));
    assert!(first.newer.is_none());
    let second = app
        .list_awards(
            acme,
            &AwardFilter::default(),
            PageAt::After(first.older.unwrap()),
            3,
        )
        .await
        .unwrap();
    assert_eq!(second.awards, every[3..6]);
    let last = app
        .list_awards(
            acme,
            &AwardFilter::default(),
            PageAt::After(second.older.unwrap()),
            3,
        )
        .await
        .unwrap();
    assert_eq!(last.awards, every[6..]);
    assert!(last.older.is_none(), "no page after the last");
    let back = app
        .list_awards(
            acme,
            &AwardFilter::default(),
            PageAt::Before(last.newer.unwrap()),
            3,
        )
        .await
        .unwrap();
    assert_eq!(back.awards, second.awards);
    // Before the second page is the first page, whole, with no newer link.
    let top = app
        .list_awards(
            acme,
            &AwardFilter::default(),
            PageAt::Before(second.newer.unwrap()),
            3,
        )
        .await
        .unwrap();
    assert_eq!((top.awards, top.newer), (first.awards, None));
    let expiring = AwardFilter {
        expires_by: Some(now + Duration::days(30)),
        ..state(AwardState::Active)
    };
    let soonest = app.search_awards(acme, &expiring, 50, 0).await.unwrap();
    assert_eq!(
        soonest.awards.iter().map(|a| a.id).collect::<Vec<_>>(),
        [sooner.id, soon.id]
    );
    assert!(matches!(
        app.org_award(acme, foreign.id).await,
        Err(AppError::NotFound(_))
    ));

    reminders(&app, &clock, &smtp, acme, &soon, &sooner).await;
    reissue_and_renew(&app, &clock, acme, &ada, &soon, &gone).await;
    export(&app, acme, first_aid).await;
    bulk(&app, acme, &[&ada, &pct, &old, &gone, &foreign]).await;
}

/// Reminders: once per (award, offset), even from two scans at once; delivered by the job
/// worker through SMTP; none for revoked, suspended or expired awards.
async fn reminders(
    app: &Arc<App>,
    clock: &Arc<FixedClock>,
    smtp: &SmtpServer,
    org: OrgId,
    soon: &Award,
    sooner: &Award,
) {
    assert_eq!(app.reminder_offsets(org).await.unwrap(), [30, 7]);
    // Drain the badge-issued and revocation mail first.
    app.run_jobs("runner", 100).await.unwrap();
    let before = smtp.messages().len();

    let (a, b) = tokio::join!(app.send_expiry_reminders(), app.send_expiry_reminders());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.queued + b.queued, 2, "{a:?} {b:?}");
    assert_eq!(app.send_expiry_reminders().await.unwrap().queued, 0);
    assert_eq!(
        app.reminders_sent(soon.id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.0)
            .collect::<Vec<_>>(),
        [30]
    );
    assert_eq!(
        app.reminders_sent(sooner.id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.0)
            .collect::<Vec<_>>(),
        [7]
    );
    let run = app.run_jobs("runner", 100).await.unwrap();
    assert_eq!(run.succeeded, 2);
    let got = smtp.wait_for(before + 2, StdDuration::from_secs(10)).await;
    let mut to: Vec<_> = got[before..].iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    assert_eq!(to, ["soon@example.com", "sooner@example.com"]);
    let mail = got[before..]
        .iter()
        .find(|m| m.to[0] == "soon@example.com")
        .unwrap();
    assert_eq!(
        mail.header("subject").as_deref(),
        Some("Your badge \"First Aid\" from Acme Academy expires on 20 March 2026")
    );
    let text = mail.body("text/plain").unwrap();
    assert!(
        text.contains(&format!(
            "https://badges.example.org/credentials/{}",
            soon.id
        )),
        "{text}"
    );
    assert!(text.contains("in 19 days"), "{text}");
    assert!(
        mail.body("text/html")
            .unwrap()
            .contains("<strong>First Aid</strong>")
    );

    // Six days before it expires, `soon` is in the 7-day window: one more reminder.
    clock.set(datetime!(2026-03-14 09:30 UTC));
    app.schedule_expiry_reminders().await.unwrap();
    app.schedule_expiry_reminders().await.unwrap();
    let run = app.run_jobs("runner", 100).await.unwrap();
    assert_eq!(run.succeeded, 2, "one scan job, one email");
    assert_eq!(app.reminders_sent(soon.id).await.unwrap().len(), 2);
    assert_eq!(
        smtp.wait_for(before + 3, StdDuration::from_secs(10))
            .await
            .len(),
        before + 3
    );

    // Offsets are the organization's own choice, audited.
    let set = app
        .set_reminder_offsets(&Actor::cli(), org, "14, 60, 14")
        .await
        .unwrap();
    assert_eq!(set, [60, 14]);
    assert!(
        app.set_reminder_offsets(&Actor::cli(), org, "0")
            .await
            .is_err()
    );
    let log = app.audit_log(org, 5, 0).await.unwrap();
    assert_eq!(log[0].action, "settings.expiry_reminders");
    assert_eq!(log[0].detail, "days before expiry: 30, 7 → 60, 14");
    clock.set(datetime!(2026-03-01 09:30 UTC));
}

async fn reissue_and_renew(
    app: &Arc<App>,
    clock: &Arc<FixedClock>,
    org: OrgId,
    ada: &Award,
    soon: &Award,
    gone: &Award,
) {
    clock.advance(Duration::seconds(10));
    let fixed = app
        .reissue(
            &Actor::cli(),
            ada.id,
            Correction {
                recipient_email: "ada.king@example.com".into(),
                recipient_name: Some("Ada King".into()),
                language: None,
            },
        )
        .await
        .unwrap();
    let old = app.award_by_id(ada.id).await.unwrap();
    assert_eq!(old.status, AwardStatus::Revoked);
    assert_eq!(
        old.status_reason,
        Some(format!("Superseded by {}", fixed.id))
    );
    assert_eq!(
        app.award_links(ada.id).await.unwrap().replaced_by,
        Some(fixed.id)
    );
    assert_eq!(
        app.award_links(fixed.id).await.unwrap().replaces,
        Some(ada.id)
    );
    assert_eq!(
        (fixed.issued_at, fixed.valid_until),
        (ada.issued_at, ada.valid_until)
    );
    assert_eq!(fixed.recipient_name.as_deref(), Some("Ada King"));
    let report = app
        .verify(fixed.credential.clone().into_bytes(), None)
        .await;
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    let report = app.verify(ada.credential.clone().into_bytes(), None).await;
    assert!(report.flags.revoked);
    assert_eq!(
        actions(app, org, ada).await,
        ["award.issue", "award.revoke"]
    );
    // Both in the same second: compare without order.
    let mut fixed_actions = actions(app, org, &fixed).await;
    fixed_actions.sort();
    assert_eq!(fixed_actions, ["award.issue", "award.reissue"]);
    let again = app
        .reissue(&Actor::cli(), ada.id, Correction::default())
        .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    assert!(matches!(
        app.reissue(&Actor::cli(), gone.id, Correction::default())
            .await,
        Err(AppError::Conflict(_))
    ));

    let renewed = app.renew(&Actor::cli(), soon.id).await.unwrap();
    assert_eq!(renewed.recipient_email, soon.recipient_email);
    assert_eq!(renewed.valid_until, Some(clock.now() + Duration::days(365)));
    assert_eq!(
        app.award_by_id(soon.id).await.unwrap().status,
        AwardStatus::Active
    );
    assert_eq!(
        app.award_links(soon.id).await.unwrap().renewed_by,
        Some(renewed.id)
    );
    assert_eq!(
        app.award_links(renewed.id).await.unwrap().renewal_of,
        Some(soon.id)
    );
    assert!(matches!(
        app.renew(&Actor::cli(), soon.id).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(
        actions(app, org, soon).await.last().map(String::as_str),
        Some("award.renew")
    );
}

async fn export(app: &App, org: OrgId, first_aid: AchievementId) {
    let evil = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)"];
    for (i, name) in evil.iter().enumerate() {
        issue(
            app,
            first_aid,
            &format!("evil{i}@example.com"),
            name,
            datetime!(2026-02-02 09:30 UTC),
        )
        .await;
    }
    let mut out = Vec::new();
    app.write_awards_csv(org, &AwardFilter::default(), &mut out)
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("award_id"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let total = app
        .search_awards(org, &AwardFilter::default(), 1, 0)
        .await
        .unwrap()
        .total;
    assert_eq!(rows.len() as i64, total);
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?}");
        }
    }
    for name in evil {
        assert!(
            rows.iter().any(|r| r.get(4) == Some(&format!("'{name}"))),
            "{name}"
        );
    }
    // Filtered: only what the list shows.
    let mut out = Vec::new();
    let filter = AwardFilter {
        recipient: Some("evil".into()),
        ..Default::default()
    };
    app.write_awards_csv(org, &filter, &mut out).await.unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap().lines().count(),
        1 + evil.len()
    );
}

async fn bulk(app: &App, org: OrgId, awards: &[&Award]) {
    let [ada, pct, old, gone, foreign] = awards else {
        panic!()
    };
    let inputs = vec![
        pct.id.to_string(),
        format!("https://badges.example.org/credentials/{}", old.id),
        ada.id.to_string(),
        gone.id.to_string(),
        foreign.id.to_string(),
        "not an id".to_owned(),
        pct.id.to_string(),
    ];
    let plan = app.plan_bulk_revoke(org, &inputs).await.unwrap();
    assert_eq!(ids(&plan.revocable), ids([*pct, *old]));
    let reasons: Vec<&str> = plan
        .not_revocable
        .iter()
        .map(|n| n.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "already revoked",
            "already revoked",
            "not found in this organization",
            "not an award id or credential link",
            "listed twice"
        ]
    );
    let before = app.audit_log(org, 500, 0).await.unwrap().len();
    let ids_all: Vec<_> = [pct.id, old.id, gone.id, foreign.id].to_vec();
    let outcome = app
        .bulk_revoke(&Actor::cli(), org, &ids_all, "Course withdrawn")
        .await
        .unwrap();
    assert_eq!(outcome.revoked.len(), 2);
    assert_eq!(outcome.not_revoked.len(), 2);
    assert_eq!(
        app.award_by_id(foreign.id).await.unwrap().status,
        AwardStatus::Active
    );
    assert_eq!(
        app.award_by_id(old.id)
            .await
            .unwrap()
            .status_reason
            .as_deref(),
        Some("Course withdrawn")
    );
    assert_eq!(app.audit_log(org, 500, 0).await.unwrap().len(), before + 2);
    assert!(matches!(
        app.bulk_revoke(&Actor::cli(), org, &ids_all, " ").await,
        Err(AppError::Invalid(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awards_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awards_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres()
        .await
        .expect("ACCOLADE_TEST_POSTGRES_URL is set but unusable")
    else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}
