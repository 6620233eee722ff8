//! Content negotiation: browsers get HTML, programs asking for JSON(-LD) get the document.

use axum::http::{HeaderMap, header};

/// True when the client asks for JSON (`application/ld+json`, `application/vc+ld+json`,
/// `application/json`, `application/did+json`) rather than HTML.
pub fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let pos = |needle: &str| accept.find(needle);
    let json = [
        "application/ld+json",
        "application/vc+ld+json",
        "application/json",
        "application/did+json",
        "application/vc",
    ]
    .iter()
    .filter_map(|m| pos(m))
    .min();
    match (json, pos("text/html")) {
        (Some(_), None) => true,
        (Some(j), Some(h)) => j < h,
        _ => false,
    }
}

/// True when the client asks for a page (`text/html` or `application/xhtml+xml`) before
/// any JSON type. Documents that programs have always fetched as JSON use this, so that
/// `*/*`, no `Accept` at all, or JSON first keep getting JSON; browsers name HTML first.
pub fn wants_page(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let first = |types: &[&str]| types.iter().filter_map(|m| accept.find(m)).min();
    let html = first(&["text/html", "application/xhtml+xml"]);
    let json = first(&[
        "application/ld+json",
        "application/vc+ld+json",
        "application/json",
        "application/did+json",
        "application/vc",
    ]);
    match (html, json) {
        (Some(h), Some(j)) => h < j,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn h(accept: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        m
    }

    #[test]
    fn browsers_get_html_programs_get_json() {
        assert!(!wants_json(&h(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(wants_json(&h("application/ld+json")));
        assert!(wants_json(&h(
            "application/vc+ld+json, application/json;q=0.5"
        )));
        assert!(wants_json(&h("application/json")));
        assert!(!wants_json(&h("*/*")));
        assert!(!wants_json(&HeaderMap::new()));
    }

    #[test]
    fn only_an_html_first_accept_gets_a_page() {
        assert!(wants_page(&h(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(wants_page(&h("application/xhtml+xml")));
        assert!(wants_page(&h("text/html, application/json;q=0.5")));
        assert!(!wants_page(&h("application/json, text/html;q=0.5")));
        assert!(!wants_page(&h("application/ld+json")));
        assert!(!wants_page(&h("*/*")));
        assert!(!wants_page(&HeaderMap::new()));
    }
}
