//! Uploaded SVG, made inert. Three passes:
//! 1. our own strict parse: UTF-8, no DTD or entities, bounded size, nesting and `<use>`
//!    expansion ([`crate::guard`]);
//! 2. `svg-hush`: an allowlist of SVG elements and attributes (scripts, event handlers,
//!    `foreignObject`, foreign namespaces and non-same-origin links go); embedded `data:` images
//!    only if they are PNG or JPEG within our limits (written again as fresh PNG), or (one level
//!    deep) SVG sanitized again;
//! 3. our rewrite of its output: animation elements (`<set>`, `<animate…>`) go, every `href`
//!    that is neither a `#fragment` nor such a `data:` image goes (svg-hush keeps cross-origin
//!    URLs as same-origin paths), and every CSS `url()` not pointing at `#fragment` becomes `none`.
//!
//! The result is parsed once more for rendering, so what is stored is known to render.

use crate::MediaError;
use crate::guard::{Edge, parse_strict, traverse};
use crate::render::{parse_tree, svg_size};
use crate::text::xml_escape;
use crate::upload::{CheckedImage, normalise_raster, raster_format};
use resvg::usvg::roxmltree::{Document, Node};
use svg_hush::Filter;
use svg_hush::data_url_filter::{DataUrl, DataUrlFilterResult};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Elements dropped with everything inside them, beyond what svg-hush drops.
const DROPPED: [&str; 7] = [
    "set",
    "animate",
    "animateColor",
    "animateMotion",
    "animateTransform",
    "mpath",
    "discard",
];

/// Sanitizes SVG bytes; `nested` is true inside a `data:` URI of another SVG, where no further
/// SVG may be embedded.
pub(crate) fn sanitize_svg(bytes: &[u8], nested: bool) -> Result<CheckedImage, MediaError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| MediaError::SvgInvalid("it is not UTF-8 text".into()))?;
    if text.contains('\0') {
        return Err(MediaError::SvgInvalid("it contains NUL characters".into()));
    }
    // Pass 1: refuse what we never accept, before anything else reads it.
    drop(parse_strict(text)?);

    // Pass 2: svg-hush's allowlist.
    let mut filter = Filter::new();
    filter.set_data_url_filter(move |url: &DataUrl| filter_data_url(url, nested));
    let mut hushed = Vec::with_capacity(bytes.len());
    filter
        .filter(bytes, &mut hushed)
        .map_err(|e| MediaError::SvgInvalid(e.to_string()))?;
    let hushed = String::from_utf8(hushed)
        .map_err(|_| MediaError::SvgInvalid("it is not UTF-8 text".into()))?;

    // Pass 3: our rewrite, then a render parse.
    let doc = parse_strict(&hushed)?;
    let clean = rewrite(&doc);
    let tree = parse_tree(&clean, !nested)?;
    let (width, height) = svg_size(&tree);
    Ok(CheckedImage {
        content_type: "image/svg+xml",
        bytes: clean.into_bytes(),
        width,
        height,
    })
}

/// Which embedded `data:` images survive: PNG or JPEG within limits, and SVG one level deep.
fn filter_data_url(url: &DataUrl, nested: bool) -> DataUrlFilterResult {
    let mime = url.mime_type();
    if mime.type_ != "image" {
        return DataUrlFilterResult::Drop;
    }
    let Ok((data, _)) = url.decode_to_vec() else {
        return DataUrlFilterResult::Drop;
    };
    match mime.subtype.as_str() {
        // Kept only as a fresh PNG of the same size, like an uploaded raster image.
        "png" | "jpeg" | "jpg" => {
            match raster_format(&data).map(|f| normalise_raster(&data, f, None)) {
                Some(Ok(clean)) => DataUrlFilterResult::Rewrite {
                    mime_type: "image/png".into(),
                    data: clean.bytes,
                },
                _ => DataUrlFilterResult::Drop,
            }
        }
        "svg+xml" if !nested => match sanitize_svg(&data, true) {
            Ok(clean) => DataUrlFilterResult::Rewrite {
                mime_type: "image/svg+xml".into(),
                data: clean.bytes,
            },
            Err(_) => DataUrlFilterResult::Drop,
        },
        _ => DataUrlFilterResult::Drop,
    }
}

/// Writes the document again, keeping only SVG elements and the safe attributes.
fn rewrite(doc: &Document) -> String {
    let mut out = String::with_capacity(doc.input_text().len());
    let mut skipping = 0usize;
    for edge in traverse(doc.root_element()) {
        match edge {
            Edge::Open(node) if node.is_element() => {
                let name = node.tag_name().name();
                if skipping > 0
                    || DROPPED.contains(&name)
                    || node.tag_name().namespace() != Some(SVG_NS)
                {
                    skipping += 1;
                    continue;
                }
                out.push('<');
                out.push_str(name);
                if node == doc.root_element() {
                    out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
                }
                for a in node.attributes() {
                    if a.namespace().is_some() {
                        continue;
                    }
                    if let Some(value) = attribute_value(a.name(), a.value()) {
                        out.push(' ');
                        out.push_str(a.name());
                        out.push_str("=\"");
                        out.push_str(&xml_escape(&value));
                        out.push('"');
                    }
                }
                out.push('>');
            }
            Edge::Close(node) if node.is_element() => {
                if skipping > 0 {
                    skipping -= 1;
                    continue;
                }
                out.push_str("</");
                out.push_str(node.tag_name().name());
                out.push('>');
            }
            Edge::Open(node) if node.is_text() && skipping == 0 => {
                let text = node.text().unwrap_or_default();
                if is_style(node) {
                    out.push_str(&xml_escape_text(&clean_css(text)));
                } else {
                    out.push_str(&xml_escape_text(text));
                }
            }
            _ => {}
        }
    }
    out.push('\n');
    out
}

fn is_style(text: Node) -> bool {
    text.parent_element()
        .is_some_and(|p| p.tag_name().name() == "style")
}

/// The value to keep for an attribute, or `None` to drop it.
fn attribute_value(name: &str, value: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("on") {
        return None;
    }
    if lower == "href" {
        let v = value.trim();
        let lv = v.to_ascii_lowercase();
        let safe = v.starts_with('#')
            || lv.starts_with("data:image/png;")
            || lv.starts_with("data:image/jpeg;")
            || lv.starts_with("data:image/svg+xml;");
        return safe.then(|| v.to_owned());
    }
    if lower == "style" {
        return Some(clean_css(value));
    }
    Some(neutralise_urls(value))
}

/// CSS with at-rules, escapes and anything URL-like removed, and `url()` only to fragments.
/// A dropped `{` or `}` is kept so blocks stay balanced.
pub(crate) fn clean_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    for chunk in css.split_inclusive([';', '{', '}']) {
        let lower = chunk.to_ascii_lowercase();
        if lower.contains(['@', '\\']) || lower.contains("://") || lower.contains("expression") {
            if let Some(b @ ('{' | '}')) = chunk.chars().last() {
                out.push(b);
            }
            continue;
        }
        out.push_str(&neutralise_urls(chunk));
    }
    out
}

/// Replaces every CSS `url(…)` that does not point at a `#fragment` with `none`.
pub(crate) fn neutralise_urls(value: &str) -> String {
    let lower = value.to_ascii_lowercase();
    if !lower.contains("url") {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.to_ascii_lowercase().find("url(") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let (inside, tail) = match after.find(')') {
            Some(j) => (&after[..j], &after[j + 1..]),
            None => (after, ""),
        };
        let target = inside.trim().trim_matches(['"', '\'']).trim();
        if target.starts_with('#') && !target.contains(['(', '\\', '"', '\'']) {
            out.push_str("url(");
            out.push_str(target);
            out.push(')');
        } else {
            out.push_str("none");
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Escapes element text (quotes may stay).
fn xml_escape_text(s: &str) -> String {
    xml_escape(s).replace("&quot;", "\"").replace("&apos;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_neutralised() {
        assert_eq!(neutralise_urls("url(#g)"), "url(#g)");
        assert_eq!(neutralise_urls("fill: URL( '#g' ); x"), "fill: url(#g); x");
        assert_eq!(neutralise_urls("background:url(/x.png)"), "background:none");
        assert_eq!(
            neutralise_urls("a url(http://e/x) b url(#k)"),
            "a none b url(#k)"
        );
        assert_eq!(neutralise_urls("url(unclosed"), "none");
        assert_eq!(neutralise_urls("plain"), "plain");
        assert_eq!(
            clean_css("a{fill:url(#g)}@import url(https://e/x.css);b{c:url(//e/y)}"),
            "a{fill:url(#g)}b{c:none}"
        );
    }
}
