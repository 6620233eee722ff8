//! One place maps application errors to responses: an HTML page with a request id for
//! people, problem JSON for programs. Internal details go to the log, never to the client.

use crate::views::{ErrorView, Layout, UserNav};
use accolade_app::i18n::{Lang, lookup, tr};
use accolade_app::{AppError, Busy};
use axum::extract::Multipart;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// An error on its way to the client.
pub struct WebError {
    pub status: StatusCode,
    pub message: String,
    /// The field of the request a refusal is about (problem JSON's `field`).
    pub field: Option<String>,
    pub json: bool,
    /// What went wrong inside, for the log only (never sent): logged once, with the request
    /// id the client is shown, when the response is made.
    pub internal: Option<String>,
    /// Seconds after which the same request may succeed (`Retry-After`).
    pub retry_after: Option<u32>,
}

/// `Retry-After` on a 503 for a database that is unreachable (restarting, or no connection
/// free): a few seconds, the time a PostgreSQL restart takes.
pub const DATABASE_RETRY_AFTER_SECS: u32 = 5;

const DATABASE_UNAVAILABLE: &str =
    "The database cannot be reached right now. Try again in a few seconds.";
const DISK_FULL: &str =
    "The server's disk is full, so nothing was saved. The site's operator has to free space.";

impl WebError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            field: None,
            json: false,
            internal: None,
            retry_after: None,
        }
    }

    /// A 500 whose cause is logged (once, with the request id) and never shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            internal: Some(cause.to_string()),
            ..Self::new(StatusCode::INTERNAL_SERVER_ERROR, "")
        }
    }

    pub fn json(mut self, json: bool) -> Self {
        self.json = json;
        self
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        if e.is_database_unavailable() {
            return Self {
                retry_after: Some(DATABASE_RETRY_AFTER_SECS),
                internal: Some(error_chain(&e)),
                ..Self::new(StatusCode::SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE)
            };
        }
        if e.is_disk_full() {
            return Self {
                internal: Some(error_chain(&e)),
                ..Self::new(StatusCode::INSUFFICIENT_STORAGE, DISK_FULL)
            };
        }
        let status = match &e {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::NoMasterKey
            | AppError::Busy(_)
            | AppError::NoActiveKey
            | AppError::MasterKey(_)
            | AppError::StatusListFull => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let (message, internal) = match status {
            StatusCode::INTERNAL_SERVER_ERROR => (String::new(), Some(error_chain(&e))),
            _ => (e.message(), None),
        };
        Self {
            status,
            message,
            field: e.field().map(str::to_owned),
            json: false,
            internal,
            retry_after: None,
        }
    }
}

pub(crate) fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "That request could not be understood",
        404 => "Not found",
        401 => "Please sign in",
        403 => "Not allowed",
        409 => "That conflicts with the current state",
        429 => "Too many attempts",
        413 => "That is too large",
        507 => "The server's disk is full",
        503 => "Temporarily unavailable",
        _ => "Something went wrong",
    }
}

/// An error with each of its causes, for the log.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    accolade_app::Chain(e).to_string()
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let id = super::observe::current_request_id();
        // The one place a server error is logged, with the id the client sees: an internal
        // failure as an error, a refusal for lack of capacity or a key as a warning.
        if self.status == StatusCode::INTERNAL_SERVER_ERROR {
            let cause = self.internal.as_deref().unwrap_or(&self.message);
            tracing::error!(request_id = %id, status = self.status.as_u16(), cause, "request failed");
        } else if self.status.is_server_error() {
            let cause = self.internal.as_deref().unwrap_or(&self.message);
            tracing::warn!(request_id = %id, status = self.status.as_u16(), cause, "request refused");
        }
        let retry_after = self.retry_after;
        let mut res = self.respond(id);
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl WebError {
    fn respond(self, id: String) -> Response {
        let message = if self.message.is_empty() {
            "An unexpected error occurred. If it persists, give the request id to the site's operator.".to_owned()
        } else {
            self.message
        };
        if self.json {
            let mut body = serde_json::json!({"status": self.status.as_u16(), "title": title(self.status), "detail": message, "request_id": id});
            if let Some(field) = self.field {
                body["field"] = field.into();
            }
            return (
                self.status,
                [(header::CONTENT_TYPE, "application/problem+json")],
                body.to_string(),
            )
                .into_response();
        }
        let page = ErrorPage {
            status: self.status,
            message,
            request_id: id,
        };
        let view = page.view(Lang::En, None);
        let mut res = match crate::error_page(&view) {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => return (self.status, view.title).into_response(),
        };
        // The language layer shows it again in the visitor's language.
        res.extensions_mut().insert(page);
        res
    }
}

/// An error page as sent in English, for the language layer to show in another language.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    status: StatusCode,
    message: String,
    request_id: String,
}

impl ErrorPage {
    fn view(&self, lang: Lang, user: Option<UserNav>) -> ErrorView {
        let title = tr(lang, title(self.status));
        // Messages with values in them are not in the catalogs; they stay in English.
        let message = lookup(lang, &self.message).unwrap_or(&self.message);
        ErrorView {
            layout: Layout::new(title, message).with_lang(lang).with_user(user),
            status: self.status.as_u16(),
            title: title.to_owned(),
            message: message.to_owned(),
            request_id: Some(self.request_id.clone()),
        }
    }

    /// The page in `lang`, with the signed-in visitor's header.
    pub fn render(&self, lang: Lang, user: Option<UserNav>) -> String {
        let view = self.view(lang, user);
        crate::error_page(&view).unwrap_or(view.title)
    }
}

/// The verifier is at its limit: 503 with `Retry-After`, an HTML page or problem JSON, and
/// never a verdict.
pub fn busy(b: Busy, json: bool) -> Response {
    let message = format!(
        "Too many badges are being checked right now, so this one was not checked. Try again in {} seconds.",
        b.retry_after_secs
    );
    let mut res = WebError::new(StatusCode::SERVICE_UNAVAILABLE, message)
        .json(json)
        .into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(b.retry_after_secs));
    res
}

/// Reads and drops what is left of a refused request's body (within the body limit and two
/// seconds), so that a client still sending it gets the answer rather than a broken
/// connection; nothing is kept.
pub async fn discard(mut form: Multipart) {
    let drain = async {
        while let Ok(Some(mut field)) = form.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), drain).await;
}

pub async fn not_found() -> WebError {
    WebError::new(StatusCode::NOT_FOUND, "There is no page at this address.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_stay_out_of_the_answer_and_keep_their_causes() {
        let store = accolade_store::StoreError::Corrupt {
            table: "awards",
            column: "status",
            detail: "award row 7: bad status".into(),
        };
        let e = WebError::from(AppError::from(store));
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(e.message.is_empty());
        let logged = e.internal.clone().unwrap_or_default();
        assert!(logged.starts_with("storage error: "), "{logged}");
        assert!(logged.contains("award row 7: bad status"), "{logged}");
        // Each cause once: the store's message is not repeated by the wrapper.
        assert_eq!(logged.matches("bad status").count(), 1, "{logged}");
        let res = e.json(true).into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);

        // An internal failure logs what was being done and the error that stopped it.
        let io = std::io::Error::other("No space left on device");
        let e = WebError::from(AppError::internal("writing the CSV report", io));
        assert_eq!(
            e.internal.as_deref(),
            Some("internal error: writing the CSV report: No space left on device")
        );
        assert!(e.message.is_empty());
    }

    #[tokio::test]
    async fn a_refusal_names_its_field_in_problem_json() {
        let e = WebError::from(AppError::invalid_field(
            "recipient_email",
            "Enter an email address in the form name@example.org.",
        ));
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        // The message alone: pages show it at the field, programs read `field`.
        assert_eq!(
            e.message,
            "Enter an email address in the form name@example.org."
        );
        assert!(e.internal.is_none());
        let res = e.json(true).into_response();
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["field"], "recipient_email");
        assert_eq!(
            json["detail"],
            "Enter an email address in the form name@example.org."
        );
        // A refusal of the whole request has no `field`.
        let res = WebError::from(AppError::invalid("Nothing to do."))
            .json(true)
            .into_response();
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(json.get("field").is_none(), "{json}");
    }
}
