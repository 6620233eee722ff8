//! The outbox page (admins): the organization's emails, newest first, with what became of
//! each; one opened shows its text and its HTML as escaped source (never rendered here).

use super::{html, member_org, nav, require};
use crate::format_datetime;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{Layout, OutboxMessageView, OutboxRow, OutboxView};
use accolade_app::AppError;
use accolade_core::Role;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Messages the page lists.
const SHOWN: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{slug}/outbox", get(list))
        .route("/dashboard/orgs/{slug}/outbox/{id}", get(open))
}

async fn page(
    app: &AppState,
    headers: &HeaderMap,
    slug: &str,
    id: Option<&str>,
) -> Result<Response, Response> {
    let user = require(app, headers).await?;
    let result = async {
        let (org, _) = member_org(app, &user, slug, Role::Admin).await?;
        let opened = match id {
            Some(id) => {
                let id = id.parse().map_err(|_| AppError::NotFound("message"))?;
                let m = app.org_outbox_message(org.id, id).await?;
                Some(OutboxMessageView {
                    to: m.to.as_str().into(),
                    subject: m.subject,
                    template: m.template,
                    state: m.state.as_str().into(),
                    attempts: m.attempts,
                    last_error: m.last_error,
                    created: format_datetime(m.created_at),
                    sent: m.sent_at.map(format_datetime),
                    body_text: m.body_text,
                    body_html: m.body_html,
                })
            }
            None => None,
        };
        let messages = app.outbox(Some(org.id), SHOWN).await?;
        let view = OutboxView {
            layout: Layout::new("Outbox", "The organization's emails").with_user(nav(&user)),
            slug: org.slug.to_string(),
            smtp_configured: app.mail_configured(),
            messages: messages
                .iter()
                .map(|m| OutboxRow {
                    url: format!("/dashboard/orgs/{}/outbox/{}", org.slug, m.id),
                    to: m.to.as_str().into(),
                    subject: m.subject.clone(),
                    template: m.template.clone(),
                    state: m.state.as_str().into(),
                    attempts: m.attempts,
                    last_error: m.last_error.clone(),
                    created: format_datetime(m.created_at),
                })
                .collect(),
            opened,
        };
        Ok::<_, WebError>(html(crate::outbox(&view), StatusCode::OK))
    };
    result.await.map_err(IntoResponse::into_response)
}

async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    page(&app, &headers, &slug, None)
        .await
        .unwrap_or_else(|r| r)
}

async fn open(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    page(&app, &headers, &slug, Some(&id))
        .await
        .unwrap_or_else(|r| r)
}
