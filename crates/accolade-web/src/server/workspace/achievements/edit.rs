//! Creating and editing an achievement. The edit form carries the version it was loaded
//! at; when someone else saved in between, the page keeps what this user typed, says so,
//! and shows the stored version beside it (saving again then applies this user's values).

use super::form::{AchievementInput, FormData};
use super::page::{Messages, Mode, current_version, form_page};
use super::{base, org_achievement};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{check_csrf, member_org, require};
use accolade_app::AppError;
use accolade_core::{Actor, Role};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    image: String,
}

pub async fn new_form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<NewQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let input = AchievementInput {
            image: q.image.trim().to_owned(),
            ..AchievementInput::blank()
        };
        form_page(&app, &user, &org, &input, Mode::Create, Messages::default()).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<FormData>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, f.get("csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let input = AchievementInput::from_form(&f);
        let created = match input.to_new(org.id) {
            Ok(new) => app.create_achievement(&Actor::user(&user.user), new).await,
            Err(e) => Err(e),
        };
        match created {
            Ok(a) => Ok(
                Redirect::to(&format!("{}/{}/edit?created=1", base(&slug), a.id)).into_response(),
            ),
            Err(e @ (AppError::Invalid(_) | AppError::NotFound("image"))) => {
                form_page(&app, &user, &org, &input, Mode::Create, Messages::error(&e)).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    created: Option<String>,
}

pub async fn edit_form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<EditQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let a = org_achievement(&app, &org, &id).await?;
        let input = AchievementInput::from_achievement(&a);
        let mode = Mode::Edit {
            achievement: &a,
            version: a.version,
        };
        let created = q.created.is_some();
        let notice = if created {
            Some(format!("{} is ready to issue.", a.name))
        } else {
            q.saved
                .map(|_| "Saved. Badges issued from now on use these texts.".to_owned())
        };
        let msg = Messages {
            notice,
            created,
            ..Messages::default()
        };
        form_page(&app, &user, &org, &input, mode, msg).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn update(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
    Form(f): Form<FormData>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, f.get("csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let a = org_achievement(&app, &org, &id).await?;
        let version: i64 = f.get("version").trim().parse().map_err(|_| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                "The form lost its version; reload the page.",
            )
        })?;
        let input = AchievementInput::from_form(&f);
        let updated = match input.to_new(org.id) {
            Ok(changes) => {
                app.update_achievement(&Actor::user(&user.user), a.id, version, changes)
                    .await
            }
            Err(e) => Err(e),
        };
        match updated {
            Ok(a) => {
                Ok(Redirect::to(&format!("{}/{}/edit?saved=1", base(&slug), a.id)).into_response())
            }
            Err(e @ AppError::Conflict(_)) => {
                // Keep what this user typed; the form now names the stored version, so
                // saving again is a deliberate choice made after seeing the other edit.
                let current = org_achievement(&app, &org, &id).await?;
                let mode = Mode::Edit {
                    achievement: &current,
                    version: current.version,
                };
                let msg = Messages {
                    conflict: Some(current_version(&current)),
                    ..Messages::error(&e)
                };
                form_page(&app, &user, &org, &input, mode, msg).await
            }
            Err(e @ (AppError::Invalid(_) | AppError::NotFound("image"))) => {
                let mode = Mode::Edit {
                    achievement: &a,
                    version,
                };
                form_page(&app, &user, &org, &input, mode, Messages::error(&e)).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
