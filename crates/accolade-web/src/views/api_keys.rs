use serde::Serialize;

use super::{FieldError, Layout, OptionView};

/// An organization's API keys page (admins): the create form, the token just made, the
/// list, and the revocation's confirmation.
#[derive(Debug, Clone, Serialize)]
pub struct ApiKeysView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    /// The create form's values.
    pub name: String,
    pub scopes: Vec<ScopeChoice>,
    pub expiry: String,
    pub expiry_options: Vec<OptionView>,
    /// A refusal of the create form, at its field (`name`, `scopes`, `expires_in_days`) or
    /// above it.
    pub refused: Option<FieldError>,
    /// The key just created, with its token (shown this once).
    pub created: Option<CreatedKeyView>,
    pub keys: Vec<ApiKeyRow>,
    /// The key whose revocation waits for confirmation.
    pub confirm_revoke: Option<ApiKeyRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub copy_script: Option<String>,
    /// Where the API's reference is, for the intro.
    pub api_base: String,
}

/// One scope's checkbox.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeChoice {
    pub value: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

/// A key just made.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedKeyView {
    pub name: String,
    pub prefix: String,
    pub token: String,
}

/// One key in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ApiKeyRow {
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    /// `active`, `expired` or `revoked`.
    pub state: String,
    pub created: String,
    pub created_by: String,
    pub last_used: Option<String>,
    pub expires: Option<String>,
    pub revoked: Option<String>,
}
