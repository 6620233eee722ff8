use serde::Serialize;

use super::Layout;

/// An organization's outbox: the emails written for it, newest first, and one opened.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxView {
    pub layout: Layout,
    pub slug: String,
    /// Whether mail goes out through an SMTP server (else it stays here, unsent).
    pub smtp_configured: bool,
    pub messages: Vec<OutboxRow>,
    pub opened: Option<OutboxMessageView>,
}

/// One message in the list.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxRow {
    pub url: String,
    pub to: String,
    pub subject: String,
    pub template: String,
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created: String,
}

/// One message, opened: its text, and its HTML shown as source (never rendered here).
#[derive(Debug, Clone, Serialize)]
pub struct OutboxMessageView {
    pub to: String,
    pub subject: String,
    pub template: String,
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created: String,
    pub sent: Option<String>,
    pub body_text: String,
    pub body_html: String,
}
