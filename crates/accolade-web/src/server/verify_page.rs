//! The verify page: paste JSON, a JWT or a URL, or upload a baked image or JSON file.

use super::AppState;
use super::errors::{WebError, busy, discard};
use super::language::PageLang;
use super::negotiate::wants_json;
use super::viewer::{personal, viewer};
use crate::views::{Layout, ReportView, UserNav, VerifyView};
use accolade_app::Admission;
use accolade_app::i18n::{Lang, format_datetime, tr, tr_with};
use accolade_core::Email;
use axum::extract::{Multipart, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, serde::Deserialize)]
pub struct VerifyQuery {
    url: Option<String>,
}

fn layout(lang: Lang, user: &Option<UserNav>) -> Layout {
    Layout::new(
        tr(lang, "Verify a badge"),
        tr(
            lang,
            "Check any Open Badge: is it authentic, unrevoked, current, and who issued it?",
        ),
    )
    .with_lang(lang)
    .with_user(user.clone())
}

fn page(view: VerifyView) -> Result<Response, WebError> {
    let user = view.layout.user.clone();
    crate::verify(&view)
        .map(|h| personal(Html(h).into_response(), user.as_ref()))
        .map_err(|e| WebError::internal(format!("template error: {e}")))
}

fn empty(
    lang: Lang,
    user: &Option<UserNav>,
    input: String,
    email: String,
    error: Option<String>,
) -> VerifyView {
    VerifyView {
        layout: layout(lang, user),
        input,
        email,
        error,
        report: None,
    }
}

pub async fn form(
    State(app): State<AppState>,
    Query(q): Query<VerifyQuery>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Result<Response, WebError> {
    let user = viewer(&app, &headers).await;
    match q.url.filter(|u| !u.trim().is_empty()) {
        Some(url) => {
            let admission = match app.verify_gate().admit() {
                Ok(a) => a,
                Err(b) => return Ok(busy(b, wants_json(&headers))),
            };
            let input = Input {
                // A path of this instance (the credential page's own link) reads as its full URL.
                text: app.urls().resolve_own(url.trim()),
                file: Vec::new(),
                email: String::new(),
            };
            run(&app, lang, user, input, admission, wants_json(&headers)).await
        }
        None => page(empty(lang, &user, String::new(), String::new(), None)),
    }
}

/// What the form sent.
struct Input {
    text: String,
    file: Vec<u8>,
    email: String,
}

pub async fn submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    mut form: Multipart,
) -> Result<Response, WebError> {
    // A place in line before the body is read: waiting bodies count against the limit too.
    let admission = match app.verify_gate().admit() {
        Ok(a) => a,
        Err(b) => {
            discard(form).await;
            return Ok(busy(b, wants_json(&headers)));
        }
    };
    let (mut input, mut file, mut email) = (String::new(), Vec::new(), String::new());
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(WebError::new(
                    e.status(),
                    format!("the form could not be read: {}", e.body_text()),
                ));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| {
            WebError::new(
                e.status(),
                format!("the upload could not be read: {}", e.body_text()),
            )
        })?;
        match name.as_str() {
            "input" => input = String::from_utf8_lossy(&bytes).trim().to_owned(),
            "file" => file = bytes.to_vec(),
            "email" => email = String::from_utf8_lossy(&bytes).trim().to_owned(),
            _ => {}
        }
    }
    let input = Input {
        text: input,
        file,
        email,
    };
    let user = viewer(&app, &headers).await;
    run(&app, lang, user, input, admission, wants_json(&headers)).await
}

async fn run(
    app: &AppState,
    lang: Lang,
    user: Option<UserNav>,
    Input {
        text: input,
        file,
        email,
    }: Input,
    admission: Admission,
    json: bool,
) -> Result<Response, WebError> {
    let recipient = match email.as_str() {
        "" => None,
        e => match Email::parse(e) {
            Ok(e) => Some(e),
            Err(err) => return page(empty(lang, &user, input, email, Some(err.to_string()))),
        },
    };
    let bytes = if !file.is_empty() {
        file
    } else if input.starts_with("https://") || input.starts_with("http://") {
        match app.fetch_document(input.clone()).await {
            Ok(b) => b,
            // Gone: an OB 2.0 hosted assertion its issuer revoked; the verifier says so.
            Err(accolade_credentials::did::FetchError::Status { status: 410, .. }) => {
                input.clone().into_bytes()
            }
            Err(e) => {
                return page(empty(
                    lang,
                    &user,
                    input,
                    email,
                    Some(tr_with(
                        lang,
                        "The credential could not be fetched: {error}",
                        &[("error", &e.to_string())],
                    )),
                ));
            }
        }
    } else if input.is_empty() {
        return page(empty(
            lang,
            &user,
            input,
            email,
            Some(
                tr(
                    lang,
                    "Paste a credential, a JWT or a URL, or choose a file.",
                )
                .into(),
            ),
        ));
    } else {
        input.clone().into_bytes()
    };
    if let Err(e) = accolade_app::images::check_declared_size(&bytes) {
        let why = tr_with(
            lang,
            "The image was refused: {error}",
            &[("error", &lower_first(e.message().trim_end_matches('.')))],
        );
        return page(empty(lang, &user, input, email, Some(why)));
    }
    let report = match app.verify_admitted(admission, bytes, recipient).await {
        Ok(report) => report,
        Err(b) => return Ok(busy(b, json)),
    };
    app.record_verification(&report, &accolade_app::analytics::Client::default());
    let mut shown =
        ReportView::from_report_in(lang, &report, format_datetime(lang, app.clock().now()));
    if let Some(here) = app.issued_here(&report).await {
        shown = shown.with_issued_here(lang, here);
    }
    let view = VerifyView {
        layout: layout(lang, &user),
        input,
        email,
        error: None,
        report: Some(shown),
    };
    page(view)
}

/// A sentence as part of another: a small first letter.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
