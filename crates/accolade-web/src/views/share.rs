use serde::Serialize;

use crate::escape::escape_html;
use accolade_app::effective::EffectiveStatus;
use accolade_app::sharing::ShareChannel;
use accolade_core::AwardState;

/// The share panel of a credential page: tracked share links, the page's address to copy,
/// snippets for an email signature and a website, and the QR code.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    /// One per channel, each through `/s/{award}/{channel}` (counted, then redirected).
    pub links: Vec<ShareLink>,
    /// The credential page's absolute URL, for the copy-link field.
    pub page_url: String,
    /// HTML for an email signature: the badge and its name, linking to the page.
    pub signature_html: String,
    /// HTML for a website: an `<iframe>` of `/embed/{award}`, which shows the live status.
    pub embed_html: String,
    /// `/credentials/{award}/qr.svg`.
    pub qr_url: String,
    /// File name offered when the QR code is downloaded.
    pub qr_file_name: String,
    /// The copy-to-clipboard script, when it is available.
    pub script_href: Option<String>,
    /// Why there is no add-to-profile and no posts: the badge is revoked, suspended or
    /// expired (English; the template translates it).
    pub withheld: Option<&'static str>,
    /// The badge's owner, signed in: the share buttons, snippets and QR code. Everyone
    /// else sees the page's link only.
    pub owner: bool,
}

/// A share button.
#[derive(Debug, Clone, Serialize)]
pub struct ShareLink {
    /// `linkedin-profile`, `linkedin`, `x`, `facebook`, `email`.
    pub channel: String,
    pub label: String,
    pub href: String,
}

/// What [`ShareView::new`] needs to know of the credential.
#[derive(Debug, Clone)]
pub struct ShareSubject<'a> {
    /// The instance's base URL, e.g. `https://badges.example.org`.
    pub base_url: &'a str,
    pub award_id: &'a str,
    pub name: &'a str,
    pub issuer_name: &'a str,
    /// The badge as a PNG, absolute (email programs show PNG, not SVG).
    pub image_png_url: Option<String>,
    /// The badge's status now, which decides the channels offered.
    pub status: &'a EffectiveStatus,
}

/// The share channels in the order the panel shows them.
pub(crate) const CHANNELS: [(&str, &str); 5] = [
    ("linkedin-profile", "Add to LinkedIn profile"),
    ("linkedin", "Post on LinkedIn"),
    ("x", "Post on X"),
    ("facebook", "Share on Facebook"),
    ("email", "Send by email"),
];

impl ShareView {
    pub fn new(s: &ShareSubject<'_>, script_href: Option<String>) -> Self {
        let page_url = format!("{}/credentials/{}", s.base_url, s.award_id);
        let title = format!("{} — {}", s.name, s.issuer_name);
        let image = s.image_png_url.as_ref().map_or_else(String::new, |src| {
            format!(
                r#"<img src="{}" alt="{}" width="48" height="48"> "#,
                escape_html(src),
                escape_html(&format!("{} badge", s.name))
            )
        });
        let signature_html = format!(
            r#"<a href="{url}" target="_blank" rel="noopener">{image}{text}</a>"#,
            url = escape_html(&page_url),
            text = escape_html(&title),
        );
        let embed_html = format!(
            r#"<iframe src="{}/embed/{}" title="{}" width="360" height="200" style="border:0" loading="lazy"></iframe>"#,
            s.base_url,
            s.award_id,
            escape_html(&title),
        );
        let withheld = match s.status.state {
            _ if s.status.may_promote() => None,
            AwardState::Revoked => Some(
                "This badge has been revoked by its issuer, so it cannot be added to a profile or posted. Its page and embed show the status to everyone.",
            ),
            AwardState::Suspended => Some(
                "This badge is suspended by its issuer, so it cannot be added to a profile or posted while the suspension lasts. Its page and embed show the status to everyone.",
            ),
            _ => Some(
                "This badge has expired, so it cannot be added to a profile or posted. Its page and embed show the status to everyone.",
            ),
        };
        Self {
            links: CHANNELS
                .iter()
                .filter(|(channel, _)| {
                    ShareChannel::parse(channel).is_some_and(|c| s.status.allows(c))
                })
                .map(|(channel, label)| ShareLink {
                    channel: (*channel).to_owned(),
                    label: (*label).to_owned(),
                    href: format!("/s/{}/{channel}", s.award_id),
                })
                .collect(),
            page_url,
            signature_html,
            embed_html,
            qr_url: format!("/credentials/{}/qr.svg", s.award_id),
            qr_file_name: format!("credential-{}-qr.svg", s.award_id),
            script_href,
            withheld,
            owner: false,
        }
    }
}

/// The embeddable card of a credential (`/embed/{award}`), with its status as of the
/// request.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedView {
    pub name: String,
    pub issuer_name: String,
    pub recipient_name: Option<String>,
    /// Same-origin path of the badge image.
    pub image_url: Option<String>,
    /// `active`, `expired`, `revoked` or `suspended`: the CSS tone.
    pub state: String,
    /// "Verified", "Expired", "Revoked", "Suspended".
    pub state_label: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
    /// The credential's public page (absolute: the card opens it in a new tab).
    pub credential_url: String,
    pub stylesheet_href: String,
    /// The visitor's language, in which the card's words are written.
    pub lang: accolade_app::i18n::Lang,
}

/// An issuer's counts of what happened to a credential, or to every award of a badge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TotalsView {
    pub views: i64,
    pub verifications: i64,
    pub shares: i64,
    pub linkedin_adds: i64,
    pub downloads: i64,
    pub embed_impressions: i64,
    /// Share clicks by channel, as "LinkedIn profile: 3", in the panel's order.
    pub channels: Vec<ChannelCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelCount {
    pub label: String,
    pub count: i64,
}

impl TotalsView {
    /// The totals as shown; `None` (nothing recorded yet) shows zeros.
    pub fn new(totals: Option<&accolade_app::analytics::EventTotals>) -> Self {
        let Some(t) = totals else {
            return Self::default();
        };
        let label = |channel: &str| {
            CHANNELS
                .iter()
                .find(|(c, _)| *c == channel)
                .map_or_else(|| channel.to_owned(), |(_, l)| (*l).to_owned())
        };
        Self {
            views: t.views,
            verifications: t.verifications,
            shares: t.shares,
            linkedin_adds: t.linkedin_adds,
            downloads: t.downloads,
            embed_impressions: t.embed_impressions,
            channels: t
                .shares_by_channel
                .iter()
                .map(|(channel, count)| ChannelCount {
                    label: label(channel),
                    count: *count,
                })
                .collect(),
        }
    }
}
