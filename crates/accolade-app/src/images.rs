//! Badge images and logos, checked by `accolade-media`: PNG, JPEG and WebP decoded under
//! strict limits (size, pixels, memory) and written again as fresh PNG (an Open Badges image
//! must be PNG or SVG), SVG sanitized to an inert allowlist and re-parsed. Images are always
//! served with a sandboxing CSP as well.

use crate::{App, AppError, AppResult};
use accolade_core::{ImageId, ImageRecord, OrgId};
use accolade_media::{
    CheckedImage, Logo, MediaError, check_badge_image, check_strict_upload, render_png,
};

/// Largest image upload accepted.
pub use accolade_media::MAX_UPLOAD_BYTES;

/// Side of a PNG rendition when none is asked for.
pub const DEFAULT_PNG_SIZE: u32 = 512;
/// Largest PNG rendition served.
pub const MAX_PNG_SIZE: u32 = 1024;

/// Checks an upload and returns what would be stored: a raster image written again as PNG
/// (at most 1024 pixels a side), or the sanitized SVG.
pub fn check_image(bytes: &[u8]) -> AppResult<CheckedImage> {
    check_badge_image(bytes).map_err(|e| refused("image", &e))
}

/// An upload's refusal by the media library, as a sentence about `field`.
fn refused(field: &'static str, e: &MediaError) -> AppError {
    AppError::invalid_field(field, crate::checks::sentence(&e.to_string()))
}

/// Refuses a raster image (a baked badge given for verification, say) whose header declares
/// more pixels than any image path accepts; reads the header only. An unreadable header is
/// left to whoever reads the file next (the verifier says why it cannot read it).
pub fn check_declared_size(bytes: &[u8]) -> AppResult<()> {
    match accolade_media::declared_size(bytes) {
        Err(e @ MediaError::Dimensions { .. }) => {
            Err(AppError::invalid(crate::checks::sentence(&e.to_string())))
        }
        _ => Ok(()),
    }
}

impl App {
    pub async fn add_image(&self, org: Option<OrgId>, bytes: Vec<u8>) -> AppResult<ImageRecord> {
        self.add_checked_image(org, bytes, false).await
    }

    /// Checks and stores an image. A logo is refused, not cleaned, if it is an SVG with
    /// scripts, handlers or references to other files, and must be small enough to embed in a
    /// badge.
    pub(crate) async fn add_checked_image(
        &self,
        org: Option<OrgId>,
        bytes: Vec<u8>,
        logo: bool,
    ) -> AppResult<ImageRecord> {
        // Decoding and sanitizing take CPU time: keep them off the async workers.
        let checked = tokio::task::spawn_blocking(move || {
            let checked = if logo {
                let checked = check_strict_upload(&bytes).map_err(|e| refused("logo", &e))?;
                Logo::from_checked(&checked).map_err(|e| refused("logo", &e))?;
                checked
            } else {
                check_image(&bytes)?
            };
            Ok::<_, AppError>(checked)
        })
        .await
        .map_err(|e| AppError::internal("image check failed", e))??;
        let record = ImageRecord {
            id: ImageId::new(),
            org_id: org,
            content_type: checked.content_type.to_owned(),
            bytes: checked.bytes,
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

    /// An image as PNG, `size` pixels square (1 to [`MAX_PNG_SIZE`]): an SVG is rendered with
    /// the bundled font; a PNG is returned as stored, whatever the size.
    pub async fn image_png(&self, id: ImageId, size: u32) -> AppResult<Vec<u8>> {
        if size == 0 || size > MAX_PNG_SIZE {
            return Err(AppError::invalid_field(
                "size",
                format!("Choose a size from 1 to {MAX_PNG_SIZE} pixels, not {size}."),
            ));
        }
        let image = self.image(id).await?;
        if image.content_type == "image/png" {
            return Ok(image.bytes);
        }
        tokio::task::spawn_blocking(move || {
            let svg = std::str::from_utf8(&image.bytes)
                .map_err(|e| AppError::internal(format!("image {id} is not UTF-8 SVG"), e))?;
            render_png(svg, size).map_err(|e| AppError::internal(format!("image {id}"), e))
        })
        .await
        .map_err(|e| AppError::internal("rendering failed", e))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_image(bytes: &[u8]) -> AppResult<&'static str> {
        check_image(bytes).map(|c| c.content_type)
    }

    #[test]
    fn images_are_checked_and_active_svg_refused_or_cleaned() {
        let svg = crate::demo::badge_svg("RUST", "ACME", "#1f4e79", "#f2c14e");
        assert_eq!(sniff_image(svg.as_bytes()).unwrap(), "image/svg+xml");
        let cleaned = check_image(
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="x()" width="9" height="9"><script>alert(1)</script><a href="javascript:x()"><rect width="9" height="9"/></a></svg>"#,
        )
        .unwrap();
        let text = String::from_utf8(cleaned.bytes).unwrap();
        assert!(
            !text.contains("script") && !text.contains("onload") && !text.contains("javascript")
        );
        for bad in [
            &br#"<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>"#[..],
            b"\x89PNG\r\n\x1a\nrest",
            b"GIF89a",
        ] {
            assert!(
                sniff_image(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let big = vec![b' '; accolade_media::MAX_UPLOAD_BYTES + 1];
        assert_eq!(
            sniff_image(&big).unwrap_err().to_string(),
            "image: The file is 2.1 MiB; the limit is 2 MiB."
        );
    }
}
