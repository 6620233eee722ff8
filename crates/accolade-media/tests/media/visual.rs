//! Writes rendered badges to target/tmp/badges/ to look at.

use super::design;
use accolade_media::*;

#[test]
fn write_sample_badges_for_inspection() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("badges");
    std::fs::create_dir_all(&dir).unwrap();
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
        std::fs::write(dir.join(format!("{shape:?}.svg").to_lowercase()), &svg).unwrap();
        let png = render_png(&svg, 400).unwrap();
        std::fs::write(dir.join(format!("{shape:?}.png").to_lowercase()), png).unwrap();
        let tile = image::load_from_memory(&render_png(&svg, 300).unwrap())
            .unwrap()
            .to_rgba8();
        image::imageops::overlay(
            &mut shapes,
            &tile,
            (i as i64 % 4) * 300,
            (i as i64 / 4) * 300,
        );
    }
    // The eighth tile: a design with a logo and no subtitle.
    let mut d = design(Shape::Circle, "Logo Badge", "", None);
    d.logo = Some(Logo::from_bytes(super::png(120, 80).as_slice()).unwrap());
    let tile = image::load_from_memory(&render_png(&to_svg(&d), 300).unwrap())
        .unwrap()
        .to_rgba8();
    image::imageops::overlay(&mut shapes, &tile, 3 * 300, 300);
    shapes.save(dir.join("shapes.png")).unwrap();
    // Every icon on one sheet: 16 small circles rendered side by side.
    let mut sheet = image::RgbaImage::new(4 * 240, 4 * 240);
    for (i, icon) in Icon::ALL.iter().enumerate() {
        let d = design(Shape::Circle, icon.label(), "", Some(*icon));
        let png = render_png(&to_svg(&d), 240).unwrap();
        let tile = image::load_from_memory(&png).unwrap().to_rgba8();
        image::imageops::overlay(
            &mut sheet,
            &tile,
            (i as i64 % 4) * 240,
            (i as i64 / 4) * 240,
        );
    }
    sheet.save(dir.join("icons.png")).unwrap();
    let d = design(
        Shape::Rosette,
        "Certified Safety Officer",
        "NORTHWIND",
        Some(Icon::Shield),
    );
    let card =
        render_og_card(&to_svg(&d), "Certified Safety Officer", "Northwind Academy").unwrap();
    std::fs::write(dir.join("og-card.png"), card).unwrap();
}
