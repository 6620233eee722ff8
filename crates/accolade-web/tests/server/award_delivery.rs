//! One award's page tells its whole story and gets the badge to its earner, on SQLite and
//! PostgreSQL: the history shows the issue, the badge email and what became of it (no mail
//! server here: kept unsent), views and the claim, in time order; revoking needs the award
//! page's form with a reason (the overview has no one-click revoke); "Resend email" queues
//! another badge email and "Copy claim link" shows a fresh link once, which claims the badge;
//! both are in the audit log.

use super::accounts::{create_org, location, sign_up};
use super::{Browser, Http, hidden_csrf, start_with_clock};
use accolade_app::{App, NewAchievement, NewAward};
use accolade_core::{Actor, ExpiryPolicy, FixedClock};
use std::sync::Arc;
use time::Duration;

/// The claim link shown on the page (its token).
fn shown_claim_token(body: &str) -> Option<String> {
    super::link_token(body, "claim")
}

/// Where `needle` first appears in the history list.
fn in_history(body: &str, needle: &str) -> usize {
    let history = body.find("id=\"history-title\"").expect("a history");
    body[history..]
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} is not in the history: {}", &body[history..]))
}

fn flow(app: Arc<App>, clock: Arc<FixedClock>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up(http, "Ada Owner", "ada@delivery.example");
    let slug = create_org(&mut ada, &csrf, "Delivery College");
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let lab = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Lab Safety".into(),
                description: "Laboratory safety.".into(),
                criteria_narrative: Some("Pass the test.".into()),
                expiry: ExpiryPolicy::Never,
                ..NewAchievement::default()
            },
        ))
        .unwrap();
    let award = rt
        .block_on(app.award(
            &Actor::system(),
            NewAward {
                achievement_id: lab.id,
                recipient_email: "grace@example.com".into(),
                recipient_name: Some("Grace Hopper".into()),
                ..Default::default()
            },
        ))
        .unwrap();
    let page_url = format!("/dashboard/orgs/{slug}/awards/{}", award.id);

    // The overview leads to the award's page; it has no revoke button of its own.
    let overview = ada.get(&format!("/dashboard/orgs/{slug}"));
    assert!(overview.body.contains(&page_url), "{}", overview.body);
    assert!(!overview.body.contains("/status\""));
    assert!(!overview.body.contains(">Revoke<"));
    // Revoking without a reason is refused on the award's page: it is a confirmed step.
    let csrf = hidden_csrf(&ada.get(&page_url).body);
    let refused = ada.post(
        &format!("{page_url}/status"),
        &[("csrf", &csrf), ("action", "revoke"), ("reason", " ")],
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("f-revoke-reason"));
    assert_eq!(
        rt.block_on(app.award_by_id(award.id)).unwrap().status,
        accolade_core::AwardStatus::Active
    );

    // The email job runs without a mail server: the message is kept unsent.
    clock.advance(Duration::minutes(1));
    rt.block_on(app.run_jobs("test", 10)).unwrap();
    clock.advance(Duration::minutes(1));
    // Someone views the public page.
    let mut visitor = Browser::new(http);
    assert_eq!(
        visitor.get(&format!("/credentials/{}", award.id)).status,
        200
    );
    rt.block_on(app.flush_events());
    clock.advance(Duration::minutes(1));

    let page = ada.get(&page_url);
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Nothing recorded"));
    let issued = in_history(&page.body, "Issued");
    let email = in_history(&page.body, "Badge email not sent: no mail server is set up");
    let viewed = in_history(&page.body, "Viewed");
    assert!(issued < email && email < viewed, "{}", page.body);
    assert!(page.body.contains("to grace@example.com"));
    assert!(page.body.contains("No mail server is set up"));
    assert!(page.body.contains(">Resend email<") && page.body.contains(">Copy claim link<"));

    // Resend: a second badge email is queued, the page says so, the audit log records it.
    let csrf = hidden_csrf(&page.body);
    let forged = ada.post(&format!("{page_url}/resend"), &[("csrf", "forged")]);
    assert_eq!(forged.status, 403);
    let resent = ada.post(&format!("{page_url}/resend"), &[("csrf", &csrf)]);
    assert_eq!(resent.status, 303, "{}", resent.body);
    assert_eq!(location(&resent), format!("{page_url}?done=resent"));
    let mails = rt.block_on(app.outbox(Some(org.id), 100)).unwrap();
    let badge_mails = mails
        .iter()
        .filter(|m| m.award_id == Some(award.id) && m.template == "badge_issued")
        .count();
    assert_eq!(badge_mails, 2);
    let page = ada.get(&format!("{page_url}?done=resent"));
    assert!(page.body.contains("The badge email was queued again"));
    let history = &page.body[page.body.find("history-title").unwrap_or(0)..];
    assert!(
        in_history(&page.body, "Email sent again") > in_history(&page.body, "Viewed"),
        "{history}"
    );
    assert!(in_history(&page.body, "Badge email queued") > 0);

    // Copy claim link: a fresh link, shown once, that claims the badge.
    clock.advance(Duration::minutes(1));
    let made = ada.post(&format!("{page_url}/claim-link"), &[("csrf", &csrf)]);
    assert_eq!(made.status, 200, "{}", made.body);
    assert!(made.body.contains("shown only this once"));
    assert!(made.body.contains(">Copy link<"));
    let token = shown_claim_token(&made.body).expect("a claim link on the page");
    assert!(!ada.get(&page_url).body.contains(&token), "shown once");
    let audit = ada.get(&format!("/dashboard/orgs/{slug}/audit"));
    assert!(audit.body.contains("award.claim_link") && audit.body.contains("award.resend_email"));

    let (mut grace, _) = sign_up(http, "Grace Hopper", "grace.hopper@example.com");
    let claim = format!("/claim/{token}");
    let csrf = hidden_csrf(&grace.get(&claim).body);
    clock.advance(Duration::minutes(1));
    let claimed = grace.post(&claim, &[("csrf", &csrf)]);
    assert_eq!(claimed.status, 303, "{}", claimed.body);
    let page = ada.get(&page_url);
    assert!(
        in_history(&page.body, "Claimed by the earner") > in_history(&page.body, "Claim link made")
    );
    // Claimed: nothing left to deliver.
    assert!(!page.body.contains(">Copy claim link<"));

    // Another organization's member cannot make links for it.
    let (mut eve, eve_csrf) = sign_up(http, "Eve", "eve@elsewhere.example");
    let denied = eve.post(&format!("{page_url}/claim-link"), &[("csrf", &eve_csrf)]);
    assert_eq!(denied.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn award_delivery_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let clock = Arc::new(FixedClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_796_000_000).unwrap(),
    ));
    let (app, port) = start_with_clock(store, clock.clone()).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, clock, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn award_delivery_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let clock = Arc::new(FixedClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_796_000_000).unwrap(),
    ));
    let (app, port) = start_with_clock(store, clock.clone()).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, clock, &http));
}
