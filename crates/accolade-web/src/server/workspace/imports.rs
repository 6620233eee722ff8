//! Bulk issuing in the browser: upload a CSV file (`upload.rs`), map its columns, read the
//! dry-run report, start issuing, and follow the progress. Issuing runs on a background task
//! (and, after a crash, on the resumer), never inside a request.

mod upload;

use super::{check_csrf, html, member_org, nav, require};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{
    ImportIssueRow, ImportListRow, ImportReportView, ImportsView, Layout, OptionView,
};
use crate::{format_datetime, script_href};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_app::bulk::{Import, ImportLimits, ImportProgress, ImportState};
use accolade_core::{AchievementId, Actor, ImportId, Organization, Role};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    let upload_limit = ImportLimits::web().max_file_bytes as usize + 64 * 1024;
    Router::new()
        .route(
            "/dashboard/orgs/{slug}/imports",
            get(list)
                .post(upload::upload)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/dashboard/orgs/{slug}/imports/uploads/{token}",
            get(upload::map_form).post(upload::map_submit),
        )
        .route(
            "/dashboard/orgs/{slug}/imports/template.csv",
            get(template_csv),
        )
        .route("/dashboard/orgs/{slug}/imports/{id}", get(report))
        .route(
            "/dashboard/orgs/{slug}/imports/{id}/progress",
            get(progress),
        )
        .route(
            "/dashboard/orgs/{slug}/imports/{id}/issues.csv",
            get(issues_csv),
        )
        .route("/dashboard/orgs/{slug}/imports/{id}/start", post(start))
        .route("/dashboard/orgs/{slug}/imports/{id}/discard", post(discard))
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

fn imports_url(slug: &str) -> String {
    format!("/dashboard/orgs/{slug}/imports")
}

/// The CSV template of a bulk issue of `achievement`.
pub(crate) fn template_url(slug: &str, achievement: AchievementId) -> String {
    format!(
        "{}/template.csv?achievement={achievement}",
        imports_url(slug)
    )
}

#[derive(Debug, serde::Deserialize)]
pub struct TemplateQuery {
    #[serde(default)]
    achievement: String,
}

/// A CSV file to fill in for a bulk issue of one badge: the columns the mapping step
/// recognises, the badge's custom fields included.
async fn template_csv(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    axum::extract::Query(q): axum::extract::Query<TemplateQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let id: AchievementId = q
            .achievement
            .parse()
            .map_err(|_| AppError::NotFound("achievement"))?;
        let a = app.org_achievement(org.id, id).await?;
        let file = accolade_core::Slug::from_name(&a.name)
            .map_or_else(|_| "badge".to_owned(), |s| s.as_str().to_owned());
        let disposition = format!("attachment; filename=\"{file}-recipients.csv\"");
        Ok::<_, WebError>(
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                accolade_app::bulk::template_csv(&a.custom_fields),
            )
                .into_response(),
        )
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// The list page, with the upload form (and its error, with the achievement chosen).
pub(super) async fn list_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    selected: &str,
    error: Option<String>,
) -> Result<Response, WebError> {
    let achievements = app.achievements(org.id).await?;
    let names: std::collections::HashMap<_, _> = achievements
        .iter()
        .map(|a| (a.id, a.name.clone()))
        .collect();
    let limits = ImportLimits::web();
    let imports = app.org_imports(org.id, 50).await?;
    let view = ImportsView {
        layout: Layout::new("Bulk issue", "Issue badges to a list of recipients")
            .with_user(nav(user)),
        slug: org.slug.to_string(),
        csrf: user.csrf_token.clone(),
        can_issue: role >= Role::Issuer,
        achievements: achievements
            .iter()
            .map(|a| OptionView {
                value: a.id.to_string(),
                label: a.name.clone(),
            })
            .collect(),
        selected_achievement: selected.to_owned(),
        max_upload_mib: limits.max_file_bytes >> 20,
        max_rows: limits.max_rows,
        imports: imports
            .iter()
            .map(|i| ImportListRow {
                url: format!("{}/{}", imports_url(org.slug.as_str()), i.id),
                file_name: i.file_name.clone(),
                achievement: names.get(&i.achievement_id).cloned().unwrap_or_default(),
                state: i.state.as_str().into(),
                created: format_datetime(i.created_at),
                total: i.total_rows,
                issued: i.issued_rows,
                skipped: i.skipped_rows,
                errors: i.error_rows,
            })
            .collect(),
        error: error.clone(),
        templates: achievements
            .iter()
            .map(|a| (a.name.clone(), template_url(org.slug.as_str(), a.id)))
            .collect(),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(html(crate::imports(&view), status))
}

async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Viewer).await?;
        list_page(&app, &user, &org, role, "", None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// The import, if it belongs to the organization (else "not found").
async fn org_import(app: &AppState, org: &Organization, id: &str) -> Result<Import, WebError> {
    let id: ImportId = id.parse().map_err(|_| AppError::NotFound("import"))?;
    let import = app.import(id).await?;
    if import.org_id != org.id {
        return Err(AppError::NotFound("import").into());
    }
    Ok(import)
}

fn percent(p: &ImportProgress) -> i64 {
    if p.total <= 0 {
        100
    } else {
        (p.done() * 100 / p.total).clamp(0, 100)
    }
}

async fn report_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    import: &Import,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let report = app.import_report(import.id).await?;
    let i = &report.import;
    let achievement = app.achievement(i.achievement_id).await?;
    let p = ImportProgress::of(i);
    let base = format!("{}/{}", imports_url(org.slug.as_str()), i.id);
    let running = i.state == ImportState::Running;
    let view = ImportReportView {
        layout: Layout::new(format!("Import of {}", i.file_name), "A bulk import")
            .with_user(nav(user)),
        slug: org.slug.to_string(),
        csrf: user.csrf_token.clone(),
        file_name: i.file_name.clone(),
        achievement: achievement.name,
        state: i.state.as_str().into(),
        total: p.total,
        to_issue: p.total - p.done(),
        issued: p.issued,
        skipped: p.skipped,
        errors: p.errors,
        done: p.done(),
        percent: percent(&p),
        more_issues: (report.issues.len() as i64) < p.skipped + p.errors,
        issues: report
            .issues
            .iter()
            .map(|r| ImportIssueRow {
                row: r.row_number,
                email: r.email.clone().unwrap_or_default(),
                outcome: r.state.as_str().into(),
                problem: r.error.clone().unwrap_or_default(),
            })
            .collect(),
        issues_csv_url: format!("{base}/issues.csv"),
        start_url: format!("{base}/start"),
        discard_url: format!("{base}/discard"),
        progress_url: format!("{base}/progress"),
        page_url: base,
        can_issue: role >= Role::Issuer,
        script_src: if running {
            script_href("progress.js")
        } else {
            None
        },
        notice,
    };
    Ok(html(crate::imports_report(&view), StatusCode::OK))
}

async fn report(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let import = org_import(&app, &org, &id).await?;
        report_page(&app, &user, &org, role, &import, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// `{"state": "running", "total": …, "done": …, "issued": …, "skipped": …, "errors": …,
/// "percent": …}`, polled by the progress bar.
async fn progress(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let result = async {
        let user = super::current(&app, &headers)
            .await?
            .ok_or_else(|| WebError::new(StatusCode::UNAUTHORIZED, "Sign in first."))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let import = org_import(&app, &org, &id).await?;
        let p = ImportProgress::of(&import);
        let body = serde_json::json!({
            "state": import.state.as_str(),
            "total": p.total, "done": p.done(), "issued": p.issued,
            "skipped": p.skipped, "errors": p.errors, "percent": percent(&p),
        });
        Ok::<_, WebError>(([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
    };
    result
        .await
        .unwrap_or_else(|e| e.json(true).into_response())
}

async fn issues_csv(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let import = org_import(&app, &org, &id).await?;
        let mut out = Vec::new();
        app.write_import_issues_csv(import.id, &mut out).await?;
        let disposition = format!("attachment; filename=\"import-{}-problems.csv\"", import.id);
        Ok::<_, WebError>(
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                out,
            )
                .into_response(),
        )
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn start(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let import = org_import(&app, &org, &id).await?;
        let started = app
            .start_import(&Actor::user(&user.user), import.id)
            .await?;
        if started.state == ImportState::Running {
            app.spawn_import(started.id);
        }
        let to = format!("{}/{}", imports_url(org.slug.as_str()), started.id);
        Ok::<_, WebError>(Redirect::to(&to).into_response())
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn discard(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let import = org_import(&app, &org, &id).await?;
        match app
            .discard_import(&Actor::user(&user.user), import.id)
            .await
        {
            Ok(()) => Ok(Redirect::to(&imports_url(org.slug.as_str())).into_response()),
            Err(e @ AppError::Conflict(_)) => {
                report_page(&app, &user, &org, role, &import, Some(e.message())).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
