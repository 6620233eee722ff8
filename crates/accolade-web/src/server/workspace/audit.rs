//! The audit log page: the organization's entries, newest first, for its owners and admins
//! (others get a "not allowed" page).

use super::awards::award_url;
use super::{html, member_org, nav, require};
use crate::format_datetime;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{AuditRow, AuditView, Layout};
use accolade_core::{AwardId, Role};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Entries per page.
const PAGE_SIZE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/dashboard/orgs/{slug}/audit", get(page))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    page: Option<String>,
}

pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let page = super::awards::page_number(q.page.as_deref());
        // One more than a page: whether there is a next one.
        let mut events = app
            .audit_log(org.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
            .await?;
        let has_more = events.len() as i64 > PAGE_SIZE;
        events.truncate(PAGE_SIZE as usize);
        let rows = events
            .into_iter()
            .map(|e| AuditRow {
                when: format_datetime(e.at),
                who: e.actor.label,
                action: e.action,
                target_url: e
                    .target
                    .parse::<AwardId>()
                    .ok()
                    .map(|id| award_url(&slug, id)),
                target: e.target,
                detail: e.detail,
            })
            .collect();
        let base = format!("/dashboard/orgs/{slug}/audit");
        let view = AuditView {
            layout: Layout::new(
                format!("Audit log · {}", org.name),
                "Who did what, and when",
            )
            .with_user(nav(&user)),
            slug: slug.clone(),
            rows,
            pager: super::awards::pager(page, None, has_more, &base),
        };
        Ok::<_, WebError>(html(crate::audit(&view), StatusCode::OK))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
