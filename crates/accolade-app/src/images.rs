//! Badge images and logos: PNG or SVG, bounded in size. SVG is checked against the
//! constructs that make it active content; images are always served with a sandboxing CSP.

use crate::{App, AppError, AppResult};
use accolade_core::{ImageId, ImageRecord, OrgId};

pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The content type of an acceptable image, or why it is refused.
pub fn sniff_image(bytes: &[u8]) -> AppResult<&'static str> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(AppError::Invalid(format!(
            "the image is larger than {} MiB",
            MAX_IMAGE_BYTES >> 20
        )));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::Invalid("the image must be PNG or SVG".into()))?;
    let lower = text.to_ascii_lowercase();
    if !lower.contains("<svg") {
        return Err(AppError::Invalid("the image must be PNG or SVG".into()));
    }
    const ACTIVE: [&str; 9] = [
        "<script",
        "<!entity",
        "<!doctype",
        "foreignobject",
        "javascript:",
        " on",
        "<iframe",
        "<embed",
        "<object",
    ];
    if let Some(bad) = ACTIVE.iter().find(|p| {
        if **p == " on" {
            // event handler attributes: on...=
            lower
                .split(|c: char| c.is_whitespace())
                .any(|w| w.starts_with("on") && w.contains('='))
        } else {
            lower.contains(**p)
        }
    }) {
        return Err(AppError::Invalid(format!(
            "the SVG contains active content ({}) and was refused",
            bad.trim()
        )));
    }
    Ok("image/svg+xml")
}

impl App {
    pub async fn add_image(&self, org: Option<OrgId>, bytes: Vec<u8>) -> AppResult<ImageRecord> {
        let content_type = sniff_image(&bytes)?.to_owned();
        let record = ImageRecord {
            id: ImageId::new(),
            org_id: org,
            content_type,
            bytes,
            created_at: self.now(),
        };
        self.store.insert_image(&record).await?;
        Ok(record)
    }

    pub async fn image(&self, id: ImageId) -> AppResult<ImageRecord> {
        self.store
            .image(id)
            .await?
            .ok_or(AppError::NotFound("image"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_sniffed_and_active_svg_refused() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest").unwrap(), "image/png");
        assert_eq!(
            sniff_image(br#"<svg xmlns="http://www.w3.org/2000/svg"/>"#).unwrap(),
            "image/svg+xml"
        );
        for bad in [
            &br#"<svg><script>alert(1)</script></svg>"#[..],
            br#"<svg onload="x()"/>"#,
            br#"<svg><a href="javascript:x()"/></svg>"#,
            br#"<!DOCTYPE svg [<!ENTITY a "b">]><svg/>"#,
            br#"<svg><foreignObject/></svg>"#,
            b"GIF89a",
        ] {
            assert!(
                sniff_image(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
