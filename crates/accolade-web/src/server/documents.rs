//! Machine-readable documents: DID documents, VC-JWT keys (one JWK each, and the JWK Set),
//! status lists, images, the stylesheet and the health check.

use super::AppState;
use super::errors::WebError;
use accolade_core::{ImageId, StatusPurpose};
use axum::extract::{Path, Query, State};
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

/// Liveness: the process answers. No database call, so a database outage does not get a
/// healthy process restarted.
pub async fn healthz() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        (StatusCode::OK, "ok\n"),
    )
        .into_response()
}

/// Readiness: 200 when the database answers and every migration is applied, else 503 with
/// the reason in one line (a load balancer or orchestrator sends no traffic meanwhile).
pub async fn readyz(State(app): State<AppState>) -> Response {
    let (status, body) = match app.readiness().await {
        Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
        Err(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        ),
    };
    ([(header::CACHE_CONTROL, "no-store")], (status, body)).into_response()
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

/// A key that signs VC-JWTs, as one JWK: the `kid` of the tokens it signed. A key never
/// changes once made (a retired one stays published), so it may be cached.
pub async fn jwt_key(
    State(app): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let org = app
        .org_by_slug(&slug)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    let jwk = app
        .jwt_key_document(&org, &file)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    let mut res = json_response("application/jwk+json", jwk.to_string());
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(res)
}

/// The instance's JWK Set: every organization's VC-JWT keys, retired ones included. It
/// grows when a key is made or rotated, so clients revalidate.
pub async fn jwks(State(app): State<AppState>) -> Result<Response, WebError> {
    let set = app.jwks().await.map_err(|e| WebError::from(e).json(true))?;
    let mut res = json_response("application/jwk-set+json", set.to_string());
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
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

/// What every image response carries: a sandboxing CSP (an SVG opened on its own runs
/// nothing and loads nothing but its own `data:` pictures), no sniffing, open to other
/// origins, cached for good (an image never changes; its ETag is its id and rendition).
const IMAGE_CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox";

/// The image-serving headers for a body of `content_type` with this `etag`.
pub fn image_headers(content_type: &'static str, etag: &str) -> Vec<(header::HeaderName, String)> {
    vec![
        (header::CONTENT_TYPE, content_type.to_owned()),
        (header::CONTENT_SECURITY_POLICY, IMAGE_CSP.to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_owned()),
        (header::ETAG, etag.to_owned()),
    ]
}

fn with_headers(
    status: StatusCode,
    headers: Vec<(header::HeaderName, String)>,
    body: Vec<u8>,
) -> Response {
    let mut res = (status, body).into_response();
    for (k, v) in headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            res.headers_mut().insert(k, v);
        }
    }
    res
}

#[derive(Debug, serde::Deserialize)]
pub struct ImageQuery {
    /// `png` for the PNG rendition (the same as a `.png` suffix on the id).
    format: Option<String>,
    /// The rendition's side in pixels.
    size: Option<u32>,
}

/// An image: `/images/{id}` as stored (PNG, or SVG only ever sanitized), `/images/{id}.png`
/// (or `?format=png`) as PNG, an SVG rendered with the bundled font at `?size=` pixels
/// (512 unless asked). Answers `304` to a matching `If-None-Match`.
pub async fn image(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ImageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let not_found = || WebError::new(StatusCode::NOT_FOUND, "This image could not be found.");
    let (raw, png) = match id.strip_suffix(".png") {
        Some(raw) => (raw, true),
        None => (id.as_str(), q.format.as_deref() == Some("png")),
    };
    if q.format.as_deref().is_some_and(|f| f != "png") {
        return Err(not_found());
    }
    let id: ImageId = raw.parse().map_err(|_| not_found())?;
    let size = q.size.unwrap_or(accolade_app::images::DEFAULT_PNG_SIZE);
    let etag = if png {
        format!("\"{id}-png-{size}\"")
    } else {
        format!("\"{id}\"")
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if png {
        let headers = image_headers("image/png", &etag);
        if fresh {
            // The tag names a rendition of a stored image; a deleted one is not found.
            app.image(id).await?;
            return Ok(with_headers(StatusCode::NOT_MODIFIED, headers, Vec::new()));
        }
        let bytes = app.image_png(id, size).await?;
        return Ok(with_headers(StatusCode::OK, headers, bytes));
    }
    let img = app.image(id).await?;
    let content_type = match img.content_type.as_str() {
        "image/png" => "image/png",
        "image/svg+xml" => "image/svg+xml",
        // Only PNG and sanitized SVG are ever stored; anything else is not served as an image.
        _ => return Err(not_found()),
    };
    if fresh {
        return Ok(with_headers(
            StatusCode::NOT_MODIFIED,
            image_headers(content_type, &etag),
            Vec::new(),
        ));
    }
    Ok(with_headers(
        StatusCode::OK,
        image_headers(content_type, &etag),
        img.bytes,
    ))
}
