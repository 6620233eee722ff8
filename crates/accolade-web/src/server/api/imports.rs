//! Issuing many awards: a JSON array (`/awards/batch`) or a CSV file (`/imports`), both
//! through the bulk-issue path the workspace uses (validated rows stored as an import, then
//! issued in the background), answered at once with the import job (202). The import's
//! progress and its problem rows are read from `/imports/{id}`.

use super::auth::ApiAuth;
use super::idempotency::IdempotencyRequired;
use super::paging::{ListPage, PageQuery, base_url};
use super::problem::Problem;
use super::rejections::{ApiJson, ApiPath, ApiQuery, problem, too_large};
use super::types::{ProblemDoc, rfc3339};
use crate::server::AppState;
use accolade_app::ApiScope;
use accolade_app::bulk::{ColumnMapping, Import, ImportLimits, ImportRow};
use accolade_app::{App, AppError, AppResult};
use accolade_core::{Actor, ImportId, OrgId};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest batch body: 16 MB, some 200,000 CSV rows.
pub(crate) const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(batch))
        .routes(routes!(upload))
        .routes(routes!(get_one))
        .routes(routes!(issues))
}

/// Which achievement the rows are awarded.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportTarget {
    /// The achievement's id (one of the organization's).
    pub achievement: String,
}

/// One recipient of a batch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"recipient_email": "ada@example.org", "recipient_name": "Ada Lovelace"}))]
pub(crate) struct BatchRow {
    #[schema(format = "email", max_length = 254)]
    pub recipient_email: String,
    #[schema(max_length = 200)]
    pub recipient_name: Option<String>,
    /// When the credential is valid from (RFC 3339); now when absent.
    pub issued_at: Option<String>,
    /// The achievement's custom fields: key → value.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// An import job: rows being validated and issued.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImportOut {
    pub id: String,
    pub achievement_id: String,
    /// `ingesting`, `draft` (validated, not started), `running` or `done`.
    pub state: String,
    /// Rows in the file or array.
    pub total_rows: i64,
    pub issued_rows: i64,
    /// Duplicates (in the rows, or already awarded): not issued, by design.
    pub skipped_rows: i64,
    /// Invalid rows: not issued; see `/imports/{id}/errors`.
    pub error_rows: i64,
    pub created_at: String,
    pub finished_at: Option<String>,
}

impl ImportOut {
    fn of(i: &Import) -> Self {
        Self {
            id: i.id.to_string(),
            achievement_id: i.achievement_id.to_string(),
            state: i.state.as_str().to_owned(),
            total_rows: i.total_rows,
            issued_rows: i.issued_rows,
            skipped_rows: i.skipped_rows,
            error_rows: i.error_rows,
            created_at: rfc3339(i.created_at),
            finished_at: i.finished_at.map(rfc3339),
        }
    }
}

/// A row that was not issued.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImportRowOut {
    /// The row's number: the CSV line (the header is 1), or the array index + 2.
    pub row: i64,
    pub recipient_email: Option<String>,
    /// `skipped` (a duplicate) or `error` (invalid).
    pub state: String,
    /// What is wrong with it.
    pub error: Option<String>,
}

impl ImportRowOut {
    fn of(r: &ImportRow) -> Self {
        Self {
            row: r.row_number,
            recipient_email: r.email.clone(),
            state: r.state.as_str().to_owned(),
            error: r.error.clone(),
        }
    }
}

/// Issue many awards (JSON)
///
/// Validates the rows and issues them in the background as one import job. A recipient
/// who already has the achievement, or appears twice, is skipped. Sending the same rows
/// again finds the same job.
#[utoipa::path(post, path = "/awards/batch", operation_id = "issueAwardBatch", tag = "Awards",
    params(ImportTarget, ("Idempotency-Key" = String, Header, description = "A unique key per operation (a UUID, say): a retry with the same key and body gets the first answer again (`Idempotent-Replayed: true`) instead of issuing twice; kept 24 hours")),
    request_body = Vec<BatchRow>,
    responses(
        (status = 202, description = "The import job, started", body = ImportOut,
            links(
                ("get" = (operation_id = "getImport", parameters(("id" = "$response.body#/id")))),
                ("errors" = (operation_id = "listImportErrors", parameters(("id" = "$response.body#/id"))))
            ),
            headers(("Location" = String, description = "The import job's address"))),
        (status = 400, description = "The rows cannot be read", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such achievement in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "Too many rows for one request", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn batch(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    _: IdempotencyRequired,
    ApiQuery(target): ApiQuery<ImportTarget>,
    ApiJson(rows): ApiJson<Vec<BatchRow>>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Issue)?;
    let csv = rows_csv(&rows);
    let import = run(
        &app,
        &caller.actor,
        caller.org_id,
        &target.achievement,
        csv.as_bytes(),
    )
    .await?;
    Ok(accepted(&import))
}

/// Issue many awards (CSV)
///
/// A CSV file with a header row: `email` (or `e-mail`, `Email Address`), optionally `name`
/// and `issued_at`, and a column per custom field (its key or label). Issued as
/// `/awards/batch` is.
#[utoipa::path(post, path = "/imports", operation_id = "uploadImport", tag = "Imports",
    params(ImportTarget, ("Idempotency-Key" = String, Header, description = "A unique key per operation (a UUID, say): a retry with the same key and body gets the first answer again (`Idempotent-Replayed: true`) instead of issuing twice; kept 24 hours")),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 202, description = "The import job, started", body = ImportOut,
            links(
                ("get" = (operation_id = "getImport", parameters(("id" = "$response.body#/id")))),
                ("errors" = (operation_id = "listImportErrors", parameters(("id" = "$response.body#/id"))))
            ),
            headers(("Location" = String, description = "The import job's address"))),
        (status = 400, description = "The file cannot be read", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such achievement in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "The file is too large for one request", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as text/csv", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn upload(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    _: IdempotencyRequired,
    ApiQuery(target): ApiQuery<ImportTarget>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Issue)?;
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/csv"));
    if !csv {
        return Ok(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the file as CSV, with Content-Type: text/csv.",
        ));
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BATCH_BYTES).await else {
        return Ok(too_large());
    };
    let import = run(
        &app,
        &caller.actor,
        caller.org_id,
        &target.achievement,
        &bytes,
    )
    .await?;
    Ok(accepted(&import))
}

/// Stores the rows as an import of `achievement`, starts it and issues it in the
/// background.
async fn run(
    app: &Arc<App>,
    actor: &Actor,
    org: OrgId,
    achievement: &str,
    csv: &[u8],
) -> AppResult<Import> {
    let achievement = super::achievements::org_achievement(app, org, achievement).await?;
    accolade_app::bulk::check_head(csv)?;
    let staged = app.stage_upload(org, "api.csv")?;
    let written = std::fs::write(&staged.path, csv)
        .map_err(|e| AppError::internal("writing an uploaded CSV file", e));
    let report = match written {
        Ok(()) => {
            app.import_csv(
                actor,
                achievement.id,
                &staged.path,
                &ColumnMapping::default(),
                ImportLimits::web(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    app.discard_upload(&staged.token, &staged.path).await;
    let report = report?;
    let started = app.start_import(actor, report.import.id).await?;
    if started.state == accolade_app::bulk::ImportState::Running {
        app.spawn_import(started.id);
    }
    Ok(started)
}

fn accepted(import: &Import) -> Response {
    let mut res = (StatusCode::ACCEPTED, axum::Json(ImportOut::of(import))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/imports/{}", import.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// The rows as the CSV file the bulk-issue path reads.
fn rows_csv(rows: &[BatchRow]) -> String {
    let keys: Vec<&String> = {
        let mut k: Vec<&String> = rows.iter().flat_map(|r| r.fields.keys()).collect();
        k.sort();
        k.dedup();
        k
    };
    let cell = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("email,name,issued_at");
    for k in &keys {
        out.push(',');
        out.push_str(&cell(k));
    }
    out.push('\n');
    for r in rows {
        out.push_str(&cell(&r.recipient_email));
        out.push(',');
        out.push_str(&cell(r.recipient_name.as_deref().unwrap_or("")));
        out.push(',');
        out.push_str(&cell(r.issued_at.as_deref().unwrap_or("")));
        for k in &keys {
            out.push(',');
            out.push_str(&cell(r.fields.get(*k).map_or("", String::as_str)));
        }
        out.push('\n');
    }
    out
}

async fn org_import(app: &App, org: OrgId, id: &str) -> AppResult<Import> {
    let id: ImportId = id.parse().map_err(|_| AppError::NotFound("import"))?;
    match app.import(id).await {
        Ok(i) if i.org_id == org => Ok(i),
        Ok(_) => Err(AppError::NotFound("import")),
        Err(e) => Err(e),
    }
}

/// Get an import job
///
/// Its state and counts: poll it until `state` is `done`.
#[utoipa::path(get, path = "/imports/{id}", operation_id = "getImport", tag = "Imports",
    params(("id" = String, Path, description = "The import's id")),
    responses(
        (status = 200, description = "The import job", body = ImportOut),
        (status = 404, description = "No such import in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn get_one(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let import = org_import(&app, caller.org_id, &id).await?;
    Ok(axum::Json(ImportOut::of(&import)).into_response())
}

/// List an import's problem rows
///
/// The rows that were skipped (duplicates) or are invalid, in row order.
#[utoipa::path(get, path = "/imports/{id}/errors", operation_id = "listImportErrors", tag = "Imports",
    params(("id" = String, Path, description = "The import's id"), PageQuery),
    responses(
        (status = 200, description = "A page of problem rows", body = ListPage<ImportRowOut>),
        (status = 400, description = "The cursor or limit is not valid", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such import in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn issues(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Read)?;
    let import = org_import(&app, caller.org_id, &id).await?;
    let limit = page.limit()?;
    let after = match page.position()? {
        None => 0,
        Some(raw) => raw
            .parse::<i64>()
            .map_err(|_| super::paging::bad_cursor())?,
    };
    let mut rows = app
        .import_issues(import.id, after, i64::from(limit) + 1)
        .await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more
        .then(|| rows.last().map(|r| r.row_number.to_string()))
        .flatten();
    let data = rows.iter().map(ImportRowOut::of).collect();
    let base = base_url(&format!("/imports/{}/errors", import.id), &[]);
    Ok(axum::Json(ListPage::new(data, next.as_deref(), &base, limit)).into_response())
}
