//! Template filters. Escaping makes text safe; these make URLs safe, since an escaped
//! `javascript:` URL is still a `javascript:` URL.

use minijinja::Environment;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub(crate) fn register(env: &mut Environment<'_>) {
    env.add_filter("href", href);
    env.add_filter("img_src", img_src);
    env.add_filter("paragraphs", paragraphs);
    env.add_filter("query_value", query_value);
    env.add_filter("markdown", crate::markdown::filter);
}

/// The URL if it is `http(s):`, `mailto:` or a same-origin path, else an empty string
/// (also for `none`, so optional URLs filter without a test first).
pub(crate) fn href(url: Option<&str>) -> String {
    let Some(url) = url.map(str::trim) else {
        return String::new();
    };
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let allowed = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\"));
    if allowed {
        url.to_owned()
    } else {
        String::new()
    }
}

/// Like [`href`], and also inline `data:image/…` URLs (safe in `<img>`: an SVG loaded
/// as an image runs no script).
pub(crate) fn img_src(url: Option<&str>) -> String {
    let Some(url) = url.map(str::trim) else {
        return String::new();
    };
    let lower = url.get(..19).unwrap_or(url).to_ascii_lowercase();
    const DATA: [&str; 5] = [
        "data:image/png",
        "data:image/svg+xml",
        "data:image/jpeg",
        "data:image/webp",
        "data:image/gif",
    ];
    if DATA.iter().any(|prefix| lower.starts_with(prefix)) {
        url.to_owned()
    } else {
        href(Some(url))
    }
}

/// Plain text split into paragraphs at blank lines; lines inside a paragraph are joined.
pub(crate) fn paragraphs(text: Option<&str>) -> Vec<String> {
    let text = text.unwrap_or_default();
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for a query value.
pub(crate) fn query_value(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// Bytes other than RFC 3986's unreserved characters.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
