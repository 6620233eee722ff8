//! One award: its details, links to its re-issue or renewal, its history from the audit
//! log, the reminders sent, and the actions an issuer may take on it.

use super::{award_url, org_award};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{check_csrf, html, member_org, nav, require};
use crate::views::{AwardDetailView, HistoryRow, Layout, Refusal, RelatedView};
use crate::{format_date, format_datetime};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_app::awards::OutboxState;
use accolade_app::awards::{Correction, TimelineEntry, TimelineWhat};
use accolade_core::{Actor, Award, Organization, Role};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, Default, serde::Deserialize)]
pub struct DetailQuery {
    /// The action just done: a known key, never free text.
    #[serde(default)]
    done: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct StatusForm {
    csrf: String,
    action: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct ReissueForm {
    csrf: String,
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    language: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct RenewForm {
    csrf: String,
}

fn done_notice(key: Option<&str>) -> Option<String> {
    let text = match key? {
        "revoked" => "The credential was revoked; its status list changed at once.",
        "suspended" => "The credential is suspended until you reinstate it.",
        "reinstated" => "The credential was reinstated and verifies again.",
        "reissued" => "This corrected credential replaces the old one, which is now revoked.",
        "renewed" => "This renewal was issued; the old credential stays valid until it expires.",
        "resent" => "The badge email was queued again, with a new claim link.",
        _ => return None,
    };
    Some(text.to_owned())
}

/// How the history names an audit action.
fn action_words(action: &str) -> String {
    match action {
        "award.issue" => "Issued",
        "award.revoke" => "Revoked",
        "award.suspend" => "Suspended",
        "award.reinstate" => "Reinstated",
        "award.reissue" => "Issued as a correction",
        "award.renew" => "Renewed",
        "award.resend_email" => "Email sent again",
        "award.claim_link" => "Claim link made",
        other => other,
    }
    .to_owned()
}

/// How the history names an email and its delivery.
fn email_words(template: &str, state: OutboxState) -> String {
    let what = match template {
        "badge_issued" => "Badge email",
        "revocation" => "Revocation email",
        "expiry_reminder" => "Expiry reminder email",
        _ => "Email",
    };
    let fate = match state {
        OutboxState::Queued => "queued",
        OutboxState::Sent => "sent",
        OutboxState::Unsent => "not sent: no mail server is set up",
        OutboxState::Failed => "failed",
    };
    format!("{what} {fate}")
}

/// How the history names analytics events: one event, or a rolled-up day's count.
fn event_words(kind: &str, channel: &str, count: i64, daily: bool) -> String {
    let what = match kind {
        "view" => "Viewed",
        "verification" => "Verified",
        "share" => "Shared",
        "download" => "Downloaded",
        "linkedin_add" => "Added to LinkedIn",
        "embed_impression" => "Shown embedded",
        other => other,
    };
    let via = match (kind, channel) {
        (_, "") => String::new(),
        ("download", format) => format!(" as {format}"),
        ("share", to) => format!(" to {to}"),
        _ => String::new(),
    };
    match (daily, count) {
        (false, _) => format!("{what}{via}"),
        (true, 1) => format!("{what}{via} once that day"),
        (true, n) => format!("{what}{via} {n} times that day"),
    }
}

fn history_row(e: TimelineEntry) -> HistoryRow {
    match e.what {
        TimelineWhat::Action {
            action,
            actor,
            detail,
        } => HistoryRow {
            when: format_datetime(e.at),
            who: actor,
            what: action_words(&action),
            detail,
        },
        TimelineWhat::Email {
            template,
            to,
            state,
            error,
        } => HistoryRow {
            when: format_datetime(e.at),
            who: String::new(),
            what: email_words(&template, state),
            detail: match (state, error) {
                (OutboxState::Failed, Some(error)) => format!("to {to}: {error}"),
                _ => format!("to {to}"),
            },
        },
        TimelineWhat::Claimed => HistoryRow {
            when: format_datetime(e.at),
            who: String::new(),
            what: "Claimed by the earner".to_owned(),
            detail: String::new(),
        },
        TimelineWhat::Events {
            kind,
            channel,
            count,
            daily,
        } => HistoryRow {
            when: if daily {
                format_date(e.at)
            } else {
                format_datetime(e.at)
            },
            who: String::new(),
            what: event_words(&kind, &channel, count, daily),
            detail: String::new(),
        },
    }
}

/// What the page says above its details: what was just done, and a claim link just made
/// (shown this once).
#[derive(Debug, Default)]
struct Said {
    notice: Option<String>,
    claim_link: Option<String>,
}

/// What the re-issue form shows when it is not echoing a submission.
struct Submitted {
    email: String,
    name: String,
    language: String,
}

async fn detail_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    award: &Award,
    said: Said,
    refused: Option<Refused>,
) -> Result<Response, WebError> {
    let Said { notice, claim_link } = said;
    let slug = org.slug.to_string();
    let achievement = app.achievement(award.achievement_id).await?;
    let links = app.award_links(award.id).await?;
    let now = app.clock().now();
    let state = award.state_at(now);
    let related = [
        ("Replaced by", links.replaced_by),
        ("Corrects", links.replaces),
        ("Renewed by", links.renewed_by),
        ("Renews", links.renewal_of),
    ]
    .into_iter()
    .filter_map(|(label, id)| {
        id.map(|id| RelatedView {
            label: label.to_owned(),
            id: id.to_string(),
            url: award_url(&slug, id),
        })
    })
    .collect();
    let history = app
        .award_timeline(award)
        .await?
        .into_iter()
        .map(history_row)
        .collect();
    let delivery = app.delivery_help(award).await?;
    let reminders = app
        .reminders_sent(award.id)
        .await?
        .into_iter()
        .map(|(days, at)| format!("{days} days before, sent {}", format_date(at)))
        .collect();
    let issuer = role >= Role::Issuer;
    let actions = accolade_app::awards::AwardActions::of(award, &links);
    let (status, (field_error, message), submitted) = match refused {
        Some(r) => (
            r.status,
            r.refusal.place_in(&mut [], &DRAWN_INPUTS),
            r.submitted,
        ),
        None => (StatusCode::OK, (None, None), None),
    };
    let submitted = submitted.unwrap_or_else(|| Submitted {
        email: award.recipient_email.as_str().to_owned(),
        name: award.recipient_name.clone().unwrap_or_default(),
        language: String::new(),
    });
    let recipient = award
        .recipient_name
        .clone()
        .unwrap_or_else(|| award.recipient_email.as_str().to_owned());
    let view = AwardDetailView {
        layout: Layout::new(
            format!("{} · {recipient}", achievement.name),
            "One award of the organization",
        )
        .with_user(nav(user)),
        slug: slug.clone(),
        csrf: user.csrf_token.clone(),
        id: award.id.to_string(),
        recipient_name: award.recipient_name.clone(),
        recipient_email: award.recipient_email.as_str().to_owned(),
        achievement: achievement.name.clone(),
        issued_on: format_date(award.issued_at),
        expires_on: award.valid_until.map(format_date),
        status: state.as_str().to_owned(),
        status_reason: award.status_reason.clone(),
        status_changed_on: award.status_changed_at.map(format_datetime),
        public_url: format!("/credentials/{}", award.id),
        json_url: format!("/credentials/{}.json", award.id),
        related,
        history,
        reminders,
        can_suspend: issuer && actions.suspend,
        can_reinstate: issuer && actions.reinstate,
        can_revoke: issuer && actions.revoke,
        can_reissue: issuer && actions.reissue,
        can_renew: issuer && actions.renew,
        correct_email: submitted.email,
        correct_name: submitted.name,
        correct_language: submitted.language,
        notice,
        error: message,
        refused: field_error,
        totals: crate::views::TotalsView::new(Some(&app.award_totals(award.id).await?)),
        offer_delivery: issuer && delivery.offer,
        mail_unconfigured: delivery.mail_unconfigured,
        copy_script: claim_link
            .is_some()
            .then(|| crate::assets::script_href("share.js"))
            .flatten(),
        claim_link,
        claim_link_days: accolade_app::earners::CLAIM_LIFETIME.whole_days(),
    };
    Ok(html(crate::award_detail(&view), status))
}

pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<DetailQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let award = org_award(&app, org.id, &id).await?;
        detail_page(
            &app,
            &user,
            &org,
            role,
            &award,
            Said {
                notice: done_notice(q.done.as_deref()),
                claim_link: None,
            },
            None,
        )
        .await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// After an action: the award's page, saying what was done (a redirect, so that reloading
/// does not repeat it).
fn done(slug: &str, id: impl std::fmt::Display, key: &str) -> Response {
    Redirect::to(&format!("{}?done={key}", award_url(slug, id))).into_response()
}

/// The inputs of the award page's forms that a refusal can be about.
const DRAWN_INPUTS: [&str; 5] = [
    "revoke-reason",
    "suspend-reason",
    "correct-email",
    "correct-name",
    "correct-language",
];

/// A refusal shown on the award's page: its status, the message (at its input when it is
/// about one) and what the re-issue form had.
struct Refused {
    status: StatusCode,
    refusal: Refusal,
    submitted: Option<Submitted>,
}

/// A refusal the issuer can act on (a missing reason, a state that does not allow it)
/// shows on the award's page, at the input it is about (`renames` maps the application's
/// field names to the page's); anything else is an error page.
#[allow(clippy::too_many_arguments)]
async fn shown_again(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    award: &Award,
    e: AppError,
    renames: &[(&str, &str)],
    submitted: Option<Submitted>,
) -> Result<Response, WebError> {
    let status = match e {
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        _ => return Err(e.into()),
    };
    let refused = Refused {
        status,
        refusal: Refusal::from(&e).rename(renames),
        submitted,
    };
    detail_page(app, user, org, role, award, Said::default(), Some(refused)).await
}

pub async fn change_status(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<StatusForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let award = org_award(&app, org.id, &id).await?;
        let actor = Actor::user(&user.user);
        let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
        let (outcome, key) = match f.action.as_str() {
            "revoke" => (app.revoke(&actor, award.id, &f.reason).await, "revoked"),
            "suspend" => (app.suspend(&actor, award.id, reason).await, "suspended"),
            "reinstate" => (app.reinstate(&actor, award.id).await, "reinstated"),
            _ => {
                return Err(AppError::invalid(
                    "This action is not known. Reload the page and try again.",
                )
                .into());
            }
        };
        match outcome {
            Ok(_) => Ok(done(&slug, award.id, key)),
            Err(e) => {
                // Both forms have a reason: the message goes to the one that was sent.
                let input = format!("{}-reason", f.action);
                let award = app.award_by_id(award.id).await?;
                let renames = [("reason", input.as_str())];
                shown_again(&app, &user, &org, role, &award, e, &renames, None).await
            }
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn reissue(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<ReissueForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let award = org_award(&app, org.id, &id).await?;
        let correction = Correction {
            recipient_email: f.email.clone(),
            recipient_name: Some(f.name.clone()).filter(|n| !n.trim().is_empty()),
            language: Some(f.language.clone()).filter(|l| !l.trim().is_empty()),
        };
        match app
            .reissue(&Actor::user(&user.user), award.id, correction)
            .await
        {
            Ok(new) => Ok(done(&slug, new.id, "reissued")),
            Err(e) => {
                let submitted = Submitted {
                    email: f.email,
                    name: f.name,
                    language: f.language,
                };
                let renames = [
                    ("recipient_email", "correct-email"),
                    ("recipient_name", "correct-name"),
                    ("language", "correct-language"),
                ];
                shown_again(
                    &app,
                    &user,
                    &org,
                    role,
                    &award,
                    e,
                    &renames,
                    Some(submitted),
                )
                .await
            }
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn renew(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<RenewForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let award = org_award(&app, org.id, &id).await?;
        match app.renew(&Actor::user(&user.user), award.id).await {
            Ok(new) => Ok(done(&slug, new.id, "renewed")),
            Err(e) => shown_again(&app, &user, &org, role, &award, e, &[], None).await,
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Debug, serde::Deserialize)]
pub struct DeliveryForm {
    csrf: String,
}

/// Queues the badge email again (with a new claim link).
pub async fn resend(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<DeliveryForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let award = org_award(&app, org.id, &id).await?;
        match app
            .resend_badge_email(&Actor::user(&user.user), &award)
            .await
        {
            Ok(()) => Ok(done(&slug, award.id, "resent")),
            Err(e) => shown_again(&app, &user, &org, role, &award, e, &[], None).await,
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Makes a fresh claim link and shows it once, on the award's page (not a redirect: the
/// link is kept nowhere but in this response).
pub async fn claim_link(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<DeliveryForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let award = org_award(&app, org.id, &id).await?;
        match app.new_claim_link(&Actor::user(&user.user), &award).await {
            Ok(link) => {
                let notice = Some(
                    "A new claim link was made. Copy it now: it is shown only this once."
                        .to_owned(),
                );
                let said = Said {
                    notice,
                    claim_link: Some(link),
                };
                detail_page(&app, &user, &org, role, &award, said, None).await
            }
            Err(e) => shown_again(&app, &user, &org, role, &award, e, &[], None).await,
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
