//! Managing awards over HTTP, on SQLite and PostgreSQL: the filtered list, one award's page
//! and its actions (CSRF-checked, by role), re-issue and renewal, the CSV export, bulk
//! revocation from the list and from a file, the expiring-soon page with its reminder
//! settings, and the audit log (admins only); another organization's award is not found.

use super::accounts::sign_up;
use super::{Browser, Http, Reply, start};
use accolade_app::{App, NewAchievement, NewAward};
use accolade_core::{
    AchievementId, Actor, Award, AwardStatus, Email, ExpiryPolicy, Membership, Role,
};
use std::sync::Arc;
use time::Duration;

const SLUG: &str = "umbrella-college";

fn location(r: &Reply) -> String {
    r.header("location").unwrap_or_default().to_owned()
}

/// A multipart post of a CSV file with the form's token.
fn post_file(b: &mut Browser<'_>, path: &str, csrf: &str, file: &str) -> Reply {
    let boundary = "accolade-awards-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ids.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    let res = b
        .http
        .agent
        .post(format!("{}{path}", b.http.base))
        .header("Cookie", b.cookie_header())
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(body.as_bytes())
        .unwrap();
    b.absorb(&res);
    Http::reply(res)
}

fn issue(app: &App, achievement: AchievementId, email: &str, name: &str, days_ago: i64) -> Award {
    let rt = tokio::runtime::Handle::current();
    let now = app.clock().now();
    rt.block_on(app.award(
        &Actor::system(),
        NewAward {
            achievement_id: achievement,
            recipient_email: email.into(),
            recipient_name: Some(name.into()),
            issued_at: Some(now - Duration::days(days_ago)),
            ..Default::default()
        },
    ))
    .unwrap()
}

fn achievement(app: &App, org: accolade_core::OrgId, name: &str) -> AchievementId {
    let rt = tokio::runtime::Handle::current();
    rt.block_on(app.create_achievement(
        &Actor::system(),
        NewAchievement {
            org_id: org,
            name: name.into(),
            description: "Laboratory safety.".into(),
            criteria_narrative: Some("Pass the test.".into()),
            expiry: ExpiryPolicy::MonthsAfterIssue(12),
            ..NewAchievement::default()
        },
    ))
    .unwrap()
    .id
}

fn status_of(app: &App, award: &Award) -> AwardStatus {
    let rt = tokio::runtime::Handle::current();
    rt.block_on(app.award_by_id(award.id)).unwrap().status
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up(http, "Ada Owner", "ada@umbrella.example");
    let created = ada.post(
        "/dashboard/orgs",
        &[
            ("csrf", &csrf),
            ("name", "Umbrella College"),
            ("url", "https://umbrella.example"),
        ],
    );
    assert_eq!(created.status, 303);
    let org = rt.block_on(app.org_by_slug(SLUG)).unwrap();
    let lab = achievement(&app, org.id, "Lab Safety");
    let grace = issue(&app, lab, "grace@example.com", "Grace Hopper", 1);
    let alan = issue(&app, lab, "alan@example.com", "Alan Turing", 2);
    let soon = issue(&app, lab, "soon@example.com", "Sam Soon", 350);
    let evil = issue(&app, lab, "evil@example.com", "=cmd|' /C calc'!A0", 3);
    let (mut eve, eve_csrf) = sign_up(http, "Eve", "eve@elsewhere.example");
    let created = eve.post(
        "/dashboard/orgs",
        &[
            ("csrf", &eve_csrf),
            ("name", "Elsewhere"),
            ("url", "https://elsewhere.example"),
        ],
    );
    assert_eq!(created.status, 303);
    let elsewhere = rt.block_on(app.org_by_slug("elsewhere")).unwrap();
    let foreign = issue(
        &app,
        achievement(&app, elsewhere.id, "Other"),
        "x@example.com",
        "X",
        1,
    );

    // The list: filters and counts.
    let base = format!("/dashboard/orgs/{SLUG}/awards");
    let all = ada.get(&base);
    assert_eq!(all.status, 200);
    assert!(all.body.contains("4 awards") && all.body.contains("Grace Hopper"));
    assert!(all.body.contains(r#"aria-current="page">Awards"#));
    let filtered = ada.get(&format!("{base}?recipient=GRACE&status=active"));
    assert!(filtered.body.contains("1 award<") && filtered.body.contains("Grace Hopper"));
    assert!(!filtered.body.contains("Alan Turing"));
    assert!(
        filtered
            .body
            .contains("export.csv?recipient=GRACE&amp;status=active")
    );
    // The search says what it finds, and refuses a term too short to search.
    assert!(all.body.contains("placeholder=\"Part of a name or email\""));
    assert!(all.body.contains("3 characters or more, any case."));
    let turing = ada.get(&format!("{base}?recipient=uring"));
    assert!(turing.body.contains("Alan Turing") && !turing.body.contains("Grace Hopper"));
    let short = ada.get(&format!("{base}?recipient=al"));
    assert_eq!(short.status, 200);
    assert!(
        short.body.contains("Type at least 3 characters") && short.body.contains("4 awards"),
        "{}",
        short.body
    );
    let bad = ada.get(&format!("{base}?from=yesterday"));
    assert!(
        bad.status == 200 && bad.body.contains("is not a date"),
        "{}",
        bad.body
    );

    // One award; another organization's award and a malformed id are not found.
    let page = ada.get(&format!("{base}/{}", grace.id));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("grace@example.com") && page.body.contains("Issued"));
    assert!(
        page.body
            .contains(&format!("/credentials/{}.json", grace.id))
    );
    assert_eq!(ada.get(&format!("{base}/{}", foreign.id)).status, 404);
    assert_eq!(ada.get(&format!("{base}/not-an-id")).status, 404);
    let stolen = ada.post(
        &format!("{base}/{}/status", foreign.id),
        &[("csrf", &csrf), ("action", "suspend"), ("reason", "")],
    );
    assert_eq!(stolen.status, 404);
    assert_eq!(status_of(&app, &foreign), AwardStatus::Active);

    // Actions: the form token is checked; suspend, reinstate, revoke (a reason required).
    let status = format!("{base}/{}/status", alan.id);
    let forged = ada.post(&status, &[("csrf", "forged"), ("action", "suspend")]);
    assert_eq!(forged.status, 403);
    assert_eq!(status_of(&app, &alan), AwardStatus::Active);
    let suspended = ada.post(
        &status,
        &[("csrf", &csrf), ("action", "suspend"), ("reason", "check")],
    );
    assert_eq!(suspended.status, 303);
    assert!(location(&suspended).ends_with("?done=suspended"));
    assert_eq!(status_of(&app, &alan), AwardStatus::Suspended);
    assert!(
        ada.get(&location(&suspended))
            .body
            .contains("is suspended until you reinstate it")
    );
    let back = ada.post(&status, &[("csrf", &csrf), ("action", "reinstate")]);
    assert_eq!(back.status, 303);
    assert_eq!(status_of(&app, &alan), AwardStatus::Active);
    let no_reason = ada.post(
        &status,
        &[("csrf", &csrf), ("action", "revoke"), ("reason", " ")],
    );
    assert_eq!(no_reason.status, 400);
    // The message is at the revoke form's reason, not above the page.
    let at_input = no_reason
        .body
        .split("id=\"f-revoke-reason-error\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        at_input.contains("Give a reason for revoking the badge"),
        "{}",
        no_reason.body
    );
    assert!(no_reason.body.contains(
        "id=\"f-revoke-reason\" name=\"reason\" type=\"text\" required maxlength=\"1000\" aria-invalid=\"true\""
    ));
    assert!(!no_reason.body.contains("f-suspend-reason-error"));
    // A reason too long for a suspension is shown at the suspend form's input.
    let long = "x".repeat(1001);
    let too_long = ada.post(
        &status,
        &[("csrf", &csrf), ("action", "suspend"), ("reason", &long)],
    );
    assert_eq!(too_long.status, 400);
    assert!(
        too_long.body.contains("id=\"f-suspend-reason-error\""),
        "{}",
        too_long.body
    );
    assert_eq!(status_of(&app, &alan), AwardStatus::Active);
    let revoked = ada.post(
        &status,
        &[("csrf", &csrf), ("action", "revoke"), ("reason", "Cheated")],
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(status_of(&app, &alan), AwardStatus::Revoked);
    let history = ada.get(&format!("{base}/{}", alan.id)).body;
    for word in ["Suspended", "Reinstated", "Revoked", "Cheated", "Ada Owner"] {
        assert!(history.contains(word), "{word}: {history}");
    }

    // Re-issue corrected: the new award's page, the old one revoked and linked.
    let fixed = ada.post(
        &format!("{base}/{}/reissue", grace.id),
        &[
            ("csrf", &csrf),
            ("email", "grace.hopper@example.com"),
            ("name", "Grace B. Hopper"),
            ("language", ""),
        ],
    );
    assert_eq!(fixed.status, 303, "{}", fixed.body);
    let new_id = location(&fixed)
        .trim_start_matches(&format!("{base}/"))
        .trim_end_matches("?done=reissued")
        .to_owned();
    let new_page = ada.get(&location(&fixed));
    assert!(new_page.body.contains("Grace B. Hopper") && new_page.body.contains("Corrects"));
    let old = rt.block_on(app.award_by_id(grace.id)).unwrap();
    assert_eq!(old.status, AwardStatus::Revoked);
    assert_eq!(old.status_reason, Some(format!("Superseded by {new_id}")));
    assert!(
        ada.get(&format!("{base}/{}", grace.id))
            .body
            .contains("Replaced by")
    );
    // The old credential's public page points every visitor at the corrected one.
    let public_old = ada.get(&format!("/credentials/{}", grace.id)).body;
    assert!(
        public_old.contains(&format!("href=\"/credentials/{new_id}\""))
            && public_old.contains("corrected credential"),
        "{public_old}"
    );
    let bad_email = ada.post(
        &format!("{base}/{}/reissue", soon.id),
        &[("csrf", &csrf), ("email", "not an email"), ("name", "Sam")],
    );
    assert_eq!(bad_email.status, 400);
    assert!(bad_email.body.contains("value=\"not an email\""));

    // Renew: a new award, the old one stays active.
    let renewed = ada.post(&format!("{base}/{}/renew", soon.id), &[("csrf", &csrf)]);
    assert_eq!(renewed.status, 303);
    assert!(location(&renewed).ends_with("?done=renewed"));
    assert_eq!(status_of(&app, &soon), AwardStatus::Active);
    let links = rt.block_on(app.award_links(soon.id)).unwrap();
    assert!(links.renewed_by.is_some());

    // Export: an attachment, every formula cell neutralized.
    let csv = ada.get(&format!("{base}/export.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"umbrella-college-awards-")
    );
    assert!(csv.body.starts_with("\"award_id\",\"credential_url\""));
    assert!(csv.body.contains("\"'=cmd|' /C calc'!A0\""), "{}", csv.body);
    assert!(!csv.body.contains(",\"=cmd"));
    assert_eq!(csv.body.lines().count(), 1 + 6);
    assert!(!csv.body.contains(&foreign.id.to_string()));

    // Bulk revoke from the list's checkboxes: confirm, then done.
    let chosen = ada.post(
        &format!("{base}/bulk-revoke"),
        &[
            ("csrf", &csrf),
            ("id", &evil.id.to_string()),
            ("id", &soon.id.to_string()),
        ],
    );
    assert_eq!(chosen.status, 200);
    assert!(
        chosen.body.contains("Revoke 2 credentials?"),
        "{}",
        chosen.body
    );
    assert_eq!(
        status_of(&app, &evil),
        AwardStatus::Active,
        "nothing until confirmed"
    );
    let confirmed = ada.post(
        &format!("{base}/bulk-revoke/confirm"),
        &[
            ("csrf", &csrf),
            ("id", &evil.id.to_string()),
            ("id", &soon.id.to_string()),
            ("reason", "Course cancelled"),
        ],
    );
    assert_eq!(confirmed.status, 200);
    assert!(
        confirmed.body.contains("Revoked 2 credentials"),
        "{}",
        confirmed.body
    );
    assert_eq!(status_of(&app, &evil), AwardStatus::Revoked);
    assert_eq!(status_of(&app, &soon), AwardStatus::Revoked);

    // … and from a file: what is not this organization's is listed, not revoked.
    let file = format!(
        "award_id\nhttps://accolade.test/credentials/{new_id}\n{}\nrubbish\n",
        foreign.id
    );
    let upload = post_file(
        &mut ada,
        &format!("{base}/bulk-revoke/upload"),
        &csrf,
        &file,
    );
    assert_eq!(upload.status, 200, "{}", upload.body);
    assert!(
        upload.body.contains("Revoke 1 credential?"),
        "{}",
        upload.body
    );
    assert!(upload.body.contains("not found in this organization"));
    assert!(upload.body.contains("not an award id or credential link"));
    let forged = post_file(
        &mut ada,
        &format!("{base}/bulk-revoke/upload"),
        "nope",
        &file,
    );
    assert_eq!(forged.status, 403);

    // Expiring soon and the reminder offsets (admins change them).
    let expiring = ada.get(&format!("{base}/expiring?days=365"));
    assert_eq!(expiring.status, 200);
    assert!(
        expiring.body.contains("value=\"30, 7\""),
        "{}",
        expiring.body
    );
    let saved = ada.post(
        &format!("{base}/expiring"),
        &[("csrf", &csrf), ("offsets", "14, 3")],
    );
    assert_eq!(saved.status, 303);
    assert_eq!(rt.block_on(app.reminder_offsets(org.id)).unwrap(), [14, 3]);
    let wrong = ada.post(
        &format!("{base}/expiring"),
        &[("csrf", &csrf), ("offsets", "400")],
    );
    assert_eq!(wrong.status, 400);
    // Refused at the input, which keeps what was typed.
    assert!(
        wrong.body.contains(
            "value=\"400\" aria-invalid=\"true\" autofocus aria-describedby=\"f-offsets-error f-offsets-hint\""
        ),
        "{}",
        wrong.body
    );
    assert!(
        wrong
            .body
            .contains("Reminders can be sent 1 to 365 days before expiry, not 400."),
        "{}",
        wrong.body
    );

    // The audit log: admins see every action; viewers and issuers are refused.
    let audit = ada.get(&format!("/dashboard/orgs/{SLUG}/audit"));
    assert_eq!(audit.status, 200);
    for action in [
        "award.suspend",
        "award.reinstate",
        "award.revoke",
        "award.reissue",
        "award.renew",
        "settings.expiry_reminders",
    ] {
        assert!(audit.body.contains(action), "{action}");
    }
    assert!(
        audit
            .body
            .contains("Ada Owner &lt;ada@umbrella.example&gt;")
    );
    let (mut vic, vic_csrf) = sign_up(http, "Vic Viewer", "vic@umbrella.example");
    let vic_user = rt
        .block_on(
            app.store()
                .user_by_email(&Email::parse("vic@umbrella.example").unwrap()),
        )
        .unwrap()
        .unwrap();
    for role in [Role::Viewer, Role::Issuer] {
        rt.block_on(app.store().remove_membership(vic_user.id, org.id))
            .unwrap();
        rt.block_on(app.store().insert_membership(&Membership {
            user_id: vic_user.id,
            org_id: org.id,
            role,
            created_at: org.created_at,
        }))
        .unwrap();
        assert_eq!(
            vic.get(&format!("/dashboard/orgs/{SLUG}/audit")).status,
            403
        );
        assert_eq!(vic.get(&base).status, 200);
        let offsets = vic.post(
            &format!("{base}/expiring"),
            &[("csrf", &vic_csrf), ("offsets", "1")],
        );
        assert_eq!(offsets.status, 403);
    }
    // An issuer acts; a viewer does not.
    let bulk = vic.get(&base);
    assert!(bulk.body.contains("Revoke selected"));
    rt.block_on(app.store().remove_membership(vic_user.id, org.id))
        .unwrap();
    rt.block_on(app.store().insert_membership(&Membership {
        user_id: vic_user.id,
        org_id: org.id,
        role: Role::Viewer,
        created_at: org.created_at,
    }))
    .unwrap();
    assert!(!vic.get(&base).body.contains("Revoke selected"));
    let refused = vic.post(
        &format!("{base}/{new_id}/status"),
        &[("csrf", &vic_csrf), ("action", "suspend")],
    );
    assert_eq!(refused.status, 403);
    // Eve is no member: the whole organization is not found.
    assert_eq!(eve.get(&base).status, 404);
    assert_eq!(
        eve.get(&format!("/dashboard/orgs/{SLUG}/audit")).status,
        404
    );

    // More than a page: links to the older page and back, by position, filter kept.
    for i in 0..55 {
        issue(
            &app,
            lab,
            &format!("pager{i}@example.com"),
            &format!("Pat Pager {i}"),
            3,
        );
    }
    let first = ada.get(&format!("{base}?recipient=example.com"));
    assert!(first.body.contains("awards</h2>"), "{}", first.body);
    let next = first
        .body
        .split("rel=\"next\"")
        .next()
        .and_then(|b| b.rsplit("href=\"").next())
        .unwrap_or_default()
        .split('"')
        .next()
        .unwrap_or_default()
        .replace("&amp;", "&");
    assert!(
        next.contains("recipient=example.com&after="),
        "{}",
        first.body
    );
    let second = ada.get(&next);
    assert_eq!(second.status, 200);
    assert!(second.body.contains("rel=\"prev\"") && second.body.contains(">Newest<"));
    assert!(!second.body.contains("rel=\"next\""), "{}", second.body);
    // Every row links its recipient; not every row has a checkbox (a revoked award cannot
    // be selected, and where it falls depends on the ids of awards made in one instant).
    let rows = |body: &str| body.matches("<td><a href=\"/dashboard/orgs/").count();
    assert!(
        rows(&first.body) == 50 && rows(&second.body) == 11,
        "{}",
        second.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn awards_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn awards_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}
