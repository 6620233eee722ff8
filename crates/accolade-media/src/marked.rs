//! Badges and preview cards marked with a status: a badge that is no longer valid (revoked,
//! suspended, expired) is drawn in grey under a band with the word, so that no copy of its
//! picture (a link preview, an email signature, a printed certificate) passes for a valid
//! badge.

use crate::MediaError;
use crate::render::{OG_HEIGHT, OG_WIDTH, check_size, draw, encode, og_card_svg, parse_tree};
use crate::text::{FONT_FAMILY_CSS, FitRule, fit, xml_escape};
use resvg::tiny_skia::{Pixmap, PixmapPaint, PremultipliedColorU8, Transform};
use std::fmt::Write as _;

/// The status a picture carries: a short word in capitals and the colour of its band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusMark<'a> {
    /// e.g. "REVOKED".
    pub word: &'a str,
    /// The band's colour as `#rrggbb`.
    pub colour: (u8, u8, u8),
}

impl StatusMark<'_> {
    fn hex(&self) -> String {
        let (r, g, b) = self.colour;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// Turns every pixel to its luminance, and lightens it, so the badge reads as withdrawn.
fn grey_out(pixmap: &mut Pixmap) {
    for p in pixmap.pixels_mut() {
        let (r, g, b, a) = (
            u32::from(p.red()),
            u32::from(p.green()),
            u32::from(p.blue()),
            p.alpha(),
        );
        // Rec. 601 luma on premultiplied channels stays within the alpha.
        let y = (299 * r + 587 * g + 114 * b) / 1000;
        // Halfway to white (premultiplied: white is `a`).
        let y = ((y + u32::from(a)) / 2).min(u32::from(a)) as u8;
        if let Some(c) = PremultipliedColorU8::from_rgba(y, y, y, a) {
            *p = c;
        }
    }
}

/// The badge drawn `size`×`size` into a canvas of its own, greyed when marked.
fn badge_pixmap(svg: &str, size: u32, grey: bool) -> Result<Pixmap, MediaError> {
    let tree = parse_tree(svg, true)?;
    let mut pixmap = Pixmap::new(size, size)
        .ok_or_else(|| MediaError::Render("no canvas of that size".into()))?;
    draw(&mut pixmap, &tree, 0.0, 0.0, size as f32);
    if grey {
        grey_out(&mut pixmap);
    }
    Ok(pixmap)
}

/// A band across a `size`-pixel square, a third from the bottom, with the word centred.
fn band_svg(size: u32, mark: &StatusMark<'_>) -> String {
    let s = size as f32;
    let height = s * 0.24;
    let y = s * 0.52;
    let fitted = fit(
        mark.word,
        &FitRule {
            max_width: s * 0.86,
            max_size: height * 0.62,
            min_size: 4.0,
            max_lines: 1,
            letter_spacing: 0.0,
        },
    );
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}"><rect x="0" y="{y:.1}" width="{s:.1}" height="{height:.1}" rx="{r:.1}" fill="{fill}" fill-opacity="0.94"/>"#,
        r = s * 0.03,
        fill = mark.hex(),
    );
    for line in &fitted.lines {
        let _ = write!(
            out,
            r##"<text x="{cx:.1}" y="{base:.1}" text-anchor="middle" font-family="{FONT_FAMILY_CSS}" font-weight="bold" font-size="{fs:.1}" fill="#ffffff">{t}</text>"##,
            cx = s / 2.0,
            base = y + height / 2.0 + fitted.font_size * 0.36,
            fs = fitted.font_size,
            t = xml_escape(line),
        );
    }
    out.push_str("</svg>");
    out
}

/// The badge as a square PNG of `size_px` pixels; with a mark, in grey under a band that
/// carries the mark's word.
pub fn render_badge_marked(
    svg: &str,
    size_px: u32,
    mark: Option<&StatusMark<'_>>,
) -> Result<Vec<u8>, MediaError> {
    check_size(size_px)?;
    let mut pixmap = badge_pixmap(svg, size_px, mark.is_some())?;
    if let Some(mark) = mark {
        let band = parse_tree(&band_svg(size_px, mark), false)?;
        resvg::render(&band, Transform::identity(), &mut pixmap.as_mut());
    }
    encode(&pixmap)
}

/// The 1200×630 Open Graph card; with a mark, the badge is grey, the line above the title
/// says the badge is not valid, and the word stands in a band of the mark's colour.
pub fn render_og_card_marked(
    svg: &str,
    title: &str,
    issuer: &str,
    mark: Option<&StatusMark<'_>>,
) -> Result<Vec<u8>, MediaError> {
    let (eyebrow, colour) = match mark {
        None => ("VERIFIED DIGITAL BADGE".to_owned(), "#f2c14e".to_owned()),
        Some(m) => (format!("{} · NOT VALID", m.word), m.hex()),
    };
    let card = parse_tree(&og_card_svg(title, issuer, &eyebrow, &colour), false)?;
    let mut pixmap = Pixmap::new(OG_WIDTH, OG_HEIGHT)
        .ok_or_else(|| MediaError::Render("no canvas of that size".into()))?;
    resvg::render(&card, Transform::identity(), &mut pixmap.as_mut());
    let side = 440;
    let badge = badge_pixmap(svg, side, mark.is_some())?;
    pixmap.draw_pixmap(
        80,
        95,
        badge.as_ref(),
        &PixmapPaint::default(),
        Transform::identity(),
        None,
    );
    if let Some(m) = mark {
        let stamp = parse_tree(&og_stamp_svg(m), false)?;
        resvg::render(&stamp, Transform::identity(), &mut pixmap.as_mut());
    }
    encode(&pixmap)
}

/// The word in a large band over the badge, and the card's bottom rule in the mark's colour.
fn og_stamp_svg(mark: &StatusMark<'_>) -> String {
    let fitted = fit(
        mark.word,
        &FitRule {
            max_width: 420.0,
            max_size: 72.0,
            min_size: 24.0,
            max_lines: 1,
            letter_spacing: 0.0,
        },
    );
    let fill = mark.hex();
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{OG_WIDTH}" height="{OG_HEIGHT}" viewBox="0 0 {OG_WIDTH} {OG_HEIGHT}"><rect x="60" y="262" width="480" height="106" rx="14" fill="{fill}" fill-opacity="0.95"/><rect x="0" y="618" width="{OG_WIDTH}" height="12" fill="{fill}"/>"#
    );
    for line in &fitted.lines {
        let _ = write!(
            out,
            r##"<text x="300" y="{base:.1}" text-anchor="middle" font-family="{FONT_FAMILY_CSS}" font-weight="bold" font-size="{fs:.1}" fill="#ffffff">{t}</text>"##,
            base = 315.0 + fitted.font_size * 0.36,
            fs = fitted.font_size,
            t = xml_escape(line),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BADGE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100"><circle cx="50" cy="50" r="48" fill="#1d4e89"/></svg>"##;

    fn pixels(png: &[u8]) -> Pixmap {
        Pixmap::decode_png(png).unwrap()
    }

    fn is_grey(p: &PremultipliedColorU8) -> bool {
        p.red() == p.green() && p.green() == p.blue()
    }

    #[test]
    fn a_marked_badge_is_grey_with_a_band() {
        let mark = StatusMark {
            word: "REVOKED",
            colour: (0xb3, 0x26, 0x1e),
        };
        let plain = pixels(&render_badge_marked(BADGE, 96, None).unwrap());
        let marked = pixels(&render_badge_marked(BADGE, 96, Some(&mark)).unwrap());
        let at = |p: &Pixmap, x: u32, y: u32| p.pixel(x, y).unwrap();
        // Above the band: blue when valid, grey when marked.
        assert!(!is_grey(&at(&plain, 48, 20)));
        assert!(is_grey(&at(&marked, 48, 20)));
        // The band's edge is the mark's red.
        let band = at(&marked, 3, 60);
        assert!(band.red() > 150 && band.green() < 80, "{band:?}");
    }

    #[test]
    fn a_marked_card_differs_from_a_valid_one() {
        let mark = StatusMark {
            word: "SUSPENDED",
            colour: (0x9a, 0x5b, 0x00),
        };
        let plain = render_og_card_marked(BADGE, "Title", "Issuer", None).unwrap();
        let marked = render_og_card_marked(BADGE, "Title", "Issuer", Some(&mark)).unwrap();
        assert_ne!(plain, marked);
        let p = pixels(&marked);
        assert_eq!((p.width(), p.height()), (OG_WIDTH, OG_HEIGHT));
        // The badge's top is grey; the bottom rule has the mark's colour.
        assert!(is_grey(&p.pixel(300, 130).unwrap()));
        let rule = p.pixel(600, 624).unwrap();
        assert_eq!((rule.red(), rule.green(), rule.blue()), mark.colour);
    }
}
