//! What the server tests set up again and again: the application as the tests run it, the
//! server on a free loopback port, and an organization with a badge to issue.

use accolade_app::{
    App, AppConfig, MasterKey, NewAchievement, NewAward, NewOrganization, PublicUrl,
};
use accolade_core::{Achievement, Actor, Award, Clock, Organization};
use accolade_net::FetchPolicy;
use accolade_store::Store;
use std::sync::Arc;
use time::OffsetDateTime;

/// The settings of a test server on `public_url`; with `loopback`, it may fetch (and
/// resolve did:web) from loopback addresses, as for a local issuer site.
pub(super) fn config(public_url: &str, loopback: bool) -> AppConfig {
    AppConfig {
        public_url: PublicUrl::parse(public_url).unwrap(),
        fetch_policy: FetchPolicy {
            allow_loopback: loopback,
            ..FetchPolicy::default()
        },
        http_for_loopback: loopback,
    }
}

/// The application as the tests run it: a new master key, and the sign-up form open
/// without mail, since most tests sign up through it (`signup_closed.rs` checks the
/// default, closed, and `signup_confirm.rs` sign-up by email).
pub(super) fn app(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> App {
    App::new(store, clock, config, Some(MasterKey::generate().unwrap()))
        .with_sign_up_without_email(true)
}

/// Serves `app` on a free loopback port; the port.
pub(super) async fn serve(app: Arc<App>) -> u16 {
    serve_with(app, &accolade_web::ServeOptions::default()).await
}

/// Serves `app` with `options` on a free loopback port; the port. The connections' peers
/// are not passed on, so the per-client request limits do not count the tests' many posts
/// (`rate_limits.rs` serves with them).
pub(super) async fn serve_with(app: Arc<App>, options: &accolade_web::ServeOptions) -> u16 {
    log_warnings();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = accolade_web::router_with(app, options);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    port
}

/// An organization (`name`, at `slug`) with one badge, `badge`.
pub(super) async fn org_with_badge(
    app: &App,
    name: &str,
    slug: &str,
    badge: &str,
) -> (Organization, Achievement) {
    let org = app
        .create_org(NewOrganization {
            name: name.into(),
            url: format!("https://{slug}.example"),
            email: None,
            description: None,
            slug: Some(slug.into()),
        })
        .await
        .unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: badge.into(),
                description: format!("Shows {badge}."),
                criteria_narrative: Some(format!("Demonstrate {badge}.")),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    (org, achievement)
}

/// Issues `achievement` to `email`, issued at `issued_at` (default: now) and valid until
/// `valid_until` (default: the badge's policy).
pub(super) async fn issue(
    app: &App,
    achievement: &Achievement,
    email: &str,
    issued_at: Option<OffsetDateTime>,
    valid_until: Option<OffsetDateTime>,
) -> Award {
    award(
        app,
        NewAward {
            achievement_id: achievement.id,
            recipient_email: email.into(),
            issued_at,
            valid_until,
            ..Default::default()
        },
    )
    .await
}

/// Issues `achievement` now to `email`, for the earner called `name`.
pub(super) async fn issue_named(
    app: &App,
    achievement: &Achievement,
    email: &str,
    name: &str,
) -> Award {
    award(
        app,
        NewAward {
            achievement_id: achievement.id,
            recipient_email: email.into(),
            recipient_name: Some(name.into()),
            ..Default::default()
        },
    )
    .await
}

async fn award(app: &App, award: NewAward) -> Award {
    app.award(&Actor::system(), award).await.unwrap()
}

/// A page as a browser asks for it, from async test code.
pub(super) fn get_page(http: &super::Http, path: &str) -> super::Reply {
    tokio::task::block_in_place(|| http.get(path, "text/html"))
}

/// The title of a credential page's status banner.
pub(super) fn status_of(body: &str) -> &str {
    body.split_once("<p class=\"banner-title\">")
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map_or("no banner", |(title, _)| title.trim())
}

/// Warnings and errors the server logs (a 500's or 503's cause, with its request id) go to
/// the test's captured output, so a failing test shows why the server answered as it did.
fn log_warnings() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_max_level(tracing::Level::WARN)
        .try_init();
}
