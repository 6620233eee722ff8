//! API keys through the API, for a key with the admin scope: list its organization's keys,
//! create one (the token is in the answer once; an `Idempotency-Key` is required, so a
//! retry cannot make a second key), read and revoke one by its prefix. And the caller's
//! organization.

use super::auth::ApiAuth;
use super::idempotency::IdempotencyRequired;
use super::instant;
use super::paging::ListPage;
use super::problem::Problem;
use super::rejections::ApiPath;
use super::types::ProblemDoc;
use crate::server::AppState;
use accolade_app::{ApiKeyView, ApiScope, NewApiKey, OrgAdmin};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organization))
        .routes(routes!(list, create))
        .routes(routes!(one, revoke))
}

/// The organization a key acts for.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OrganizationOut {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub url: String,
    pub email: Option<String>,
    pub description: Option<String>,
    /// The languages its badges are described in (BCP 47 tags).
    pub languages: Vec<String>,
    pub image_url: Option<String>,
    /// Its public issuer page.
    pub profile_url: String,
    /// The issuer's `did:web`, which signs its credentials.
    pub did: String,
    pub created_at: String,
}

/// Get the organization
///
/// The organization the key acts for.
#[utoipa::path(get, path = "/organization", operation_id = "getOrganization", tag = "Organization",
    responses((status = 200, description = "The key's organization", body = OrganizationOut)),
    security(("bearer" = [])))]
async fn organization(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
) -> Result<Json<OrganizationOut>, Problem> {
    caller.require(ApiScope::Read)?;
    let org = app.org(caller.org_id).await?;
    let urls = app.urls();
    Ok(Json(OrganizationOut {
        id: org.id.to_string(),
        slug: org.slug.as_str().to_owned(),
        name: org.name.clone(),
        url: org.url.clone(),
        email: org.email.as_ref().map(|e| e.as_str().to_owned()),
        description: org.description.clone(),
        languages: org.languages.iter().map(ToString::to_string).collect(),
        image_url: org.image_id.map(|i| urls.image(i)),
        profile_url: urls.issuer_page(&org.slug),
        did: urls.issuer_did(&org.slug),
        created_at: instant(org.created_at),
    }))
}

/// An API key as the API shows it (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ApiKeyOut {
    pub id: String,
    pub name: String,
    /// `acc_` and 8 characters: how the token starts, and how the key is named.
    pub prefix: String,
    /// `read`, `issue`, `revoke`, `admin`.
    pub scopes: Vec<String>,
    /// `active`, `expired` or `revoked`.
    pub state: String,
    pub created_by: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl ApiKeyOut {
    fn of(k: &ApiKeyView) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            scopes: k.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            state: k.state.as_str().to_owned(),
            created_by: k.created_by.clone(),
            created_at: instant(k.created_at),
            last_used_at: k.last_used_at.map(instant),
            expires_at: k.expires_at.map(instant),
            revoked_at: k.revoked_at.map(instant),
        }
    }
}

/// A new key, with its token (shown this once).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedKeyOut {
    #[serde(flatten)]
    pub key: ApiKeyOut,
    /// `acc_<prefix>_<secret>`: send it as `Authorization: Bearer …`. Not shown again.
    pub token: String,
}

/// A key to make.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Moodle sync", "scopes": ["issue", "read"], "expires_in_days": 90}))]
pub(crate) struct NewKey {
    name: String,
    /// `read`, `issue`, `revoke`, `admin`.
    scopes: Vec<String>,
    /// Days until it stops working; absent: never.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

/// List API keys
#[utoipa::path(get, path = "/api-keys", operation_id = "listApiKeys", tag = "API keys",
    responses((status = 200, description = "The organization's keys", body = ListPage<ApiKeyOut>)),
    security(("bearer" = [])))]
async fn list(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
) -> Result<Json<ListPage<ApiKeyOut>>, Problem> {
    let keys = app.api_keys(OrgAdmin::Key(&caller), caller.org_id).await?;
    Ok(Json(ListPage {
        data: keys.iter().map(ApiKeyOut::of).collect(),
        next: None,
    }))
}

/// Create an API key
///
/// For the same organization; the token is in the answer once.
#[utoipa::path(post, path = "/api-keys", operation_id = "createApiKey", tag = "API keys",
    request_body = NewKey,
    params(("Idempotency-Key" = String, Header, description = "A unique key per operation: a retry with the same key and body gets the first answer again instead of making a second key; kept 24 hours")),
    responses(
        (status = 201, description = "The key, with its token", body = CreatedKeyOut,
            links(
                ("get" = (operation_id = "getApiKey", parameters(("prefix" = "$response.body#/prefix")))),
                ("revoke" = (operation_id = "revokeApiKey", parameters(("prefix" = "$response.body#/prefix"))))
            ),
            headers(("Location" = String, description = "The key's address"))),
        (status = 400, description = "A field is not valid", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    _: IdempotencyRequired,
    body: Bytes,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Admin)?;
    let new: NewKey = serde_json::from_slice(&body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            format!("The body must be a JSON object with name, scopes and optionally expires_in_days: {e}."),
        )
    })?;
    let mut scopes = Vec::new();
    for s in &new.scopes {
        scopes.push(ApiScope::parse(s).ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                format!("{s:?} is not a scope: use read, issue, revoke or admin."),
            )
            .with_field("scopes")
        })?);
    }
    let created = app
        .create_api_key(
            OrgAdmin::Key(&caller),
            caller.org_id,
            NewApiKey {
                name: new.name,
                scopes,
                expires_in_days: new.expires_in_days,
            },
        )
        .await?;
    let out = CreatedKeyOut {
        key: ApiKeyOut::of(&created.key),
        token: created.token,
    };
    let mut res = (StatusCode::CREATED, Json(out)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/api-keys/{}", created.key.prefix)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

async fn find(
    app: &AppState,
    caller: &accolade_app::ApiCaller,
    prefix: &str,
) -> Result<ApiKeyView, Problem> {
    let wanted = prefix.strip_prefix("acc_").unwrap_or(prefix);
    app.api_keys(OrgAdmin::Key(caller), caller.org_id)
        .await?
        .into_iter()
        .find(|k| k.prefix.strip_prefix("acc_") == Some(wanted))
        .ok_or_else(|| Problem::from(accolade_app::AppError::NotFound("API key")))
}

/// Get an API key
#[utoipa::path(get, path = "/api-keys/{prefix}", operation_id = "getApiKey", tag = "API keys",
    params(("prefix" = String, Path, description = "The key's prefix (`acc_` and 8 characters)")),
    responses(
        (status = 200, description = "The key", body = ApiKeyOut),
        (status = 404, description = "No such key in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn one(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(prefix): ApiPath<String>,
) -> Result<Json<ApiKeyOut>, Problem> {
    Ok(Json(ApiKeyOut::of(&find(&app, &caller, &prefix).await?)))
}

/// Revoke an API key
///
/// It stops working at once.
#[utoipa::path(delete, path = "/api-keys/{prefix}", operation_id = "revokeApiKey", tag = "API keys",
    params(("prefix" = String, Path, description = "The key's prefix (`acc_` and 8 characters)")),
    responses(
        (status = 200, description = "The key, revoked", body = ApiKeyOut),
        (status = 404, description = "No such key in the organization", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn revoke(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(prefix): ApiPath<String>,
) -> Result<Json<ApiKeyOut>, Problem> {
    let key = app
        .revoke_api_key(OrgAdmin::Key(&caller), caller.org_id, &prefix)
        .await?;
    Ok(Json(ApiKeyOut::of(&key)))
}
