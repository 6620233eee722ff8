//! Sharing and previews: tracked share links (`/s/{award}/{channel}`: counted, then
//! redirected to LinkedIn, X, Facebook or an email), the embeddable card with the live
//! status (`/embed/{award}`, the one page other sites may frame), the QR code of a
//! credential's page, and the Open Graph images of credentials and issuers. Also who is
//! asking ([`Visitor`]) for the analytics, and the share panel of the credential page.

use super::AppState;
use super::client::ClientAddr;
use super::errors::WebError;
use crate::script_href;
use crate::views::{CredentialView, EmbedView, ShareSubject, ShareView};
use accolade_app::App;
use accolade_app::analytics::{Client, EventKind};
use accolade_app::sharing::ShareChannel;
use accolade_core::{Award, AwardId, AwardState};
use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::convert::Infallible;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/s/{award}/{channel}", get(follow))
        .route("/embed/{award}", get(embed))
        .route("/credentials/{id}/qr.svg", get(qr_code))
        .route("/credentials/{id}/og.png", get(credential_og))
        .route("/credentials/{id}/signature.png", get(signature))
        .route("/issuers/{slug}/og.png", get(issuer_og))
}

/// Who is asking, for the analytics: the peer address and the browser, from which the
/// application keeps only a salted hash.
pub struct Visitor(Client);

impl Visitor {
    pub fn client(&self) -> &Client {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let Ok(ClientAddr { ip, .. }) = ClientAddr::from_request_parts(parts, state).await;
        let agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        Ok(Visitor(Client::new(ip, agent)))
    }
}

/// The credential page's share panel (the owner's tools only for `owner`) and preview image.
pub(crate) fn decorate(
    app: &App,
    award: &Award,
    credential: &serde_json::Value,
    view: &mut CredentialView,
    owner: bool,
) {
    let card = app.share_card_of(award, credential);
    let base = app.urls().credential(award.id);
    let base = base
        .strip_suffix(&format!("/credentials/{}", award.id))
        .unwrap_or_default();
    let id = award.id.to_string();
    // A status change gives the preview image a new address, so sites that keep link
    // previews fetch the marked picture instead of showing the one they kept.
    let version = match card.status.state {
        AwardState::Active => String::new(),
        state => format!("?status={}", state.as_str()),
    };
    view.layout.og_image = Some(format!("{base}/credentials/{id}/og.png{version}"));
    view.share = Some(ShareView::new(
        &ShareSubject {
            base_url: base,
            award_id: &id,
            name: &card.name,
            issuer_name: &card.issuer_name,
            image_png_url: Some(format!("{base}/credentials/{id}/signature.png")),
            status: &card.status,
        },
        script_href("share.js"),
    ));
    if let Some(share) = &mut view.share {
        share.owner = owner;
    }
}

fn not_found() -> WebError {
    WebError::new(
        StatusCode::NOT_FOUND,
        "There is no credential with this id.",
    )
}

fn award_id(raw: &str) -> Result<AwardId, WebError> {
    raw.parse().map_err(|_| not_found())
}

/// `/s/{award}/{channel}`: counts the click and sends the visitor on.
async fn follow(
    State(app): State<AppState>,
    Path((award, channel)): Path<(String, String)>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    let channel = ShareChannel::parse(&channel)
        .ok_or_else(|| WebError::new(StatusCode::NOT_FOUND, "There is no such share channel."))?;
    let url = app
        .follow_share(award_id(&award)?, channel, visitor.client())
        .await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, url.as_str()),
            (header::CACHE_CONTROL, "no-store"),
        ],
    )
        .into_response())
}

/// The embed may be framed by any site, and loads nothing but this origin's stylesheet
/// and images.
const EMBED_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors *";

/// `/embed/{award}`: the card other sites frame, with the status as of this request.
async fn embed(
    State(app): State<AppState>,
    Path(award): Path<String>,
    visitor: Visitor,
    super::language::PageLang(lang): super::language::PageLang,
) -> Result<Response, WebError> {
    let award = app.award_by_id(award_id(&award)?).await?;
    let card = app.share_card(&award);
    app.record_event(award.id, EventKind::EmbedImpression, "", visitor.client());
    let (state, label) = match card.state {
        AwardState::Active => ("active", "Verified"),
        AwardState::Expired => ("expired", "Expired"),
        AwardState::Revoked => ("revoked", "Revoked"),
        AwardState::Suspended => ("suspended", "Suspended"),
    };
    let view = EmbedView {
        name: card.name,
        issuer_name: card.issuer_name,
        recipient_name: card.recipient_name,
        image_url: card.image_id.map(|i| format!("/images/{i}")),
        state: state.into(),
        state_label: accolade_app::i18n::tr(lang, label).into(),
        issued_on: accolade_app::i18n::format_date(lang, card.issued_at),
        expires_on: card
            .valid_until
            .map(|at| accolade_app::i18n::format_date(lang, at)),
        credential_url: card.credential_url,
        stylesheet_href: crate::stylesheet_href(),
        lang,
    };
    let html =
        crate::embed(&view).map_err(|e| WebError::internal(format!("template error: {e}")))?;
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, EMBED_CSP),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Html(html),
    )
        .into_response())
}

/// A picture that shows the badge's status: like [`image`], but revalidated on every use
/// (the address stays while the status changes).
fn status_image(etag: &str, body: Vec<u8>, fresh: bool) -> Response {
    let mut res = image("image/png", etag, body, fresh);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// An image response: sandboxed, open to other origins, cached for good under `etag`.
fn image(content_type: &'static str, etag: &str, body: Vec<u8>, fresh: bool) -> Response {
    let status = if fresh {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let body = if fresh { Vec::new() } else { body };
    let mut res = (status, body).into_response();
    for (k, v) in super::documents::image_headers(content_type, etag) {
        if let Ok(v) = HeaderValue::from_str(&v) {
            res.headers_mut().insert(k, v);
        }
    }
    res
}

fn fresh(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// `/credentials/{id}/qr.svg`: a QR code of the credential's page.
async fn qr_code(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let award = app.award_by_id(award_id(&id)?).await?;
    let etag = format!("\"qr-{}\"", award.id);
    if fresh(&headers, &etag) {
        return Ok(image("image/svg+xml", &etag, Vec::new(), true));
    }
    let svg = qr_svg(&app.urls().credential(award.id))
        .map_err(|e| WebError::internal(format!("QR code: {e}")))?;
    Ok(image("image/svg+xml", &etag, svg.into_bytes(), false))
}

/// The QR code of `text` as SVG (error correction M, 4-module quiet zone).
pub(crate) fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build())
}

/// `/credentials/{id}/og.png`: the credential's 1200×630 preview image.
async fn credential_og(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let award = app.award_by_id(award_id(&id)?).await?;
    let etag = app.og_card_etag(&award);
    if fresh(&headers, &etag) {
        return Ok(status_image(&etag, Vec::new(), true));
    }
    let png = app.og_card_png(&award).await?;
    Ok(status_image(&etag, png, false))
}

/// `/credentials/{id}/signature.png`: the badge for email signatures, marked with the
/// status once it is no longer valid.
async fn signature(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let award = app.award_by_id(award_id(&id)?).await?;
    let etag = app.signature_etag(&award);
    if fresh(&headers, &etag) {
        return Ok(status_image(&etag, Vec::new(), true));
    }
    let png = app.signature_png(&award).await?;
    Ok(status_image(&etag, png, false))
}

/// `/issuers/{slug}/og.png`: the issuer page's preview image.
async fn issuer_og(
    State(app): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let org = app.org_by_slug(&slug).await?;
    let etag = app.issuer_og_etag(&org);
    if fresh(&headers, &etag) {
        return Ok(image("image/png", &etag, Vec::new(), true));
    }
    let png = app.issuer_og_png(&org).await?;
    Ok(image("image/png", &etag, png, false))
}
