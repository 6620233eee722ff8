//! A sample of every shape (with palettes and long titles), every icon, a logo badge and the
//! Open Graph card: each renders and decodes as a PNG of the size asked for, with real
//! content. With `ACCOLADE_BADGE_SAMPLES_DIR` set, the files and two contact sheets are also
//! written there to look at (nothing is written otherwise).

use super::{assert_png, design};
use accolade_media::*;
use std::path::PathBuf;

fn samples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("ACCOLADE_BADGE_SAMPLES_DIR")?);
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

/// Decodes `png` and checks its size and content before overlaying it on `sheet`.
fn tile(sheet: &mut image::RgbaImage, png: &[u8], size: u32, x: i64, y: i64) {
    assert_png(png, size, size);
    let tile = image::load_from_memory(png).unwrap().to_rgba8();
    image::imageops::overlay(sheet, &tile, x, y);
}

#[test]
fn sample_badges_render_at_their_declared_size() {
    let dir = samples_dir();
    let palettes = [
        ("#1f4e79", "#ffffff", "#f2c14e"),
        ("#7a1f2b", "#ffffff", "#f4d35e"),
        ("#1d5c4a", "#ffffff", "#e8c468"),
        ("#3d2c8d", "#ffffff", "#ff9f1c"),
        ("#f7f3e9", "#1b2a41", "#c0392b"),
        ("#0b132b", "#ffffff", "#5bc0be"),
        ("#e63946", "#ffffff", "#1d3557"),
    ];
    let titles = [
        (
            "Data Analysis Fundamentals",
            "NORTHWIND ACADEMY",
            Icon::Book,
        ),
        ("Certified Safety Officer", "LEVEL 2", Icon::Shield),
        ("Community Mentor", "NORTHWIND", Icon::People),
        ("Rust", "ACME", Icon::Code),
        ("Sustainability Champion", "GREEN CAMPUS 2025", Icon::Leaf),
        ("Global Citizen", "", Icon::Globe),
        (
            "Advanced Interdisciplinary Certificate in Sustainable Infrastructure Engineering",
            "UNIVERSITY OF SOMEWHERE FAR AWAY",
            Icon::GraduationCap,
        ),
    ];
    assert_eq!(Shape::ALL.len(), palettes.len());
    let mut shapes =
        image::RgbaImage::from_pixel(4 * 300, 2 * 300, image::Rgba([255, 255, 255, 255]));
    for (i, shape) in Shape::ALL.iter().enumerate() {
        let (bg, fg, ac) = palettes[i];
        let (title, sub, icon) = titles[i];
        let mut d = design(*shape, title, sub, Some(icon));
        d.background = Colour::parse(bg).unwrap();
        d.foreground = Colour::parse(fg).unwrap();
        d.accent = Colour::parse(ac).unwrap();
        d.border.colour = d.accent;
        if i == 3 {
            d.border.style = BorderStyle::Single;
        }
        let svg = to_svg(&d);
        assert!(svg.starts_with("<svg"), "{shape:?}: not an SVG");
        let png = render_png(&svg, 400).unwrap();
        assert_png(&png, 400, 400);
        if let Some(dir) = &dir {
            std::fs::write(dir.join(format!("{shape:?}.svg").to_lowercase()), &svg).unwrap();
            std::fs::write(dir.join(format!("{shape:?}.png").to_lowercase()), &png).unwrap();
        }
        let png = render_png(&svg, 300).unwrap();
        tile(
            &mut shapes,
            &png,
            300,
            (i as i64 % 4) * 300,
            (i as i64 / 4) * 300,
        );
    }
    // The eighth tile: a design with a logo and no subtitle.
    let mut d = design(Shape::Circle, "Logo Badge", "", None);
    d.logo = Some(Logo::from_bytes(super::png(120, 80).as_slice()).unwrap());
    let png = render_png(&to_svg(&d), 300).unwrap();
    tile(&mut shapes, &png, 300, 3 * 300, 300);
    // Every icon: small circles side by side.
    let mut sheet = image::RgbaImage::new(4 * 240, 4 * 240);
    for (i, icon) in Icon::ALL.iter().enumerate() {
        let d = design(Shape::Circle, icon.label(), "", Some(*icon));
        let png = render_png(&to_svg(&d), 240).unwrap();
        tile(
            &mut sheet,
            &png,
            240,
            (i as i64 % 4) * 240,
            (i as i64 / 4) * 240,
        );
    }
    let d = design(
        Shape::Rosette,
        "Certified Safety Officer",
        "NORTHWIND",
        Some(Icon::Shield),
    );
    let card =
        render_og_card(&to_svg(&d), "Certified Safety Officer", "Northwind Academy").unwrap();
    let decoded = image::load_from_memory_with_format(&card, image::ImageFormat::Png).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (OG_WIDTH, OG_HEIGHT),
        "the Open Graph card has the size it declares"
    );
    if let Some(dir) = &dir {
        shapes.save(dir.join("shapes.png")).unwrap();
        sheet.save(dir.join("icons.png")).unwrap();
        std::fs::write(dir.join("og-card.png"), card).unwrap();
    }
}
