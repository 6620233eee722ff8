//! `/backpack/import`: an earner adds a badge from elsewhere (a baked PNG/SVG, pasted JSON or
//! JWT, or a URL); `/backpack/imports/{id}` shows one imported badge with its report.

use super::AppState;
use super::earner::with_next;
use super::errors::{WebError, busy, discard};
use super::language::PageLang;
use super::negotiate::wants_json;
use super::workspace::{check_csrf, current, html, nav};
use crate::views::{
    EarnerImportView, ImportedBadgeRow, ImportedBadgeView, Layout, ReportView, verdict_label,
};
use accolade_app::AppError;
use accolade_app::accounts::CurrentUser;
use accolade_app::earner_imports::{ImportInput, MAX_IMPORT_BYTES};
use accolade_app::i18n::{Lang, format_date, tr};
use accolade_core::Actor;
use accolade_credentials::verify::CredentialKind;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/backpack/import",
            get(form)
                .post(submit)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route("/backpack/imports/{id}", get(detail))
        .route("/backpack/imports/{id}/image", get(image))
        .route("/backpack/imports/{id}/delete", post(delete))
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

async fn signed_in(
    app: &AppState,
    headers: &HeaderMap,
    back: &str,
) -> Result<CurrentUser, Response> {
    match current(app, headers).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(Redirect::to(&with_next("/signin", back)).into_response()),
        Err(e) => Err(e.into_response()),
    }
}

fn kind_label(kind: &str) -> String {
    serde_json::from_value::<CredentialKind>(serde_json::Value::String(kind.to_owned()))
        .map_or_else(|_| "Unknown".to_owned(), |k| k.label().to_owned())
}

async fn page(
    app: &AppState,
    user: &CurrentUser,
    lang: Lang,
    error: Option<String>,
    text: String,
    url: String,
    status: StatusCode,
) -> Response {
    let imports = match app.imported_badges(user.user.id).await {
        Ok(i) => i,
        Err(e) => return WebError::from(e).into_response(),
    };
    let view = EarnerImportView {
        layout: Layout::new(
            tr(lang, "Import a badge"),
            tr(lang, "Add a badge from another platform to your backpack."),
        )
        .with_lang(lang)
        .with_user(nav(user)),
        csrf: user.csrf_token.clone(),
        error,
        text,
        url,
        imports: imports
            .iter()
            .map(|i| ImportedBadgeRow {
                href: format!("/backpack/imports/{}", i.id),
                name: i
                    .badge_name
                    .clone()
                    .unwrap_or_else(|| tr(lang, "Unnamed badge").into()),
                issuer_name: i.issuer_name.clone(),
                kind: kind_label(&i.kind),
                verdict: i.verdict.clone(),
                verdict_label: verdict_label(&i.verdict).to_owned(),
                imported_on: format_date(lang, i.imported_at),
            })
            .collect(),
    };
    html(crate::earner_import(&view), status)
}

pub async fn form(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
) -> Response {
    match signed_in(&app, &headers, "/backpack/import").await {
        Ok(user) => {
            page(
                &app,
                &user,
                lang,
                None,
                String::new(),
                String::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(r) => r,
    }
}

pub async fn submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    mut form: Multipart,
) -> Response {
    let user = match signed_in(&app, &headers, "/backpack/import").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    // A place in the verifier's line before the upload is read.
    let admission = match app.verify_gate().admit() {
        Ok(a) => a,
        Err(b) => {
            discard(form).await;
            return busy(b, wants_json(&headers));
        }
    };
    let (mut csrf, mut file, mut text, mut url) =
        (String::new(), Vec::new(), String::new(), String::new());
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let why = format!("The upload could not be read: {}", e.body_text());
                return page(&app, &user, lang, Some(why), text, url, e.status()).await;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let why = format!(
                    "The upload could not be read (the largest badge accepted is {} MiB): {}",
                    MAX_IMPORT_BYTES >> 20,
                    e.body_text()
                );
                return page(&app, &user, lang, Some(why), text, url, e.status()).await;
            }
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes.to_vec(),
            "text" => text = String::from_utf8_lossy(&bytes).trim().to_owned(),
            "url" => url = String::from_utf8_lossy(&bytes).trim().to_owned(),
            _ => {}
        }
    }
    if let Err(e) = check_csrf(&user, &csrf) {
        return e.into_response();
    }
    let input = if !file.is_empty() {
        ImportInput::File(file)
    } else if !url.is_empty() {
        ImportInput::Url(url.clone())
    } else {
        ImportInput::Text(text.clone())
    };
    match app
        .import_badge_admitted(&Actor::user(&user.user), &user.user, input, admission)
        .await
    {
        Ok(imported) => {
            Redirect::to(&format!("/backpack/imports/{}", imported.record.id)).into_response()
        }
        Err(AppError::Busy(b)) => busy(b, wants_json(&headers)),
        Err(e) => {
            let web = WebError::from(e);
            let status = if web.status.is_client_error() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                web.status
            };
            let message = if web.message.is_empty() {
                "The badge could not be imported.".to_owned()
            } else {
                capitalized(&web.message)
            };
            page(&app, &user, lang, Some(message), text, url, status).await
        }
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub async fn detail(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Path(id): Path<String>,
) -> Response {
    let user = match signed_in(&app, &headers, &format!("/backpack/imports/{id}")).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let imported = match app.imported_badge(user.user.id, &id).await {
        Ok(i) => i,
        Err(e) => return WebError::from(e).into_response(),
    };
    let r = &imported.record;
    let image = matches!(r.input_format.as_str(), "png" | "svg") && r.source != "url";
    let view = ImportedBadgeView {
        layout: Layout::new(
            tr(lang, "Imported badge"),
            tr(lang, "A badge imported from another platform."),
        )
        .with_lang(lang)
        .with_user(nav(&user)),
        csrf: user.csrf_token.clone(),
        id: r.id.clone(),
        name: r
            .badge_name
            .clone()
            .unwrap_or_else(|| tr(lang, "Unnamed badge").into()),
        verdict: r.verdict.clone(),
        verdict_label: verdict_label(&r.verdict).to_owned(),
        source_url: r.source_url.clone(),
        image_href: image.then(|| format!("/backpack/imports/{}/image", r.id)),
        imported_on: format_date(lang, r.imported_at),
        report: ReportView::from_report_in(
            lang,
            &imported.report,
            format_date(lang, r.imported_at),
        ),
    };
    html(crate::earner_import_detail(&view), StatusCode::OK)
}

/// The imported badge's image as it may be shown (written again or sanitized, never the
/// upload itself), sandboxed all the same.
pub async fn image(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(Some(user)) = current(&app, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let image = match app.imported_badge_image(user.user.id, &id).await {
        Ok(i) => i,
        Err(e) => return WebError::from(e).into_response(),
    };
    let mut res = (StatusCode::OK, image.bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(image.content_type),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

pub async fn delete(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match signed_in(&app, &headers, "/backpack/import").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(e) = check_csrf(&user, &form.csrf) {
        return e.into_response();
    }
    match app
        .delete_imported_badge(&Actor::user(&user.user), &user.user, &id)
        .await
    {
        Ok(()) => Redirect::to("/backpack/import").into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}
