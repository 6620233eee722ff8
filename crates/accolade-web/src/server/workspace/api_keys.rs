//! The API keys page, under an organization's settings (admins and owners): create a key
//! (its token is shown once, on the answer to the form, and never again), list the keys
//! with their scopes, last use, expiry and state, and revoke one after a confirmation step.

use super::{check_csrf, html, member_org, nav, require};
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::language::PageLang;
use crate::views::{
    ApiKeyRow, ApiKeysView, CreatedKeyView, FieldError, Layout, OptionView, Refusal, ScopeChoice,
};
use accolade_app::accounts::CurrentUser;
use accolade_app::i18n::{Lang, format_date, format_datetime, tr, tr_with};
use accolade_app::{ApiKeyView, ApiScope, AppError, CreatedApiKey, NewApiKey, OrgAdmin};
use accolade_core::{Organization, Role};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard/orgs/{slug}/settings/api-keys",
            get(page).post(create),
        )
        .route(
            "/dashboard/orgs/{slug}/settings/api-keys/{prefix}/revoke",
            get(confirm_revoke).post(revoke),
        )
}

/// The create form. Checkboxes come as `scope_<name>=on` when ticked.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CreateForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope_read: Option<String>,
    #[serde(default)]
    scope_issue: Option<String>,
    #[serde(default)]
    scope_revoke: Option<String>,
    #[serde(default)]
    scope_admin: Option<String>,
    #[serde(default)]
    expires_in_days: String,
}

impl CreateForm {
    fn scopes(&self) -> Vec<ApiScope> {
        [
            (ApiScope::Read, &self.scope_read),
            (ApiScope::Issue, &self.scope_issue),
            (ApiScope::Revoke, &self.scope_revoke),
            (ApiScope::Admin, &self.scope_admin),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(s, _)| s)
        .collect()
    }

    fn expiry(&self) -> Result<Option<u32>, AppError> {
        let raw = self.expires_in_days.trim();
        if raw.is_empty() || raw == "never" {
            return Ok(None);
        }
        raw.parse().map(Some).map_err(|_| {
            AppError::invalid_field("expires_in_days", "Choose an expiry from the list.")
        })
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    /// The prefix of a key just revoked (the notice names it if it really is revoked).
    #[serde(default)]
    revoked: Option<String>,
}

/// Expiry choices, in days (`never` first, the default).
const EXPIRY_DAYS: [(&str, &str); 5] = [
    ("never", "Never"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("180", "In 180 days"),
    ("365", "In a year"),
];

fn scope_text(scope: ApiScope) -> (&'static str, &'static str) {
    match scope {
        ApiScope::Read => ("read", "Read the organization, badges, awards and logs."),
        ApiScope::Issue => ("issue", "Issue badges (and read)."),
        ApiScope::Revoke => ("revoke", "Revoke, suspend and reinstate awards (and read)."),
        ApiScope::Admin => ("admin", "Everything, including managing API keys."),
    }
}

fn keys_url(org: &Organization) -> String {
    format!("/dashboard/orgs/{}/settings/api-keys", org.slug)
}

fn row(k: &ApiKeyView, lang: Lang) -> ApiKeyRow {
    let date = |t| format_date(lang, t);
    ApiKeyRow {
        name: k.name.clone(),
        prefix: k.prefix.clone(),
        scopes: k.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        state: k.state.as_str().to_owned(),
        created: date(k.created_at),
        // The audit label is "Name <email>"; the list names the person.
        created_by: k
            .created_by
            .split(" <")
            .next()
            .unwrap_or(&k.created_by)
            .to_owned(),
        last_used: k.last_used_at.map(|t| format_datetime(lang, t)),
        expires: k.expires_at.map(date),
        revoked: k.revoked_at.map(date),
    }
}

/// What the page shows besides the list.
#[derive(Default)]
struct PageState {
    form: Option<CreateForm>,
    refusal: Option<Refusal>,
    created: Option<CreatedApiKey>,
    confirm: Option<String>,
    notice: Option<String>,
}

async fn keys_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    lang: Lang,
    state: PageState,
) -> Result<Response, WebError> {
    let keys = app.api_keys(OrgAdmin::Member(user), org.id).await?;
    let confirm_revoke = match &state.confirm {
        Some(prefix) => Some(
            keys.iter()
                .find(|k| k.prefix == *prefix && k.revoked_at.is_none())
                .map(|k| row(k, lang))
                .ok_or(AppError::NotFound("API key"))?,
        ),
        None => None,
    };
    let form = state.form.clone().unwrap_or_default();
    let fresh = state.form.is_none();
    let ticked = form.scopes();
    let refused = state.refusal.is_some();
    let view = ApiKeysView {
        layout: Layout {
            lang,
            ..Layout::new(tr(lang, "API keys"), tr(lang, "API keys")).with_user(nav(user))
        },
        slug: org.slug.to_string(),
        csrf: user.csrf_token.clone(),
        name: form.name.clone(),
        scopes: ApiScope::ALL
            .iter()
            .map(|s| {
                let (label, hint) = scope_text(*s);
                ScopeChoice {
                    value: s.as_str().to_owned(),
                    label: label.to_owned(),
                    hint: hint.to_owned(),
                    // A new form suggests read; a refused one keeps what was ticked.
                    checked: if fresh {
                        *s == ApiScope::Read
                    } else {
                        ticked.contains(s)
                    },
                }
            })
            .collect(),
        expiry: if form.expires_in_days.is_empty() {
            "never".to_owned()
        } else {
            form.expires_in_days.clone()
        },
        expiry_options: EXPIRY_DAYS
            .iter()
            .map(|(value, label)| OptionView {
                value: (*value).to_owned(),
                label: (*label).to_owned(),
            })
            .collect(),
        refused: state.refusal.map(|r| FieldError {
            field: r.field.unwrap_or_default(),
            message: r.message,
        }),
        copy_script: state
            .created
            .as_ref()
            .and_then(|_| crate::assets::script_href("share.js")),
        created: state.created.map(|c| CreatedKeyView {
            name: c.key.name,
            prefix: c.key.prefix,
            token: c.token,
        }),
        keys: keys.iter().map(|k| row(k, lang)).collect(),
        confirm_revoke,
        notice: state.notice,
        error: None,
        api_base: format!("{}/api/v1", app.urls().base()),
    };
    let status = if refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(html(crate::api_keys(&view), status))
}

async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        // The notice names a revocation only if the key really is revoked.
        let mut notice = None;
        if let Some(prefix) = q.revoked {
            let keys = app.api_keys(OrgAdmin::Member(&user), org.id).await?;
            if keys
                .iter()
                .any(|k| k.prefix == prefix && k.revoked_at.is_some())
            {
                notice = Some(tr_with(
                    lang,
                    "Revoked the key {prefix}.",
                    &[("prefix", &prefix)],
                ));
            }
        }
        let state = PageState {
            notice,
            ..PageState::default()
        };
        keys_page(&app, &user, &org, lang, state).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Path(slug): Path<String>,
    Form(f): Form<CreateForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let made = match f.expiry() {
            Ok(expires_in_days) => {
                app.create_api_key(
                    OrgAdmin::Member(&user),
                    org.id,
                    NewApiKey {
                        name: f.name.clone(),
                        scopes: f.scopes(),
                        expires_in_days,
                    },
                )
                .await
            }
            Err(e) => Err(e),
        };
        let state = match made {
            // The token is in this answer only: it is not stored, so there is no page to
            // redirect to that could show it again.
            Ok(created) => PageState {
                created: Some(created),
                ..PageState::default()
            },
            Err(e @ AppError::Invalid(_)) => PageState {
                refusal: Some(Refusal::from(&e)),
                form: Some(f.clone()),
                ..PageState::default()
            },
            Err(e) => return Err(e.into()),
        };
        keys_page(&app, &user, &org, lang, state).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn confirm_revoke(
    State(app): State<AppState>,
    headers: HeaderMap,
    PageLang(lang): PageLang,
    Path((slug, prefix)): Path<(String, String)>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let state = PageState {
            confirm: Some(prefix),
            ..PageState::default()
        };
        keys_page(&app, &user, &org, lang, state).await
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn revoke(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((slug, prefix)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let user = match require(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let result = async {
        check_csrf(&user, &f.csrf)?;
        let (org, _) = member_org(&app, &user, &slug, Role::Admin).await?;
        let key = app
            .revoke_api_key(OrgAdmin::Member(&user), org.id, &prefix)
            .await?;
        let to = format!("{}?revoked={}", keys_url(&org), key.prefix);
        Ok::<_, WebError>(Redirect::to(&to).into_response())
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
