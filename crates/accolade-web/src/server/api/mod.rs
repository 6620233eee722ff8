//! The REST API, `/api/v1`: JSON resources for another system to issue and manage badges
//! with an API key, described by a generated OpenAPI 3.1 document.

mod achievements;
mod award_status;
mod awards;
mod contract;
mod imports;
mod openapi;
mod paging;
mod reference;
mod rejections;
mod types;

use crate::server::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;

/// Every route of the API, relative to `/api/v1`.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(openapi::routes())
        .fallback(rejections::not_found)
        .method_not_allowed_fallback(rejections::method_not_allowed)
        .layer(DefaultBodyLimit::max(imports::MAX_BATCH_BYTES))
}
