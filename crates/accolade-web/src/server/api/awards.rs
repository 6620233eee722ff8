//! `/awards`: issue one award, list and search them (keyset-paged, newest first), read one,
//! and download its credential in each form the site offers.

use super::auth::ApiAuth;
use super::idempotency::IdempotencyRequired;
use super::paging::{ListPage, PageQuery, base_url};
use super::problem::Problem;
use super::rejections::{ApiJson, ApiPath, ApiQuery};
use super::types::{AwardOut, ProblemDoc, parse_time};
use crate::server::AppState;
use accolade_app::ApiScope;
use accolade_app::awards::{AwardCursor, AwardFilter, PageAt};
use accolade_app::downloads::DownloadKind;
use accolade_app::{App, AppError, AppResult, NewAward};
use accolade_core::{Award, AwardId, AwardState, OrgId};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, issue))
        .routes(routes!(get_one))
        .routes(routes!(credential))
}

/// One award to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"achievement_id": "9b60f921-499e-4825-abf8-401894c0cd10", "recipient_email": "ada@example.org", "recipient_name": "Ada Lovelace"}))]
pub(crate) struct AwardIn {
    /// The achievement to award (one of the organization's).
    pub achievement_id: String,
    /// Where the badge is sent; it identifies the recipient in the credential.
    #[schema(format = "email", max_length = 254)]
    pub recipient_email: String,
    #[schema(max_length = 200)]
    pub recipient_name: Option<String>,
    /// When the credential is valid from (RFC 3339); now when absent.
    pub issued_at: Option<String>,
    /// When it expires (RFC 3339); the achievement's policy when absent.
    pub valid_until: Option<String>,
    /// The language of the credential's texts, among the achievement's (BCP 47).
    pub language: Option<String>,
    /// The achievement's custom fields: key → value.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// Filters of the awards list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AwardListFilter {
    /// Only awards of this achievement.
    pub achievement: Option<String>,
    /// Only awards in this state.
    #[param(inline)]
    pub status: Option<StateParam>,
    /// Part of the recipient's email or name (at least 3 characters), any case.
    pub recipient: Option<String>,
}

/// An award's state.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StateParam {
    Active,
    Suspended,
    Revoked,
    Expired,
}

impl From<StateParam> for AwardState {
    fn from(s: StateParam) -> Self {
        match s {
            StateParam::Active => AwardState::Active,
            StateParam::Suspended => AwardState::Suspended,
            StateParam::Revoked => AwardState::Revoked,
            StateParam::Expired => AwardState::Expired,
        }
    }
}

/// List awards
///
/// The organization's awards, newest first. Awards issued while you page never shift the
/// later pages, so none is skipped or repeated.
#[utoipa::path(get, path = "/awards", operation_id = "listAwards", tag = "Awards",
    params(AwardListFilter, PageQuery),
    responses(
        (status = 200, description = "A page of awards", body = ListPage<AwardOut>),
        (status = 400, description = "A filter or the cursor is not valid", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such achievement in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn list(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiQuery(q): ApiQuery<AwardListFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let limit = page.limit()?;
    let at = match page.position()? {
        None => PageAt::First,
        Some(raw) => PageAt::After(
            raw.parse::<AwardCursor>()
                .map_err(|_| super::paging::bad_cursor())?,
        ),
    };
    let achievement = match q.achievement.as_deref() {
        None => None,
        Some(id) => Some(
            super::achievements::org_achievement(&app, caller.org_id, id)
                .await?
                .id,
        ),
    };
    let filter = AwardFilter {
        achievement,
        state: q.status.map(AwardState::from),
        recipient: q.recipient.clone().filter(|r| !r.trim().is_empty()),
        ..AwardFilter::default()
    };
    let found = app
        .list_awards(caller.org_id, &filter, at, i64::from(limit))
        .await?;
    let now = app.clock().now();
    let data = found
        .awards
        .iter()
        .map(|a| AwardOut::of(&app, a, None, now))
        .collect();
    let base = base_url(
        "/awards",
        &[
            ("achievement", q.achievement.clone()),
            (
                "status",
                q.status.map(|s| AwardState::from(s).as_str().to_owned()),
            ),
            ("recipient", q.recipient.clone()),
        ],
    );
    let after = found.older.map(|c| c.to_string());
    Ok(axum::Json(ListPage::new(data, after.as_deref(), &base, limit)).into_response())
}

/// Issue an award
///
/// Signs and stores the credential and emails the recipient their badge.
#[utoipa::path(post, path = "/awards", operation_id = "issueAward", tag = "Awards",
    request_body = AwardIn,
    params(("Idempotency-Key" = String, Header, description = "A unique key per operation (a UUID, say): a retry with the same key and body gets the first answer again (`Idempotent-Replayed: true`) instead of issuing twice; kept 24 hours")),
    responses(
        (status = 201, description = "The award, issued", body = AwardOut,
            links(
                ("get" = (operation_id = "getAward", parameters(("id" = "$response.body#/id")))),
                ("credential" = (operation_id = "getAwardCredential", parameters(("id" = "$response.body#/id")))),
                ("revoke" = (operation_id = "revokeAward", parameters(("id" = "$response.body#/id")))),
                ("suspend" = (operation_id = "suspendAward", parameters(("id" = "$response.body#/id")))),
                ("reinstate" = (operation_id = "reinstateAward", parameters(("id" = "$response.body#/id")))),
                ("reissue" = (operation_id = "reissueAward", parameters(("id" = "$response.body#/id")))),
                ("renew" = (operation_id = "renewAward", parameters(("id" = "$response.body#/id"))))
            ),
            headers(("Location" = String, description = "The award's address"))),
        (status = 400, description = "A field is not valid", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such achievement in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn issue(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    _: IdempotencyRequired,
    ApiJson(body): ApiJson<AwardIn>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Issue)?;
    let achievement =
        super::achievements::org_achievement(&app, caller.org_id, &body.achievement_id).await?;
    let new = NewAward {
        achievement_id: achievement.id,
        recipient_email: body.recipient_email,
        recipient_name: body.recipient_name,
        issued_at: body
            .issued_at
            .as_deref()
            .map(|t| parse_time("issued_at", t))
            .transpose()?,
        valid_until: body
            .valid_until
            .as_deref()
            .map(|t| parse_time("valid_until", t))
            .transpose()?,
        language: body.language,
        field_values: body.fields,
        evidence: Vec::new(),
    };
    let award = app.award(&caller.actor, new).await?;
    Ok(created(&app, &award))
}

/// 201 with the award and its `Location`.
pub(crate) fn created(app: &App, award: &Award) -> Response {
    let out = AwardOut::of(app, &award.summary(), None, app.clock().now());
    let mut res = (StatusCode::CREATED, axum::Json(out)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/awards/{}", award.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Get an award
#[utoipa::path(get, path = "/awards/{id}", operation_id = "getAward", tag = "Awards",
    params(("id" = String, Path, description = "The award's id")),
    responses(
        (status = 200, description = "The award", body = AwardOut),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn get_one(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    Ok(axum::Json(award_out(&app, &award).await?).into_response())
}

/// The award with its links to re-issues and renewals.
pub(crate) async fn award_out(app: &App, award: &Award) -> AppResult<AwardOut> {
    let links = app.award_links(award.id).await?;
    Ok(AwardOut::of(
        app,
        &award.summary(),
        Some(&links),
        app.clock().now(),
    ))
}

pub(crate) async fn org_award(app: &App, org: OrgId, id: &str) -> AppResult<Award> {
    let id: AwardId = id.parse().map_err(|_| AppError::NotFound("award"))?;
    app.org_award(org, id).await
}

/// A form of a credential.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CredentialFormat {
    /// The signed credential as JSON-LD (`application/vc+ld+json`).
    #[default]
    Json,
    /// The credential as a compact JWS (VC-JWT, as text).
    Jwt,
    /// The badge image with the credential baked in (PNG).
    Png,
    /// The badge image with the credential baked in (SVG).
    Svg,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FormatQuery {
    /// Which form (JSON-LD when omitted).
    #[param(inline)]
    pub format: Option<CredentialFormat>,
}

/// Get an award's credential
///
/// The signed Open Badges 3.0 credential, as JSON-LD, as a JWT, or baked into the badge
/// image.
#[utoipa::path(get, path = "/awards/{id}/credential", operation_id = "getAwardCredential", tag = "Awards",
    params(("id" = String, Path, description = "The award's id"), FormatQuery),
    responses(
        (status = 200, description = "The credential",
            content(
                (serde_json::Value = "application/vc+ld+json"),
                (String = "text/plain"),
                (Vec<u8> = "image/png"),
                (String = "image/svg+xml"),
            )),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn credential(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    let kind = match q.format.unwrap_or_default() {
        CredentialFormat::Json => DownloadKind::Json,
        CredentialFormat::Jwt => DownloadKind::Jwt,
        CredentialFormat::Png => DownloadKind::BakedPng,
        CredentialFormat::Svg => DownloadKind::BakedSvg,
    };
    let download = app.download(award.id, kind).await?;
    Ok(crate::server::downloads::attachment(download))
}
