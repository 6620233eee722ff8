//! Account pages reached from emails: the forgotten-password request (the same answer for
//! every address), the new-password page of a reset link, and an invitation link, accepted
//! signed in or after creating the account it was sent to.

use super::super::{FORM_COOKIE, current, set_cookie};
use super::{client_key, form_token_ok, new_form_token, signed_in_to};
use crate::server::AppState;
use crate::server::client::ClientAddr;
use crate::server::errors::WebError;
use crate::server::workspace::check_csrf;
use crate::views::{AccountFormView, FieldView, InvitationView, Layout, Refusal};
use accolade_app::AppError;
use accolade_app::accounts::MIN_PASSWORD;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn account_routes() -> Router<AppState> {
    Router::new()
        .route("/forgot", get(forgot_form).post(forgot_submit))
        .route("/reset/{token}", get(reset_form).post(reset_submit))
        .route(
            "/invitations/{token}",
            get(invitation_page).post(invitation_submit),
        )
}

const FORM_EXPIRED: &str = "The form expired. Please try again.";

#[derive(Debug, serde::Deserialize)]
pub struct ForgotForm {
    csrf: String,
    email: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct ResetForm {
    csrf: String,
    password: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct InvitationForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// A page carrying a pre-session form token in its cookie (double submit), never cached.
/// The page with its form token in a cookie; a 500 when there is no token to give (the random
/// source failed), never a page with an empty or predictable one.
pub(super) fn with_form_token(
    app: &AppState,
    rendered: Result<String, crate::RenderError>,
    token: &str,
    status: StatusCode,
) -> Response {
    if token.is_empty() {
        return WebError::internal("no form token: the random source failed").into_response();
    }
    match rendered {
        Ok(h) => {
            let mut res = (status, Html(h)).into_response();
            if let Some(c) = set_cookie(app, FORM_COOKIE, token, 3600) {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            res
        }
        Err(e) => WebError::internal(format!("template error: {e}")).into_response(),
    }
}

fn forgot_view(email: &str, notice: Option<String>, error: Option<String>) -> AccountFormView {
    AccountFormView {
        layout: Layout::new("Forgot your password?", "Reset your password by email."),
        heading: "Forgot your password?".into(),
        intro: "Enter your account's email address: we send it a link to choose a new password."
            .into(),
        action: "/forgot".into(),
        csrf: new_form_token(),
        fields: vec![
            FieldView::new("email", "Email", "email")
                .value(email)
                .autocomplete("email"),
        ],
        submit_label: "Send the link".into(),
        show_form: notice.is_none(),
        notice,
        error,
        links: vec![("Back to sign in".into(), "/signin".into())],
    }
}

pub(super) fn account_page(app: &AppState, view: &AccountFormView, status: StatusCode) -> Response {
    with_form_token(app, crate::account_form(view), &view.csrf, status)
}

async fn forgot_form(State(app): State<AppState>) -> Response {
    account_page(&app, &forgot_view("", None, None), StatusCode::OK)
}

/// Answers the same, at once, whether or not the account exists: the request itself (token,
/// email) runs after the answer.
async fn forgot_submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<ForgotForm>,
) -> Response {
    if !form_token_ok(&headers, &f.csrf) {
        let view = forgot_view(&f.email, None, Some(FORM_EXPIRED.into()));
        return account_page(&app, &view, StatusCode::FORBIDDEN);
    }
    let email = f.email.trim().to_owned();
    let worker = app.clone();
    let requested = email.clone();
    tokio::spawn(async move {
        if let Err(e) = worker.request_password_reset(&requested).await {
            tracing::error!(error = %accolade_app::Chain(&e), "a password reset request failed");
        }
    });
    let notice = format!(
        "If an account exists for {email}, we have sent it a link to choose a new password. \
         The link works once, within an hour. Check your spam folder if nothing arrives."
    );
    account_page(
        &app,
        &forgot_view(&email, Some(notice), None),
        StatusCode::OK,
    )
}

fn reset_view(
    token: &str,
    notice: Option<String>,
    error: Option<String>,
    show_form: bool,
) -> AccountFormView {
    AccountFormView {
        layout: Layout::new("Choose a new password", "Choose a new password."),
        heading: "Choose a new password".into(),
        intro: "Choosing a new password signs you out everywhere.".into(),
        action: format!("/reset/{token}"),
        csrf: new_form_token(),
        fields: vec![
            FieldView::new("password", "New password", "password")
                .autocomplete("new-password")
                .hint(format!("At least {MIN_PASSWORD} characters.")),
        ],
        submit_label: "Set the new password".into(),
        show_form,
        notice,
        error,
        links: if show_form {
            Vec::new()
        } else {
            vec![
                ("Sign in".into(), "/signin".into()),
                ("Ask for a new link".into(), "/forgot".into()),
            ]
        },
    }
}

fn plausible_token(token: &str) -> bool {
    (20..=100).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn reset_form(State(app): State<AppState>, Path(token): Path<String>) -> Response {
    if !plausible_token(&token) {
        let error = "This reset link is invalid, expired or already used.".to_owned();
        return account_page(
            &app,
            &reset_view("x", None, Some(error), false),
            StatusCode::NOT_FOUND,
        );
    }
    account_page(&app, &reset_view(&token, None, None, true), StatusCode::OK)
}

async fn reset_submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(f): Form<ResetForm>,
) -> Response {
    if !form_token_ok(&headers, &f.csrf) {
        let view = reset_view(&token, None, Some(FORM_EXPIRED.into()), true);
        return account_page(&app, &view, StatusCode::FORBIDDEN);
    }
    match app.reset_password(&token, &f.password).await {
        Ok(()) => {
            let notice = "Your password was changed. Sign in with the new one.".to_owned();
            account_page(
                &app,
                &reset_view(&token, Some(notice), None, false),
                StatusCode::OK,
            )
        }
        Err(e @ AppError::Invalid(_)) => {
            // A password that breaks the rules may be tried again (the refusal names the
            // field); a bad link may not.
            let link_bad = e.field().is_none();
            let status = if link_bad {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::BAD_REQUEST
            };
            let mut view = reset_view(&token, None, None, !link_bad);
            view.error = Refusal::from(&e).place(&mut view.fields);
            account_page(&app, &view, status)
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

fn role_words(role: accolade_core::Role) -> &'static str {
    use accolade_core::Role;
    match role {
        Role::Owner => "an owner",
        Role::Admin => "an admin",
        Role::Issuer => "an issuer",
        Role::Viewer => "a viewer",
    }
}

/// The invitation page, or the page saying the link cannot be used.
async fn invitation_view(
    app: &AppState,
    headers: &HeaderMap,
    token: &str,
    name: &str,
    refusal: Option<Refusal>,
    status: StatusCode,
) -> Response {
    let (invitation, org) = match app.invitation_for_token(token).await {
        Ok(found) => found,
        Err(e @ AppError::Invalid(_)) => {
            let view = AccountFormView {
                layout: Layout::new("Invitation", "An invitation to an organization."),
                heading: "This invitation cannot be used".into(),
                intro: "Ask the person who invited you to send a new invitation.".into(),
                action: "/".into(),
                csrf: new_form_token(),
                fields: Vec::new(),
                submit_label: String::new(),
                show_form: false,
                notice: None,
                error: Some(e.message()),
                links: vec![("Go to your dashboard".into(), "/dashboard".into())],
            };
            return account_page(app, &view, StatusCode::NOT_FOUND);
        }
        Err(e) => return WebError::from(e).into_response(),
    };
    let user = match current(app, headers).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let form_token = new_form_token();
    let mut view = InvitationView {
        layout: Layout::new(
            format!("Join {}", org.name),
            "An invitation to an organization.",
        )
        .with_user(user.as_ref().and_then(super::super::nav)),
        org_name: org.name.clone(),
        role: role_words(invitation.role).into(),
        email: invitation.email.as_str().into(),
        action: format!("/invitations/{token}"),
        csrf: user
            .as_ref()
            .map_or(form_token.clone(), |u| u.csrf_token.clone()),
        signed_in_as: user.as_ref().map(|u| u.user.email.as_str().to_owned()),
        wrong_account: user
            .as_ref()
            .is_some_and(|u| u.user.email != invitation.email),
        signup_fields: vec![
            FieldView::new("name", "Your name", "text")
                .value(name)
                .autocomplete("name"),
            FieldView::new("password", "Password", "password")
                .autocomplete("new-password")
                .hint(format!("At least {MIN_PASSWORD} characters.")),
        ],
        signin_url: "/signin".into(),
        error: None,
    };
    if let Some(r) = refusal {
        view.error = r.place(&mut view.signup_fields);
    }
    with_form_token(app, crate::invitation(&view), &form_token, status)
}

async fn invitation_page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    invitation_view(&app, &headers, &token, "", None, StatusCode::OK).await
}

/// Signed in: accepts. Not signed in: creates the account for the invited address, signs in
/// and accepts.
async fn invitation_submit(
    State(app): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(f): Form<InvitationForm>,
) -> Response {
    let user = match current(&app, &headers).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let refused = |e: AppError| (Some(Refusal::from(&e)), StatusCode::BAD_REQUEST);
    let (error, status) = if let Some(user) = user {
        if let Err(e) = check_csrf(&user, &f.csrf) {
            return e.into_response();
        }
        match app.accept_invitation(&user.user, &token).await {
            Ok(m) => return joined(&app, m.org_id, None).await,
            Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Forbidden(_))) => {
                refused(e)
            }
            Err(e) => return WebError::from(e).into_response(),
        }
    } else if !form_token_ok(&headers, &f.csrf) {
        (Some(Refusal::whole(FORM_EXPIRED)), StatusCode::FORBIDDEN)
    } else {
        match sign_up_and_join(&app, &token, &f, &client_key(client)).await {
            Ok(res) => return res,
            Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Forbidden(_))) => {
                refused(e)
            }
            Err(e) => return WebError::from(e).into_response(),
        }
    };
    invitation_view(&app, &headers, &token, &f.name, error, status).await
}

async fn sign_up_and_join(
    app: &AppState,
    token: &str,
    f: &InvitationForm,
    client: &str,
) -> Result<Response, AppError> {
    let (invitation, _) = app.invitation_for_token(token).await?;
    let email = invitation.email.as_str();
    app.sign_up(email, &f.name, &f.password)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Conflict(format!(
                "An account with {email} already exists. Sign in, then open the invitation \
                 link again."
            )),
            other => other,
        })?;
    let session = app.sign_in(email, &f.password, client).await?;
    let membership = app.accept_invitation(&session.user, token).await?;
    Ok(joined(app, membership.org_id, Some(&session.token)).await)
}

/// To the organization's workspace (setting the session cookie of a new account).
async fn joined(app: &AppState, org: accolade_core::OrgId, session: Option<&str>) -> Response {
    let to = match app.org(org).await {
        Ok(o) => format!("/dashboard/orgs/{}", o.slug),
        Err(_) => "/dashboard".into(),
    };
    match session {
        Some(token) => signed_in_to(app, token, &to),
        None => Redirect::to(&to).into_response(),
    }
}
