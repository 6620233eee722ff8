//! Checking uploaded images: PNG and JPEG decoded under strict limits, SVG sanitized.

use crate::MediaError;
use crate::sanitize::sanitize_svg;
use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// Largest width and height of a raster image.
pub const MAX_DIMENSION: u32 = 4096;
/// Most memory a decoder may take (a 4096×4096 RGBA image needs 64 MiB).
pub const MAX_DECODE_BYTES: u64 = 72 * 1024 * 1024;
/// Longest side of a PNG made from a JPEG upload.
pub const MAX_CONVERTED_SIDE: u32 = 1024;

/// An image that passed [`check_upload`]: for SVG, `bytes` is the sanitized document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedImage {
    /// `image/png`, `image/jpeg` or `image/svg+xml`.
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// Pixels for PNG and JPEG; the SVG's own size (rounded up) for SVG.
    pub width: u32,
    pub height: u32,
}

/// Checks an uploaded image: at most [`MAX_UPLOAD_BYTES`]; PNG and JPEG must decode within
/// [`MAX_DIMENSION`] and [`MAX_DECODE_BYTES`]; SVG is sanitized and must render.
pub fn check_upload(bytes: &[u8]) -> Result<CheckedImage, MediaError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(MediaError::TooLarge {
            size: bytes.len(),
            limit: MAX_UPLOAD_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if let Some(format) = raster_format(bytes) {
        return check_raster(bytes, format);
    }
    if looks_like_svg(bytes) {
        return sanitize_svg(bytes, false);
    }
    Err(MediaError::UnknownFormat)
}

/// Like [`check_upload`], then a JPEG becomes a PNG (at most [`MAX_CONVERTED_SIDE`] pixels on
/// its longer side), because an Open Badges image must be PNG or SVG.
pub fn check_badge_image(bytes: &[u8]) -> Result<CheckedImage, MediaError> {
    let checked = check_upload(bytes)?;
    if checked.content_type != "image/jpeg" {
        return Ok(checked);
    }
    let mut image = decoder(&checked.bytes, ImageFormat::Jpeg)
        .decode()
        .map_err(decode_error)?;
    if image.width().max(image.height()) > MAX_CONVERTED_SIDE {
        image = image.resize(
            MAX_CONVERTED_SIDE,
            MAX_CONVERTED_SIDE,
            image::imageops::FilterType::Triangle,
        );
    }
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| MediaError::Corrupt(e.to_string()))?;
    Ok(CheckedImage {
        content_type: "image/png",
        bytes: png,
        width: image.width(),
        height: image.height(),
    })
}

/// PNG or JPEG, by signature.
pub(crate) fn raster_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(ImageFormat::Jpeg)
    } else {
        None
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    start.is_some_and(|i| bytes[i] == b'<')
}

fn limits(check_dimensions: bool) -> Limits {
    let mut limits = Limits::default();
    if check_dimensions {
        limits.max_image_width = Some(MAX_DIMENSION);
        limits.max_image_height = Some(MAX_DIMENSION);
    }
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

fn decoder(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits(true));
    reader
}

/// The size a PNG or JPEG declares, read from its header only; refused above the limit.
pub(crate) fn raster_size(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), MediaError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits(false));
    let (width, height) = reader.into_dimensions().map_err(decode_error)?;
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(MediaError::Dimensions {
            width,
            height,
            max: MAX_DIMENSION,
        });
    }
    Ok((width, height))
}

fn check_raster(bytes: &[u8], format: ImageFormat) -> Result<CheckedImage, MediaError> {
    let (width, height) = raster_size(bytes, format)?;
    // Decoding it all proves the data is sound; the limits bound the memory it takes.
    let image = decoder(bytes, format).decode().map_err(decode_error)?;
    if (image.width(), image.height()) != (width, height) {
        return Err(MediaError::Corrupt(
            "its size changed while decoding".into(),
        ));
    }
    Ok(CheckedImage {
        content_type: if format == ImageFormat::Png {
            "image/png"
        } else {
            "image/jpeg"
        },
        bytes: bytes.to_vec(),
        width,
        height,
    })
}

fn decode_error(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(l) => match l.kind() {
            image::error::LimitErrorKind::DimensionError => MediaError::Corrupt(format!(
                "it is larger than {MAX_DIMENSION}×{MAX_DIMENSION} pixels"
            )),
            _ => MediaError::TooMuchMemory {
                limit_mib: MAX_DECODE_BYTES >> 20,
            },
        },
        image::ImageError::Unsupported(u) => {
            MediaError::Corrupt(format!("it uses an unsupported feature ({u})"))
        }
        e => MediaError::Corrupt(e.to_string()),
    }
}
