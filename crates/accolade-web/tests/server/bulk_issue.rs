//! Bulk issuing in the browser, on SQLite and PostgreSQL: upload → map the columns → a dry run
//! showing the bad row → issue → the progress JSON reaches "done" (the badge emails are in the
//! outbox, one per award); the same file again issues nothing; hostile files are refused with
//! clear messages; another organization's import is not found; a dry run discarded is gone
//! and issued nothing.

use super::accounts::{
    create_org, current_user, location, sign_up_confirmed, sign_up_member, start_with_mail,
};
use super::{Browser, Http, Reply};
use accolade_app::{App, NewAchievement};
use accolade_core::{Actor, Role};
use accolade_testkit::SmtpServer;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A multipart upload: the form's token, the achievement, then the file.
pub(super) fn upload(
    b: &mut Browser<'_>,
    slug: &str,
    csrf: &str,
    achievement: &str,
    name: &str,
    file: &[u8],
) -> Reply {
    let boundary = "accolade-bulk-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"achievement\"\r\n\r\n{achievement}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = b
        .http
        .agent
        .post(format!("{}/dashboard/orgs/{slug}/imports", b.http.base))
        .header("Cookie", b.cookie_header())
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .unwrap();
    b.absorb(&res);
    Http::reply(res)
}

/// Upload, then submit the preselected mapping: the import's page.
fn dry_run(b: &mut Browser<'_>, slug: &str, csrf: &str, achievement: &str, file: &str) -> String {
    let up = upload(b, slug, csrf, achievement, "learners.csv", file.as_bytes());
    assert_eq!(up.status, 303, "{}", up.body);
    let map = b.get(&location(&up));
    assert_eq!(map.status, 200);
    assert!(map.body.contains("Work Email") && map.body.contains("Ada Lovelace"));
    assert!(
        map.body.contains(r#"<option value="Work Email" selected>"#),
        "the email column is detected"
    );
    let action = location(&up).split('?').next().unwrap().to_owned();
    let report = b.post(
        &action,
        &[
            ("csrf", csrf),
            ("achievement", achievement),
            ("email", "Work Email"),
            ("name", "Full Name"),
            ("issued_at", ""),
        ],
    );
    assert_eq!(report.status, 303, "{}", report.body);
    location(&report)
}

fn progress(b: &mut Browser<'_>, page: &str) -> serde_json::Value {
    let r = b.get(&format!("{page}/progress"));
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up_confirmed(&app, http, "Ada Lovelace", "ada@example.com");
    let slug = create_org(&mut ada, &csrf, "Bulk Academy");
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let achievement = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the assessment.".into()),
                ..NewAchievement::default()
            },
        ))
        .unwrap()
        .id
        .to_string();
    let imports = format!("/dashboard/orgs/{slug}/imports");
    let page = ada.get(&imports);
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"enctype="multipart/form-data""#));

    // Dry run: the bad row is shown with its number and message; nothing issued yet.
    let file = "Full Name,Work Email\nAda Lovelace,ada@example.org\nBob,not-an-email\n\
                Cy,cy@example.org\nDee,dee@example.org\n";
    let page_url = dry_run(&mut ada, &slug, &csrf, &achievement, file);
    let report = ada.get(&page_url);
    assert_eq!(report.status, 200);
    assert!(report.body.contains("not-an-email"), "{}", report.body);
    assert!(report.body.contains("<td>3</td>"), "the bad row's number");
    assert!(report.body.contains("Issue 3 badges"));
    assert_eq!(progress(&mut ada, &page_url)["state"], "draft");
    let csv = ada.get(&format!("{page_url}/issues.csv"));
    assert!(csv.body.contains("\"3\",\"not-an-email\""), "{}", csv.body);

    // Issue: the request returns at once; the progress reaches done.
    let started = ada.post(&format!("{page_url}/start"), &[("csrf", &csrf)]);
    assert_eq!(started.status, 303);
    let until = Instant::now() + Duration::from_secs(30);
    let done = loop {
        let p = progress(&mut ada, &page_url);
        if p["state"] == "done" || Instant::now() > until {
            break p;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(
        (done["issued"].as_i64(), done["errors"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(done["percent"], 100);
    let outbox = rt.block_on(app.outbox(Some(org.id), 100)).unwrap();
    let badge_mails: Vec<_> = outbox
        .iter()
        .filter(|m| m.template == "badge_issued")
        .collect();
    assert_eq!(badge_mails.len(), 3, "one email per award");
    let audit = rt.block_on(app.audit_log(org.id, 50, 0)).unwrap();
    assert!(audit.iter().any(|e| e.action == "import.start"));

    // The same file again: every valid row is already awarded; nothing to issue.
    let again = dry_run(&mut ada, &slug, &csrf, &achievement, file);
    assert_ne!(again, page_url);
    let report = ada.get(&again);
    assert!(report.body.contains("already awarded"), "{}", report.body);
    assert!(report.body.contains("Nothing to issue"));
    assert_eq!(progress(&mut ada, &again)["issued"], 0);

    // Hostile files: refused on upload with a message saying why.
    for (name, bytes, why) in [
        (
            "sheet.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00binary".to_vec(),
            "not a CSV file",
        ),
        ("utf16.csv", vec![0xff, 0xfe, b'e', 0, b'm', 0], "UTF-16"),
        (
            "latin1.csv",
            b"email,name\nzoe@example.org,Zo\xeb\n".to_vec(),
            "not UTF-8",
        ),
        (
            "wide.csv",
            format!("{}\n", vec!["c"; 300].join(",")).into_bytes(),
            "columns",
        ),
        ("empty.csv", Vec::new(), "Choose a CSV file"),
    ] {
        let r = upload(&mut ada, &slug, &csrf, &achievement, name, &bytes);
        assert_eq!(r.status, 400, "{name}: {}", r.body);
        assert!(r.body.contains(why), "{name}: {}", r.body);
    }
    // Formula cells are row errors, and neutralized in the downloaded report.
    let formulas = "Full Name,Work Email\nAda Lovelace,=cmd|' /C calc'!A0\n";
    let page = dry_run(&mut ada, &slug, &csrf, &achievement, formulas);
    let csv = ada.get(&format!("{page}/issues.csv"));
    assert!(csv.body.contains("\"'=cmd|"), "{}", csv.body);
    let bad = upload(
        &mut ada,
        &slug,
        "forged",
        &achievement,
        "x.csv",
        b"email\na@example.org\n",
    );
    assert_eq!(bad.status, 403, "a forged form token is refused");

    // Viewers see imports but cannot start them; other organizations find nothing.
    let owner = current_user(&app, "ada@example.com");
    let (mut vic, vic_csrf, _) = sign_up_member(
        &app,
        http,
        &owner,
        (org.id, Role::Viewer),
        "Vic",
        "vic@example.com",
    );
    assert_eq!(vic.get(&again).status, 200);
    assert_eq!(
        vic.post(&format!("{again}/start"), &[("csrf", &vic_csrf)])
            .status,
        403
    );
    let (mut eve, eve_csrf) = sign_up_confirmed(&app, http, "Eve", "eve@example.com");
    let eve_slug = create_org(&mut eve, &eve_csrf, "Eve Academy");
    let stolen = again.replace(&slug, &eve_slug);
    assert_eq!(eve.get(&stolen).status, 404);
    assert_eq!(eve.get(&format!("{stolen}/progress")).status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bulk_issue_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let smtp = SmtpServer::start().await.unwrap();
    let (app, port) = start_with_mail(store, &smtp).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bulk_issue_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let smtp = SmtpServer::start().await.unwrap();
    let (app, port) = start_with_mail(store, &smtp).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

/// A dry-run import discarded before issuing: a forged form is refused; then the import is
/// gone (its pages 404, not listed) and nothing was issued.
fn discard_flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up_confirmed(&app, http, "Ada Lovelace", "ada@example.com");
    let slug = create_org(&mut ada, &csrf, "Discard Academy");
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let achievement = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "First Aid".into(),
                description: "Workplace first aid.".into(),
                criteria_narrative: Some("Pass the assessment.".into()),
                ..NewAchievement::default()
            },
        ))
        .unwrap()
        .id
        .to_string();
    let file = "Full Name,Work Email\nAda Lovelace,ada@example.org\nCy,cy@example.org\n";
    let page_url = dry_run(&mut ada, &slug, &csrf, &achievement, file);
    let imports = format!("/dashboard/orgs/{slug}/imports");
    assert!(ada.get(&imports).body.contains(&page_url));
    let report = ada.get(&page_url);
    assert!(
        report.body.contains(&format!("{page_url}/discard")),
        "{}",
        report.body
    );
    let (mut eve, eve_csrf) = sign_up_confirmed(&app, http, "Eve", "eve@example.com");
    assert_eq!(
        eve.post(&format!("{page_url}/discard"), &[("csrf", &eve_csrf)])
            .status,
        404,
        "another account cannot discard it"
    );
    let forged = ada.post(&format!("{page_url}/discard"), &[("csrf", "forged")]);
    assert_eq!(forged.status, 403);
    assert_eq!(ada.get(&page_url).status, 200);
    let discarded = ada.post(&format!("{page_url}/discard"), &[("csrf", &csrf)]);
    assert_eq!(discarded.status, 303, "{}", discarded.body);
    assert_eq!(location(&discarded), imports);
    assert_eq!(ada.get(&page_url).status, 404);
    assert_eq!(ada.get(&format!("{page_url}/progress")).status, 404);
    assert!(!ada.get(&imports).body.contains(&page_url));
    assert!(
        rt.block_on(app.outbox(Some(org.id), 10))
            .unwrap()
            .is_empty(),
        "nothing was issued"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn discard_import_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = super::start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| discard_flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn discard_import_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = super::start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| discard_flow(app, &http));
}
