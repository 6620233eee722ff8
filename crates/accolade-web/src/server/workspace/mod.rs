//! The signed-in side: sign-up, sign-in, sign-out, the dashboard and an organization's
//! workspace. Sessions live in an HttpOnly, SameSite=Lax cookie holding a random token
//! (stored hashed); every form carries an anti-forgery token that must match.

mod achievements;
mod api_keys;
mod audit;
mod auth;
mod awards;
mod dashboard;
mod designer;
mod imports;
mod insights;
mod members;
mod outbox;
pub(crate) mod pathways;
mod settings;

use super::AppState;
use super::errors::WebError;
use crate::views::UserNav;
use accolade_app::AppError;
use accolade_app::accounts::{CurrentUser, constant_time_eq};
use accolade_core::{Organization, Role};
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Html;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

/// The signed-in side's routes. Each area of the workspace keeps its routes in its own
/// module and is merged here.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signin", get(auth::signin_form).post(auth::signin_submit))
        .route("/signup", get(auth::signup_form).post(auth::signup_submit))
        .route("/signout", post(auth::signout))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/dashboard/orgs", post(dashboard::create_org))
        .route("/dashboard/orgs/{slug}", get(dashboard::org_workspace))
        .merge(achievements::routes())
        .merge(designer::routes())
        .merge(settings::routes())
        .merge(api_keys::routes())
        .merge(imports::routes())
        .merge(members::routes())
        .merge(outbox::routes())
        .merge(auth::account_routes())
        .merge(auth::confirm_routes())
        .merge(awards::routes())
        .merge(audit::routes())
        .merge(pathways::routes())
        .merge(insights::routes())
}

pub(crate) use imports::template_url as imports_template_url;

pub const SESSION_COOKIE: &str = "accolade_session";
/// Double-submit token for forms shown before there is a session (sign-in, sign-up).
pub const FORM_COOKIE: &str = "accolade_form";

/// The value of the request's cookie `name` (the first, if several `Cookie` headers or pairs
/// name it); pairs that do not parse are skipped.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// `Set-Cookie` for `name`; `Secure` when the instance is served over https.
pub fn set_cookie(
    app: &AppState,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> Option<HeaderValue> {
    let secure = if app.urls().base().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .ok()
}

/// The signed-in user, if any.
pub async fn current(app: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>, WebError> {
    match cookie(headers, SESSION_COOKIE) {
        Some(token) if !token.is_empty() => Ok(app.current_user(&token).await?),
        _ => Ok(None),
    }
}

/// The signed-in user, or a redirect to the sign-in page.
pub async fn require(app: &AppState, headers: &HeaderMap) -> Result<CurrentUser, Response> {
    match current(app, headers).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(Redirect::to("/signin").into_response()),
        Err(e) => Err(e.into_response()),
    }
}

/// Refuses a state-changing request whose form token does not match the session's.
pub fn check_csrf(user: &CurrentUser, submitted: &str) -> Result<(), WebError> {
    if constant_time_eq(&user.csrf_token, submitted) {
        Ok(())
    } else {
        Err(WebError::new(
            StatusCode::FORBIDDEN,
            "The form expired or did not come from this site. Reload the page and try again.",
        ))
    }
}

pub fn nav(user: &CurrentUser) -> Option<UserNav> {
    Some(UserNav {
        name: user.user.name.clone(),
        csrf: user.csrf_token.clone(),
    })
}

/// The organization (by slug) if the user is a member with at least `needed`.
pub async fn member_org(
    app: &AppState,
    user: &CurrentUser,
    slug: &str,
    needed: Role,
) -> Result<(Organization, Role), WebError> {
    let org = app.org_by_slug(slug).await?;
    app.authorize(user, org.id, needed).await?;
    let role = user
        .role_in(org.id)
        .ok_or(AppError::NotFound("organization"))?;
    Ok((org, role))
}

/// An HTML page that is never cached (it shows signed-in data).
pub fn html(r: Result<String, crate::RenderError>, status: StatusCode) -> Response {
    match r {
        Ok(h) => {
            let mut res = (status, Html(h)).into_response();
            res.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            res
        }
        Err(e) => WebError::internal(format!("template error: {e}")).into_response(),
    }
}
