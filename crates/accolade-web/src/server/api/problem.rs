//! RFC 9457 problem details: every error of `/api/v1` is `application/problem+json` with
//! `type`, `title`, `status` and `detail` (and `field` or `errors` when the refusal is about
//! the request's fields). The status follows the same mapping as the site's error pages
//! ([`WebError`]); the cause of a 500 goes to the log with the request id, never to the
//! client.

use crate::server::errors::WebError;
use accolade_app::AppError;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The media type of a problem.
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// An error of the API on its way to the client.
#[derive(Debug)]
pub(crate) struct Problem {
    pub status: StatusCode,
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    /// The request field the refusal is about.
    pub field: Option<String>,
    /// Several refusals at once (`[{"field": …, "detail": …}]`).
    pub errors: Option<serde_json::Value>,
    /// What went wrong inside, for the log only.
    internal: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

// Builders the API's resources use for their refusals (not every one is used yet).
#[allow(dead_code)]
impl Problem {
    /// A problem with `about:blank` type, titled by the status.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            detail: detail.into(),
            field: None,
            errors: None,
            internal: None,
            headers: Vec::new(),
        }
    }

    /// A problem of a named kind (`type`), with its own title.
    pub fn typed(
        status: StatusCode,
        kind: &'static str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            title: title.to_owned(),
            ..Self::new(status, detail)
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_errors(mut self, errors: serde_json::Value) -> Self {
        self.errors = Some(errors);
        self
    }

    /// Adds a response header (`Retry-After`, rate limit headers).
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The response body, as JSON.
    fn body(&self, request_id: &str) -> serde_json::Value {
        let detail = if self.detail.is_empty() {
            "An unexpected error occurred. If it persists, give the request id to the site's operator."
        } else {
            &self.detail
        };
        let mut body = serde_json::json!({
            "type": self.kind,
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": detail,
            "request_id": request_id,
        });
        if let Some(field) = &self.field {
            body["field"] = field.clone().into();
        }
        if let Some(errors) = &self.errors {
            body["errors"] = errors.clone();
        }
        body
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        Self::from(WebError::from(e))
    }
}

impl From<WebError> for Problem {
    fn from(e: WebError) -> Self {
        let mut p = Self::new(e.status, e.message);
        p.field = e.field;
        p.internal = e.internal;
        if let Some(secs) = e.retry_after {
            p.headers
                .push((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        p
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let id = crate::server::observe::current_request_id();
        if self.status.is_server_error() {
            let cause = self.internal.as_deref().unwrap_or(&self.detail);
            if self.status == StatusCode::INTERNAL_SERVER_ERROR {
                tracing::error!(request_id = %id, status = self.status.as_u16(), cause, "API request failed");
            } else {
                tracing::warn!(request_id = %id, status = self.status.as_u16(), cause, "API request refused");
            }
        }
        let body = self.body(&id).to_string();
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response();
        let h = res.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"accolade\""),
            );
        }
        for (name, value) in self.headers {
            h.insert(name, value);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_errors_map_to_problems_without_internal_detail() {
        let p = Problem::from(AppError::internal_msg("secret table name"));
        assert_eq!(p.status, StatusCode::INTERNAL_SERVER_ERROR);
        let body = p.body("abc");
        assert!(!body.to_string().contains("secret table"), "{body}");
        assert_eq!(body["type"], "about:blank");
        assert_eq!(body["status"], 500);
        let p = Problem::from(AppError::invalid_field("name", "Give the key a name."));
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        let body = p.body("abc");
        assert_eq!(body["field"], "name");
        assert_eq!(body["detail"], "Give the key a name.");
        assert_eq!(body["title"], "Bad Request");
        let res = Problem::from(AppError::Unauthorized("no".into())).into_response();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(
            res.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        assert_eq!(res.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
