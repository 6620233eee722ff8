//! Sign-up, sign-in and sign-out; forgotten passwords and invitation links in `account.rs`.

mod account;
mod confirm;

pub use account::account_routes;
pub use confirm::confirm_routes;

use super::{FORM_COOKIE, SESSION_COOKIE, cookie, set_cookie};
use crate::server::AppState;
use crate::server::client::ClientAddr;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::views::{AuthView, FieldView, Layout, Refusal};
use accolade_app::AppError;
use accolade_app::accounts::{SESSION_LIFETIME, SignUpMode, constant_time_eq};
use accolade_app::i18n::{Lang, tr, tr_with};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    csrf: String,
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct SignUpForm {
    csrf: String,
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `?next=/path`: where to go after signing in or up (a path on this site, else ignored).
#[derive(Debug, Default, serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

impl NextQuery {
    fn path(&self) -> Option<String> {
        self.next
            .as_deref()
            .and_then(crate::server::earner::safe_next)
    }
}

/// The form posts `next` back (a hidden field), and its "other form" link keeps it.
fn keep_next(mut view: AuthView, next: &NextQuery) -> AuthView {
    if let Some(next) = next.path() {
        view.fields
            .push(FieldView::new("next", "", "hidden").value(&next));
        if let Some((_, link)) = view.alternative.as_mut() {
            *link = crate::server::earner::with_next(link, &next);
        }
    }
    view
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// A pre-session form token, or an empty one when the random source failed: pages refuse
/// to go out with an empty token (see [`account::with_form_token`]), so no predictable
/// token is ever issued.
pub(super) fn new_form_token() -> String {
    accolade_app::tokens::new_token().unwrap_or_default()
}

fn page(app: &AppState, view: AuthView, status: StatusCode) -> Response {
    account::with_form_token(app, crate::auth(&view), &view.csrf, status)
}

fn signin_view(lang: Lang, email: &str, error: Option<String>) -> AuthView {
    AuthView {
        layout: Layout::new(
            tr(lang, "Sign in"),
            tr(
                lang,
                "Sign in to collect your badges, or to issue and manage badges.",
            ),
        )
        .with_lang(lang),
        heading: tr(lang, "Sign in").into(),
        intro: tr(
            lang,
            "Sign in to collect your badges, or to issue and manage your organization's badges.",
        )
        .into(),
        action: "/signin".into(),
        csrf: new_form_token(),
        fields: vec![
            FieldView::new("email", tr(lang, "Email"), "email")
                .value(email)
                .autocomplete("email"),
            FieldView::new("password", tr(lang, "Password"), "password")
                .autocomplete("current-password"),
        ],
        submit_label: tr(lang, "Sign in").into(),
        error,
        alternative: Some((
            tr(lang, "New here? Create an account").into(),
            "/signup".into(),
        )),
    }
}

fn signup_view(lang: Lang, name: &str, email: &str, error: Option<String>) -> AuthView {
    AuthView {
        layout: Layout::new(
            tr(lang, "Create an account"),
            tr(lang, "Create an account to collect badges or to issue them."),
        )
        .with_lang(lang),
        heading: tr(lang, "Create an account").into(),
        intro: tr(
            lang,
            "Create an account to keep your badges in a backpack, or to create your organization or accept an invitation.",
        )
        .into(),
        action: "/signup".into(),
        csrf: new_form_token(),
        fields: vec![
            FieldView::new("name", tr(lang, "Your name"), "text")
                .value(name)
                .autocomplete("name"),
            FieldView::new("email", tr(lang, "Email"), "email")
                .value(email)
                .autocomplete("email"),
            FieldView::new("password", tr(lang, "Password"), "password")
                .autocomplete("new-password")
                .hint(tr_with(
                    lang,
                    "At least {count} characters.",
                    &[("count", &accolade_app::accounts::MIN_PASSWORD.to_string())],
                )),
        ],
        submit_label: tr(lang, "Create account").into(),
        error,
        alternative: Some((
            tr(lang, "Already have an account? Sign in").into(),
            "/signin".into(),
        )),
    }
}

/// The pre-session form token must match its cookie (double submit).
pub(super) fn form_token_ok(headers: &HeaderMap, submitted: &str) -> bool {
    cookie(headers, FORM_COOKIE).is_some_and(|c| !c.is_empty() && constant_time_eq(&c, submitted))
}

/// Throttling key for a client: a hash of its address, never the address itself (the same
/// key the request rate limits count by).
pub(super) fn client_key(client: ClientAddr) -> String {
    client.key()
}

fn signed_in_response(app: &AppState, token: &str) -> Response {
    signed_in_to(app, token, "/dashboard")
}

/// A redirect to `to` that sets the session cookie.
pub(super) fn signed_in_to(app: &AppState, token: &str, to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    if let Some(c) = set_cookie(app, SESSION_COOKIE, token, SESSION_LIFETIME.whole_seconds()) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

pub async fn signin_form(
    State(app): State<AppState>,
    Query(next): Query<NextQuery>,
    PageLang(lang): PageLang,
) -> Response {
    page(
        &app,
        keep_next(signin_view(lang, "", None), &next),
        StatusCode::OK,
    )
}

pub async fn signin_submit(
    State(app): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<SignInForm>,
) -> Response {
    let next = NextQuery {
        next: f.next.clone(),
    };
    if !form_token_ok(&headers, &f.csrf) {
        return page(
            &app,
            keep_next(
                signin_view(
                    lang,
                    &f.email,
                    Some(tr(lang, "The form expired. Please try again.").into()),
                ),
                &next,
            ),
            StatusCode::FORBIDDEN,
        );
    }
    match app
        .sign_in(&f.email, &f.password, &client_key(client))
        .await
    {
        Ok(s) => match next.path() {
            Some(to) => signed_in_to(&app, &s.token, &to),
            None => signed_in_response(&app, &s.token),
        },
        Err(e @ (AppError::Unauthorized(_) | AppError::RateLimited(_))) => {
            let status = if matches!(e, AppError::RateLimited(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let view = keep_next(signin_view(lang, &f.email, Some(e.message())), &next);
            let mut res = page(&app, view, status);
            if status == StatusCode::TOO_MANY_REQUESTS {
                // The account's throttle lasts its window, as the request limits say theirs.
                let secs = accolade_app::accounts::THROTTLE_WINDOW.whole_seconds();
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            }
            res
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

pub async fn signup_form(
    State(app): State<AppState>,
    Query(next): Query<NextQuery>,
    PageLang(lang): PageLang,
) -> Response {
    if app.sign_up_mode() == SignUpMode::Closed {
        return confirm::sign_up_closed(&app, lang, StatusCode::OK);
    }
    page(
        &app,
        keep_next(signup_view(lang, "", "", None), &next),
        StatusCode::OK,
    )
}

pub async fn signup_submit(
    State(app): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<SignUpForm>,
) -> Response {
    let next = NextQuery {
        next: f.next.clone(),
    };
    let mode = app.sign_up_mode();
    if mode == SignUpMode::Closed {
        // Refused before anything is looked at (the form token too: nothing changes), the
        // same for every address.
        return confirm::sign_up_closed(&app, lang, StatusCode::FORBIDDEN);
    }
    if !form_token_ok(&headers, &f.csrf) {
        return page(
            &app,
            keep_next(
                signup_view(
                    lang,
                    &f.name,
                    &f.email,
                    Some(tr(lang, "The form expired. Please try again.").into()),
                ),
                &next,
            ),
            StatusCode::FORBIDDEN,
        );
    }
    if mode == SignUpMode::ConfirmByEmail {
        return match app.check_sign_up_form(&f.email, &f.name, &f.password) {
            Ok(()) => {
                // The same answer, at once, whether or not the address has an account: the
                // hashing and the email run after it.
                let (worker, email) = (app.clone(), f.email.trim().to_owned());
                let to = next.path();
                tokio::spawn(async move {
                    let asked = worker.request_sign_up(&email, &f.name, &f.password, to.as_deref());
                    if let Err(e) = asked.await {
                        eprintln!(
                            "error: a sign-up request failed: {}",
                            accolade_app::Chain(&e)
                        );
                    }
                });
                confirm::check_email(&app, lang, f.email.trim())
            }
            Err(e) => {
                let mut view = signup_view(lang, &f.name, &f.email, None);
                view.error = Refusal::from(&e).in_lang(lang).place(&mut view.fields);
                page(&app, keep_next(view, &next), StatusCode::BAD_REQUEST)
            }
        };
    }
    match app.sign_up_at_once(&f.email, &f.name, &f.password).await {
        Ok(_) => match app
            .sign_in(&f.email, &f.password, &client_key(client))
            .await
        {
            Ok(s) => match next.path() {
                Some(to) => signed_in_to(&app, &s.token, &to),
                None => signed_in_response(&app, &s.token),
            },
            Err(e) => WebError::from(e).into_response(),
        },
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let mut view = signup_view(lang, &f.name, &f.email, None);
            view.error = Refusal::from(&e).in_lang(lang).place(&mut view.fields);
            page(&app, keep_next(view, &next), StatusCode::BAD_REQUEST)
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

pub async fn signout(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Ok(Some(user)) = super::current(&app, &headers).await else {
        return Redirect::to("/").into_response();
    };
    if let Err(e) = super::check_csrf(&user, &f.csrf) {
        return e.into_response();
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let _ = app.sign_out(&token).await;
    }
    let mut res = Redirect::to("/").into_response();
    if let Some(c) = set_cookie(&app, SESSION_COOKIE, "", 0) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn form_tokens_are_fresh_and_never_empty() {
        let (a, b) = (new_form_token(), new_form_token());
        assert!(accolade_app::tokens::is_token(&a) && accolade_app::tokens::is_token(&b));
        assert_ne!(a, b);
    }

    #[test]
    fn a_forged_or_empty_form_token_is_refused() {
        // An empty cookie matched by an empty field (what a failed random source once gave).
        assert!(!form_token_ok(&with_cookie("accolade_form="), ""));
        // All-zero tokens, the old fallback, do not pass when the cookie holds a real one.
        let real = new_form_token();
        let zeros = "0".repeat(48);
        assert!(!form_token_ok(
            &with_cookie(&format!("accolade_form={real}")),
            &zeros
        ));
        assert!(form_token_ok(
            &with_cookie(&format!("accolade_form={real}")),
            &real
        ));
        assert!(!form_token_ok(&HeaderMap::new(), &real));
    }

    #[test]
    fn cookies_are_read_by_name_among_others() {
        let h = with_cookie("lang=fr; accolade_form=abc; accolade_session=s1");
        assert_eq!(cookie(&h, "accolade_form").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "accolade_session").as_deref(), Some("s1"));
        // A name that only ends with the wanted one is another cookie.
        let h = with_cookie("xaccolade_form=evil");
        assert_eq!(cookie(&h, "accolade_form"), None);
        assert_eq!(
            cookie(&with_cookie("accolade_form="), "accolade_form").as_deref(),
            Some("")
        );
    }
}
