//! Bulk revocation: the awards ticked on the list, or named in an uploaded CSV, are shown
//! for confirmation (with what will not be revoked and why); confirming revokes them all
//! with one reason.

use super::{achievement_names, row};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{check_csrf, html, member_org, nav, require};
use crate::views::{BulkRevokeView, Layout, SkippedRow};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_app::awards::{BulkRevokePlan, NotRevocable, award_refs_from_csv};
use accolade_core::{Actor, AwardId, Organization, Role};
use axum::extract::{Form, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// The largest file accepted (a few tens of thousands of ids).
const MAX_UPLOAD: usize = 1024 * 1024;

/// A form with repeated `id` fields: its fields in order.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn ids(fields: &Fields) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

fn skipped(list: Vec<NotRevocable>) -> Vec<SkippedRow> {
    list.into_iter()
        .map(|n| SkippedRow {
            input: n.input,
            reason: n.reason,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn bulk_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    plan: BulkRevokePlan,
    reason: String,
    revoked: Option<usize>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let slug = org.slug.to_string();
    let names = achievement_names(app, org.id).await?;
    let now = app.clock().now();
    let view = BulkRevokeView {
        layout: Layout::new("Revoke credentials", "Revoke several credentials at once")
            .with_user(nav(user)),
        slug: slug.clone(),
        csrf: user.csrf_token.clone(),
        revocable: plan
            .revocable
            .iter()
            .map(|a| row(a, &names, now, &slug))
            .collect(),
        skipped: skipped(plan.not_revocable),
        reason,
        revoked,
        error,
    };
    Ok(html(crate::awards_bulk(&view), status))
}

async fn plan_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    inputs: Vec<String>,
) -> Result<Response, WebError> {
    match app.plan_bulk_revoke(org.id, &inputs).await {
        Ok(plan) => {
            let error = (inputs.is_empty()).then(|| "Nothing was selected.".to_owned());
            let status = if error.is_some() {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            bulk_page(app, user, org, plan, String::new(), None, error, status).await
        }
        Err(e @ AppError::Invalid(_)) => {
            let empty = BulkRevokePlan {
                revocable: Vec::new(),
                not_revocable: Vec::new(),
            };
            let status = StatusCode::BAD_REQUEST;
            bulk_page(
                app,
                user,
                org,
                empty,
                String::new(),
                None,
                Some(e.message()),
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The awards ticked on the list.
pub async fn from_selection(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, field(&fields, "csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        plan_page(&app, &user, &org, ids(&fields)).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// The awards named in an uploaded CSV.
pub async fn from_upload(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    mut form: Multipart,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (mut csrf, mut file) = (String::new(), Vec::new());
        while let Some(f) = form.next_field().await.map_err(|e| {
            WebError::new(
                e.status(),
                format!("the form could not be read: {}", e.body_text()),
            )
        })? {
            let name = f.name().unwrap_or_default().to_owned();
            let bytes = f.bytes().await.map_err(|e| {
                WebError::new(
                    e.status(),
                    format!("the upload could not be read: {}", e.body_text()),
                )
            })?;
            match name.as_str() {
                "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                "file" => file = bytes.to_vec(),
                _ => {}
            }
        }
        check_csrf(&user, &csrf)?;
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        if file.len() > MAX_UPLOAD {
            return Err(WebError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The file is larger than 1 MB.",
            ));
        }
        let inputs = match award_refs_from_csv(&file) {
            Ok(i) => i,
            Err(e @ AppError::Invalid(_)) => {
                let empty = BulkRevokePlan {
                    revocable: Vec::new(),
                    not_revocable: Vec::new(),
                };
                let status = StatusCode::BAD_REQUEST;
                let error = Some(e.message());
                return bulk_page(&app, &user, &org, empty, String::new(), None, error, status)
                    .await;
            }
            Err(e) => return Err(e.into()),
        };
        plan_page(&app, &user, &org, inputs).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Revokes the confirmed awards with the reason given.
pub async fn confirm(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, field(&fields, "csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let inputs = ids(&fields);
        let reason = field(&fields, "reason").to_owned();
        let parsed: Vec<AwardId> = inputs.iter().filter_map(|i| i.parse().ok()).collect();
        match app
            .bulk_revoke(&Actor::user(&user.user), org.id, &parsed, &reason)
            .await
        {
            Ok(outcome) => {
                let revoked = outcome.revoked;
                let count = revoked.len();
                let plan = BulkRevokePlan {
                    revocable: revoked,
                    not_revocable: outcome.not_revoked,
                };
                bulk_page(
                    &app,
                    &user,
                    &org,
                    plan,
                    reason,
                    Some(count),
                    None,
                    StatusCode::OK,
                )
                .await
            }
            Err(e @ AppError::Invalid(_)) => {
                let plan = app.plan_bulk_revoke(org.id, &inputs).await?;
                let status = StatusCode::BAD_REQUEST;
                bulk_page(
                    &app,
                    &user,
                    &org,
                    plan,
                    reason,
                    None,
                    Some(e.message()),
                    status,
                )
                .await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
