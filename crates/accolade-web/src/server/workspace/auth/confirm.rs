//! Sign-up's answers other than its form: with mail, the form's one answer ("check your
//! email", whatever the address) and the page the confirmation link opens; without mail,
//! the page that says sign-up is closed and how to get an account. The link's page asks for a click before the
//! account is created, so a mail scanner fetching the link does not use it up or get the
//! session.

use super::account::account_page;
use super::{form_token_ok, new_form_token, signed_in_to};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::views::{AccountFormView, Layout, Refusal};
use accolade_app::AppError;
use accolade_app::i18n::{Lang, tr, tr_with};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn confirm_routes() -> Router<AppState> {
    Router::new().route("/signup/confirm/{token}", get(form).post(submit))
}

#[derive(Debug, serde::Deserialize)]
pub struct ConfirmForm {
    csrf: String,
}

/// The answer to every well-formed sign-up when the instance sends mail.
pub(super) fn check_email(app: &AppState, lang: Lang, email: &str) -> Response {
    let view = AccountFormView {
        layout: Layout::new(
            tr(lang, "Check your email"),
            tr(
                lang,
                "Create an account to collect badges or to issue them.",
            ),
        )
        .with_lang(lang),
        heading: tr(lang, "Check your email").into(),
        intro: String::new(),
        action: "/signup".into(),
        csrf: new_form_token(),
        fields: Vec::new(),
        submit_label: String::new(),
        show_form: false,
        notice: Some(tr_with(
            lang,
            "We sent an email to {email}. Follow the link in it to finish: it works for 24 hours. If nothing arrives within a few minutes, check your spam folder.",
            &[("email", email)],
        )),
        error: None,
        links: vec![(tr(lang, "Back to sign in").into(), "/signin".into())],
    };
    account_page(app, &view, StatusCode::OK)
}

/// The sign-up page when the instance takes no sign-ups (no mail, and the operator did not
/// open it): the ways to an account instead of the form.
pub(super) fn sign_up_closed(app: &AppState, lang: Lang, status: StatusCode) -> Response {
    let view = AccountFormView {
        layout: Layout::new(
            tr(lang, "Sign-up is closed"),
            tr(
                lang,
                "Create an account to collect badges or to issue them.",
            ),
        )
        .with_lang(lang),
        heading: tr(lang, "Sign-up is closed").into(),
        intro: tr(
            lang,
            "This site does not take sign-ups. To get an account, ask an organization on this site to invite you, or ask the person who runs it.",
        )
        .into(),
        action: "/signup".into(),
        csrf: new_form_token(),
        fields: Vec::new(),
        submit_label: String::new(),
        show_form: false,
        notice: Some(tr(
            lang,
            "If you run this site: create accounts with the command accolade user create, or configure mail (ACCOLADE_SMTP_URL) so that people can sign up and confirm their address.",
        ).into()),
        error: None,
        links: vec![(
            tr(lang, "Already have an account? Sign in").into(),
            "/signin".into(),
        )],
    };
    account_page(app, &view, status)
}

fn confirm_view(lang: Lang, token: &str, error: Option<String>) -> AccountFormView {
    let usable = error.is_none();
    AccountFormView {
        layout: Layout::new(
            tr(lang, "Confirm your email address"),
            tr(
                lang,
                "Create an account to collect badges or to issue them.",
            ),
        )
        .with_lang(lang),
        heading: tr(lang, "Confirm your email address").into(),
        intro: if usable {
            tr(
                lang,
                "Confirm to finish creating your account. You will be signed in.",
            )
            .into()
        } else {
            String::new()
        },
        action: format!("/signup/confirm/{token}"),
        csrf: new_form_token(),
        fields: Vec::new(),
        submit_label: tr(lang, "Confirm and sign in").into(),
        show_form: usable,
        notice: None,
        error,
        links: if usable {
            Vec::new()
        } else {
            vec![
                (tr(lang, "Create an account").into(), "/signup".into()),
                (tr(lang, "Sign in").into(), "/signin".into()),
            ]
        },
    }
}

async fn form(
    State(app): State<AppState>,
    Path(token): Path<String>,
    PageLang(lang): PageLang,
) -> Response {
    account_page(&app, &confirm_view(lang, &token, None), StatusCode::OK)
}

async fn submit(
    State(app): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<ConfirmForm>,
) -> Response {
    if !form_token_ok(&headers, &f.csrf) {
        let mut view = confirm_view(lang, &token, None);
        view.error = Some(tr(lang, "The form expired. Please try again.").into());
        return account_page(&app, &view, StatusCode::FORBIDDEN);
    }
    match app.confirm_sign_up(&token).await {
        Ok((session, next)) => {
            let to = next
                .as_deref()
                .and_then(crate::server::earner::safe_next)
                .unwrap_or_else(|| "/dashboard".to_owned());
            signed_in_to(&app, &session.token, &to)
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let status = if matches!(e, AppError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            let message = Refusal::from(&e).in_lang(lang).message;
            account_page(&app, &confirm_view(lang, &token, Some(message)), status)
        }
        Err(e) => WebError::from(e).into_response(),
    }
}
