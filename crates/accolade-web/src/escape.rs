//! HTML escaping of strings without minijinja's `/` → `&#x2f;`, which HTML does not need
//! and which makes every URL in the page source hard to read.

use minijinja::value::Value;
use minijinja::{AutoEscape, Error, Output, State, escape_formatter};

pub(crate) fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match (state.auto_escape(), value.as_str()) {
        (AutoEscape::Html, Some(text)) if !value.is_safe() => out
            .write_str(&escape_html(text))
            .map_err(|e| Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())),
        _ => escape_formatter(out, state, value),
    }
}

/// Escapes the five characters that matter in text and in quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}
