//! Downloads of a credential, offered on its public page: the badge baked with the signed
//! credential (PNG, SVG), the signed JSON and the VC-JWT, each as a file
//! (`Content-Disposition: attachment`); and Open Badges 2.0 for older displayers: the hosted
//! Assertion, BadgeClass and Issuer documents under `/ob2/`, and badges baked with the
//! hosted assertion.

use super::AppState;
use super::errors::WebError;
use super::share::Visitor;
use accolade_app::analytics::EventKind;
use accolade_app::downloads::{Download, DownloadKind};
use accolade_core::{AchievementId, AwardId};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// What a baked SVG may do when opened on its own: nothing but draw (as for stored images).
const DOWNLOAD_CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/credentials/{id}/badge.png", get(baked_png))
        .route("/credentials/{id}/badge.svg", get(baked_svg))
        .route("/credentials/{id}/credential.json", get(json))
        .route("/credentials/{id}/credential.jwt", get(jwt))
        .route("/credentials/{id}/certificate.pdf", get(certificate))
        .route("/credentials/{id}/badge-ob2.png", get(ob2_png))
        .route("/credentials/{id}/badge-ob2.svg", get(ob2_svg))
        .route("/ob2/assertions/{id}", get(ob2_assertion))
        .route("/ob2/badges/{id}", get(ob2_badge_class))
        .route("/ob2/badges/{id}/image.png", get(ob2_badge_image))
        .route("/ob2/issuers/{slug}", get(ob2_issuer))
}

async fn certificate(
    state: State<AppState>,
    id: Path<String>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    serve(state, id, visitor, DownloadKind::CertificatePdf).await
}

async fn ob2_png(
    state: State<AppState>,
    id: Path<String>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    serve(state, id, visitor, DownloadKind::Ob2Png).await
}

async fn ob2_svg(
    state: State<AppState>,
    id: Path<String>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    serve(state, id, visitor, DownloadKind::Ob2Svg).await
}

fn not_found(json: bool) -> WebError {
    WebError::new(StatusCode::NOT_FOUND, "There is nothing at this address.").json(json)
}

/// An OB 2.0 document: JSON-LD, open to every origin, revalidated on each use so a
/// revocation shows at once.
fn ob2_json(status: StatusCode, doc: &serde_json::Value) -> Response {
    let mut res = (status, doc.to_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ld+json"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// The hosted assertion; a revoked award answers `410 Gone` with `revoked: true`.
async fn ob2_assertion(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: AwardId = id.parse().map_err(|_| not_found(true))?;
    let hosted = app
        .ob2_assertion(id)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    let status = if hosted.gone {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    Ok(ob2_json(status, &hosted.json))
}

async fn ob2_badge_class(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: AchievementId = id.parse().map_err(|_| not_found(true))?;
    let doc = app
        .ob2_badge_class(id)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    Ok(ob2_json(StatusCode::OK, &doc))
}

async fn ob2_badge_image(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: AchievementId = id.parse().map_err(|_| not_found(false))?;
    let png = app.ob2_badge_image(id).await?;
    let mut res = (StatusCode::OK, png).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(res)
}

async fn ob2_issuer(
    State(app): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let doc = app
        .ob2_issuer(&slug)
        .await
        .map_err(|e| WebError::from(e).json(true))?;
    Ok(ob2_json(StatusCode::OK, &doc))
}

async fn baked_png(
    state: State<AppState>,
    id: Path<String>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    serve(state, id, visitor, DownloadKind::BakedPng).await
}

async fn baked_svg(
    state: State<AppState>,
    id: Path<String>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    serve(state, id, visitor, DownloadKind::BakedSvg).await
}

async fn json(
    state: State<AppState>,
    id: Path<String>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    serve(state, id, visitor, DownloadKind::Json).await
}

async fn jwt(
    state: State<AppState>,
    id: Path<String>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    serve(state, id, visitor, DownloadKind::Jwt).await
}

async fn serve(
    State(app): State<AppState>,
    Path(id): Path<String>,
    visitor: Visitor,
    kind: DownloadKind,
) -> Result<Response, WebError> {
    let id: AwardId = id.parse().map_err(|_| {
        WebError::new(
            StatusCode::NOT_FOUND,
            "There is no credential with this id.",
        )
    })?;
    let download = app.download(id, kind).await?;
    app.record_event(id, EventKind::Download, channel(kind), visitor.client());
    Ok(attachment(download))
}

/// The analytics channel of a download: which file it was.
fn channel(kind: DownloadKind) -> &'static str {
    match kind {
        DownloadKind::BakedPng => "png",
        DownloadKind::BakedSvg => "svg",
        DownloadKind::Json => "json",
        DownloadKind::CertificatePdf => "pdf",
        DownloadKind::Ob2Png => "ob2-png",
        DownloadKind::Ob2Svg => "ob2-svg",
        DownloadKind::Jwt => "jwt",
    }
}

/// The file with headers that make browsers save it under its name, and never run it.
pub(super) fn attachment(download: Download) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", download.file_name);
    let mut res = (StatusCode::OK, download.bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(download.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}
