//! The earner's pages: a claim link, the backpack, and the public portfolio.

use super::Layout;
use accolade_app::earners::BackpackBadge;
use accolade_app::i18n::{Lang, format_date, tr};
use accolade_core::{AwardState, Visibility};
use serde::Serialize;

/// One badge as a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadgeCardView {
    /// The badge's key in forms (an award id).
    pub key: String,
    /// The badge's name and description as issued, in `language`.
    pub name: String,
    pub description: String,
    pub language: Option<String>,
    pub image_url: Option<String>,
    pub issuer_name: String,
    pub issuer_url: Option<String>,
    pub issued_on: String,
    pub expires_on: Option<String>,
    /// `active`, `expired`, `revoked` or `suspended`.
    pub state: String,
    pub visibility: String,
    pub credential_url: String,
}

impl BadgeCardView {
    pub fn of(b: &BackpackBadge) -> Self {
        Self::of_in(b, Lang::En)
    }

    /// The card with its dates written in `lang`.
    pub fn of_in(b: &BackpackBadge, lang: Lang) -> Self {
        Self {
            key: b.source.key(),
            name: b.name.clone(),
            description: b.description.clone(),
            language: b.language.clone(),
            image_url: b.image_path.clone(),
            issuer_name: b.issuer_name.clone(),
            issuer_url: b.issuer_path.clone(),
            issued_on: format_date(lang, b.issued_at),
            expires_on: b.valid_until.map(|at| format_date(lang, at)),
            state: state_word(b.state).into(),
            visibility: b.visibility.as_str().into(),
            credential_url: b.credential_path.clone(),
        }
    }
}

pub fn state_word(state: AwardState) -> &'static str {
    state.as_str()
}

/// The visibility choices, with words for people in `lang`.
pub fn visibility_options(lang: Lang) -> Vec<(String, String)> {
    Visibility::ALL
        .iter()
        .map(|v| {
            let label = match v {
                Visibility::Public => "On your public portfolio",
                Visibility::Unlisted => "Only people with the link",
                Visibility::Private => "Not on your portfolio",
            };
            (v.as_str().to_owned(), tr(lang, label).to_owned())
        })
        .collect()
}

/// The page a claim link opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimView {
    pub layout: Layout,
    pub badge: BadgeCardView,
    pub recipient_name: Option<String>,
    /// `open`, `yours`, `claimed` or `expired`.
    pub state: String,
    pub signed_in: bool,
    /// The session's anti-forgery token, when signed in.
    pub csrf: String,
    /// Where "Add to my backpack" posts.
    pub action: String,
    pub signin_url: String,
    pub signup_url: String,
    pub json_url: String,
    /// The credential page's absolute URL, to copy and share.
    pub page_url: String,
    /// LinkedIn's add-to-profile and post links (tracked `/s/{award}/…`), when the badge's
    /// status allows promoting it.
    pub linkedin_profile_url: Option<String>,
    pub linkedin_post_url: Option<String>,
    /// The copy-to-clipboard script.
    pub script_href: Option<String>,
    /// In the viewer's backpack: `public`, `unlisted` or `private`.
    pub visibility: Option<String>,
    /// Where the one-click "show on my portfolio" form posts.
    pub visibility_action: String,
    pub error: Option<String>,
}

/// A badge of the backpack with its forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackpackBadgeRow {
    pub card: BadgeCardView,
    /// Its page on the portfolio, when it has a handle and the badge is not private.
    pub portfolio_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionBadgeRow {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionRow {
    pub id: String,
    pub name: String,
    pub visibility: String,
    pub badges: Vec<CollectionBadgeRow>,
    /// Badges of the backpack not in it yet, to add.
    pub addable: Vec<CollectionBadgeRow>,
    pub portfolio_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressRow {
    pub org_name: String,
    pub issuer_url: Option<String>,
    pub earned: usize,
    pub offered: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingRow {
    pub id: String,
    /// The achievement's name, its image and its issuer.
    pub name: String,
    pub image_url: Option<String>,
    pub issuer_name: String,
    pub issuer_url: String,
    pub sent_to: String,
    pub issued_on: String,
    pub credential_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailRow {
    pub email: String,
    pub verified: bool,
}

/// The signed-in earner's backpack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackpackView {
    pub layout: Layout,
    pub csrf: String,
    pub badges: Vec<BackpackBadgeRow>,
    pub collections: Vec<CollectionRow>,
    pub progress: Vec<ProgressRow>,
    /// Progress along pathways (`pathway_progress.html`).
    pub pathways: Vec<super::PathwayProgressView>,
    /// Badges imported from elsewhere, with their verdicts (`backpack_imported.html`).
    pub imported: Vec<super::ImportedRow>,
    pub waiting: Vec<WaitingRow>,
    pub emails: Vec<EmailRow>,
    pub handle: Option<String>,
    pub portfolio_url: Option<String>,
    /// The profile shown on the portfolio: headline (or what was typed, when refused) and
    /// photo.
    pub headline: String,
    pub photo_url: Option<String>,
    /// A refused headline or photo, shown at its input.
    pub profile_refused: Option<super::FieldError>,
    pub max_headline_chars: usize,
    pub max_upload_mib: usize,
    /// `(value, label)` for the visibility selects.
    pub visibility_options: Vec<(String, String)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortfolioCollectionView {
    pub name: String,
    pub url: String,
    pub badges: Vec<BadgeCardView>,
}

/// One skill on a portfolio, with how many public badges back it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillView {
    pub name: String,
    /// Only an `http(s)` address.
    pub url: Option<String>,
    pub badges: usize,
}

impl SkillView {
    pub fn of(s: &accolade_app::earners::Skill) -> Self {
        Self {
            name: s.name.clone(),
            url: s.url.clone(),
            badges: s.badges,
        }
    }
}

/// A public portfolio, or one badge or collection of it reached by its link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortfolioView {
    pub layout: Layout,
    pub handle: String,
    pub name: String,
    pub home_url: String,
    /// What the page shows: `portfolio`, `badge` or `collection`.
    pub mode: String,
    pub heading: String,
    pub headline: String,
    pub photo_url: Option<String>,
    /// The skills of the public badges (the portfolio's home only).
    pub skills: Vec<SkillView>,
    pub badges: Vec<BadgeCardView>,
    pub collections: Vec<PortfolioCollectionView>,
    /// Progress along pathways, from public badges only (`pathway_progress.html`).
    pub pathways: Vec<super::PathwayProgressView>,
}
