use serde::Serialize;

use super::Layout;

/// An error page (400, 404, 413, 500, …). `message` is shown to the visitor, so it must
/// not carry internal details; those belong in the log under `request_id`.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    pub layout: Layout,
    pub status: u16,
    pub title: String,
    pub message: String,
    pub request_id: Option<String>,
}
