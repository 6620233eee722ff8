//! The organization's logo: uploaded as multipart under its own size limit, checked like
//! every image (an SVG with scripts or external references is refused), or removed.

use super::{PageState, ProfileForm, settings_page};
use crate::server::AppState;
use crate::server::workspace::{check_csrf, member_org, require};
use accolade_app::AppError;
use accolade_app::images::MAX_UPLOAD_BYTES;
use accolade_core::{Actor, Role};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// The logo form: a file to upload, or `remove`.
pub async fn upload_logo(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut csrf = String::new();
    let mut remove = false;
    let mut file: Option<Vec<u8>> = None;
    let mut problem = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let read = match name.as_str() {
                    "logo_file" => field.bytes().await.map(|b| {
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
                    problem = Some(e);
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                problem = Some(e);
                break;
            }
        }
    }
    let result = async {
        check_csrf(&user, &csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Admin).await?;
        let refuse = |message: String| PageState {
            logo_error: Some(message),
            ..PageState::default()
        };
        let form = ProfileForm::of(&org);
        if let Some(e) = problem {
            let message = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "The file is larger than the {} MiB limit. Nothing was stored.",
                    MAX_UPLOAD_BYTES / (1024 * 1024)
                )
            } else {
                "The upload could not be read; try again.".to_owned()
            };
            return settings_page(&app, &user, &org, role, &form, refuse(message)).await;
        }
        let upload = match (file, remove) {
            (Some(bytes), _) => Some(bytes),
            (None, true) => None,
            (None, false) => {
                let message = "Choose an image file to upload.".to_owned();
                return settings_page(&app, &user, &org, role, &form, refuse(message)).await;
            }
        };
        let removing = upload.is_none();
        match app
            .set_org_logo(&Actor::user(&user.user), org.id, upload)
            .await
        {
            Ok(updated) => {
                let state = PageState {
                    notice: Some(if removing {
                        "The logo was removed.".into()
                    } else {
                        "The logo was checked and saved.".into()
                    }),
                    ..PageState::default()
                };
                settings_page(
                    &app,
                    &user,
                    &updated,
                    role,
                    &ProfileForm::of(&updated),
                    state,
                )
                .await
            }
            Err(e @ AppError::Invalid(_)) => {
                let message = format!("{} Nothing was stored.", e.message());
                settings_page(&app, &user, &org, role, &form, refuse(message)).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
