//! The bundled font, text measuring and fitting, and XML escaping.
//!
//! Badge text is measured with the very font the server renders with (DejaVu Sans Bold,
//! bundled into the binary), so a title that fits here fits in every PNG rendering.

use skrifa::{FontRef, MetadataProvider, instance::LocationRef, instance::Size};

/// DejaVu Sans Bold (Bitstream Vera licence, see `fonts/LICENSE`).
pub(crate) static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The family name written into SVG; the fallbacks have similar (or narrower) widths for
/// browsers that show the SVG without DejaVu installed.
pub const FONT_FAMILY_CSS: &str = "'DejaVu Sans', Verdana, 'Helvetica Neue', Arial, sans-serif";
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans";

/// The width in pixels of `text` set in the bundled font at `size` px, with `letter_spacing`
/// em of extra space after every character. Kerning is ignored, which can only overestimate.
pub fn text_width(text: &str, size: f32, letter_spacing: f32) -> f32 {
    let Ok(font) = FontRef::new(FONT) else {
        // The font is compiled in; this cannot happen, and the estimate below is safe.
        return text.chars().count() as f32 * size * (0.75 + letter_spacing);
    };
    let upem = f32::from(
        font.metrics(Size::unscaled(), LocationRef::default())
            .units_per_em,
    );
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let fallback = charmap
        .map('M')
        .and_then(|g| metrics.advance_width(g))
        .unwrap_or(upem);
    let units: f32 = text
        .chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(fallback)
        })
        .sum();
    (units / upem + text.chars().count() as f32 * letter_spacing) * size
}

/// How a piece of text may be set: the room it has and the sizes it may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitRule {
    pub max_width: f32,
    pub max_size: f32,
    pub min_size: f32,
    pub max_lines: usize,
    /// Extra space after each character, in em.
    pub letter_spacing: f32,
}

/// Text broken into lines at one font size, the widest line no wider than the rule allows.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedText {
    pub lines: Vec<String>,
    pub font_size: f32,
    /// The width of the widest line at `font_size`.
    pub width: f32,
}

/// Sets `text` as large as the rule allows (up to `max_size`), on one line or, when that
/// makes it much larger, two; below `min_size` the text is shortened with an ellipsis.
pub fn fit(text: &str, rule: &FitRule) -> FittedText {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || rule.max_width <= 0.0 {
        return FittedText {
            lines: Vec::new(),
            font_size: rule.max_size,
            width: 0.0,
        };
    }
    let unit = |s: &str| text_width(s, 1.0, rule.letter_spacing).max(0.01);
    let one = words.join(" ");
    let one_size = (rule.max_width / unit(&one)).min(rule.max_size);
    let mut lines = vec![one];
    let mut size = one_size;
    if rule.max_lines >= 2 && words.len() >= 2 && one_size < rule.max_size {
        // The split that balances the two lines best.
        let best = (1..words.len())
            .map(|i| {
                let (a, b) = (words[..i].join(" "), words[i..].join(" "));
                let w = unit(&a).max(unit(&b));
                (w, a, b)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0));
        if let Some((w, a, b)) = best {
            // Two lines are only worth it if the text gets clearly larger.
            let two_size = (rule.max_width / w).min(rule.max_size * 0.85);
            if two_size > one_size * 1.15 {
                lines = vec![a, b];
                size = two_size;
            }
        }
    }
    // Round down to a half pixel for tidy SVG, never below the minimum.
    size = ((size * 2.0).floor() / 2.0).max(rule.min_size);
    let lines: Vec<String> = lines
        .into_iter()
        .map(|l| truncate_to(&l, size, rule))
        .collect();
    let width = lines
        .iter()
        .map(|l| text_width(l, size, rule.letter_spacing))
        .fold(0.0, f32::max);
    FittedText {
        lines,
        font_size: size,
        width,
    }
}

/// Shortens `line` with an ellipsis until it fits at `size`.
fn truncate_to(line: &str, size: f32, rule: &FitRule) -> String {
    if text_width(line, size, rule.letter_spacing) <= rule.max_width {
        return line.to_owned();
    }
    let mut chars: Vec<char> = line.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
        if text_width(&candidate, size, rule.letter_spacing) <= rule.max_width {
            return candidate;
        }
    }
    String::new()
}

/// Escapes text for XML content and attribute values, and drops characters XML cannot carry.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        let a = text_width("Data", 20.0, 0.0);
        assert!(a > 30.0 && a < 70.0, "{a}");
        assert!((text_width("Data", 40.0, 0.0) - 2.0 * a).abs() < 0.01);
        assert!(text_width("Data", 20.0, 0.1) > a);
    }

    #[test]
    fn long_text_is_wrapped_shrunk_and_still_fits() {
        let rule = FitRule {
            max_width: 260.0,
            max_size: 40.0,
            min_size: 16.0,
            max_lines: 2,
            letter_spacing: 0.0,
        };
        let short = fit("Rust", &rule);
        assert_eq!(short.lines, ["Rust"]);
        assert_eq!(short.font_size, 40.0);
        let two = fit("Data Analysis Fundamentals", &rule);
        assert_eq!(two.lines.len(), 2, "{two:?}");
        assert!(two.width <= 260.0);
        let huge = fit(&"Supercalifragilistic expialidocious ".repeat(8), &rule);
        assert_eq!(huge.font_size, 16.0);
        assert!(huge.width <= 260.0, "{huge:?}");
        assert!(huge.lines.iter().any(|l| l.ends_with('…')));
    }

    #[test]
    fn escaping() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
