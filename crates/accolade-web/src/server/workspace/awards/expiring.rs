//! The awards expiring soon (active ones, soonest first), and the organization's expiry
//! reminder offsets, which admins change here.

use super::{PAGE_SIZE, achievement_names, page_number, pager, row};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{check_csrf, html, member_org, nav, require};
use crate::views::{ExpiringView, Layout, OptionView};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_app::awards::AwardFilter;
use accolade_core::{Actor, AwardState, Organization, Role};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use time::Duration;

/// The windows the page offers, in days.
const WINDOWS: [i64; 5] = [7, 30, 60, 90, 365];

#[derive(Debug, Default, serde::Deserialize)]
pub struct ExpiringQuery {
    #[serde(default)]
    days: Option<String>,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct OffsetsForm {
    csrf: String,
    #[serde(default)]
    offsets: String,
}

fn show_offsets(offsets: &[u32]) -> String {
    offsets
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)]
async fn expiring_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    q: &ExpiringQuery,
    offsets: Option<String>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let slug = org.slug.to_string();
    let days = q
        .days
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok())
        .filter(|d| WINDOWS.contains(d))
        .unwrap_or(30);
    let page = page_number(q.page.as_deref());
    let now = app.clock().now();
    let filter = AwardFilter {
        state: Some(AwardState::Active),
        expires_by: Some(now + Duration::days(days)),
        ..AwardFilter::default()
    };
    let found = app
        .search_awards(org.id, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await?;
    let names = achievement_names(app, org.id).await?;
    let offsets = match offsets {
        Some(typed) => typed,
        None => show_offsets(&app.reminder_offsets(org.id).await?),
    };
    let base = format!("/dashboard/orgs/{slug}/awards/expiring?days={days}");
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let view = ExpiringView {
        layout: Layout::new("Expiring soon", "Awards that expire soon, and reminders")
            .with_user(nav(user)),
        slug: slug.clone(),
        csrf: user.csrf_token.clone(),
        within_days: days,
        windows: WINDOWS
            .iter()
            .map(|d| OptionView {
                value: d.to_string(),
                label: format!("{d} days"),
            })
            .collect(),
        rows: found
            .awards
            .iter()
            .map(|a| row(a, &names, now, &slug))
            .collect(),
        total: found.total,
        total_more: found.more,
        // Past the count's cap the number of pages is unknown: a full page has a next one.
        pager: pager(
            page,
            (!found.more).then_some(found.total),
            found.awards.len() as i64 == PAGE_SIZE,
            &base,
        ),
        offsets,
        can_edit_offsets: role >= Role::Admin,
        notice,
        error,
    };
    Ok(html(crate::awards_expiring(&view), status))
}

pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<ExpiringQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Viewer).await?;
        let notice = q
            .saved
            .is_some()
            .then(|| "The reminder settings were saved.".to_owned());
        expiring_page(&app, &user, &org, role, &q, None, notice, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn save_offsets(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<OffsetsForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Admin).await?;
        match app
            .set_reminder_offsets(&Actor::user(&user.user), org.id, &f.offsets)
            .await
        {
            Ok(_) => Ok(
                Redirect::to(&format!("/dashboard/orgs/{slug}/awards/expiring?saved=1"))
                    .into_response(),
            ),
            Err(e @ AppError::Invalid(_)) => {
                let q = ExpiringQuery::default();
                let typed = Some(f.offsets.clone());
                expiring_page(&app, &user, &org, role, &q, typed, None, Some(e.message())).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
