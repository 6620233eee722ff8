//! The achievements section: the list (everyone in the organization), the authoring form
//! (Admin and above) and the form that issues one badge (Issuer and above).

mod edit;
mod form;
mod issue;
mod page;

use super::{html, member_org, nav, require};
use crate::server::AppState;
use crate::views::{AchievementRow, AchievementsView, Layout};
use accolade_app::AppError;
use accolade_app::i18n::{Lang, achievement_type_label};
use accolade_core::{Achievement, AchievementId, ExpiryPolicy, Organization, Role};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard/orgs/{slug}/achievements",
            get(list).post(edit::create),
        )
        .route(
            "/dashboard/orgs/{slug}/achievements/new",
            get(edit::new_form),
        )
        .route(
            "/dashboard/orgs/{slug}/achievements/{id}/edit",
            get(edit::edit_form).post(edit::update),
        )
        .route(
            "/dashboard/orgs/{slug}/achievements/{id}/issue",
            get(issue::form).post(issue::submit),
        )
}

fn base(slug: &str) -> String {
    format!("/dashboard/orgs/{slug}/achievements")
}

/// The organization's achievement `id` (from the path); others' ids are "not found".
async fn org_achievement(
    app: &AppState,
    org: &Organization,
    id: &str,
) -> Result<Achievement, AppError> {
    let id: AchievementId = id.parse().map_err(|_| AppError::NotFound("achievement"))?;
    app.org_achievement(org.id, id).await
}

pub(super) fn describe_expiry(expiry: ExpiryPolicy) -> String {
    match expiry {
        ExpiryPolicy::Never => "Does not expire".into(),
        ExpiryPolicy::FixedDate(d) => format!("Expires on {}", crate::format_date(d)),
        ExpiryPolicy::MonthsAfterIssue(1) => "Expires 1 month after issue".into(),
        ExpiryPolicy::MonthsAfterIssue(m) => format!("Expires {m} months after issue"),
    }
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
        let achievements = app.achievements(org.id).await?;
        let totals = app.achievement_totals(org.id).await?;
        let urls = app.urls();
        let rows = achievements
            .iter()
            .map(|a| AchievementRow {
                name: a.name.clone(),
                achievement_type: achievement_type_label(Lang::En, &a.achievement_type),
                image_url: a.image_id.map(|i| format!("/images/{i}")),
                languages: a
                    .languages()
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                tags: a.tags.clone(),
                expiry: describe_expiry(a.expiry),
                edit_url: (role >= Role::Admin).then(|| format!("{}/{}/edit", base(&slug), a.id)),
                issue_url: (role >= Role::Issuer)
                    .then(|| format!("{}/{}/issue", base(&slug), a.id)),
                public_url: urls
                    .local_path(&urls.achievement(a.id))
                    .map_or_else(|| urls.achievement(a.id), str::to_owned),
                totals: crate::views::TotalsView::new(totals.get(&a.id)),
            })
            .collect();
        let view = AchievementsView {
            layout: Layout::new(format!("Achievements — {}", org.name), "Badge classes")
                .with_user(nav(&user)),
            slug: org.slug.to_string(),
            org_name: org.name.clone(),
            can_edit: role >= Role::Admin,
            achievements: rows,
            notice: None,
        };
        Ok::<_, crate::server::errors::WebError>(html(crate::achievements(&view), StatusCode::OK))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
