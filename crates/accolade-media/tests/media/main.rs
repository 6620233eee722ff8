//! Tests of accolade-media: one binary, several parts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod bombs;
mod design;
mod hostile;
mod normalise;
mod visual;

use accolade_media::{BadgeDesign, Border, BorderStyle, Colour, Icon, Shape};
use image::{GenericImageView, ImageFormat};

/// Decodes a PNG and checks its size and that it is not blank (several distinct colours, some
/// opaque pixels).
pub fn assert_png(png: &[u8], width: u32, height: u32) {
    let img = image::load_from_memory_with_format(png, ImageFormat::Png).expect("a PNG");
    assert_eq!(img.dimensions(), (width, height));
    let rgba = img.to_rgba8();
    let opaque = rgba.pixels().filter(|p| p[3] > 200).count();
    assert!(
        opaque > (width * height / 10) as usize,
        "mostly transparent"
    );
    let mut colours: Vec<[u8; 4]> = rgba.pixels().step_by(7).map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 8, "only {} colours", colours.len());
}

pub fn design(shape: Shape, title: &str, subtitle: &str, icon: Option<Icon>) -> BadgeDesign {
    BadgeDesign {
        shape,
        background: Colour::parse("#1f4e79").unwrap(),
        foreground: Colour::parse("#ffffff").unwrap(),
        accent: Colour::parse("#f2c14e").unwrap(),
        border: Border {
            style: BorderStyle::Double,
            width: 8.0,
            colour: Colour::parse("#f2c14e").unwrap(),
        },
        title: title.into(),
        subtitle: subtitle.into(),
        icon,
        logo: None,
    }
}

/// A PNG made here with the image crate.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x * 7) as u8, (y * 5) as u8, 128, 255])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 2) as u8, 90])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Jpeg)
        .unwrap();
    out
}
