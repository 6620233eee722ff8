//! Problem details (RFC 9457) for what fails before a handler runs: unknown routes, wrong
//! methods, bodies that are too large, of the wrong type or not valid JSON, and malformed
//! query strings or path segments. Axum's own rejections are plain text; these wrap its
//! extractors so that every failure under `/api/v1` is `application/problem+json`.

use super::problem::Problem;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A problem response without an application error behind it.
pub(crate) fn problem(status: StatusCode, detail: impl Into<String>) -> Response {
    Problem::new(status, detail).into_response()
}

pub(crate) async fn method_not_allowed() -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "This address does not take that method. The reference lists the methods it takes.",
    )
}

fn json_rejection(r: &JsonRejection) -> Response {
    match r {
        JsonRejection::MissingJsonContentType(_) => problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the body as JSON, with Content-Type: application/json.",
        ),
        JsonRejection::JsonSyntaxError(e) => problem(
            StatusCode::BAD_REQUEST,
            format!("The body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "The body does not have the expected fields: {}",
                e.body_text()
            ),
        ),
        JsonRejection::BytesRejection(_) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            too_large()
        }
        other => problem(other.status(), other.body_text()),
    }
}

pub(crate) fn too_large() -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "The body is larger than the API accepts. Send fewer rows per request.",
    )
}

/// A JSON body, refused as problem JSON.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(r) => Err(json_rejection(&r)),
        }
    }
}

/// A query string, refused as problem JSON.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(r) => Err(query_rejection(&r)),
        }
    }
}

fn query_rejection(r: &QueryRejection) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        format!("The query string is not valid: {}", r.body_text()),
    )
}

/// Path parameters, refused as problem JSON.
pub(crate) struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(r) => Err(path_rejection(&r)),
        }
    }
}

fn path_rejection(r: &PathRejection) -> Response {
    problem(StatusCode::NOT_FOUND, r.body_text())
}
