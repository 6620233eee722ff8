use serde::Serialize;

use super::Layout;

/// An organization's public page.
#[derive(Debug, Clone, Serialize)]
pub struct IssuerView {
    pub layout: Layout,
    pub name: String,
    pub logo_url: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    /// The badges shown: all of them, or those matching the search.
    pub achievements: Vec<AchievementCard>,
    pub search: CatalogSearch,
    /// The issuer's DID, e.g. `did:web:badges.example.org:issuers:acme`.
    pub did: String,
    /// Where the DID document is served, e.g. `https://…/issuers/acme/did.json`.
    pub did_document_url: String,
    /// Current and retired keys, newest first.
    pub keys: Vec<KeyView>,
}

/// One badge class shown as a card.
#[derive(Debug, Clone, Serialize)]
pub struct AchievementCard {
    pub name: String,
    /// The OB achievement type in words: "Badge", "Certificate", "Course", …
    pub achievement_type: String,
    pub description: String,
    pub image_url: Option<String>,
    pub image_alt: String,
    /// A page about the achievement, if there is one.
    pub url: Option<String>,
    /// Short facts in words: "Does not expire", "3 credits".
    pub facts: Vec<String>,
    /// How to earn it, in a sentence or two (plain text).
    pub criteria: Option<String>,
}

/// The search over an organization's badges (`?q=`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct CatalogSearch {
    /// What the visitor searched for, as typed ("" when not searching).
    pub query: String,
    /// How many badges the organization publishes in all.
    pub total: usize,
    /// "2 badges match “rust”", shown only when searching.
    pub result_text: Option<String>,
}

/// One verification method of the issuer.
#[derive(Debug, Clone, Serialize)]
pub struct KeyView {
    /// The verification method id, e.g. `did:web:…#key-1`.
    pub id: String,
    /// e.g. "Ed25519 (Multikey)".
    pub key_type: String,
    /// Formatted dates, e.g. "12 March 2025".
    pub created: String,
    pub retired: Option<String>,
}
