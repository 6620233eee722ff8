//! The upload and the column-mapping step. The file is streamed to a staged file with a size
//! limit, checked (binary, encoding, width) and previewed; the mapping's submission runs the
//! dry run, which reads every row into the import, and the staged file is deleted.

use super::{imports_url, list_page};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{check_csrf, html, member_org, nav, require};
use crate::views::{FieldView, ImportMapView, Layout, OptionView};
use accolade_app::AppError;
use accolade_app::bulk::{ColumnMapping, ImportLimits, guess_field_columns, preview_file};
use accolade_core::{Achievement, Actor, Organization, Role};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::io::Write;

#[derive(Debug, serde::Deserialize)]
pub struct MapQuery {
    #[serde(default)]
    achievement: String,
}

/// The mapping form: `csrf`, `achievement`, `email`, `name`, `issued_at`, and a column per
/// custom field (`field-{key}`).
#[derive(Debug, serde::Deserialize)]
#[serde(transparent)]
pub struct MapForm(Vec<(String, String)>);

impl MapForm {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

fn field_name(key: &str) -> String {
    format!("field-{key}")
}

/// The organization's achievement with this id (else "not found").
async fn org_achievement(
    app: &AppState,
    org: &Organization,
    id: &str,
) -> Result<Achievement, AppError> {
    let id = id.parse().map_err(|_| AppError::NotFound("achievement"))?;
    let achievement = app.achievement(id).await?;
    if achievement.org_id != org.id {
        return Err(AppError::NotFound("achievement"));
    }
    Ok(achievement)
}

/// What the multipart form held.
#[derive(Default)]
struct Uploaded {
    csrf: String,
    achievement: String,
    staged: Option<(String, std::path::PathBuf)>,
}

fn too_large(limit: u64) -> AppError {
    AppError::invalid_field(
        "file",
        format!(
            "The file is larger than {} MiB. Split it into smaller files.",
            limit >> 20
        ),
    )
}

/// Reads the form, streaming the file into a staged file of `org` (at most `limit` bytes).
async fn read_form(
    app: &AppState,
    org: &Organization,
    mut form: Multipart,
    limit: u64,
) -> Result<Uploaded, AppError> {
    let mut out = Uploaded::default();
    let bad_form = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(limit)
        } else {
            AppError::invalid_field(
                "file",
                format!(
                    "The upload was cut short or malformed ({}). Try again.",
                    e.body_text()
                ),
            )
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        match field.name().unwrap_or_default() {
            "csrf" => out.csrf = field.text().await.map_err(bad_form)?,
            "achievement" => out.achievement = field.text().await.map_err(bad_form)?,
            "file" => {
                let name = field.file_name().unwrap_or("upload.csv").to_owned();
                let staged = app.stage_upload(org.id, &name)?;
                out.staged = Some((staged.token.clone(), staged.path.clone()));
                let io = |e: std::io::Error| AppError::internal("staging an upload", e);
                let mut file =
                    std::io::BufWriter::new(std::fs::File::create(&staged.path).map_err(io)?);
                let mut written: u64 = 0;
                while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
                    written += chunk.len() as u64;
                    if written > limit {
                        return Err(too_large(limit));
                    }
                    file.write_all(&chunk).map_err(io)?;
                }
                file.flush().map_err(io)?;
                if written == 0 {
                    return Err(AppError::invalid_field(
                        "file",
                        "Choose a CSV file to upload.",
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

pub async fn upload(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    form: Multipart,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, role) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let limit = ImportLimits::web().max_file_bytes;
        let read = read_form(&app, &org, form, limit).await;
        let staged = match &read {
            Ok(u) => u.staged.clone(),
            Err(_) => None,
        };
        let outcome = async {
            let u = read?;
            check_csrf(&user, &u.csrf)?;
            let achievement = org_achievement(&app, &org, &u.achievement).await?;
            let (token, path) = u
                .staged
                .ok_or_else(|| AppError::invalid_field("file", "Choose a CSV file to upload."))?;
            preview_file(&path)?;
            // Kept in the database too: the next step may reach another server.
            app.keep_upload(org.id, &token, &path).await?;
            Ok::<_, WebError>(format!(
                "{}/uploads/{token}?achievement={}",
                imports_url(org.slug.as_str()),
                achievement.id
            ))
        };
        match outcome.await {
            Ok(to) => Ok(Redirect::to(&to).into_response()),
            Err(e) => {
                if let Some((token, p)) = &staged {
                    app.discard_upload(token, p).await;
                }
                if e.status == StatusCode::BAD_REQUEST {
                    list_page(&app, &user, &org, role, "", Some(e.message)).await
                } else {
                    Err(e)
                }
            }
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

fn column_select(
    name: &str,
    label: &str,
    headers: &[String],
    chosen: Option<&str>,
    required: bool,
) -> FieldView {
    let mut options = Vec::new();
    if !required {
        options.push(OptionView {
            value: String::new(),
            label: "(none)".into(),
        });
    }
    options.extend(headers.iter().map(|h| OptionView {
        value: h.clone(),
        label: h.clone(),
    }));
    let field = FieldView::new(name, label, "select")
        .options(options)
        .value(chosen.unwrap_or_default());
    if required { field } else { field.optional() }
}

async fn map_page(
    app: &AppState,
    user: &accolade_app::accounts::CurrentUser,
    org: &Organization,
    token: &str,
    achievement: &Achievement,
    chosen: Option<ColumnMapping>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let path = app.staged_upload(org.id, token).await?;
    let preview = preview_file(&path)?;
    let chosen = chosen.unwrap_or_else(|| ColumnMapping {
        fields: guess_field_columns(&preview.headers, &achievement.custom_fields),
        ..preview.guessed.clone()
    });
    let headers = &preview.headers;
    let custom_fields = achievement.custom_fields.iter().map(|f| {
        let select = column_select(
            &field_name(&f.key),
            &f.label,
            headers,
            chosen.fields.get(&f.key).map(String::as_str),
            false,
        );
        // Not enforced by the browser: a file without the column is still checked, and
        // every row is reported as missing the value.
        if f.required {
            select
                .soft_required()
                .hint("Required for this badge: rows without a value are reported, not issued.")
        } else {
            select
        }
    });
    let view = ImportMapView {
        layout: Layout::new("Map the columns", "Which column is which").with_user(nav(user)),
        slug: org.slug.to_string(),
        csrf: user.csrf_token.clone(),
        action: format!("{}/uploads/{token}", imports_url(org.slug.as_str())),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        achievement: achievement.name.clone(),
        achievement_id: achievement.id.to_string(),
        fields: vec![
            column_select("email", "Email", headers, chosen.email.as_deref(), true),
            column_select(
                "name",
                "Recipient name",
                headers,
                chosen.name.as_deref(),
                false,
            ),
            column_select(
                "issued_at",
                "Issue date",
                headers,
                chosen.issued_at.as_deref(),
                false,
            ),
        ]
        .into_iter()
        .chain(custom_fields)
        .collect(),
        headers: preview.headers,
        rows: preview.rows,
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(html(crate::imports_map(&view), status))
}

pub async fn map_form(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<MapQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let achievement = org_achievement(&app, &org, &q.achievement).await?;
        map_page(&app, &user, &org, &token, &achievement, None, None).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn map_submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
    Form(f): Form<MapForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, f.get("csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Issuer).await?;
        let achievement = org_achievement(&app, &org, f.get("achievement")).await?;
        let path = app.staged_upload(org.id, &token).await?;
        let column = |c: &str| Some(c.trim().to_owned()).filter(|c| !c.is_empty());
        let mapping = ColumnMapping {
            email: column(f.get("email")),
            name: column(f.get("name")),
            issued_at: column(f.get("issued_at")),
            fields: achievement
                .custom_fields
                .iter()
                .filter_map(|c| Some((c.key.clone(), column(f.get(&field_name(&c.key)))?)))
                .collect(),
        };
        let actor = Actor::user(&user.user);
        match app
            .import_csv(&actor, achievement.id, &path, &mapping, ImportLimits::web())
            .await
        {
            Ok(report) => {
                app.discard_upload(&token, &path).await;
                let to = format!("{}/{}", imports_url(org.slug.as_str()), report.import.id);
                Ok(Redirect::to(&to).into_response())
            }
            Err(e @ AppError::Invalid(_)) => {
                let error = Some(e.message());
                map_page(
                    &app,
                    &user,
                    &org,
                    &token,
                    &achievement,
                    Some(mapping),
                    error,
                )
                .await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
