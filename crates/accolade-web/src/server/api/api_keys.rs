//! API keys through the API, for a key with the admin scope: list its organization's keys,
//! create one (the token is in the answer once; an `Idempotency-Key` is required, so a
//! retry cannot make a second key), read and revoke one by its prefix.

use super::auth::ApiAuth;
use super::idempotency::IdempotencyRequired;
use super::instant;
use super::problem::Problem;
use crate::server::AppState;
use accolade_app::{ApiKeyView, ApiScope, NewApiKey, OrgAdmin};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api-keys", get(list).post(create))
        .route("/api-keys/{prefix}", get(one).delete(revoke))
}

/// A key as the API shows it (never its secret).
pub(crate) fn key_json(k: &ApiKeyView) -> Value {
    json!({
        "id": k.id.to_string(),
        "name": k.name,
        "prefix": k.prefix,
        "scopes": k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "state": k.state.as_str(),
        "created_by": k.created_by,
        "created_at": instant(k.created_at),
        "last_used_at": k.last_used_at.map(instant),
        "expires_at": k.expires_at.map(instant),
        "revoked_at": k.revoked_at.map(instant),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    name: String,
    scopes: Vec<String>,
    #[serde(default)]
    expires_in_days: Option<u32>,
}

async fn list(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
) -> Result<Json<Value>, Problem> {
    let keys = app.api_keys(OrgAdmin::Key(&caller), caller.org_id).await?;
    Ok(Json(
        json!({ "data": keys.iter().map(key_json).collect::<Vec<_>>() }),
    ))
}

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
    let mut body = key_json(&created.key);
    body["token"] = created.token.into();
    let mut res = (StatusCode::CREATED, Json(body)).into_response();
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

async fn one(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    Path(prefix): Path<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(key_json(&find(&app, &caller, &prefix).await?)))
}

async fn revoke(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    Path(prefix): Path<String>,
) -> Result<Json<Value>, Problem> {
    let key = app
        .revoke_api_key(OrgAdmin::Key(&caller), caller.org_id, &prefix)
        .await?;
    Ok(Json(key_json(&key)))
}
