//! `/achievements`: the organization's badge classes: list (with search), read, create and
//! update (with `If-Match` on the version its `ETag` names).

use super::auth::ApiAuth;
use super::paging::{ListPage, PageQuery, base_url};
use super::problem::Problem;
use super::rejections::{ApiJson, ApiPath, ApiQuery};
use super::types::{self, AchievementIn, AchievementOut};
use crate::server::AppState;
use accolade_app::ApiScope;
use accolade_app::{AppError, NewAchievement, NewTranslation};
use accolade_core::{Achievement, AchievementId, OrgId};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
}

/// Filters of the achievements list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AchievementFilter {
    /// Part of the name, description or a tag, any case.
    pub search: Option<String>,
}

/// List achievements
///
/// The organization's achievements, by name, filtered by `search`.
#[utoipa::path(get, path = "/achievements", operation_id = "listAchievements", tag = "Achievements",
    params(AchievementFilter, PageQuery),
    responses(
        (status = 200, description = "A page of achievements", body = ListPage<AchievementOut>),
        (status = 400, description = "A filter or the cursor is not valid", body = types::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn list(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiQuery(filter): ApiQuery<AchievementFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let limit = page.limit()?;
    let after = page.position()?;
    let all = app.achievements(caller.org_id).await?;
    let search = filter.search.as_deref().map(str::trim).unwrap_or("");
    let mut found: Vec<&Achievement> = if search.is_empty() {
        all.iter().collect()
    } else {
        accolade_app::search_catalog(&all, search)
    };
    // A stable order for keyset paging: name, then id.
    found.sort_by(|a, b| {
        (a.name.as_str(), a.id.to_string()).cmp(&(b.name.as_str(), b.id.to_string()))
    });
    let start = match after {
        None => 0,
        Some(id) => found
            .iter()
            .position(|a| a.id.to_string() == id)
            .map(|i| i + 1)
            .ok_or_else(super::paging::bad_cursor)?,
    };
    let page_items: Vec<&Achievement> = found
        .iter()
        .skip(start)
        .take(limit as usize)
        .copied()
        .collect();
    let more = start + page_items.len() < found.len();
    let last = page_items.last().map(|a| a.id.to_string());
    let data = page_items
        .into_iter()
        .map(|a| AchievementOut::of(&app, a))
        .collect();
    let base = base_url("/achievements", &[("search", filter.search.clone())]);
    let page = ListPage::new(
        data,
        more.then_some(last).flatten().as_deref(),
        &base,
        limit,
    );
    Ok(axum::Json(page).into_response())
}

/// Get an achievement
///
/// Its `ETag` names its version: send it back in `If-Match` to update it.
#[utoipa::path(get, path = "/achievements/{id}", operation_id = "getAchievement", tag = "Achievements",
    params(("id" = String, Path, description = "The achievement's id")),
    responses(
        (status = 200, description = "The achievement", body = AchievementOut,
            headers(("ETag" = String, description = "The achievement's version"))),
        (status = 404, description = "No such achievement in the organization", body = types::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn get_one(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let a = org_achievement(&app, caller.org_id, &id).await?;
    Ok(with_etag(StatusCode::OK, &app, &a))
}

/// Create an achievement
#[utoipa::path(post, path = "/achievements", operation_id = "createAchievement", tag = "Achievements",
    request_body = AchievementIn,
    responses(
        (status = 201, description = "The achievement, created", body = AchievementOut,
            links(
                ("get" = (operation_id = "getAchievement", parameters(("id" = "$response.body#/id")))),
                ("update" = (operation_id = "updateAchievement", parameters(("id" = "$response.body#/id")))),
                ("awards" = (operation_id = "listAwards", parameters(("achievement" = "$response.body#/id")))),
                ("batch" = (operation_id = "issueAwardBatch", parameters(("achievement" = "$response.body#/id")))),
                ("import" = (operation_id = "uploadImport", parameters(("achievement" = "$response.body#/id"))))
            ),
            headers(("Location" = String, description = "The achievement's address"),
                    ("ETag" = String, description = "The achievement's version"))),
        (status = 400, description = "A field is not valid", body = types::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such image in the organization", body = types::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiJson(body): ApiJson<AchievementIn>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Admin)?;
    let mut new = NewAchievement {
        org_id: caller.org_id,
        ..NewAchievement::default()
    };
    body.apply(&app, caller.org_id, &mut new).await?;
    let a = app.create_achievement(&caller.actor, new).await?;
    let mut res = with_etag(StatusCode::CREATED, &app, &a);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/achievements/{}", a.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Update an achievement
///
/// Replaces the fields given and keeps the others. With `If-Match` (the `ETag` of the
/// version read), an achievement changed since is refused with 412. Awards already issued
/// keep the credential they were signed with.
#[utoipa::path(patch, path = "/achievements/{id}", operation_id = "updateAchievement", tag = "Achievements",
    params(("id" = String, Path, description = "The achievement's id"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the version the change starts from")),
    request_body = AchievementIn,
    responses(
        (status = 200, description = "The achievement, updated", body = AchievementOut,
            headers(("ETag" = String, description = "The achievement's new version"))),
        (status = 400, description = "A field is not valid", body = types::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such achievement in the organization", body = types::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else during this update", body = types::ProblemDoc, content_type = "application/problem+json"),
        (status = 412, description = "Changed since the version `If-Match` names", body = types::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn update(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AchievementIn>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Admin)?;
    let current = org_achievement(&app, caller.org_id, &id).await?;
    if let Some(wanted) = headers.get(header::IF_MATCH) {
        let wanted = wanted.to_str().unwrap_or_default().trim();
        if wanted != "*" && wanted != etag(&current) {
            return Ok(super::rejections::problem(
                StatusCode::PRECONDITION_FAILED,
                "The achievement changed since the version If-Match names. Read it again and \
                 apply your change to the current version.",
            ));
        }
    }
    let mut changes = types::editable(&current);
    body.apply(&app, caller.org_id, &mut changes).await?;
    let a = app
        .update_achievement(&caller.actor, current.id, current.version, changes)
        .await?;
    Ok(with_etag(StatusCode::OK, &app, &a))
}

pub(crate) async fn org_achievement(
    app: &accolade_app::App,
    org: OrgId,
    id: &str,
) -> Result<Achievement, AppError> {
    let id: AchievementId = id.parse().map_err(|_| AppError::NotFound("achievement"))?;
    app.org_achievement(org, id).await
}

fn etag(a: &Achievement) -> String {
    format!("\"{}\"", a.version)
}

fn with_etag(status: StatusCode, app: &accolade_app::App, a: &Achievement) -> Response {
    let mut res = (status, axum::Json(AchievementOut::of(app, a))).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(a)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// Texts in another language, for [`AchievementIn::translations`].
pub(crate) fn translation(t: &types::TranslationDto) -> NewTranslation {
    NewTranslation {
        language: t.language.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        criteria_narrative: t.criteria_narrative.clone(),
        field_labels: Default::default(),
    }
}
