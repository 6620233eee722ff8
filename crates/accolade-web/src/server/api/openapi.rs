//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! annotations and the request/response types (utoipa): the routes and the document come
//! from the same `OpenApiRouter`, so an operation cannot be served without being described.

use super::rejections;
use crate::server::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Server};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Accolade API",
        version = "1",
        description = "Issue and manage Open Badges 3.0 credentials from another system. \
            Every request carries an API key (`Authorization: Bearer acc_…`) made in the \
            workspace under Settings → API keys; a key acts for one organization, with the \
            scopes it was given (`read`, `issue`, `revoke`, `admin`). Errors are RFC 9457 \
            problem details (`application/problem+json`). Lists are paged by cursor: follow \
            `next` until it is null.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    modifiers(&Security),
    tags(
        (name = "Achievements", description = "The organization's badge classes."),
        (name = "Awards", description = "Issued credentials: issue, list, read, change their status, download."),
        (name = "Imports", description = "Issuing many awards at once from a CSV file or a JSON array."),
    )
)]
struct Root;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("API key")
                    .description(Some(
                        "An API key of the organization, as `Authorization: Bearer acc_…`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every resource's routes, with their descriptions.
fn resources() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Root::openapi())
        .merge(super::achievements::routes())
        .merge(super::awards::routes())
        .merge(super::award_status::routes())
        .merge(super::imports::routes())
}

/// The document without servers (they depend on the public URL).
pub(crate) fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| resources().split_for_parts().1)
}

/// The document as served: its server is this instance's `/api/v1`.
pub(crate) fn served_document(app: &accolade_app::App) -> Document {
    let mut doc = document().clone();
    let base = app.urls().base().trim_end_matches('/');
    doc.servers = Some(vec![Server::new(format!("{base}/api/v1"))]);
    doc
}

/// The resources, the document and its reference page, relative to `/api/v1`.
pub(crate) fn routes() -> Router<AppState> {
    let (resources, _) = resources().split_for_parts();
    resources
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(super::reference::page))
}

async fn openapi_json(State(app): State<AppState>) -> Response {
    let doc = served_document(&app);
    match serde_json::to_string(&doc) {
        Ok(json) => {
            let mut res = json.into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "serializing the OpenAPI document failed");
            rejections::problem(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "The API description could not be made.",
            )
        }
    }
}
