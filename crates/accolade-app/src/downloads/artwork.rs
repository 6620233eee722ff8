//! The picture a credential is baked into: a stored SVG or PNG, or a designed fallback.

use crate::{AppError, AppResult};
use accolade_core::ImageRecord;
use accolade_media::{BadgeDesign, Border, BorderStyle, Colour, Icon, Shape};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A badge picture in the form it is stored.
pub(super) enum Artwork {
    /// Sanitized SVG text.
    Svg(String),
    /// PNG bytes.
    Png(Vec<u8>),
}

impl Artwork {
    pub(super) fn from_record(record: ImageRecord) -> AppResult<Self> {
        if record.content_type == "image/png" {
            return Ok(Self::Png(record.bytes));
        }
        String::from_utf8(record.bytes)
            .map(Self::Svg)
            .map_err(|e| AppError::internal(format!("image {} is not UTF-8 SVG", record.id), e))
    }

    /// As PNG: an SVG rendered `size` pixels square with the bundled font, a PNG as stored.
    pub(super) fn to_png(&self, size: u32) -> AppResult<Vec<u8>> {
        match self {
            Self::Png(bytes) => Ok(bytes.clone()),
            Self::Svg(svg) => accolade_media::render_png(svg, size)
                .map_err(|e| AppError::internal("rendering the badge failed", e)),
        }
    }

    /// As SVG: an SVG as stored, a PNG wrapped in an SVG of its own size.
    pub(super) fn to_svg(&self) -> AppResult<String> {
        match self {
            Self::Svg(svg) => Ok(svg.clone()),
            Self::Png(bytes) => {
                let (w, h) = png_size(bytes).ok_or_else(|| {
                    AppError::internal_msg("a stored badge PNG has no readable size")
                })?;
                Ok(format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
                     viewBox=\"0 0 {w} {h}\"><image width=\"{w}\" height=\"{h}\" \
                     href=\"data:image/png;base64,{}\"/></svg>",
                    STANDARD.encode(bytes)
                ))
            }
        }
    }
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.get(12..16)? != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

/// A designed badge for an achievement without an image: a rosette seal with the
/// achievement's name and the issuer's name, in the house colours.
pub fn fallback_svg(name: &str, issuer: &str) -> String {
    let accent = Colour::rgb(0xf2, 0xc1, 0x4e);
    let title: String = name.chars().take(accolade_media::MAX_TITLE_CHARS).collect();
    let subtitle: String = issuer
        .chars()
        .take(accolade_media::MAX_SUBTITLE_CHARS)
        .collect();
    accolade_media::to_svg(&BadgeDesign {
        shape: Shape::Rosette,
        background: Colour::rgb(0x1f, 0x4e, 0x79),
        foreground: Colour::rgb(0xff, 0xff, 0xff),
        accent,
        border: Border {
            style: BorderStyle::Double,
            width: 6.0,
            colour: accent,
        },
        title: if title.trim().is_empty() {
            "Badge".into()
        } else {
            title
        },
        subtitle,
        icon: Some(Icon::Star),
        logo: None,
    })
}
