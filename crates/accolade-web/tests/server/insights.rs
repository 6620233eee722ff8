//! The insight dashboard over HTTP, on SQLite and PostgreSQL: the page shows the period's
//! numbers with every chart an accessible inline SVG (title, description, table), the
//! period and badge form narrows it, each chart's CSV has its header row and the same
//! numbers, a bad period is explained, and non-members find nothing.

use super::accounts::sign_up;
use super::{Http, start};
use accolade_app::analytics::{Client, EventKind};
use accolade_app::{App, NewAchievement, NewAward};
use accolade_core::{AchievementId, Actor, Award, ExpiryPolicy};
use std::sync::Arc;
use time::Duration;

const SLUG: &str = "umbrella-college";

fn achievement(app: &App, org: accolade_core::OrgId, name: &str) -> AchievementId {
    let rt = tokio::runtime::Handle::current();
    rt.block_on(app.create_achievement(
        &Actor::system(),
        NewAchievement {
            org_id: org,
            name: name.into(),
            description: "Laboratory safety.".into(),
            criteria_narrative: Some("Pass the test.".into()),
            expiry: ExpiryPolicy::MonthsAfterIssue(1),
            ..NewAchievement::default()
        },
    ))
    .unwrap()
    .id
}

fn issue(app: &App, achievement: AchievementId, email: &str, days_ago: i64) -> Award {
    let rt = tokio::runtime::Handle::current();
    let now = app.clock().now();
    rt.block_on(app.award(
        &Actor::system(),
        NewAward {
            achievement_id: achievement,
            recipient_email: email.into(),
            issued_at: Some(now - Duration::days(days_ago)),
            ..Default::default()
        },
    ))
    .unwrap()
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
    let evil = achievement(&app, org.id, "=HYPERLINK(\"x\")");
    let grace = issue(&app, lab, "grace@example.com", 1);
    issue(&app, lab, "alan@example.com", 2);
    issue(&app, evil, "old@example.com", 100);
    let visitor = Client::new(Some("203.0.113.9".parse().unwrap()), Some("Firefox"));
    for _ in 0..3 {
        app.record_event(grace.id, EventKind::View, "", &visitor);
    }
    app.record_event(grace.id, EventKind::Share, "linkedin", &visitor);
    rt.block_on(app.flush_events());
    let today = app.clock().now().date();

    // The page: last 30 days by default, every chart an image with a text alternative.
    let base = format!("/dashboard/orgs/{SLUG}/insights");
    let page = ada.get(&base);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r#"aria-current="page">Insights"#));
    assert!(page.body.contains("All badges, "));
    let kpi = |body: &str, label: &str| -> String {
        let at = body
            .find(&format!("<dt>{label}</dt>"))
            .unwrap_or_else(|| panic!("no {label}"));
        let rest = &body[at..];
        let v = rest.find("kpi-value\">").unwrap() + "kpi-value\">".len();
        rest[v..].split('<').next().unwrap().to_owned()
    };
    assert_eq!(kpi(&page.body, "Issued"), "2");
    assert_eq!(kpi(&page.body, "Views"), "3");
    assert_eq!(kpi(&page.body, "Shares"), "1");
    assert_eq!(kpi(&page.body, "Expiring soon"), "2");
    for id in [
        "chart-awards",
        "chart-engagement",
        "chart-funnel",
        "chart-channels",
        "chart-badges",
    ] {
        assert!(
            page.body.contains(&format!(
                r#"role="img" aria-labelledby="{id}-title {id}-desc""#
            )),
            "{id} is an image named by its title and description"
        );
        assert!(page.body.contains(&format!("<title id=\"{id}-title\">")));
        assert!(page.body.contains(&format!("<desc id=\"{id}-desc\">")));
    }
    assert_eq!(page.body.matches("Show as a table").count(), 5);
    assert!(
        page.body
            .contains("<th scope=\"row\">Post on LinkedIn</th><td>1</td>")
    );
    assert!(page.body.contains("Views: 3 in total"));
    assert!(
        page.body
            .contains(&format!("{base}/daily.csv?range=30&amp;from="))
    );

    // A year; one badge.
    let year = ada.get(&format!("{base}?range=365"));
    assert_eq!(kpi(&year.body, "Issued"), "3");
    assert!(
        year.body
            .contains(r#"<option value="365" selected>Last 365 days</option>"#)
    );
    let one = ada.get(&format!("{base}?range=365&badge={evil}"));
    assert_eq!(one.status, 200);
    assert_eq!(kpi(&one.body, "Issued"), "1");
    assert_eq!(kpi(&one.body, "Views"), "0");
    assert!(
        !one.body.contains("chart-badges"),
        "no top badges for one badge"
    );

    // CSV: a header row, one row per day, the same numbers.
    let csv = ada.get(&format!("{base}/daily.csv?range=7"));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .starts_with(&format!("attachment; filename=\"{SLUG}-insights-daily-"))
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "date,issued,claimed,accepted,shares,views,verifications,linkedin_adds,downloads,\
         embed_impressions,badges_shared,badges_viewed"
    );
    assert_eq!(lines.len(), 8);
    let yesterday = today - Duration::days(1);
    assert!(
        lines[6].starts_with(&format!("{yesterday},1,0,0,0,0,")),
        "{}",
        lines[6]
    );
    assert!(
        lines[7].starts_with(&format!("{today},0,0,0,1,3,")),
        "{}",
        lines[7]
    );
    let badges = ada.get(&format!("{base}/badges.csv?range=365"));
    assert_eq!(badges.status, 200);
    assert!(badges.body.starts_with("badge_id,badge,issued,"));
    assert!(
        badges
            .body
            .contains(&format!("{lab},Lab Safety,2,0,0,1,3,"))
    );
    assert!(
        badges
            .body
            .contains(&format!("{evil},\"'=HYPERLINK(\"\"x\"\")\",1,")),
        "a formula-like name is neutralized: {}",
        badges.body
    );
    let funnel = ada.get(&format!("{base}/funnel.csv"));
    assert_eq!(
        funnel.body,
        "step,count,rate_of_previous\nissued,2,\nclaimed,0,0.0000\nshared,1,\nviewed,1,1.0000\n"
    );
    assert_eq!(ada.get(&format!("{base}/nope.csv")).status, 404);

    // A bad period is explained; the default one is shown.
    let bad = ada.get(&format!(
        "{base}?range=custom&from=2026-02-01&to=2026-01-01"
    ));
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("The start date is after the end date"));
    assert!(bad.body.contains("chart-awards-title"));
    assert_eq!(
        ada.get(&format!("{base}/daily.csv?range=custom&from=x"))
            .status,
        400
    );

    // Someone else's organization is not found.
    let (mut eve, _) = sign_up(http, "Eve", "eve@elsewhere.example");
    assert_eq!(eve.get(&base).status, 404);
    assert_eq!(eve.get(&format!("{base}/daily.csv")).status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn insights_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn insights_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}
