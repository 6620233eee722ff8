//! Machine-readable documents: DID documents, status lists, credentials' achievements,
//! images, the stylesheet and the health check.

use super::AppState;
use super::errors::WebError;
use accolade_core::{AchievementId, ImageId, StatusPurpose};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub fn json_response(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response()
}

pub async fn healthz(State(app): State<AppState>) -> Response {
    match app.orgs().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            eprintln!("health check: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// A first-party script; its URL carries a content hash, so it may be cached for good.
pub async fn script(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match crate::assets::script(&name) {
        Some(source) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            source,
        )
            .into_response(),
        None => super::errors::not_found().await.into_response(),
    }
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        crate::STYLESHEET,
    )
        .into_response()
}

pub async fn did_document(
    State(app): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let json = true;
    let org = app
        .org_by_slug(&slug)
        .await
        .map_err(|e| WebError::from(e).json(json))?;
    let doc = app
        .did_document(&org)
        .await
        .map_err(|e| WebError::from(e).json(json))?;
    Ok(json_response("application/did+json", doc.to_string()))
}

/// A signed BitstringStatusListCredential. Clients revalidate every time (`no-cache`) and
/// get a cheap 304 while nothing changed, so a revocation is visible at once.
pub async fn status_list(
    State(app): State<AppState>,
    Path((slug, purpose)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let purpose = StatusPurpose::parse(&purpose)
        .ok_or_else(|| WebError::new(StatusCode::NOT_FOUND, "no such status list").json(true))?;
    let org = app
        .org_by_slug(&slug)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    let list = app
        .status_list(&org, purpose)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    let etag = format!("\"{}-{}\"", purpose.as_str(), list.version);
    let cache = [
        (header::CACHE_CONTROL, "no-cache"),
        (header::ETAG, etag.as_str()),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let mut res = json_response("application/vc+ld+json", list.json.as_ref().clone());
    for (k, v) in cache {
        if let Ok(v) = HeaderValue::from_str(v) {
            res.headers_mut().insert(k, v);
        }
    }
    Ok(res)
}

/// The achievement's JSON as it stands now (credentials embed it as it was when issued).
pub async fn achievement(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let not_found = || WebError::new(StatusCode::NOT_FOUND, "achievement not found").json(true);
    let id: AchievementId = id.parse().map_err(|_| not_found())?;
    let a = app
        .achievement(id)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    let mut doc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": app.urls().achievement(a.id),
        "type": ["Achievement"],
        "achievementType": a.achievement_type,
        "name": a.name,
        "description": a.description,
        "criteria": {},
    });
    if let Some(n) = &a.criteria_narrative {
        doc["criteria"]["narrative"] = n.clone().into();
    }
    if let Some(u) = &a.criteria_url {
        doc["criteria"]["id"] = u.clone().into();
    }
    if let Some(i) = a.image_id {
        doc["image"] =
            serde_json::json!({"id": app.urls().image(i), "type": "Image", "caption": a.name});
    }
    Ok(json_response("application/ld+json", doc.to_string()))
}

/// Images are served inert: a sandboxing CSP, no sniffing, long caching (they never change).
pub async fn image(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: ImageId = id
        .parse()
        .map_err(|_| WebError::new(StatusCode::NOT_FOUND, "image not found"))?;
    let img = app.image(id).await?;
    let content_type = if img.content_type == "image/png" {
        "image/png"
    } else {
        "image/svg+xml"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        img.bytes,
    )
        .into_response())
}
