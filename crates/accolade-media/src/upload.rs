//! Checking uploaded images. A raster image (PNG, JPEG, WebP) is never kept as received: its
//! PNG chunk structure is checked, it is decoded under strict limits (size, pixels, memory) and
//! encoded again as a fresh PNG, which carries pixels only (no text, metadata or other
//! chunks a reader might treat differently). SVG is sanitized.

use crate::MediaError;
use crate::png;
use crate::sanitize::sanitize_svg;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// Largest width and height of a raster image (so at most 16 megapixels).
pub const MAX_DIMENSION: u32 = 4096;
/// Most memory a decoder may take (a 4096×4096 RGBA image needs 64 MiB).
pub const MAX_DECODE_BYTES: u64 = 72 * 1024 * 1024;
/// Longest side of a badge image or logo made from a raster upload.
pub const MAX_CONVERTED_SIDE: u32 = 1024;

/// An image that passed [`check_upload`]: for a raster image, `bytes` is a fresh PNG; for
/// SVG, the sanitized document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedImage {
    /// `image/png` or `image/svg+xml`.
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// Pixels for a raster image; the SVG's own size (rounded up) for SVG.
    pub width: u32,
    pub height: u32,
}

/// Checks an uploaded image: at most [`MAX_UPLOAD_BYTES`]; a PNG, JPEG or WebP must be sound
/// (for PNG: every chunk length and CRC) and decode within [`MAX_DIMENSION`] and
/// [`MAX_DECODE_BYTES`], and becomes a fresh PNG of the same size; SVG is sanitized and must
/// render.
pub fn check_upload(bytes: &[u8]) -> Result<CheckedImage, MediaError> {
    check(bytes, MAX_UPLOAD_BYTES, None)
}

/// Like [`check_upload`], and a raster image is shrunk to at most [`MAX_CONVERTED_SIDE`]
/// pixels on its longer side: what badge images and logos are stored as.
pub fn check_badge_image(bytes: &[u8]) -> Result<CheckedImage, MediaError> {
    check(bytes, MAX_UPLOAD_BYTES, Some(MAX_CONVERTED_SIDE))
}

/// An image received from elsewhere (such as a badge imported into a backpack), in the only
/// form it may be shown in: a fresh PNG of at most [`MAX_CONVERTED_SIDE`] pixels a side, or
/// sanitized SVG. `max_bytes` bounds the input.
/// An SVG's external DOCTYPE (the `<!DOCTYPE svg PUBLIC …>` many editors write) is dropped
/// first: it is never read, and declares nothing an SVG needs; one with an internal subset
/// (where entities are declared) is still refused.
pub fn normalise_image(bytes: &[u8], max_bytes: usize) -> Result<CheckedImage, MediaError> {
    if bytes.len() <= max_bytes
        && raster_format(bytes).is_none()
        && let Some(without) = without_external_doctype(bytes)
    {
        return check(&without, max_bytes, Some(MAX_CONVERTED_SIDE));
    }
    check(bytes, max_bytes, Some(MAX_CONVERTED_SIDE))
}

/// The document without its DOCTYPE, when it has one before its root element and that one
/// has no internal subset.
fn without_external_doctype(bytes: &[u8]) -> Option<Vec<u8>> {
    let start = find(bytes, b"<!DOCTYPE")?;
    if find(bytes, b"<svg").is_some_and(|root| root < start) {
        return None;
    }
    let end = start + bytes[start..].iter().position(|&b| b == b'>')?;
    if bytes[start..end].contains(&b'[') {
        return None;
    }
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(&bytes[end + 1..]);
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The size a raster image declares in its header, refused above [`MAX_DIMENSION`]; `None`
/// for anything that is not a PNG, JPEG or WebP. Reads the header only.
pub fn declared_size(bytes: &[u8]) -> Result<Option<(u32, u32)>, MediaError> {
    raster_format(bytes)
        .map(|f| raster_size(bytes, f))
        .transpose()
}

fn check(
    bytes: &[u8],
    max_bytes: usize,
    max_side: Option<u32>,
) -> Result<CheckedImage, MediaError> {
    if bytes.len() > max_bytes {
        return Err(MediaError::TooLarge {
            size: bytes.len(),
            limit: max_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if let Some(format) = raster_format(bytes) {
        return normalise_raster(bytes, format, max_side);
    }
    if looks_like_svg(bytes) {
        return sanitize_svg(bytes, false);
    }
    Err(MediaError::UnknownFormat)
}

/// PNG, JPEG or WebP, by signature.
pub(crate) fn raster_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(png::SIGNATURE) {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
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

/// The size a raster image declares, read from its header only; refused above the limit.
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
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt("it has no pixels".into()));
    }
    Ok((width, height))
}

/// Decodes a raster image under the limits.
pub(crate) fn decode_raster(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, MediaError> {
    if format == ImageFormat::Png {
        png::check_structure(bytes)?;
    }
    let (width, height) = raster_size(bytes, format)?;
    let image = decoder(bytes, format).decode().map_err(decode_error)?;
    if (image.width(), image.height()) != (width, height) {
        return Err(MediaError::Corrupt(
            "its size changed while decoding".into(),
        ));
    }
    Ok(image)
}

/// A raster image decoded, shrunk to `max_side` if given, and encoded as a fresh PNG.
pub(crate) fn normalise_raster(
    bytes: &[u8],
    format: ImageFormat,
    max_side: Option<u32>,
) -> Result<CheckedImage, MediaError> {
    let mut image = decode_raster(bytes, format)?;
    if let Some(side) = max_side
        && image.width().max(image.height()) > side
    {
        image = image.resize(side, side, image::imageops::FilterType::Triangle);
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
