//! Bulk issuing from CSV, on SQLite and on PostgreSQL: the dry run's exact row errors and its
//! neutralized CSV export, issuing N-1 of N rows with every credential verifying, re-running
//! the same file (nothing issued twice), a dead worker's lease taken over on resume, and an
//! uploaded file read by another server of the same database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use accolade_app::bulk::{ColumnMapping, ImportLimits, ImportProgress};
use accolade_app::{
    App, AppConfig, AppError, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{AchievementId, Actor, AwardId, ExpiryPolicy, FixedClock, ImportId};
use accolade_credentials::verify::Verdict;
use accolade_net::FetchPolicy;
use accolade_store::{ImportLease, ImportState, RowState, Store};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::macros::datetime;

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let p = std::env::temp_dir().join(format!("accolade-bulk-{}", AwardId::new()));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn setup(store: Store) -> (Arc<App>, Arc<FixedClock>, AchievementId) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let config = AppConfig {
        public_url: PublicUrl::parse("https://badges.example.org").unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    let master = MasterKey::generate().unwrap();
    let app = Arc::new(App::new(store, clock.clone(), config, Some(master)));
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
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the practical assessment.".into()),
                expiry: ExpiryPolicy::MonthsAfterIssue(24),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    (app, clock, achievement.id)
}

async fn import(
    app: &App,
    achievement: AchievementId,
    path: &Path,
) -> accolade_app::bulk::ImportReport {
    app.import_csv(
        &Actor::cli(),
        achievement,
        path,
        &ColumnMapping::default(),
        ImportLimits::default(),
    )
    .await
    .unwrap()
}

/// Badge-issued emails in the outbox, by award: every award must have exactly one.
async fn badge_mails(app: &App, achievement: AchievementId) -> HashMap<AwardId, usize> {
    let org = app.achievement(achievement).await.unwrap().org_id;
    let mut by_award = HashMap::new();
    for m in app.outbox(Some(org), 1_000_000).await.unwrap() {
        if m.template == "badge_issued" {
            *by_award.entry(m.award_id.unwrap()).or_insert(0) += 1;
        }
    }
    by_award
}

async fn dry_run_reports_exact_row_errors(
    app: &Arc<App>,
    achievement: AchievementId,
    dir: &TempDir,
) {
    app.award(
        &Actor::system(),
        NewAward {
            achievement_id: achievement,
            recipient_email: "earlier@example.com".into(),
            recipient_name: None,
            issued_at: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let long = "x".repeat(1001);
    let csv = format!(
        "Full Name,Email Address,Issue Date,Notes\n\
         Ada Lovelace,ada@example.com,2026-01-15,ok\n\
         Bob,not-an-email,,\n\
         Ada again,ADA@Example.com,,\n\
         Earl,earlier@example.com,,\n\
         No Mail,,,\n\
         {long},long@example.com,,\n\
         \"=HYPERLINK(\"\"http://evil.example\"\")\",=cmd|' /C calc'!A0,,\n\
         Grace,grace@example.com,2026-13-45,\n"
    );
    let path = dir.write("errors.csv", &csv);
    let report = import(app, achievement, &path).await;
    let i = &report.import;
    assert_eq!(i.state, ImportState::Draft);
    assert_eq!((i.total_rows, i.skipped_rows, i.error_rows), (8, 2, 5));
    assert_eq!(report.columns.email, "Email Address");
    assert_eq!(report.columns.name.as_deref(), Some("Full Name"));
    let got: Vec<(i64, RowState, String)> = report
        .issues
        .iter()
        .map(|r| (r.row_number, r.state, r.error.clone().unwrap_or_default()))
        .collect();
    let want = [
        (
            3,
            RowState::Error,
            "'not-an-email' is not an email address (expected name@domain)",
        ),
        (4, RowState::Skipped, "duplicate: the same email as row 2"),
        (
            5,
            RowState::Skipped,
            "already awarded: this achievement was issued to this email before",
        ),
        (6, RowState::Error, "the email address is missing"),
        (
            7,
            RowState::Error,
            "the \"Full Name\" cell is longer than 1000 characters",
        ),
        (
            8,
            RowState::Error,
            "'=cmd|' /C calc'!A0' is not an email address (expected name@domain)",
        ),
        (
            9,
            RowState::Error,
            "the issue date \"2026-13-45\" is not a date (use 2026-03-01 or 2026-03-01T09:30:00Z)",
        ),
    ];
    let want: Vec<(i64, RowState, String)> = want
        .iter()
        .map(|(n, s, e)| (*n, *s, (*e).to_owned()))
        .collect();
    assert_eq!(got, want);

    // The exported report: every cell quoted, formula-looking cells neutralized.
    let mut out = Vec::new();
    let n = app.write_import_issues_csv(i.id, &mut out).await.unwrap();
    assert_eq!(n, 7);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("\"row\",\"email\",\"name\",\"issued_at\",\"outcome\",\"problem\"\n"));
    assert!(
        text.contains("\"8\",\"'=cmd|' /C calc'!A0\",\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
        "{text}"
    );
    assert!(!text.contains(",\"=") && !text.contains(",="), "{text}");

    // Issuing it issues the one valid row; the same file again finds nothing left to do.
    let done = app.run_import(i.id, false, |_| {}).await.unwrap();
    assert_eq!((done.state, done.issued_rows), (ImportState::Done, 1));
    let again = import(app, achievement, &path).await;
    assert_ne!(again.import.id, i.id);
    assert_eq!(again.import.skipped_rows, 3); // ada (issued now), her duplicate, earlier
    let again = app
        .run_import(again.import.id, false, |_| {})
        .await
        .unwrap();
    assert_eq!(again.issued_rows, 0);
}

async fn issues_n_minus_one_once(app: &Arc<App>, achievement: AchievementId, dir: &TempDir) {
    let n = 2_500; // several chunks
    let mut csv = String::from("email,name\n");
    for k in 0..n {
        if k == 1234 {
            csv.push_str("broken-address,Bad Row\n");
        } else {
            csv.push_str(&format!("learner{k}@example.org,Learner {k}\n"));
        }
    }
    let path = dir.write("people.csv", &csv);
    let report = import(app, achievement, &path).await;
    assert_eq!((report.import.total_rows, report.import.error_rows), (n, 1));
    let mut seen = Vec::new();
    let done = app
        .run_import(report.import.id, false, |p: ImportProgress| seen.push(p))
        .await
        .unwrap();
    assert_eq!(
        (done.issued_rows, done.error_rows, done.skipped_rows),
        (n - 1, 1, 0)
    );
    assert_eq!(seen.first().map(ImportProgress::done), Some(1)); // the invalid row
    assert_eq!(seen.last().map(ImportProgress::done), Some(n));

    // Every row issued exactly once, each credential verifies with the right recipient.
    let rows = app
        .store()
        .import_rows(done.id, false, 0, 10_000)
        .await
        .unwrap();
    let issued: Vec<_> = rows
        .iter()
        .filter(|r| r.state == RowState::Issued)
        .collect();
    assert_eq!(issued.len() as i64, n - 1);
    let ids: HashSet<AwardId> = issued.iter().map(|r| r.award_id.unwrap()).collect();
    assert_eq!(ids.len() as i64, n - 1);
    let mut indices = HashSet::new();
    for (k, row) in issued.iter().enumerate() {
        let award = app.award_by_id(row.award_id.unwrap()).await.unwrap();
        assert_eq!(Some(award.recipient_email.as_str()), row.email.as_deref());
        assert!(indices.insert(award.status_index), "status index reused");
        if k % 10 == 0 || k + 1 == issued.len() {
            let email = accolade_core::Email::parse(row.email.as_deref().unwrap()).unwrap();
            let report = app.verify(award.credential.into_bytes(), Some(email)).await;
            assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
        }
    }

    // One badge-issued email per award, queued with it.
    let mails = badge_mails(app, achievement).await;
    assert!(
        ids.iter().all(|id| mails.get(id) == Some(&1)),
        "one email per award"
    );
    let queued_before = mails.len();
    // Queueing them again (as for an import issued before emails went with the chunks)
    // queues nothing: the outbox is idempotent by award.
    let ids: Vec<AwardId> = ids.into_iter().collect();
    assert_eq!(app.queue_award_emails(&ids[..50]).await.unwrap(), 0);

    // The same file again: a new import in which every row is already awarded.
    let again = import(app, achievement, &path).await;
    assert!(!again.resumed);
    assert_eq!(
        (again.import.skipped_rows, again.import.error_rows),
        (n - 1, 1)
    );
    let again = app
        .run_import(again.import.id, false, |_| {})
        .await
        .unwrap();
    assert_eq!(again.issued_rows, 0);
    let mails = badge_mails(app, achievement).await;
    assert_eq!(mails.len(), queued_before, "the re-run queued no email");
    assert!(mails.values().all(|n| *n == 1));
}

async fn dead_worker_is_taken_over(
    app: &Arc<App>,
    clock: &FixedClock,
    achievement: AchievementId,
    dir: &TempDir,
) {
    let path = dir.write("late.csv", "email\nlate1@example.net\nlate2@example.net\n");
    let report = import(app, achievement, &path).await;
    let id: ImportId = report.import.id;
    // A worker leases the import and dies.
    let dead = ImportLease {
        owner: "dead worker".into(),
        until: clock_now(clock) + time::Duration::seconds(15),
    };
    let store = app.store();
    assert!(
        store
            .lease_import(id, &dead, clock_now(clock))
            .await
            .unwrap()
            .is_some()
    );
    let busy = app.run_import(id, false, |_| {}).await;
    assert!(matches!(busy, Err(AppError::Conflict(_))), "{busy:?}");
    // The same file again finds the unfinished import rather than starting another.
    let same = import(app, achievement, &path).await;
    assert!(same.resumed);
    assert_eq!(same.import.id, id);
    // Once the lease has run out, a restart resumes it.
    clock.advance(time::Duration::seconds(16));
    let resumed = app.resume_imports(|_, _| {}).await.unwrap();
    assert_eq!(resumed.len(), 1);
    assert_eq!((resumed[0].id, resumed[0].issued_rows), (id, 2));
    let mails = badge_mails(app, achievement).await;
    for row in app.store().import_rows(id, false, 0, 10).await.unwrap() {
        assert_eq!(
            mails.get(&row.award_id.unwrap()),
            Some(&1),
            "resumed: one email each"
        );
    }
    // Started from the web, an import is issued by whoever takes it first: here the resumer.
    let path = dir.write(
        "later.csv",
        "email
later@example.net
",
    );
    let report = import(app, achievement, &path).await;
    let started = app
        .start_import(&Actor::system(), report.import.id)
        .await
        .unwrap();
    assert_eq!(started.state, ImportState::Running);
    let resumed = app.resume_imports(|_, _| {}).await.unwrap();
    assert_eq!((resumed.len(), resumed[0].issued_rows), (1, 1));
    let audit = app.audit_log(report.import.org_id, 100, 0).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "import.start" && e.target == report.import.id.to_string())
    );
    assert!(audit.iter().any(|e| e.action == "import.upload"));
    // The dead worker's late commit is refused (fencing): nothing it signed is stored.
    let late = store
        .commit_import_chunk(id, &dead, &accolade_store::ImportChunk::default())
        .await;
    assert!(late.is_err());
}

fn clock_now(clock: &FixedClock) -> time::OffsetDateTime {
    use accolade_core::Clock as _;
    clock.now()
}

/// A file uploaded to one server is read by another (a second `App` on the same database,
/// whose staging directory lacks the file), and gone everywhere once discarded.
async fn upload_reaches_another_server(app: &App, store: Store, achievement: AchievementId) {
    let org = app.achievement(achievement).await.unwrap().org_id;
    let staged = app.stage_upload(org, "../People List.csv").unwrap();
    let text = "email,name\nada@example.org,Ada\n";
    std::fs::write(&staged.path, text).unwrap();
    app.keep_upload(org, &staged.token, &staged.path)
        .await
        .unwrap();
    // The other server has no copy of its own.
    std::fs::remove_dir_all(staged.path.parent().unwrap()).unwrap();
    let config = app.config().clone();
    let other = App::new(store, Arc::new(accolade_core::SystemClock), config, None);
    let there = other.staged_upload(org, &staged.token).await.unwrap();
    assert_eq!(std::fs::read_to_string(&there).unwrap(), text);
    assert_eq!(there.file_name().unwrap(), "People List.csv");
    assert!(matches!(
        other
            .staged_upload(accolade_core::OrgId::new(), &staged.token)
            .await,
        Err(AppError::NotFound(_))
    ));
    // Used and discarded by the first server (its own copy lives on its own disk): the copy
    // the second one wrote is no good any more, and is deleted.
    app.discard_upload(&staged.token, Path::new("/elsewhere/People List.csv"))
        .await;
    assert!(matches!(
        other.staged_upload(org, &staged.token).await,
        Err(AppError::NotFound(_))
    ));
    assert!(!there.exists());
}

async fn story(store: Store) {
    let (app, clock, achievement) = setup(store.clone()).await;
    upload_reaches_another_server(&app, store, achievement).await;
    let dir = TempDir::new();
    dry_run_reports_exact_row_errors(&app, achievement, &dir).await;
    issues_n_minus_one_once(&app, achievement, &dir).await;
    dead_worker_is_taken_over(&app, &clock, achievement, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_on_postgres() {
    let Some(test_store) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = test_store.into_parts();
    story(store).await;
}

/// A server told to stop (SIGTERM) stops its import between two chunks and hands the lease
/// back: what was committed stays, the rest is pending, and another worker takes the import
/// at once rather than after the lease would have run out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_server_hands_its_import_back() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, clock, achievement) = setup(store).await;
    let dir = TempDir::new();
    let mut csv = String::from("email\n");
    for i in 0..5000 {
        csv.push_str(&format!("stop{i}@example.net\n"));
    }
    let path = dir.write("stop.csv", &csv);
    let id = import(&app, achievement, &path).await.import.id;
    app.start_import(&Actor::system(), id).await.unwrap();
    let stopping = app.clone();
    let stopped = app
        .run_import(id, false, move |p: ImportProgress| {
            if p.issued > 0 {
                stopping.begin_shutdown();
            }
        })
        .await;
    assert!(matches!(stopped, Err(AppError::Conflict(_))), "{stopped:?}");
    assert_eq!(
        app.wait_imports_stopped(std::time::Duration::from_secs(5))
            .await
            .unwrap(),
        0
    );
    let left = app.import(id).await.unwrap();
    assert_eq!(left.state, ImportState::Running);
    assert_eq!((left.lease_owner, left.lease_until), (None, None));
    assert_eq!(left.issued_rows, 2000);
    let next = ImportLease {
        owner: "another node".into(),
        until: clock_now(&clock) + time::Duration::seconds(15),
    };
    let taken = app
        .store()
        .lease_import(id, &next, clock_now(&clock))
        .await
        .unwrap();
    assert!(taken.is_some(), "the lease was not handed back");
    // Stopping: no new import run starts here.
    let refused = app.run_import(id, false, |_| {}).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
}
