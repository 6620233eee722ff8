//! Inline icons: decorative SVGs, always next to words that say the same thing. A function
//! rather than a template macro, since a page draws up to twenty of them and a macro call
//! costs far more than copying a constant.

use minijinja::value::Value;

use crate::escape::escape_html;

const OPEN: &str = r#"" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">"#;

/// The shapes of an icon, by name; unknown names draw nothing.
fn shapes(name: &str) -> &'static str {
    match name {
        "check" => r#"<circle cx="12" cy="12" r="9.5"/><path d="M7.5 12.5l3 3 6-6.5"/>"#,
        "cross" => r#"<circle cx="12" cy="12" r="9.5"/><path d="M8.5 8.5l7 7M15.5 8.5l-7 7"/>"#,
        "pause" => r#"<circle cx="12" cy="12" r="9.5"/><path d="M10 8.5v7M14 8.5v7"/>"#,
        "clock" => r#"<circle cx="12" cy="12" r="9.5"/><path d="M12 7v5l3.5 2"/>"#,
        "question" => {
            r#"<circle cx="12" cy="12" r="9.5"/><path d="M9.6 9.3a2.5 2.5 0 1 1 3.3 2.4c-.6.3-.9.8-.9 1.4v.6"/><path d="M12 16.8h.01"/>"#
        }
        "warning" => r#"<path d="M12 3.5L2.5 20h19z"/><path d="M12 10v4.5M12 17.2h.01"/>"#,
        "skip" => r#"<circle cx="12" cy="12" r="9.5"/><path d="M8 12h8"/>"#,
        "shield" => {
            r#"<path d="M12 3l7.5 3v5.5c0 4.6-3.2 8.2-7.5 9.5-4.3-1.3-7.5-4.9-7.5-9.5V6z"/><path d="M8.8 12l2.2 2.2 4.3-4.4"/>"#
        }
        "seal" => {
            r#"<circle cx="12" cy="9.5" r="6.5"/><path d="M8.6 15l-1.6 7 5-2.6 5 2.6-1.6-7"/><path d="M9.5 9.5l1.8 1.8 3.2-3.3"/>"#
        }
        "download" => r#"<path d="M12 4v11M7.5 10.5L12 15l4.5-4.5M5 20h14"/>"#,
        "link" => {
            r#"<path d="M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1 1"/><path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1-1"/>"#
        }
        "globe" => {
            r#"<circle cx="12" cy="12" r="9.5"/><path d="M2.5 12h19M12 2.5c2.5 2.6 3.8 5.8 3.8 9.5s-1.3 6.9-3.8 9.5c-2.5-2.6-3.8-5.8-3.8-9.5S9.5 5.1 12 2.5z"/>"#
        }
        "mail" => {
            r#"<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3.5 6.5l8.5 6.5 8.5-6.5"/>"#
        }
        "key" => {
            r#"<circle cx="8" cy="15" r="4.5"/><path d="M11.2 11.8L20 3M16.5 6.5l3 3M14.5 8.5l2 2"/>"#
        }
        "calendar" => {
            r#"<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/>"#
        }
        "menu" => r#"<path d="M4 7h16M4 12h16M4 17h16"/>"#,
        "chevron" => r#"<path d="M6 9l6 6 6-6"/>"#,
        "arrow" => r#"<path d="M5 12h14M13 6l6 6-6 6"/>"#,
        _ => "",
    }
}

/// `icon(name, class="icon")` in templates: the icon's SVG, safe to insert as is.
pub(crate) fn icon(name: &str, class: Option<&str>) -> Value {
    let class = escape_html(class.unwrap_or("icon"));
    let shapes = shapes(name);
    let mut svg = String::with_capacity(OPEN.len() + class.len() + shapes.len() + 20);
    svg.push_str("<svg class=\"");
    svg.push_str(&class);
    svg.push_str(OPEN);
    svg.push_str(shapes);
    svg.push_str("</svg>");
    Value::from_safe_string(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_known_icons_and_escapes_the_class() {
        let svg = icon("check", Some("icon \"x\"")).to_string();
        assert!(svg.starts_with("<svg class=\"icon &quot;x&quot;\" viewBox=\"0 0 24 24\""));
        assert!(svg.contains(r#"<path d="M7.5 12.5l3 3 6-6.5"/></svg>"#));
        assert!(
            icon("nothing", None)
                .to_string()
                .ends_with("stroke-linejoin=\"round\"></svg>")
        );
    }
}
