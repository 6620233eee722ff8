//! Uploads are refused, not silently cleaned, when an SVG carries active or external
//! content: a script, an event handler, `foreignObject`, markup from another vocabulary, a
//! link or a reference to another file. Such a file is either a mistake or an attack, and
//! cleaning it could change how it looks without the uploader knowing; saying why is clearer.
//! Accepted files are still sanitized ([`check_badge_image`]) before they are stored.

use crate::MediaError;
use crate::guard::parse_strict;
use crate::upload::{CheckedImage, check_badge_image, raster_format};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Elements that run code, embed other documents or fire events.
const ACTIVE: [&str; 8] = [
    "script",
    "foreignObject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "audio",
];

/// What makes an SVG active or dependent on other files, in words for the uploader; `None`
/// for an inert SVG and for anything that is not SVG text.
pub fn active_content(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() || raster_format(bytes).is_some() {
        return None;
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)).ok()?;
    find(text, 0)
}

fn find(text: &str, depth: usize) -> Option<String> {
    // What the strict parse refuses (a DOCTYPE, entities) is reported by the upload check.
    let doc = parse_strict(text).ok()?;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if node.tag_name().namespace() != Some(SVG_NS) {
            return Some(format!(
                "it contains a <{name}> element from outside SVG (such as HTML)"
            ));
        }
        if ACTIVE.iter().any(|a| a.eq_ignore_ascii_case(name)) {
            return Some(format!("it contains a <{name}> element"));
        }
        if name == "set" || name.starts_with("animate") {
            let target = node.attribute("attributeName").unwrap_or_default();
            if target.to_ascii_lowercase().ends_with("href") {
                return Some("it contains an animation that changes a link".into());
            }
        }
        if name == "style" {
            let css: String = node.children().filter_map(|c| c.text()).collect();
            if let Some(why) = css_reference(&css) {
                return Some(why);
            }
        }
        for a in node.attributes() {
            let attr = a.name();
            if attr.to_ascii_lowercase().starts_with("on") {
                return Some(format!("it has an event handler attribute ({attr})"));
            }
            if attr == "href" {
                if let Some(why) = href(a.value(), depth) {
                    return Some(why);
                }
            } else if let Some(why) = css_reference(a.value()) {
                return Some(why);
            }
        }
    }
    None
}

/// A link is allowed only to a `#fragment` of the same document or to an embedded PNG,
/// JPEG or (base64, one level deep) inert SVG.
fn href(value: &str, depth: usize) -> Option<String> {
    let v = value.trim();
    if v.starts_with('#') {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("data:image/png;") || lower.starts_with("data:image/jpeg;") {
        return None;
    }
    if let Some(data) = lower
        .strip_prefix("data:image/svg+xml;base64,")
        .map(|_| &v["data:image/svg+xml;base64,".len()..])
    {
        if depth > 0 {
            return Some("it embeds an SVG inside an embedded SVG".into());
        }
        let Ok(bytes) = STANDARD.decode(data.trim()) else {
            return Some("it embeds an image that cannot be read".into());
        };
        let inner = std::str::from_utf8(&bytes).ok()?;
        return find(inner, depth + 1).map(|why| format!("an image embedded in it: {why}"));
    }
    let shown: String = v.chars().take(60).collect();
    Some(format!(
        "it links to or loads another file or address ({shown})"
    ))
}

/// `url(…)` to anything but a `#fragment`, or an `@import`, in CSS or a presentation
/// attribute.
fn css_reference(css: &str) -> Option<String> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return Some("its styles import another file".into());
    }
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("url(") {
        let after = &rest[i + 4..];
        let target = after
            .split(')')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches(['"', '\''])
            .trim();
        if !target.starts_with('#') {
            return Some("its styles refer to another file or address".into());
        }
        rest = after;
    }
    None
}

/// Checks an uploaded logo or image as [`check_badge_image`] does, but refuses an SVG with
/// active or external content instead of cleaning it.
pub fn check_strict_upload(bytes: &[u8]) -> Result<CheckedImage, MediaError> {
    if let Some(why) = active_content(bytes) {
        return Err(MediaError::SvgRefused(why));
    }
    check_badge_image(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn svg(body: &str) -> String {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#369"/>{body}</svg>"##
        )
    }

    #[test]
    fn active_svg_is_named_and_inert_svg_passes() {
        for (body, reason) in [
            (
                "<script>alert(1)</script>",
                "it contains a <script> element",
            ),
            (
                r#"<g onload="x()"/>"#,
                "it has an event handler attribute (onload)",
            ),
            (
                r#"<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>"#,
                "it contains a <foreignObject> element",
            ),
            (
                r#"<image href="https://evil.example/p.png"/>"#,
                "it links to or loads another file or address (https://evil.example/p.png)",
            ),
            (
                r#"<rect style="fill:url(https://x.example/a#b)"/>"#,
                "its styles refer to another file or address",
            ),
            (
                "<style>@import 'x.css';</style>",
                "its styles import another file",
            ),
        ] {
            assert_eq!(
                active_content(svg(body).as_bytes()).as_deref(),
                Some(reason)
            );
            assert_eq!(
                check_strict_upload(svg(body).as_bytes()).unwrap_err(),
                MediaError::SvgRefused(reason.into())
            );
        }
        let inert = svg(
            r##"<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="5" height="5"/><use href="#g"/>"##,
        );
        assert_eq!(active_content(inert.as_bytes()), None);
        assert!(check_strict_upload(inert.as_bytes()).is_ok());
        // A design drawn by this crate is inert.
        let design = crate::to_svg(&crate::BadgeDesign::default());
        assert_eq!(active_content(design.as_bytes()), None);
    }
}
