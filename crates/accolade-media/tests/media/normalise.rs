//! Raster uploads are never kept as received: damaged PNGs are refused with the reason, sound
//! ones (PNG, JPEG, WebP) come back as fresh PNGs with pixels only; images from elsewhere are
//! shown only as such a PNG or as sanitized SVG.

use super::png;
use accolade_media::{MediaError, check_badge_image, check_upload, declared_size, normalise_image};
use base64::Engine as _;
use image::ImageFormat;
use std::time::{Duration, Instant};

fn crc(kind: &[u8], data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(kind);
    h.update(data);
    h.finalize()
}

/// The chunks of a PNG, as (type, data).
fn chunks(png: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut rest = &png[8..];
    let mut out = Vec::new();
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        out.push((
            String::from_utf8_lossy(&rest[4..8]).into_owned(),
            rest[8..8 + len].to_vec(),
        ));
        rest = &rest[12 + len..];
    }
    out
}

/// `png` with one more chunk just before IEND.
fn with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let iend = png.len() - 12;
    let mut out = png[..iend].to_vec();
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc(kind, data).to_be_bytes());
    out.extend_from_slice(&png[iend..]);
    out
}

/// A PNG header declaring `width`×`height` at `depth` bits per RGBA channel, then a tiny
/// IDAT, every CRC correct.
fn declaring(width: u32, height: u32, depth: u8) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[depth, 6, 0, 0, 0]);
    for (kind, data) in [
        (b"IHDR", ihdr),
        (
            b"IDAT",
            vec![0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ),
        (b"IEND", vec![]),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(&data);
        out.extend_from_slice(&crc(kind, &data).to_be_bytes());
    }
    out
}

fn corrupt(bytes: &[u8]) -> String {
    match check_upload(bytes) {
        Err(MediaError::Corrupt(why)) => why,
        other => panic!("expected a refusal as corrupt, got {other:?}"),
    }
}

fn pixels(png: &[u8]) -> Vec<u8> {
    image::load_from_memory_with_format(png, ImageFormat::Png)
        .unwrap()
        .to_rgba8()
        .into_raw()
}

#[test]
fn a_sound_png_comes_back_fresh_without_foreign_chunks() {
    let original = png(40, 30);
    let mut hostile = with_chunk(&original, b"tEXt", b"Comment\0<script>alert(1)</script>");
    hostile = with_chunk(&hostile, b"iTXt", b"openbadges\0\0\0\0\0{\"forged\":true}");
    hostile = with_chunk(&hostile, b"zzZz", b"private data");
    hostile.extend_from_slice(b"<html><script>alert(2)</script></html>"); // after IEND
    let clean = check_upload(&hostile).unwrap();
    assert_eq!(
        (clean.content_type, clean.width, clean.height),
        ("image/png", 40, 30)
    );
    let kinds: Vec<String> = chunks(&clean.bytes).into_iter().map(|(k, _)| k).collect();
    assert!(
        kinds
            .iter()
            .all(|k| ["IHDR", "IDAT", "IEND"].contains(&k.as_str())),
        "{kinds:?}"
    );
    let text = String::from_utf8_lossy(&clean.bytes).to_lowercase();
    for gone in ["script", "openbadges", "forged", "private", "html"] {
        assert!(!text.contains(gone), "{gone} survived");
    }
    assert!(
        clean
            .bytes
            .ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82])
    );
    assert_eq!(
        pixels(&clean.bytes),
        pixels(&original),
        "the pixels are kept"
    );
}

#[test]
fn a_truncated_png_is_refused_as_truncated() {
    let good = png(64, 64);
    for cut in [good.len() - 12, good.len() - 3, good.len() / 2, 40] {
        let why = corrupt(&good[..cut]);
        assert!(why.contains("truncated"), "{cut}: {why}");
    }
}

#[test]
fn a_png_with_a_bad_crc_is_refused() {
    let good = png(16, 16);
    // Flip one pixel-data byte: the IDAT's CRC no longer matches.
    let mut bad = good.clone();
    let idat = bad.windows(4).position(|w| w == b"IDAT").unwrap();
    bad[idat + 6] ^= 0x01;
    assert!(corrupt(&bad).contains("IDAT chunk fails its CRC check"));
    // An ancillary chunk with a wrong CRC is refused too, not skipped.
    let mut text = with_chunk(&good, b"tEXt", b"Title\0badge");
    let at = text.len() - 13;
    text[at] ^= 0xff;
    assert!(corrupt(&text).contains("tEXt chunk fails its CRC check"));
}

#[test]
fn a_png_with_a_huge_chunk_length_is_refused() {
    let good = png(16, 16);
    let idat = good.windows(4).position(|w| w == b"IDAT").unwrap() - 4;
    let mut huge = good.clone();
    huge[idat..idat + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(
        corrupt(&huge)
            .contains("IDAT chunk declares a length of 4294967295 bytes, more than PNG allows")
    );
    huge[idat..idat + 4].copy_from_slice(&0x7fff_0000u32.to_be_bytes());
    let why = corrupt(&huge);
    assert!(
        why.contains("IDAT chunk declares 2147418112 bytes but only"),
        "{why}"
    );
}

#[test]
fn pixel_bombs_are_refused_fast_by_their_header() {
    for (w, h) in [(100_000, 100_000), (4097, 1), (1, 65_535)] {
        let t = Instant::now();
        assert_eq!(
            check_upload(&declaring(w, h, 8)).unwrap_err(),
            MediaError::Dimensions {
                width: w,
                height: h,
                max: 4096
            }
        );
        assert_eq!(
            declared_size(&declaring(w, h, 8)).unwrap_err(),
            MediaError::Dimensions {
                width: w,
                height: h,
                max: 4096
            }
        );
        assert!(t.elapsed() < Duration::from_secs(2));
    }
    // Within the side limit, 16-bit RGBA would take 128 MiB: refused before inflating.
    let t = Instant::now();
    assert_eq!(
        check_upload(&declaring(4096, 4096, 16)).unwrap_err(),
        MediaError::TooMuchMemory { limit_mib: 72 }
    );
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(declared_size(&png(7, 9)).unwrap(), Some((7, 9)));
    assert_eq!(declared_size(b"{\"not\":\"an image\"}").unwrap(), None);
}

#[test]
fn a_real_decompression_bomb_is_refused_with_bounded_memory() {
    // A 20000×20000 grey image whose pixel data is a deflate stream of zeros (16 MB from a
    // few kilobytes, growing to 400 MB if a decoder kept going).
    let mut raw = Vec::new();
    {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(&mut raw, flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..16 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
    }
    let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 20_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", raw), (b"IEND", vec![])] {
        bomb.extend_from_slice(&(data.len() as u32).to_be_bytes());
        bomb.extend_from_slice(kind);
        bomb.extend_from_slice(&data);
        bomb.extend_from_slice(&crc(kind, &data).to_be_bytes());
    }
    assert!(bomb.len() < 2 * 1024 * 1024, "{}", bomb.len());
    let t = Instant::now();
    assert!(matches!(
        check_upload(&bomb).unwrap_err(),
        MediaError::Dimensions {
            width: 20_000,
            height: 20_000,
            ..
        }
    ));
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn jpeg_and_webp_become_fresh_pngs() {
    let img = image::RgbaImage::from_fn(50, 20, |x, y| {
        image::Rgba([x as u8 * 5, y as u8 * 9, 77, 255])
    });
    let mut webp = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut webp), ImageFormat::WebP)
        .unwrap();
    let clean = check_upload(&webp).unwrap();
    assert_eq!(
        (clean.content_type, clean.width, clean.height),
        ("image/png", 50, 20)
    );
    assert_eq!(
        pixels(&clean.bytes),
        img.into_raw(),
        "lossless WebP keeps its pixels"
    );
    let jpeg = super::jpeg(64, 48);
    let clean = check_badge_image(&jpeg).unwrap();
    assert_eq!(chunks(&clean.bytes).len(), 3);
    let mut truncated_webp = webp.clone();
    truncated_webp.truncate(webp.len() - 10);
    assert!(check_upload(&truncated_webp).is_err());
}

#[test]
fn images_embedded_in_svg_are_written_again() {
    let carrier = with_chunk(&png(8, 8), b"tEXt", b"Comment\0<script>alert(1)</script>");
    let data = base64::engine::general_purpose::STANDARD.encode(&carrier);
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><image width="8" height="8" href="data:image/png;base64,{data}"/></svg>"#
    );
    let clean = String::from_utf8(check_upload(svg.as_bytes()).unwrap().bytes).unwrap();
    let start = clean.find("base64,").unwrap() + 7;
    let end = start + clean[start..].find('"').unwrap();
    let inner = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(clean[start..end].trim_end_matches('='))
        .unwrap();
    assert!(!String::from_utf8_lossy(&inner).contains("script"));
    assert_eq!(pixels(&inner), pixels(&png(8, 8)));
}

#[test]
fn an_image_from_elsewhere_is_shown_only_normalised() {
    // A baked OB 3.0 SVG with active content: what may be shown keeps the drawing only.
    let baked = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="20" height="20" onload="alert(1)">
<openbadges:credential><![CDATA[{"credentialSubject":{"id":"x"}}]]></openbadges:credential>
<script>alert(2)</script><rect width="20" height="20" fill="#369" onclick="alert(3)"/>
<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
<image href="https://tracker.example/p.png" width="5" height="5"/></svg>"##;
    let shown = normalise_image(baked.as_bytes(), 5 * 1024 * 1024).unwrap();
    assert_eq!(shown.content_type, "image/svg+xml");
    let text = String::from_utf8(shown.bytes).unwrap().to_lowercase();
    for gone in [
        "script",
        "alert",
        "onload",
        "onclick",
        "foreignobject",
        "tracker",
        "credentialsubject",
    ] {
        assert!(!text.contains(gone), "{gone} survived: {text}");
    }
    assert!(text.contains("<rect"));
    // An external DOCTYPE, as editors write it, is dropped; an internal subset is refused.
    let editor = r#"<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9" height="9"/></svg>"#;
    let shown = normalise_image(editor.as_bytes(), 1 << 20).unwrap();
    assert!(!String::from_utf8(shown.bytes).unwrap().contains("DOCTYPE"));
    assert!(
        check_upload(editor.as_bytes()).is_err(),
        "uploads stay strict"
    );
    let xxe = r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
    assert!(matches!(
        normalise_image(xxe.as_bytes(), 1 << 20),
        Err(MediaError::SvgRefused(_))
    ));
    let late = r#"<svg xmlns="http://www.w3.org/2000/svg"><!DOCTYPE svg PUBLIC "a" "b"></svg>"#;
    assert!(normalise_image(late.as_bytes(), 1 << 20).is_err());
    // A large baked PNG (beyond an upload's 2 MiB, within the import's limit) is shown shrunk.
    let mut big = png(1500, 1500);
    big = with_chunk(&big, b"iTXt", &vec![b'a'; 3 * 1024 * 1024]);
    assert!(matches!(
        check_upload(&big),
        Err(MediaError::TooLarge { .. })
    ));
    let shown = normalise_image(&big, 5 * 1024 * 1024).unwrap();
    assert_eq!((shown.width, shown.height), (1024, 1024));
    assert!(shown.bytes.len() < 2 * 1024 * 1024);
    assert_eq!(
        normalise_image(&declaring(100_000, 100_000, 8), 5 * 1024 * 1024).unwrap_err(),
        MediaError::Dimensions {
            width: 100_000,
            height: 100_000,
            max: 4096
        }
    );
}
