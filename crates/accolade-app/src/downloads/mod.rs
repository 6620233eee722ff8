//! Downloads of an issued credential for its earner: the badge image with the signed
//! credential baked in (OB 3.0 PNG and SVG), and the signed JSON itself. Anyone with the
//! credential's URL may download them, as anyone may view its page.
//!
//! The picture is the achievement's image as it was when the credential was issued (the one
//! the credential names); an achievement without an image gets a designed badge with its
//! name and issuer, so every download is a real badge image.

mod artwork;
mod certificate;
mod ob2;

pub use artwork::fallback_svg;
pub use ob2::{HostedAssertion, OB2_CONTEXT};

use crate::{App, AppError, AppResult};
use accolade_core::{AchievementId, AwardId};
use accolade_credentials::bake::{self, BakePayload};
use artwork::Artwork;
use serde_json::Value;

/// Side of the baked PNG when the badge image is an SVG.
pub const BAKED_PNG_SIZE: u32 = 512;

/// What can be downloaded for a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadKind {
    /// OB 3.0 baked PNG (`openbadgecredential` iTXt).
    BakedPng,
    /// OB 3.0 baked SVG (`<openbadges:credential>`).
    BakedSvg,
    /// The signed credential as JSON-LD.
    Json,
    /// OB 2.0 baked PNG (`openbadges` iTXt with the hosted assertion).
    Ob2Png,
    /// OB 2.0 baked SVG (`<openbadges:assertion verify="{assertion URL}">`).
    Ob2Svg,
    /// A printable certificate (A4 landscape PDF) with a QR code to the credential's page.
    CertificatePdf,
    /// The OB 3.0 VC-JWT (ES256), signed on each download; a revoked credential still
    /// downloads, its status list says it is revoked.
    Jwt,
}

impl DownloadKind {
    fn suffix(self) -> &'static str {
        match self {
            Self::BakedPng => ".png",
            Self::BakedSvg => ".svg",
            Self::Json => ".json",
            Self::Ob2Png => "-ob2.png",
            Self::Ob2Svg => "-ob2.svg",
            Self::CertificatePdf => "-certificate.pdf",
            Self::Jwt => ".jwt",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::BakedPng | Self::Ob2Png => "image/png",
            Self::BakedSvg | Self::Ob2Svg => "image/svg+xml",
            Self::Json => "application/vc+ld+json",
            Self::CertificatePdf => "application/pdf",
            // The OB 3.0 profile serves a compact JWS as text.
            Self::Jwt => "text/plain",
        }
    }
}

/// A file to hand to the browser.
#[derive(Debug, Clone)]
pub struct Download {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// A file name made from the achievement's name, e.g. `rust-fundamentals.png`.
    pub file_name: String,
}

impl App {
    /// One download of the credential `id`.
    pub async fn download(&self, id: AwardId, kind: DownloadKind) -> AppResult<Download> {
        let award = self.award_by_id(id).await?;
        let credential: Value = serde_json::from_str(&award.credential)
            .map_err(|e| AppError::internal(format!("award {id} has unreadable JSON"), e))?;
        let bytes = match kind {
            DownloadKind::Json => award.credential.clone().into_bytes(),
            DownloadKind::Jwt => self.credential_jwt(&award, &credential).await?.into_bytes(),
            DownloadKind::BakedPng | DownloadKind::BakedSvg => {
                let artwork = self.artwork(&credential).await?;
                let text = award.credential.clone();
                blocking(move || bake_artwork(artwork, kind, &text, "")).await?
            }
            DownloadKind::Ob2Png | DownloadKind::Ob2Svg => {
                let artwork = self.artwork(&credential).await?;
                let url = self.ob2_assertion_url(award.id);
                let text = self.ob2_assertion(award.id).await?.json.to_string();
                blocking(move || bake_artwork(artwork, kind, &text, &url)).await?
            }
            DownloadKind::CertificatePdf => {
                let artwork = self.artwork(&credential).await?;
                let achievement = &credential["credentialSubject"]["achievement"];
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                let lang = crate::i18n::Lang::from_tag_or_default(
                    crate::i18n::credential_language(&award.credential),
                );
                let date = |t| crate::i18n::format_date(lang, t);
                let mut certificate = certificate::Certificate {
                    achievement: text(&achievement["name"]),
                    achievement_type: achievement["achievementType"]
                        .as_str()
                        .unwrap_or("Badge")
                        .to_owned(),
                    recipient: award.recipient_name.clone(),
                    issuer: text(&credential["issuer"]["name"]),
                    issued_on: date(award.issued_at),
                    expires_on: award.valid_until.map(date),
                    url: self.urls().credential(award.id),
                    badge_png: Vec::new(),
                    status: None,
                    lang,
                };
                // A badge that is no longer valid prints as such, with the date and reason.
                let status = self.effective_status(&award);
                let colour = status.mark().map(|m| m.colour);
                certificate.status = status.word_in(lang).zip(status.detail_in(lang));
                blocking(move || {
                    let mark = certificate.status.as_ref().zip(colour);
                    certificate.badge_png = match mark {
                        None => artwork.to_png(BAKED_PNG_SIZE)?,
                        Some(((word, _), colour)) => accolade_media::render_badge_marked(
                            &artwork.to_svg()?,
                            BAKED_PNG_SIZE,
                            Some(&accolade_media::StatusMark { word, colour }),
                        )
                        .map_err(|e| AppError::internal("rendering the badge failed", e))?,
                    };
                    certificate.to_pdf()
                })
                .await?
            }
        };
        Ok(Download {
            bytes,
            content_type: kind.content_type(),
            file_name: format!("{}{}", file_stem(&credential), kind.suffix()),
        })
    }

    /// The OB 2.0 BadgeClass image of an achievement without an image of its own: its
    /// designed badge as PNG.
    pub async fn ob2_badge_image(&self, id: AchievementId) -> AppResult<Vec<u8>> {
        let a = self.achievement(id).await?;
        if let Some(image) = a.image_id {
            return self.image_png(image, BAKED_PNG_SIZE).await;
        }
        let org = self.org(a.org_id).await?;
        let artwork = Artwork::Svg(fallback_svg(&a.name, &org.name));
        blocking(move || artwork.to_png(BAKED_PNG_SIZE)).await
    }

    /// The picture of the badge: the image the credential names, if it is one of ours and
    /// still stored, else a designed badge.
    async fn artwork(&self, credential: &Value) -> AppResult<Artwork> {
        let achievement = &credential["credentialSubject"]["achievement"];
        let image = achievement["image"]["id"]
            .as_str()
            .or_else(|| achievement["image"].as_str())
            .and_then(|url| self.urls().local_path(url))
            .and_then(|path| path.strip_prefix("/images/"))
            .and_then(|id| id.parse().ok());
        if let Some(image_id) = image {
            match self.image(image_id).await {
                Ok(record) => return Artwork::from_record(record),
                Err(AppError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let name = achievement["name"].as_str().unwrap_or("Badge");
        let issuer = credential["issuer"]["name"].as_str().unwrap_or_default();
        Ok(Artwork::Svg(fallback_svg(name, issuer)))
    }
}

/// Runs CPU-bound work (rendering, baking) off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal("baking failed", e))?
}

/// Bakes the credential (or, for OB 2.0, the assertion hosted at `assertion_url`) into the
/// picture, as PNG or SVG.
fn bake_artwork(
    artwork: Artwork,
    kind: DownloadKind,
    credential: &str,
    assertion_url: &str,
) -> AppResult<Vec<u8>> {
    let baking = |e: bake::BakeError| AppError::internal("baking failed", e);
    match kind {
        DownloadKind::Ob2Png => {
            let png = artwork.to_png(BAKED_PNG_SIZE)?;
            bake::bake_png_ob2(&png, credential).map_err(baking)
        }
        DownloadKind::Ob2Svg => bake::bake_svg_ob2(&artwork.to_svg()?, assertion_url, credential)
            .map(String::into_bytes)
            .map_err(baking),
        DownloadKind::BakedPng => {
            let png = artwork.to_png(BAKED_PNG_SIZE)?;
            bake::bake_png(&png, credential).map_err(baking)
        }
        DownloadKind::BakedSvg => {
            let svg = artwork.to_svg()?;
            let payload = BakePayload::Json(credential.to_owned());
            bake::bake_svg(&svg, &payload)
                .map(String::into_bytes)
                .map_err(baking)
        }
        DownloadKind::Json | DownloadKind::CertificatePdf | DownloadKind::Jwt => {
            Ok(credential.as_bytes().to_vec())
        }
    }
}

/// A date as people write it in English, e.g. "12 March 2025" (UTC).
pub(crate) fn long_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{} {} {}", t.day(), t.month(), t.year())
}

/// A file name stem from the achievement's name: lowercase ASCII letters and digits joined
/// by single dashes, at most 60 characters; `badge` when nothing is left.
pub fn file_stem(credential: &Value) -> String {
    let name = credential["credentialSubject"]["achievement"]["name"]
        .as_str()
        .unwrap_or_default();
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
        if stem.len() >= 60 {
            break;
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "badge".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn named(name: &str) -> Value {
        json!({"credentialSubject": {"achievement": {"name": name}}})
    }

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(file_stem(&named("Rust Fundamentals")), "rust-fundamentals");
        assert_eq!(
            file_stem(&named("  Erste Hilfe — Grundkurs!")),
            "erste-hilfe-grundkurs"
        );
        assert_eq!(file_stem(&named("../../etc/passwd")), "etc-passwd");
        assert_eq!(file_stem(&named("日本語")), "badge");
        assert_eq!(file_stem(&json!({})), "badge");
        assert!(file_stem(&named(&"a".repeat(500))).len() <= 60);
    }
}
