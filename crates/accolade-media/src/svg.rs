//! Drawing a [`BadgeDesign`] as SVG: 400×400, accessible, no scripts, no external references.

use crate::design::{BadgeDesign, BorderStyle, MAX_BORDER_WIDTH};
use crate::icons::Icon;
use crate::shapes::{Layout, Shape, layout};
use crate::text::{FONT_FAMILY_CSS, FitRule, FittedText, fit, xml_escape};
use std::fmt::Write as _;

/// Line height of a two-line title, in em.
const LINE_HEIGHT: f32 = 1.1;
/// Extra space after each subtitle letter, in em.
const SUBTITLE_SPACING: f32 = 0.08;

/// How the title is set on this design: lines, font size and widest line.
pub fn title_fit(design: &BadgeDesign) -> FittedText {
    title_layout(design, &layout(design.shape)).0
}

/// The title set for this design, and the height its block is centred on.
fn title_layout(design: &BadgeDesign, l: &Layout) -> (FittedText, f32) {
    let has_emblem = design.logo.is_some() || design.icon.is_some();
    let has_subtitle = !design.subtitle.trim().is_empty();
    // The title block is centred in the band between the emblem and the subtitle's rule (or
    // banner), shrunk if two lines would not fit in that band.
    let sub = fit(&design.subtitle, &subtitle_rule(l));
    let top = if has_emblem {
        l.icon_y + l.icon_size / 2.0 + 14.0
    } else {
        96.0
    };
    let bottom = match (&l.banner, has_subtitle) {
        (Some(_), _) => 258.0,
        (None, true) => l.subtitle_y - sub.font_size - 16.0,
        (None, false) => l.subtitle_y - 10.0,
    };
    let mut title = fit(&design.title, &title_rule(l));
    let lines = title.lines.len().max(1) as f32;
    let fits = (bottom - top) / ((lines - 1.0) * LINE_HEIGHT + 1.0);
    if title.font_size > fits {
        let size = (fits * 2.0).floor() / 2.0;
        title.width *= size / title.font_size;
        title.font_size = size;
    }
    (title, (top + bottom) / 2.0)
}

/// How the subtitle is set on this design (one line).
pub fn subtitle_fit(design: &BadgeDesign) -> FittedText {
    let l = layout(design.shape);
    fit(&design.subtitle, &subtitle_rule(&l))
}

/// The room the title has on this shape.
pub fn title_rule_for(shape: Shape) -> FitRule {
    title_rule(&layout(shape))
}

fn title_rule(l: &Layout) -> FitRule {
    FitRule {
        max_width: l.title_width,
        max_size: 46.0,
        min_size: 15.0,
        max_lines: 2,
        letter_spacing: 0.0,
    }
}

fn subtitle_rule(l: &Layout) -> FitRule {
    FitRule {
        max_width: l.subtitle_width,
        max_size: 19.0,
        min_size: 11.0,
        max_lines: 1,
        letter_spacing: SUBTITLE_SPACING,
    }
}

/// A number for SVG: at most two decimals, no trailing zeros.
fn n(v: f32) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// The badge as a standalone SVG document.
pub fn to_svg(design: &BadgeDesign) -> String {
    let l = layout(design.shape);
    let label = xml_escape(&design.label());
    let (bg, fg, accent) = (design.background, design.foreground, design.accent);
    let mut s = String::with_capacity(8192 + design.logo.as_ref().map_or(0, |_| 700_000));
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{label}"><title>{label}</title>"#
    );
    // A soft light from above and a faint shadow below give the flat shape some depth.
    s.push_str(concat!(
        r#"<defs><linearGradient id="accolade-sheen" x1="0" y1="0" x2="0" y2="1">"#,
        r##"<stop offset="0" stop-color="#ffffff" stop-opacity="0.16"/>"##,
        r##"<stop offset="0.55" stop-color="#ffffff" stop-opacity="0"/>"##,
        r##"<stop offset="1" stop-color="#000000" stop-opacity="0.14"/>"##,
        "</linearGradient></defs>"
    ));

    let border = &design.border;
    let width = if border.width.is_finite() {
        border.width.clamp(0.0, MAX_BORDER_WIDTH)
    } else {
        0.0
    };
    let stroke = match border.style {
        BorderStyle::None => String::new(),
        _ if width == 0.0 => String::new(),
        _ => format!(
            r#" stroke="{}" stroke-width="{}" stroke-linejoin="round""#,
            border.colour,
            n(width)
        ),
    };
    let _ = write!(
        s,
        r#"<path d="{d}" fill="{bg}"{stroke}/><path d="{d}" fill="url(#accolade-sheen)"/>"#,
        d = l.outline
    );
    if border.style == BorderStyle::Double && width > 0.0 {
        // The same outline again, inset, thinner.
        let inset = width * 1.5 + 8.0;
        let k = (l.radius - inset) / l.radius;
        let (cx, cy) = l.centre;
        let _ = write!(
            s,
            r#"<path d="{d}" fill="none" stroke="{c}" stroke-width="{w}" stroke-linejoin="round" transform="translate({cx} {cy}) scale({k:.4}) translate({mx} {my})"/>"#,
            d = l.outline,
            c = border.colour,
            w = n((width * 0.4).max(1.5) / k),
            cx = n(cx),
            cy = n(cy),
            mx = n(-cx),
            my = n(-cy),
        );
    }

    let has_subtitle = !design.subtitle.trim().is_empty();
    if let Some(logo) = &design.logo {
        let size = l.icon_size * 1.15;
        let _ = write!(
            s,
            r#"<image href="{uri}" x="{x}" y="{y}" width="{w}" height="{w}" preserveAspectRatio="xMidYMid meet"/>"#,
            uri = logo.data_uri(),
            x = n(200.0 - size / 2.0),
            y = n(l.icon_y - size / 2.0),
            w = n(size),
        );
    } else if let Some(icon) = design.icon {
        icon_group(&mut s, icon, l.icon_y, l.icon_size, &fg.to_string());
    }

    let (title, centre) = title_layout(design, &l);
    text_block(&mut s, &title, centre, &fg.to_string(), 0.0);
    let sub = fit(&design.subtitle, &subtitle_rule(&l));

    if let Some(banner) = &l.banner {
        let fold = accent.shade(-0.35);
        let _ = write!(
            s,
            r#"<path d="M30 326L64 346V326Z M370 326L336 346V326Z" fill="{fold}"/><path d="{banner}" fill="{accent}"/>"#
        );
    }
    if has_subtitle {
        let colour = if l.banner.is_some() { bg } else { accent };
        let y = l.subtitle_y;
        if l.banner.is_none() {
            // A short rule between title and subtitle.
            let _ = write!(
                s,
                r#"<path d="M176 {y0}H224" stroke="{accent}" stroke-width="3" stroke-linecap="round" stroke-opacity="0.85"/>"#,
                y0 = n(y - sub.font_size - 8.0)
            );
        }
        text_block(&mut s, &sub, y, &colour.to_string(), SUBTITLE_SPACING);
    }
    s.push_str("</svg>\n");
    s
}

/// Centred lines of text, the block's optical centre at `centre`.
fn text_block(s: &mut String, text: &FittedText, centre: f32, fill: &str, spacing: f32) {
    let size = text.font_size;
    let lh = size * LINE_HEIGHT;
    let count = text.lines.len() as f32;
    // DejaVu's capitals are 0.73 em tall: centring them puts the baseline 0.36 em below.
    let first = centre - (count - 1.0) * lh / 2.0 + 0.36 * size;
    let ls = if spacing > 0.0 {
        format!(r#" letter-spacing="{}""#, n(spacing * size))
    } else {
        String::new()
    };
    for (i, line) in text.lines.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="200" y="{y}" text-anchor="middle" font-family="{FONT_FAMILY_CSS}" font-weight="bold" font-size="{fs}"{ls} fill="{fill}">{t}</text>"#,
            y = n(first + i as f32 * lh),
            fs = n(size),
            t = xml_escape(line),
        );
    }
}

fn icon_group(s: &mut String, icon: Icon, cy: f32, size: f32, colour: &str) {
    let k = size / 24.0;
    let _ = write!(
        s,
        r#"<g transform="translate({x} {y}) scale({k:.4})" fill="none" stroke="{colour}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">"#,
        x = n(200.0 - size / 2.0),
        y = n(cy - size / 2.0),
    );
    for p in icon.paths() {
        if p.filled {
            let _ = write!(s, r#"<path d="{}" fill="{colour}"/>"#, p.d);
        } else {
            let _ = write!(s, r#"<path d="{}"/>"#, p.d);
        }
    }
    s.push_str("</g>");
}
