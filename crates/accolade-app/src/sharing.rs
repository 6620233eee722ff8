//! Sharing a credential: where each share channel leads (LinkedIn's add-to-profile form
//! with the certification filled in, LinkedIn, X and Facebook posts, an email), the card
//! the embed and previews show (with the status as of now), and the Open Graph image.
//! Texts come from the signed credential, so a share shows what was issued.

use crate::analytics::{Client, EventKind};
use crate::effective::EffectiveStatus;
use crate::mail::linkedin::{Certification, add_to_profile_url, percent_encode};
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, Award, AwardId, AwardState, ImageId, OrgId, Organization};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Where a share link leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShareChannel {
    /// LinkedIn's "Add to profile" certification form.
    LinkedinProfile,
    /// A LinkedIn post.
    Linkedin,
    /// A post on X.
    X,
    /// A Facebook post.
    Facebook,
    /// An email from the visitor's own mail program.
    Email,
}

impl ShareChannel {
    pub const ALL: [ShareChannel; 5] = [
        ShareChannel::LinkedinProfile,
        ShareChannel::Linkedin,
        ShareChannel::X,
        ShareChannel::Facebook,
        ShareChannel::Email,
    ];

    /// The name in share URLs and totals.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareChannel::LinkedinProfile => "linkedin-profile",
            ShareChannel::Linkedin => "linkedin",
            ShareChannel::X => "x",
            ShareChannel::Facebook => "facebook",
            ShareChannel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Adding to a LinkedIn profile counts as a LinkedIn add; the rest as share clicks.
    pub fn event_kind(self) -> EventKind {
        match self {
            ShareChannel::LinkedinProfile => EventKind::LinkedinAdd,
            _ => EventKind::Share,
        }
    }
}

/// What a share, an embed or a preview shows of a credential.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareCard {
    pub award_id: AwardId,
    /// The achievement's name as issued.
    pub name: String,
    pub issuer_name: String,
    pub recipient_name: Option<String>,
    /// The badge image, if it is one of this instance's images.
    pub image_id: Option<ImageId>,
    /// The status now.
    pub state: AwardState,
    /// The status now, with its reason, dates and what it allows.
    pub status: EffectiveStatus,
    pub issued_at: OffsetDateTime,
    pub valid_until: Option<OffsetDateTime>,
    /// The public page (absolute).
    pub credential_url: String,
}

/// Longest LinkedIn organization id (LinkedIn's ids are numbers of a few digits).
const MAX_LINKEDIN_ID: usize = 20;

impl App {
    /// The card of an award, from its signed credential, with its status now.
    pub fn share_card(&self, award: &Award) -> ShareCard {
        let credential: serde_json::Value =
            serde_json::from_str(&award.credential).unwrap_or_default();
        self.share_card_of(award, &credential)
    }

    /// [`App::share_card`] from the award's credential already parsed (the page has it).
    pub fn share_card_of(&self, award: &Award, credential: &serde_json::Value) -> ShareCard {
        let achievement = &credential["credentialSubject"]["achievement"];
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().trim().to_owned();
        let image_id = achievement["image"]["id"]
            .as_str()
            .and_then(|u| self.urls().local_path(u))
            .and_then(|p| p.strip_prefix("/images/"))
            .and_then(|id| id.parse().ok());
        ShareCard {
            award_id: award.id,
            name: text(&achievement["name"]),
            issuer_name: text(&credential["issuer"]["name"]),
            recipient_name: award.recipient_name.clone(),
            image_id,
            state: award.state_at(self.now()),
            status: self.effective_status(award),
            issued_at: award.issued_at,
            valid_until: award.valid_until,
            credential_url: self.urls().credential(award.id),
        }
    }

    /// Where `channel` leads for this award: for a badge that is no longer valid, only an
    /// email leads on; every other channel leads to the badge's page, which says why.
    pub async fn share_url(&self, award: &Award, channel: ShareChannel) -> AppResult<String> {
        let card = self.share_card(award);
        if !card.status.allows(channel) {
            return Ok(card.credential_url);
        }
        let url = percent_encode(&card.credential_url);
        let headline = format!("{} — issued by {}", card.name, card.issuer_name);
        Ok(match channel {
            ShareChannel::LinkedinProfile => {
                let award_id = award.id.to_string();
                let link = add_to_profile_url(&Certification {
                    name: &card.name,
                    organization: &card.issuer_name,
                    issued_at: award.issued_at,
                    expires_at: award.valid_until,
                    credential_url: &card.credential_url,
                    credential_id: &award_id,
                });
                match self.store.linkedin_org_id(award.org_id).await? {
                    Some(id) => with_organization_id(&link, &id),
                    None => link,
                }
            }
            ShareChannel::Linkedin => {
                format!("https://www.linkedin.com/sharing/share-offsite/?url={url}")
            }
            ShareChannel::X => format!(
                "https://x.com/intent/post?text={}&url={url}",
                percent_encode(&headline)
            ),
            ShareChannel::Facebook => {
                format!("https://www.facebook.com/sharer/sharer.php?u={url}")
            }
            ShareChannel::Email => format!(
                "mailto:?subject={}&body={}",
                percent_encode(&headline),
                percent_encode(&format!(
                    "{}\n\nSee it and check that it is genuine: {}",
                    headline, card.credential_url
                ))
            ),
        })
    }

    /// Follows a share link: records the click on `channel` and says where it leads.
    pub async fn follow_share(
        &self,
        award_id: AwardId,
        channel: ShareChannel,
        client: &Client,
    ) -> AppResult<String> {
        let award = self.award_by_id(award_id).await?;
        let url = self.share_url(&award, channel).await?;
        // A badge that is no longer valid is not put forward, and no share is counted.
        if self.effective_status(&award).allows(channel) {
            self.record_event(award.id, channel.event_kind(), channel.as_str(), client);
        }
        Ok(url)
    }

    /// The organization's LinkedIn company id, if it set one.
    pub async fn linkedin_org_id(&self, org: OrgId) -> AppResult<Option<String>> {
        Ok(self.store.linkedin_org_id(org).await?)
    }

    /// Sets (or, with `None` or blank, clears) the LinkedIn company id that add-to-profile
    /// links name instead of the organization's name; records `org.linkedin`.
    pub async fn set_linkedin_org_id(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<&str>,
    ) -> AppResult<()> {
        let id = id.map(str::trim).filter(|i| !i.is_empty());
        if let Some(i) = id
            && (i.len() > MAX_LINKEDIN_ID || !i.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(AppError::invalid_field(
                "linkedin_org_id",
                "Enter the LinkedIn organization id as digits only, like the 12345 in linkedin.com/company/12345.",
            ));
        }
        self.org(org).await?;
        if self.store.linkedin_org_id(org).await?.as_deref() == id {
            return Ok(());
        }
        self.store.set_linkedin_org_id(org, id).await?;
        self.audit(
            org,
            actor,
            "org.linkedin",
            "linkedin_org_id",
            id.unwrap_or(""),
        )
        .await
    }

    /// A tag for [`App::og_card_png`]'s output, changing whenever the card would.
    pub fn og_card_etag(&self, award: &Award) -> String {
        let card = self.share_card(award);
        etag(&[
            "og-v2",
            &card.name,
            &card.issuer_name,
            &ids(card.image_id),
            &card.status.cache_key(),
        ])
    }

    /// The 1200×630 Open Graph image of an award: its badge, name and issuer; a revoked,
    /// suspended or expired badge greyed and marked with the word.
    pub async fn og_card_png(&self, award: &Award) -> AppResult<Vec<u8>> {
        let card = self.share_card(award);
        self.og_card(
            card.image_id,
            card.name,
            card.issuer_name,
            card.status.mark(),
        )
        .await
    }

    /// A tag for [`App::signature_png`]'s output, changing whenever the picture would.
    pub fn signature_etag(&self, award: &Award) -> String {
        let card = self.share_card(award);
        etag(&["sig-v1", &ids(card.image_id), &card.status.cache_key()])
    }

    /// The badge picture for email signatures ([`SIGNATURE_PX`] square PNG): the badge as
    /// issued, greyed under the status word once it is revoked, suspended or expired.
    pub async fn signature_png(&self, award: &Award) -> AppResult<Vec<u8>> {
        let card = self.share_card(award);
        let badge = match card.image_id {
            Some(id) => badge_svg(&self.image(id).await?),
            None => PLACEHOLDER_BADGE.to_owned(),
        };
        let mark = card.status.mark();
        tokio::task::spawn_blocking(move || {
            let mark = mark.as_ref();
            accolade_media::render_badge_marked(&badge, SIGNATURE_PX, mark).or_else(|_| {
                accolade_media::render_badge_marked(PLACEHOLDER_BADGE, SIGNATURE_PX, mark)
            })
        })
        .await
        .map_err(|e| AppError::internal("rendering the signature badge", e))?
        .map_err(|e| AppError::internal("rendering the signature badge", e))
    }

    /// A tag for [`App::issuer_og_png`]'s output, changing whenever the card would.
    pub fn issuer_og_etag(&self, org: &Organization) -> String {
        etag(&["issuer-og-v1", &org.name, &ids(org.image_id)])
    }

    /// The 1200×630 Open Graph image of an issuer's page: its logo and name.
    pub async fn issuer_og_png(&self, org: &Organization) -> AppResult<Vec<u8>> {
        self.og_card(
            org.image_id,
            ISSUER_CARD_TITLE.into(),
            org.name.clone(),
            None,
        )
        .await
    }

    async fn og_card(
        &self,
        image: Option<ImageId>,
        title: String,
        issuer: String,
        mark: Option<accolade_media::StatusMark<'static>>,
    ) -> AppResult<Vec<u8>> {
        let badge = match image {
            Some(id) => badge_svg(&self.image(id).await?),
            None => PLACEHOLDER_BADGE.to_owned(),
        };
        tokio::task::spawn_blocking(move || {
            let mark = mark.as_ref();
            accolade_media::render_og_card_marked(&badge, &title, &issuer, mark).or_else(|_| {
                accolade_media::render_og_card_marked(PLACEHOLDER_BADGE, &title, &issuer, mark)
            })
        })
        .await
        .map_err(|e| AppError::internal("rendering the share card", e))?
        .map_err(|e| AppError::internal("rendering the share card", e))
    }
}

/// Side of the email-signature picture, in pixels (shown at 48, sharp on dense screens).
pub const SIGNATURE_PX: u32 = 96;

/// The title of an issuer's preview card (its name follows as "Issued by …").
const ISSUER_CARD_TITLE: &str = "Verified digital badges";

fn ids(image: Option<ImageId>) -> String {
    image.map(|i| i.to_string()).unwrap_or_default()
}

/// A quoted entity tag from the parts.
fn etag(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update([0]);
    }
    format!("\"{}\"", hex::encode(&h.finalize()[..12]))
}

/// The add-to-profile link naming LinkedIn's organization by id instead of by name.
fn with_organization_id(link: &str, id: &str) -> String {
    let Some((base, query)) = link.split_once('?') else {
        return link.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| {
            if p.starts_with("organizationName=") {
                format!("organizationId={}", percent_encode(id))
            } else {
                p.to_owned()
            }
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// A stored badge image as SVG: SVG as is, a raster image wrapped in one.
fn badge_svg(image: &accolade_core::ImageRecord) -> String {
    if image.content_type == "image/svg+xml" {
        return String::from_utf8_lossy(&image.bytes).into_owned();
    }
    let data = base64::engine::general_purpose::STANDARD.encode(&image.bytes);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512"><image width="512" height="512" href="data:{};base64,{data}"/></svg>"#,
        image.content_type
    )
}

/// Shown when a badge has no image.
const PLACEHOLDER_BADGE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512"><path d="M176 300l-48 180 128-64 128 64-48-180z" fill="#a8b9d1"/><circle cx="256" cy="208" r="176" fill="#1d4e89"/><path d="M176 208l56 56 104-104" fill="none" stroke="#fff" stroke-width="40" stroke-linecap="round" stroke-linejoin="round"/></svg>"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_id_replaces_the_name() {
        let link = "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME\
                    &name=A&organizationName=B%20C&issueYear=2026";
        assert_eq!(
            with_organization_id(link, "1234"),
            "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME\
             &name=A&organizationId=1234&issueYear=2026"
        );
    }

    #[test]
    fn channels_round_trip() {
        for c in ShareChannel::ALL {
            assert_eq!(ShareChannel::parse(c.as_str()), Some(c));
        }
        assert_eq!(ShareChannel::parse("myspace"), None);
    }
}
