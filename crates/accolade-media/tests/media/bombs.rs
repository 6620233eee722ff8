//! Image bombs (attack 5 of the project's security list) are refused fast with bounded
//! memory; real images pass.

use super::{jpeg, png};
use accolade_media::{MediaError, check_badge_image, check_upload};
use std::time::{Duration, Instant};

/// A PNG header declaring `width`×`height` followed by a tiny IDAT.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

#[test]
fn a_png_declaring_100k_by_100k_is_refused_fast() {
    let bomb = png_header(100_000, 100_000);
    let (r, took) = timed(|| check_upload(&bomb));
    assert_eq!(
        r.unwrap_err().to_string(),
        "the image is 100000×100000 pixels; the limit is 4096×4096"
    );
    assert!(took < Duration::from_millis(2000), "{took:?}"); // generous for loaded CI; a bomb takes far longer
    // Within the pixel limits but far beyond the memory limit (16-bit RGBA would be 128 MiB)
    // is refused too, as is a header with no pixel data.
    let (r, took) = timed(|| check_upload(&png_header(4096, 4096)));
    assert!(r.is_err());
    assert!(took < Duration::from_millis(2000), "{took:?}"); // generous for loaded CI; a bomb takes far longer
}

#[test]
fn a_50_mb_upload_is_refused_fast() {
    let mut big = png(8, 8);
    big.resize(50 * 1024 * 1024, 0);
    let (r, took) = timed(|| check_upload(&big));
    assert_eq!(
        r.unwrap_err(),
        MediaError::TooLarge {
            size: 50 * 1024 * 1024,
            limit: 2 * 1024 * 1024
        }
    );
    assert!(took < Duration::from_millis(2000), "{took:?}"); // generous for loaded CI; a bomb takes far longer
}

#[test]
fn a_jpeg_declaring_huge_dimensions_is_refused() {
    let mut j = jpeg(16, 16);
    // Patch the SOF0 frame header's height and width to 60000×60000.
    let sof = j.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
    j[sof + 5..sof + 9].copy_from_slice(&[0xea, 0x60, 0xea, 0x60]);
    let (r, took) = timed(|| check_upload(&j));
    assert_eq!(
        r.unwrap_err().to_string(),
        "the image is 60000×60000 pixels; the limit is 4096×4096"
    );
    assert!(took < Duration::from_millis(2000), "{took:?}"); // generous for loaded CI; a bomb takes far longer
}

#[test]
fn real_png_and_jpeg_pass_with_their_sizes() {
    let p = check_upload(&png(300, 200)).unwrap();
    assert_eq!((p.content_type, p.width, p.height), ("image/png", 300, 200));
    // A JPEG becomes a PNG of the same size.
    let j = check_upload(&jpeg(320, 240)).unwrap();
    assert_eq!((j.content_type, j.width, j.height), ("image/png", 320, 240));
    assert!(j.bytes.starts_with(b"\x89PNG"));
    // For a badge image, shrunk to 1024 pixels at most.
    let b = check_badge_image(&jpeg(320, 240)).unwrap();
    assert_eq!((b.content_type, b.width, b.height), ("image/png", 320, 240));
    let b = check_badge_image(&jpeg(2048, 1024)).unwrap();
    assert_eq!((b.width, b.height), (1024, 512));
    let b = check_badge_image(&png(2000, 1000)).unwrap();
    assert_eq!((b.width, b.height), (1024, 512));

    let mut truncated = png(300, 200);
    truncated.truncate(truncated.len() / 2);
    assert!(matches!(
        check_upload(&truncated),
        Err(MediaError::Corrupt(_))
    ));
    assert_eq!(
        check_upload(b"GIF89a...").unwrap_err(),
        MediaError::UnknownFormat
    );
    assert_eq!(check_upload(b"").unwrap_err(), MediaError::Empty);
}
