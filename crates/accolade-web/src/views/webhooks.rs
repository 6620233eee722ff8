use serde::Serialize;

use super::Layout;

/// The organization's webhook endpoints and the form to add one.
#[derive(Debug, Clone, Serialize)]
pub struct WebhooksView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub endpoints: Vec<EndpointRow>,
    /// The add form: what was typed (after a refusal), and the events to choose from.
    pub url: String,
    pub description: String,
    pub events: Vec<EventChoice>,
    pub error: Option<String>,
}

/// One endpoint in the list.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointRow {
    pub page: String,
    pub url: String,
    pub description: String,
    /// "All events", or the chosen types.
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created: String,
}

/// An event type as a checkbox.
#[derive(Debug, Clone, Serialize)]
pub struct EventChoice {
    pub name: String,
    pub description: String,
    pub checked: bool,
}

/// One endpoint: its settings, secret, actions, and delivery log.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    /// The endpoint's page (forms post below it).
    pub page: String,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub secret: String,
    /// Whether the secret shows open (just created or rotated), not behind "Reveal".
    pub secret_open: bool,
    /// Until when the rotated-out secret still signs, if it does.
    pub previous_until: Option<String>,
    pub created: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// Show the deletion's confirmation step.
    pub confirm_delete: bool,
    pub failed_only: bool,
    pub deliveries: Vec<DeliveryRow>,
    /// The next (older) page of the log.
    pub older: Option<String>,
}

/// One delivery in the log.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRow {
    pub page: String,
    pub event_type: String,
    pub msg_id: String,
    pub state: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created: String,
    pub next_attempt: Option<String>,
}

/// One delivery with every attempt: what was sent and what came back.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub endpoint_page: String,
    pub endpoint_url: String,
    pub page: String,
    pub event_type: String,
    pub msg_id: String,
    pub state: String,
    pub created: String,
    pub next_attempt: Option<String>,
    pub can_redeliver: bool,
    /// The request body, exactly as signed and sent.
    pub payload: String,
    pub attempts: Vec<AttemptView>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// One attempt, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub number: u32,
    pub at: String,
    pub status: Option<u16>,
    pub ok: bool,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub request_headers: String,
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
}
