//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! annotations and the request/response types (utoipa): the routes and the document come
//! from the same `OpenApiRouter`, so an operation cannot be served without being described.

use super::problem::PROBLEM_JSON;
use super::rejections;
use crate::server::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, Ref, RefOr, Response as Described, ResponseBuilder, Server,
};
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
        (name = "Organization", description = "The organization a key acts for."),
        (name = "Achievements", description = "The organization's badge classes."),
        (name = "Awards", description = "Issued credentials: issue, list, read, change their status, download."),
        (name = "Imports", description = "Issuing many awards at once from a CSV file or a JSON array."),
        (name = "Pathways", description = "Badges that lead to another."),
        (name = "Analytics", description = "What happens to the credentials once issued."),
        (name = "Members", description = "Who works in the organization's workspace."),
        (name = "Audit log", description = "Who did what, and when."),
        (name = "API keys", description = "Keys of the organization (admin scope): the token is shown once."),
        (name = "Webhooks", description = "Endpoints that receive signed events (Standard Webhooks) as things happen."),
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

/// Adds the refusals every operation shares (run on the whole document, after every
/// resource's routes are in it).
fn describe_common_refusals(doc: &mut Document) {
    for item in doc.paths.paths.values_mut() {
        let ops = [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            add_common_refusals(op);
        }
    }
}

/// A problem answer, described once per status.
fn problem_response(description: &str) -> Described {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ProblemDoc")))
                .build(),
        )
        .build()
}

/// The refusals any operation may answer, besides those it describes itself: a missing or
/// unusable key, a scope the key lacks, the key's budget spent, the database away; and, by
/// what the operation reads, a malformed query, an id that names nothing, a body that is
/// too large, of the wrong type, not JSON or without the expected fields.
fn add_common_refusals(op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let takes = |place: ParameterIn| {
        params
            .iter()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    };
    let mut common = vec![
        (
            "401",
            "No API key, or one that is unknown, revoked or expired",
        ),
        ("403", "The API key lacks the scope this operation needs"),
        (
            "429",
            "The API key's request budget is spent; retry after `Retry-After` seconds",
        ),
        (
            "503",
            "Temporarily unavailable; retry after `Retry-After` seconds",
        ),
    ];
    if takes(ParameterIn::Query) || takes(ParameterIn::Path) || takes(ParameterIn::Header) {
        common.push(("400", "A parameter is not valid"));
    }
    if takes(ParameterIn::Path) {
        common.push(("404", "Nothing with this id in the organization"));
    }
    let idempotent = params
        .iter()
        .any(|p| matches!(p, RefOr::T(p) if p.name == "Idempotency-Key"));
    if idempotent {
        common.extend([
            (
                "409",
                "A request with the same Idempotency-Key is still being answered",
            ),
            ("422", "The Idempotency-Key was used for another request"),
        ]);
    }
    if op.request_body.is_some() {
        common.extend([
            ("400", "The body is not valid"),
            ("413", "The body is too large"),
            (
                "415",
                "The body is not of the media type the operation takes",
            ),
            ("422", "The body does not have the expected fields"),
        ]);
    }
    for (status, description) in common {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    }
}

/// Every resource's routes, with their descriptions.
fn resources() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Root::openapi())
        .merge(super::achievements::routes())
        .merge(super::awards::routes())
        .merge(super::award_status::routes())
        .merge(super::imports::routes())
        .merge(super::reads::routes())
        .merge(super::webhooks::routes())
        .merge(super::api_keys::routes())
}

/// The document without servers (they depend on the public URL).
pub(crate) fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = resources().split_for_parts().1;
        describe_common_refusals(&mut doc);
        doc
    })
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
