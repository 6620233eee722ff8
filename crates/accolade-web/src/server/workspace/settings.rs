//! An organization's settings: the public profile and logo (Admin and above) and the signing
//! keys (everyone with access sees them; Owners rotate, after a confirmation step).

use super::{check_csrf, html, member_org, nav, require};
use crate::format_date;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{FieldView, Layout, Refusal, SettingsKeyRow, SettingsView};
use accolade_app::accounts::CurrentUser;
use accolade_app::images::MAX_UPLOAD_BYTES;
use accolade_app::{AppError, OrgProfile};
use accolade_core::{Actor, Organization, Role};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

mod logo;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard/orgs/{slug}/settings",
            get(page).post(update_profile),
        )
        .route(
            "/dashboard/orgs/{slug}/settings/logo",
            post(logo::upload_logo).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 16 * 1024)),
        )
        .route(
            "/dashboard/orgs/{slug}/settings/keys/rotate",
            get(confirm_rotate).post(rotate),
        )
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProfileForm {
    csrf: String,
    name: String,
    url: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    languages: String,
    /// LinkedIn's company id, for add-to-profile links (kept with the sharing settings).
    #[serde(default)]
    linkedin_org_id: String,
}

impl ProfileForm {
    pub(super) fn of(org: &Organization) -> Self {
        ProfileForm {
            csrf: String::new(),
            name: org.name.clone(),
            url: org.url.clone(),
            email: org
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            description: org.description.clone().unwrap_or_default(),
            languages: org
                .languages
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            linkedin_org_id: String::new(),
        }
    }

    fn profile(&self) -> OrgProfile {
        OrgProfile {
            name: self.name.clone(),
            url: self.url.clone(),
            email: Some(self.email.clone()),
            description: Some(self.description.clone()),
            languages: self
                .languages
                .split([',', ' ', '\n', '\t', ';'])
                .map(str::to_owned)
                .filter(|s| !s.trim().is_empty())
                .collect(),
        }
    }
}

/// What the page shows besides the profile form.
#[derive(Default)]
pub(super) struct PageState {
    pub confirm_rotate: bool,
    pub notice: Option<String>,
    /// Why the profile form was refused: shown at its input, or above the form.
    pub refusal: Option<Refusal>,
    pub logo_error: Option<String>,
}

pub(super) async fn settings_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    role: Role,
    form: &ProfileForm,
    state: PageState,
) -> Result<Response, WebError> {
    let mut keys: Vec<SettingsKeyRow> = app
        .keys(org.id)
        .await?
        .into_iter()
        .map(|k| SettingsKeyRow {
            public_key: k.public_multibase,
            created: format_date(k.created_at),
            retired: k.retired_at.map(format_date),
        })
        .collect();
    keys.reverse();
    let failed = state.refusal.is_some() || state.logo_error.is_some();
    // A form read from the organization (no token) shows the stored id; a submitted one
    // shows what was typed.
    let linkedin_org_id = if form.csrf.is_empty() {
        app.linkedin_org_id(org.id).await?.unwrap_or_default()
    } else {
        form.linkedin_org_id.clone()
    };
    let mut view = SettingsView {
        layout: Layout::new(format!("Settings · {}", org.name), "Organization settings")
            .with_user(nav(user)),
        slug: org.slug.to_string(),
        csrf: user.csrf_token.clone(),
        public_url: format!("/issuers/{}", org.slug),
        profile_fields: vec![
            FieldView::new("name", "Organization name", "text")
                .value(form.name.clone())
                .autocomplete("organization"),
            FieldView::new("url", "Website", "url")
                .value(form.url.clone())
                .hint("Shown on your public issuer page and in new credentials."),
            FieldView::new("email", "Contact email", "email")
                .value(form.email.clone())
                .optional(),
            FieldView::new("description", "Description", "textarea")
                .value(form.description.clone())
                .optional(),
            FieldView::new("languages", "Languages", "text")
                .value(form.languages.clone())
                .optional()
                .hint("Language tags you issue badges in, separated by commas: en, de-CH, pt-BR."),
            FieldView::new("linkedin_org_id", "LinkedIn organization id", "text")
                .value(linkedin_org_id)
                .optional()
                .hint(
                    "The number in your LinkedIn page's address (linkedin.com/company/12345): \
                       badges added to LinkedIn profiles then link to your page.",
                ),
        ],
        logo_url: org.image_id.map(|i| format!("/images/{i}")),
        languages: org.languages.iter().map(|l| l.to_string()).collect(),
        can_manage_keys: role >= Role::Owner,
        can_manage_api_keys: role >= Role::Admin,
        keys,
        confirm_rotate: state.confirm_rotate,
        max_upload_bytes: MAX_UPLOAD_BYTES,
        notice: state.notice,
        error: None,
        logo_error: state.logo_error,
    };
    if let Some(r) = state.refusal {
        view.error = r.place(&mut view.profile_fields);
    }
    Ok(html(
        crate::settings(&view),
        if failed {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
    ))
}

async fn show(app: &AppState, headers: &HeaderMap, slug: &str, confirm_rotate: bool) -> Response {
    let user = match require(app, headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let needed = if confirm_rotate {
        Role::Owner
    } else {
        Role::Admin
    };
    let result = async {
        let (org, role) = member_org(app, &user, slug, needed).await?;
        let state = PageState {
            confirm_rotate,
            ..PageState::default()
        };
        settings_page(app, &user, &org, role, &ProfileForm::of(&org), state).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    show(&app, &headers, &slug, false).await
}

/// The rotation's confirmation step (Owner).
pub async fn confirm_rotate(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    show(&app, &headers, &slug, true).await
}

pub async fn update_profile(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<ProfileForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Admin).await?;
        let actor = Actor::user(&user.user);
        let saved = async {
            app.set_linkedin_org_id(&actor, org.id, Some(&f.linkedin_org_id))
                .await?;
            app.update_org_profile(&actor, org.id, f.profile()).await
        };
        match saved.await {
            Ok(updated) => {
                let state = PageState {
                    notice: Some(
                        "The profile was saved. Your issuer page and new credentials show it; \
                         credentials already issued keep the profile they were signed with."
                            .into(),
                    ),
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
                let state = PageState {
                    refusal: Some(Refusal::from(&e)),
                    ..PageState::default()
                };
                settings_page(&app, &user, &org, role, &f, state).await
            }
            Err(e) => Err(e.into()),
        }
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Debug, serde::Deserialize)]
pub struct RotateForm {
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// Rotates the signing key (Owner), once the confirmation was given.
pub async fn rotate(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<RotateForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, role) = member_org(&app, &user, &slug, Role::Owner).await?;
        let form = ProfileForm::of(&org);
        if f.confirm != "rotate" {
            let state = PageState {
                confirm_rotate: true,
                ..PageState::default()
            };
            return settings_page(&app, &user, &org, role, &form, state).await;
        }
        let key = app.rotate_key(&Actor::user(&user.user), org.id).await?;
        let state = PageState {
            notice: Some(format!(
                "A new signing key was made ({}); the previous one is retired and stays \
                 published, so the badges it signed keep verifying.",
                key.public_multibase
            )),
            ..PageState::default()
        };
        settings_page(&app, &user, &org, role, &form, state).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
