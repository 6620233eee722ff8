//! `/api/v1/docs`: the reference page, drawn on the server from the same OpenAPI document
//! `/api/v1/openapi.json` serves (no script, no outside asset).

use crate::server::AppState;
use crate::server::errors::WebError;
use crate::views::{ApiReferenceView, Layout};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

pub(crate) async fn page(State(app): State<AppState>) -> Response {
    let doc = match serde_json::to_value(super::openapi::served_document(&app)) {
        Ok(doc) => doc,
        Err(e) => return WebError::internal(e).into_response(),
    };
    let layout = Layout::new(
        "API reference",
        "Every operation of the REST API: parameters, bodies, responses and examples.",
    );
    let view = ApiReferenceView::of(&doc, layout);
    match crate::api_reference(&view) {
        Ok(html) => Html(html).into_response(),
        Err(e) => WebError::internal(e).into_response(),
    }
}
