//! Read-only resources: pathways, analytics (time series of the organization or one badge,
//! totals of one award), members and pending invitations, and the audit log.

use super::auth::ApiAuth;
use super::awards::org_award;
use super::paging::{ListPage, PageQuery, base_url};
use super::problem::Problem;
use super::rejections::{ApiPath, ApiQuery};
use super::types::{ProblemDoc, rfc3339};
use crate::server::AppState;
use accolade_app::insights::DateRange;
use accolade_app::{ApiScope, AppError};
use accolade_core::{AchievementId, Pathway, PathwayId, Requirement};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::Date;
use time::format_description::well_known::Iso8601;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pathways))
        .routes(routes!(pathway))
        .routes(routes!(analytics))
        .routes(routes!(award_analytics))
        .routes(routes!(members))
        .routes(routes!(invitations))
        .routes(routes!(audit))
}

/// A pathway: badges that lead to another.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PathwayOut {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The badge the pathway leads to, if any.
    pub target_achievement_id: Option<String>,
    /// What it asks for: `{"achievement": id}`, `{"all_of": […]}`,
    /// `{"any_of": {"n": 2, "of": […]}}` or `{"credits_at_least": {"credits": 3.0, "of": [ids]}}`.
    pub requirement: Value,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn requirement(r: &Requirement) -> Value {
    match r {
        Requirement::Achievement(id) => json!({"achievement": id.to_string()}),
        Requirement::AllOf(of) => json!({"all_of": of.iter().map(requirement).collect::<Vec<_>>()}),
        Requirement::AnyOf { n, of } => {
            json!({"any_of": {"n": n, "of": of.iter().map(requirement).collect::<Vec<_>>()}})
        }
        Requirement::CreditsAtLeast { credits, of } => json!({"credits_at_least": {
            "credits": credits,
            "of": of.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }}),
    }
}

impl PathwayOut {
    fn of(p: &Pathway) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name.clone(),
            description: p.description.clone(),
            target_achievement_id: p.target.map(|t| t.to_string()),
            requirement: requirement(&p.requirement),
            version: p.version,
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }
}

/// List pathways
#[utoipa::path(get, path = "/pathways", operation_id = "listPathways", tag = "Pathways",
    responses((status = 200, description = "The organization's pathways", body = ListPage<PathwayOut>)),
    security(("bearer" = [])))]
async fn pathways(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let data = app
        .pathways(caller.org_id)
        .await?
        .iter()
        .map(PathwayOut::of)
        .collect();
    Ok(axum::Json(ListPage { data, next: None }).into_response())
}

/// Get a pathway
#[utoipa::path(get, path = "/pathways/{id}", operation_id = "getPathway", tag = "Pathways",
    params(("id" = String, Path, description = "The pathway's id")),
    responses(
        (status = 200, description = "The pathway", body = PathwayOut),
        (status = 404, description = "No such pathway in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn pathway(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let id: PathwayId = id.parse().map_err(|_| AppError::NotFound("pathway"))?;
    let p = app.org_pathway(caller.org_id, id).await?;
    Ok(axum::Json(PathwayOut::of(&p)).into_response())
}

/// Which days, and which badge.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SeriesQuery {
    /// The first day (YYYY-MM-DD, UTC); 30 days before `to` when omitted.
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day (YYYY-MM-DD, UTC); today when omitted.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Only this badge's awards.
    pub achievement: Option<String>,
}

/// One day's counts.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DayOut {
    /// The day (UTC).
    pub date: String,
    pub issued: i64,
    /// Added to an earner's backpack.
    pub claimed: i64,
    pub shares: i64,
    pub views: i64,
    pub verifications: i64,
    pub downloads: i64,
}

/// Counts per day over a range.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SeriesOut {
    pub from: String,
    pub to: String,
    pub achievement_id: Option<String>,
    /// Every day of the range, oldest first.
    pub days: Vec<DayOut>,
}

fn day(field: &'static str, raw: &str) -> Result<Date, AppError> {
    Date::parse(raw.trim(), &Iso8601::DATE)
        .map_err(|_| AppError::invalid_field(field, "Give the day as YYYY-MM-DD."))
}

/// Analytics over time
///
/// The organization's (or one badge's) awards issued and claimed, and their shares, views,
/// verifications and downloads, per day.
#[utoipa::path(get, path = "/analytics", operation_id = "getAnalytics", tag = "Analytics",
    params(SeriesQuery),
    responses(
        (status = 200, description = "Counts per day", body = SeriesOut),
        (status = 400, description = "A day or the range is not valid", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such achievement in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn analytics(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiQuery(q): ApiQuery<SeriesQuery>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let to = match q.to.as_deref() {
        Some(t) => day("to", t)?,
        None => app.clock().now().date(),
    };
    let from = match q.from.as_deref() {
        Some(f) => day("from", f)?,
        None => to.saturating_sub(time::Duration::days(29)),
    };
    let badge: Option<AchievementId> = match q.achievement.as_deref() {
        None => None,
        Some(id) => Some(
            super::achievements::org_achievement(&app, caller.org_id, id)
                .await?
                .id,
        ),
    };
    let insights = app
        .insights(caller.org_id, DateRange::custom(from, to)?, badge)
        .await?;
    let days = insights
        .daily
        .iter()
        .map(|(d, c)| DayOut {
            date: d.to_string(),
            issued: c.issued,
            claimed: c.claimed,
            shares: c.shares,
            views: c.views,
            verifications: c.verifications,
            downloads: c.downloads,
        })
        .collect();
    Ok(axum::Json(SeriesOut {
        from: from.to_string(),
        to: to.to_string(),
        achievement_id: badge.map(|b| b.to_string()),
        days,
    })
    .into_response())
}

/// What happened to one award's credential since it was issued.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AwardTotalsOut {
    pub views: i64,
    pub verifications: i64,
    pub downloads: i64,
    pub linkedin_adds: i64,
    pub embed_impressions: i64,
    pub shares: i64,
    /// Share clicks by channel.
    pub shares_by_channel: BTreeMap<String, i64>,
}

/// Analytics of an award
#[utoipa::path(get, path = "/awards/{id}/analytics", operation_id = "getAwardAnalytics", tag = "Analytics",
    params(("id" = String, Path, description = "The award's id")),
    responses(
        (status = 200, description = "The award's totals", body = AwardTotalsOut),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn award_analytics(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    let t = app.award_totals(award.id).await?;
    Ok(axum::Json(AwardTotalsOut {
        views: t.views,
        verifications: t.verifications,
        downloads: t.downloads,
        linkedin_adds: t.linkedin_adds,
        embed_impressions: t.embed_impressions,
        shares: t.shares,
        shares_by_channel: t.shares_by_channel,
    })
    .into_response())
}

/// A member of the organization.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MemberOut {
    pub name: String,
    pub email: String,
    /// `owner`, `admin`, `issuer` or `viewer`.
    pub role: String,
    pub since: String,
}

/// List members
#[utoipa::path(get, path = "/members", operation_id = "listMembers", tag = "Members",
    responses((status = 200, description = "The organization's members, owners first", body = ListPage<MemberOut>)),
    security(("bearer" = [])))]
async fn members(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
) -> Result<Response, Problem> {
    let data = app
        .members_for_key(&caller)
        .await?
        .into_iter()
        .map(|m| MemberOut {
            name: m.user.name,
            email: m.user.email.as_str().to_owned(),
            role: m.role.as_str().to_owned(),
            since: rfc3339(m.since),
        })
        .collect();
    Ok(axum::Json(ListPage { data, next: None }).into_response())
}

/// An invitation not yet accepted.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InvitationOut {
    pub id: String,
    pub email: String,
    pub role: String,
    pub invited_by: Option<String>,
    pub expires_at: String,
}

/// List pending invitations
#[utoipa::path(get, path = "/invitations", operation_id = "listInvitations", tag = "Members",
    responses((status = 200, description = "Invitations not yet accepted nor expired", body = ListPage<InvitationOut>)),
    security(("bearer" = [])))]
async fn invitations(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
) -> Result<Response, Problem> {
    let data = app
        .invitations_for_key(&caller)
        .await?
        .into_iter()
        .map(|i| InvitationOut {
            id: i.id,
            email: i.email,
            role: i.role.as_str().to_owned(),
            invited_by: i.invited_by,
            expires_at: rfc3339(i.expires_at),
        })
        .collect();
    Ok(axum::Json(ListPage { data, next: None }).into_response())
}

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditOut {
    pub id: String,
    /// Who did it: a person, an API key, the command line or the system.
    pub actor: String,
    /// A dotted verb: `award.issue`, `award.revoke`, `member.role`, …
    pub action: String,
    /// What it acted on (an award id, a member's email, …).
    pub target: String,
    pub detail: String,
    pub at: String,
}

/// Read the audit log
///
/// Every issue, revocation, suspension, key operation, role and setting change, newest first.
#[utoipa::path(get, path = "/audit-log", operation_id = "listAuditLog", tag = "Audit log",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of entries", body = ListPage<AuditOut>),
        (status = 400, description = "The cursor or limit is not valid", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn audit(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Admin)?;
    let limit = page.limit()?;
    // The log is only ever appended to, newest first: a position is how many came before.
    let offset = match page.position()? {
        None => 0,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(super::paging::bad_cursor)?,
    };
    let mut events = app
        .audit_log(caller.org_id, i64::from(limit) + 1, offset)
        .await?;
    let more = events.len() > limit as usize;
    events.truncate(limit as usize);
    let next = more.then(|| (offset + i64::from(limit)).to_string());
    let data = events
        .into_iter()
        .map(|e| AuditOut {
            id: e.id.to_string(),
            actor: e.actor.label,
            action: e.action,
            target: e.target,
            detail: e.detail,
            at: rfc3339(e.at),
        })
        .collect();
    let base = base_url("/audit-log", &[]);
    Ok(axum::Json(ListPage::new(data, next.as_deref(), &base, limit)).into_response())
}
