//! The earner's profile on their portfolio, edited from the backpack: a headline (a form)
//! and a photo (a multipart upload under the image size limit, checked like every image).
//! A refusal is shown at its input.

use super::backpack::{render_refused, signed_in};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::server::workspace::check_csrf;
use crate::views::FieldError;
use accolade_app::AppError;
use accolade_app::i18n::{Lang, tr, tr_with};
use accolade_app::images::MAX_UPLOAD_BYTES;
use accolade_core::Actor;
use axum::extract::{Form, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, serde::Deserialize)]
pub struct HeadlineForm {
    csrf: String,
    #[serde(default)]
    headline: String,
}

/// Back to the backpack's portfolio section, or the backpack again with the refusal at
/// `input` (`typed` is the headline to show again).
async fn finish(
    app: &AppState,
    user: &accolade_app::accounts::CurrentUser,
    lang: Lang,
    result: Result<(), AppError>,
    input: &str,
    typed: Option<String>,
) -> Response {
    match result {
        Ok(()) => Redirect::to("/backpack?notice=saved#portfolio-title").into_response(),
        Err(e @ AppError::Invalid(_)) => {
            let refused = FieldError {
                field: input.to_owned(),
                message: tr(lang, &e.message()).to_owned(),
            };
            render_refused(
                app,
                user,
                lang,
                (None, None),
                Some((refused, typed)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

pub async fn headline(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Form(f): Form<HeadlineForm>,
) -> Response {
    let user = match signed_in(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(e) = check_csrf(&user, &f.csrf) {
        return e.into_response();
    }
    let result = app
        .set_headline(&Actor::user(&user.user), &user.user, &f.headline)
        .await
        .map(|_| ());
    finish(&app, &user, lang, result, "headline", Some(f.headline)).await
}

/// The photo form: a file to upload, or `remove`.
pub async fn photo(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    mut multipart: Multipart,
) -> Response {
    let user = match signed_in(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut csrf = String::new();
    let mut remove = false;
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let read = match name.as_str() {
                    "photo" => field.bytes().await.map(|b| {
                        if !b.is_empty() {
                            file = Some(b.to_vec());
                        }
                    }),
                    other => field.text().await.map(|t| match other {
                        "csrf" => csrf = t,
                        "remove" => remove = !t.is_empty(),
                        _ => {}
                    }),
                };
                if let Err(e) = read {
                    too_large = Some(e.status() == StatusCode::PAYLOAD_TOO_LARGE);
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                too_large = Some(e.status() == StatusCode::PAYLOAD_TOO_LARGE);
                break;
            }
        }
    }
    // The token may not have been read when the upload broke off: check it first anyway.
    if too_large.is_none()
        && let Err(e) = check_csrf(&user, &csrf)
    {
        return e.into_response();
    }
    let mib = (MAX_UPLOAD_BYTES / (1024 * 1024)).to_string();
    let result = match (too_large, file, remove) {
        (Some(true), _, _) => Err(AppError::invalid_field(
            "photo",
            tr_with(
                lang,
                "The file is larger than the {mib} MiB limit.",
                &[("mib", &mib)],
            ),
        )),
        (Some(false), _, _) => Err(AppError::invalid_field(
            "photo",
            "The upload could not be read; try again.",
        )),
        (None, Some(bytes), _) => app
            .set_profile_photo(&Actor::user(&user.user), &user.user, Some(bytes))
            .await
            .map(|_| ()),
        (None, None, true) => app
            .set_profile_photo(&Actor::user(&user.user), &user.user, None)
            .await
            .map(|_| ()),
        (None, None, false) => Err(AppError::invalid_field(
            "photo",
            "Choose an image file to upload.",
        )),
    };
    finish(&app, &user, lang, result, "photo", None).await
}
