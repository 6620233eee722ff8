//! SVG to PNG with resvg: the bundled font only, nothing loaded from files or the network,
//! bounded output size.

use crate::MediaError;
use crate::guard::parse_strict;
use crate::text::{FONT, FONT_FAMILY, FONT_FAMILY_CSS, FitRule, fit, xml_escape};
use crate::upload::{raster_format, raster_size};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, ImageHrefResolver, ImageKind, fontdb};
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

/// Largest PNG rendering, in pixels per side.
pub const MAX_RENDER_PX: u32 = 2048;
/// Longest SVG text rendered (a design with an embedded logo stays well below).
pub const MAX_SVG_BYTES: usize = 4 * 1024 * 1024;
/// Open Graph card size.
pub const OG_WIDTH: u32 = 1200;
pub const OG_HEIGHT: u32 = 630;

/// The font database: the bundled font and nothing else, built once.
fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_source(fontdb::Source::Binary(Arc::new(FONT)));
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        db.set_cursive_family(FONT_FAMILY);
        db.set_fantasy_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// usvg options: bundled font, no file access; `data:` images only if PNG/JPEG within our
/// limits, or (when `nested_svg`) an SVG passing the same checks without further nesting.
fn options(nested_svg: bool) -> usvg::Options<'static> {
    usvg::Options {
        resources_dir: None,
        font_family: FONT_FAMILY.into(),
        fontdb: fonts(),
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(move |mime, data, _opts| match mime {
                "image/png" | "image/jpeg" | "image/jpg" => {
                    let format = raster_format(&data)?;
                    raster_size(&data, format).ok()?;
                    Some(match format {
                        image::ImageFormat::Png => ImageKind::PNG(data),
                        _ => ImageKind::JPEG(data),
                    })
                }
                "image/svg+xml" if nested_svg => {
                    let text = std::str::from_utf8(&data).ok()?;
                    parse_tree(text, false).ok().map(ImageKind::SVG)
                }
                _ => None,
            }),
            // Never read a file or follow a URL.
            resolve_string: Box::new(|_href, _opts| None),
        },
        ..usvg::Options::default()
    }
}

/// Parses SVG for rendering after the structural checks of [`crate::guard`].
pub(crate) fn parse_tree(svg: &str, nested_svg: bool) -> Result<usvg::Tree, MediaError> {
    if svg.len() > MAX_SVG_BYTES {
        return Err(MediaError::TooLarge {
            size: svg.len(),
            limit: MAX_SVG_BYTES,
        });
    }
    let doc = parse_strict(svg)?;
    usvg::Tree::from_xmltree(&doc, &options(nested_svg))
        .map_err(|e| MediaError::SvgInvalid(e.to_string()))
}

/// An SVG's size in whole pixels (rounded up, at least 1).
pub(crate) fn svg_size(tree: &usvg::Tree) -> (u32, u32) {
    let s = tree.size();
    let px = |v: f32| v.ceil().clamp(1.0, u32::MAX as f32) as u32;
    (px(s.width()), px(s.height()))
}

pub(crate) fn check_size(size_px: u32) -> Result<(), MediaError> {
    if size_px == 0 || size_px > MAX_RENDER_PX {
        return Err(MediaError::RenderSize {
            size: size_px,
            max: MAX_RENDER_PX,
        });
    }
    Ok(())
}

/// Draws `tree` scaled to fit a `size`×`size` box at (x, y), centred.
pub(crate) fn draw(pixmap: &mut Pixmap, tree: &usvg::Tree, x: f32, y: f32, size: f32) {
    let s = tree.size();
    let scale = (size / s.width()).min(size / s.height());
    let dx = x + (size - s.width() * scale) / 2.0;
    let dy = y + (size - s.height() * scale) / 2.0;
    let transform = Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(tree, transform, &mut pixmap.as_mut());
}

pub(crate) fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, MediaError> {
    pixmap
        .encode_png()
        .map_err(|e| MediaError::Render(e.to_string()))
}

/// Renders an SVG to a square PNG of `size_px` pixels (1 to [`MAX_RENDER_PX`]), the image
/// scaled to fit and centred on a transparent background.
pub fn render_png(svg: &str, size_px: u32) -> Result<Vec<u8>, MediaError> {
    check_size(size_px)?;
    let tree = parse_tree(svg, true)?;
    let mut pixmap = Pixmap::new(size_px, size_px)
        .ok_or_else(|| MediaError::Render("no canvas of that size".into()))?;
    draw(&mut pixmap, &tree, 0.0, 0.0, size_px as f32);
    encode(&pixmap)
}

/// A 1200×630 Open Graph card: the badge on the left, its title and issuer on the right.
pub fn render_og_card(svg: &str, title: &str, issuer: &str) -> Result<Vec<u8>, MediaError> {
    crate::marked::render_og_card_marked(svg, title, issuer, None)
}

/// The card's background and text, without the badge; `eyebrow` is the line above the
/// title, in `eyebrow_colour`.
pub(crate) fn og_card_svg(
    title: &str,
    issuer: &str,
    eyebrow: &str,
    eyebrow_colour: &str,
) -> String {
    let (x, width) = (600.0, 530.0);
    let title_fit = fit(
        title,
        &FitRule {
            max_width: width,
            max_size: 64.0,
            min_size: 28.0,
            max_lines: 2,
            letter_spacing: 0.0,
        },
    );
    let issuer_fit = fit(
        &format!("Issued by {}", issuer.trim()),
        &FitRule {
            max_width: width,
            max_size: 30.0,
            min_size: 18.0,
            max_lines: 1,
            letter_spacing: 0.0,
        },
    );
    let mut s = String::from(concat!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">"#,
        r#"<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">"#,
        r##"<stop offset="0" stop-color="#0f1b2d"/><stop offset="1" stop-color="#1d3557"/>"##,
        r#"</linearGradient><radialGradient id="glow" cx="0.5" cy="0.5" r="0.5">"#,
        r##"<stop offset="0" stop-color="#ffffff" stop-opacity="0.16"/>"##,
        r##"<stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient></defs>"##,
        r#"<rect width="1200" height="630" fill="url(#bg)"/>"#,
        r#"<circle cx="300" cy="315" r="300" fill="url(#glow)"/>"#,
        r##"<rect x="0" y="618" width="1200" height="12" fill="#f2c14e"/>"##,
    ));
    let family = FONT_FAMILY_CSS;
    let _ = write!(
        s,
        r##"<text x="{x}" y="190" font-family="{family}" font-weight="bold" font-size="20" letter-spacing="4" fill="{eyebrow_colour}">{e}</text>"##,
        e = xml_escape(eyebrow)
    );
    let lh = title_fit.font_size * 1.12;
    let first =
        300.0 - (title_fit.lines.len() as f32 - 1.0) * lh / 2.0 + 0.36 * title_fit.font_size;
    for (i, line) in title_fit.lines.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{x}" y="{y:.1}" font-family="{family}" font-weight="bold" font-size="{fs}" fill="#ffffff">{t}</text>"##,
            y = first + i as f32 * lh,
            fs = title_fit.font_size,
            t = xml_escape(line)
        );
    }
    for line in &issuer_fit.lines {
        let _ = write!(
            s,
            r##"<text x="{x}" y="430" font-family="{family}" font-weight="bold" font-size="{fs}" fill="#b8c4d6">{t}</text>"##,
            fs = issuer_fit.font_size,
            t = xml_escape(line)
        );
    }
    s.push_str("</svg>");
    s
}
