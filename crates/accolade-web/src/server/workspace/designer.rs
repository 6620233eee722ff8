//! The badge designer (Admin and above): the design form with a preview, saving, logos.
//!
//! The form posts as multipart so a logo can come with it; the logo is checked and kept
//! before the preview or save that carries it. With script, `designer.js` posts the form
//! (without the file) to the preview route on every change and shows the SVG it gets back.

use super::{check_csrf, html, member_org, nav, require};
use crate::format_date;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{
    DesignRow, DesignerView, FieldView, Layout, OptionView, Refusal, SavedDesignView,
};
use accolade_app::accounts::CurrentUser;
use accolade_app::designs::choices;
use accolade_app::images::MAX_UPLOAD_BYTES;
use accolade_app::{AppError, DesignForm};
use accolade_core::{Actor, DesignId, Organization, Role};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use form::{read_multipart, svg_data_url};

mod form;

/// The designer's form may carry one logo and the design's few fields.
const FORM_LIMIT: usize = MAX_UPLOAD_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard/orgs/{slug}/designer",
            get(page)
                .post(submit)
                .layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/dashboard/orgs/{slug}/designer/preview",
            post(preview).layer(DefaultBodyLimit::max(64 * 1024)),
        )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    design: Option<String>,
    saved: Option<String>,
}

/// What the page shows besides the form.
#[derive(Default)]
struct PageState {
    design: Option<DesignId>,
    preview_src: Option<String>,
    saved: bool,
    notice: Option<String>,
    /// Why the form was refused: shown at its input, or above the form.
    refusal: Option<Refusal>,
}

fn parse_design_id(raw: Option<&str>) -> Result<Option<DesignId>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::NotFound("design")),
    }
}

fn options(pairs: &[(&'static str, &'static str)]) -> Vec<OptionView> {
    pairs
        .iter()
        .map(|(value, label)| OptionView {
            value: (*value).into(),
            label: capitalized(label),
        })
        .collect()
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn designer_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    form: &DesignForm,
    state: PageState,
) -> Result<Response, WebError> {
    let c = choices();
    let slug = org.slug.to_string();
    let base = format!("/dashboard/orgs/{slug}/designer");
    let designs = app.designs(org.id).await?;
    let current = state
        .design
        .and_then(|id| designs.iter().find(|d| d.id == id));
    let mut logos = vec![OptionView {
        value: String::new(),
        label: "No logo (use the icon)".into(),
    }];
    if let Some(id) = org.image_id {
        logos.push(OptionView {
            value: id.to_string(),
            label: "Organization logo".into(),
        });
    }
    for l in app.design_logos(org.id).await? {
        logos.push(OptionView {
            value: l.image_id.to_string(),
            label: format!("{} ({})", l.name, format_date(l.created_at)),
        });
    }
    let mut icons = vec![OptionView {
        value: String::new(),
        label: "No icon".into(),
    }];
    icons.extend(options(&c.icons));
    let colour = |name: &str, label: &str, value: &str| {
        FieldView::new(name, label, "color").value(value.to_owned())
    };
    let saved = current.map(|d| SavedDesignView {
        image_id: d.image_id.to_string(),
        svg_url: format!("/images/{}", d.image_id),
        png_url: format!("/images/{}.png", d.image_id),
        new_achievement_url: format!(
            "/dashboard/orgs/{slug}/achievements/new?image={}",
            d.image_id
        ),
    });
    let preview_src = state
        .preview_src
        .or_else(|| saved.as_ref().map(|s| s.svg_url.clone()));
    let mut view = DesignerView {
        layout: Layout::new(
            format!("Badge designer · {}", org.name),
            "Design a badge image",
        )
        .with_user(nav(user)),
        slug: slug.clone(),
        csrf: user.csrf_token.clone(),
        action: base.clone(),
        preview_url: format!("{base}/preview"),
        design_id: current.map(|d| d.id.to_string()),
        shape: form.shape.clone(),
        shapes: options(&c.shapes),
        text_fields: vec![
            FieldView::new("title", "Title", "text")
                .value(form.title.clone())
                .hint(format!(
                    "Up to {} characters; long titles wrap onto two lines and shrink to fit.",
                    c.max_title_chars
                )),
            FieldView::new("subtitle", "Subtitle", "text")
                .value(form.subtitle.clone())
                .optional()
                .hint(format!(
                    "Up to {} characters, one line.",
                    c.max_subtitle_chars
                )),
        ],
        colour_fields: vec![
            colour("background", "Background", &form.background),
            colour("foreground", "Text and icon", &form.foreground),
            colour("accent", "Accent", &form.accent),
        ],
        border_fields: vec![
            FieldView::new("border_style", "Border", "select")
                .value(form.border_style.clone())
                .options(options(&c.borders)),
            FieldView::new("border_width", "Border width", "number")
                .value(form.border_width.clone())
                .hint(format!("0 to {} pixels.", c.max_border_width)),
            colour("border_colour", "Border colour", &form.border_colour),
        ],
        emblem_fields: vec![
            FieldView::new("icon", "Icon", "select")
                .value(form.icon.clone())
                .options(icons)
                .optional(),
            FieldView::new("logo", "Logo", "select")
                .value(form.logo.clone())
                .options(logos)
                .optional()
                .hint("A logo takes the icon's place."),
        ],
        preview_alt: format!(
            "Preview: {}",
            [form.title.trim(), form.subtitle.trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(": ")
        ),
        preview_src,
        saved: saved.filter(|_| state.saved || current.is_some()),
        designs: designs
            .iter()
            .map(|d| DesignRow {
                name: d.name.clone(),
                image_url: format!("/images/{}", d.image_id),
                edit_url: format!("{base}?design={}", d.id),
                updated_on: format_date(d.updated_at),
                current: Some(d.id) == state.design,
            })
            .collect(),
        notice: state.notice,
        error: None,
        refused: None,
        script_src: crate::script_href("designer.js"),
        max_upload_bytes: MAX_UPLOAD_BYTES,
    };
    let refused = state.refusal.is_some();
    if let Some(r) = state.refusal {
        let lists: &mut [&mut [FieldView]] = &mut [
            &mut view.text_fields,
            &mut view.colour_fields,
            &mut view.border_fields,
            &mut view.emblem_fields,
        ];
        (view.refused, view.error) = r.place_in(lists, &["shape", "logo_file"]);
    }
    Ok(html(
        crate::designer(&view),
        if refused {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
    ))
}

pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let design = parse_design_id(q.design.as_deref())?;
        let form = match design {
            Some(id) => app.design_form(&app.org_design(org.id, id).await?)?,
            None => DesignForm::default(),
        };
        let saved = q.saved.is_some() && design.is_some();
        let state = PageState {
            design,
            saved,
            notice: saved.then(|| "Design saved.".to_owned()),
            ..PageState::default()
        };
        designer_page(&app, &user, &org, &form, state).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Preview (without script) or save; a logo file that comes with either is checked and kept
/// first, and becomes the design's logo.
pub async fn submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    multipart: Multipart,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let submitted = read_multipart(multipart).await;
    let result = async {
        check_csrf(&user, &submitted.get("csrf"))?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let design = parse_design_id(submitted.fields.get("design").map(String::as_str))?;
        if let Some(id) = design {
            app.org_design(org.id, id).await?;
        }
        let mut form = submitted.design_form();
        let mut state = PageState {
            design,
            ..PageState::default()
        };
        if let Some(problem) = &submitted.problem {
            state.refusal = Some(Refusal::whole(problem.clone()));
            return designer_page(&app, &user, &org, &form, state).await;
        }
        let actor = Actor::user(&user.user);
        let mut notice = None;
        if let Some((name, bytes)) = submitted.logo.clone() {
            match app.add_design_logo(&actor, org.id, &name, bytes).await {
                Ok(logo) => {
                    form.logo = logo.image_id.to_string();
                    notice = Some(format!("The logo {} was checked and added.", logo.name));
                }
                Err(e @ AppError::Invalid(_)) => {
                    let message = format!("{} Nothing was stored.", e.message());
                    state.refusal = Some(Refusal {
                        field: Some("logo_file".into()),
                        message,
                    });
                    return designer_page(&app, &user, &org, &form, state).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        if submitted.get("action") == "save" {
            match app.save_design(&actor, org.id, design, &form).await {
                Ok(saved) => {
                    return Ok(Redirect::to(&format!(
                        "/dashboard/orgs/{slug}/designer?design={}&saved=1",
                        saved.id
                    ))
                    .into_response());
                }
                Err(e @ AppError::Invalid(_)) => state.refusal = Some(Refusal::from(&e)),
                Err(e) => return Err(e.into()),
            }
        } else {
            match app.preview_design(org.id, &form).await {
                Ok(svg) => state.preview_src = Some(svg_data_url(&svg)),
                Err(e @ AppError::Invalid(_)) => state.refusal = Some(Refusal::from(&e)),
                Err(e) => return Err(e.into()),
            }
        }
        state.notice = notice;
        designer_page(&app, &user, &org, &form, state).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Debug, serde::Deserialize)]
pub struct PreviewForm {
    csrf: String,
    #[serde(flatten)]
    design: DesignForm,
}

/// The SVG a save would store for the posted form, for the live preview; a refused form
/// answers 400 with the reason as plain text.
pub async fn preview(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<PreviewForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let plain = |status: StatusCode, message: String| {
        (
            status,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            message,
        )
            .into_response()
    };
    if let Err(e) = check_csrf(&user, &f.csrf) {
        return plain(e.status, e.message);
    }
    let org = match member_org(&app, &user, &slug, Role::Admin).await {
        Ok((org, _)) => org,
        Err(e) => return plain(e.status, e.message),
    };
    match app.preview_design(org.id, &f.design).await {
        Ok(svg) => {
            let mut res = (StatusCode::OK, svg).into_response();
            for (k, v) in crate::server::documents::image_headers("image/svg+xml", "\"preview\"") {
                if let Ok(v) = axum::http::HeaderValue::from_str(&v) {
                    res.headers_mut().insert(k, v);
                }
            }
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            res.headers_mut().remove(header::ETAG);
            res
        }
        Err(e) => {
            // The script shows this beside the preview, away from the inputs: it names the
            // input by its label.
            let label = e.field().and_then(field_label);
            let e = WebError::from(e);
            match label {
                Some(label) => plain(e.status, format!("{label}: {}", e.message)),
                None => plain(e.status, e.message),
            }
        }
    }
}

/// The label of a design form input, as the page shows it.
fn field_label(name: &str) -> Option<&'static str> {
    Some(match name {
        "title" => "Title",
        "subtitle" => "Subtitle",
        "shape" => "Shape",
        "background" => "Background",
        "foreground" => "Text and icon",
        "accent" => "Accent",
        "border_style" => "Border",
        "border_width" => "Border width",
        "border_colour" => "Border colour",
        "icon" => "Icon",
        "logo" => "Logo",
        _ => return None,
    })
}
