use serde::Serialize;

use super::{FieldView, Layout};

/// An organization's settings: its public profile, logo and signing keys.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsView {
    pub layout: Layout,
    pub slug: String,
    pub csrf: String,
    pub public_url: String,
    pub profile_fields: Vec<FieldView>,
    pub logo_url: Option<String>,
    pub languages: Vec<String>,
    /// Owners rotate keys; admins see them.
    pub can_manage_keys: bool,
    /// Admins manage API keys (on their own page).
    pub can_manage_api_keys: bool,
    pub keys: Vec<SettingsKeyRow>,
    /// The rotation's confirmation step is shown.
    pub confirm_rotate: bool,
    pub max_upload_bytes: usize,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The logo form's own error, shown next to it.
    pub logo_error: Option<String>,
}

/// One signing key.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsKeyRow {
    pub public_key: String,
    pub created: String,
    pub retired: Option<String>,
}
