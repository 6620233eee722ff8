//! HTML escaping of strings without minijinja's `/` → `&#x2f;`, which HTML does not need
//! and which makes every URL in the page source hard to read.

use minijinja::value::Value;
use minijinja::{AutoEscape, Error, Output, State, escape_formatter};

pub(crate) fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match (state.auto_escape(), value.as_str()) {
        (AutoEscape::Html, Some(text)) if !value.is_safe() => escape_into(out, text)
            .map_err(|e| Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())),
        _ => escape_formatter(out, state, value),
    }
}

/// Escapes the five characters that matter in text and in quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Writing to a String cannot fail.
    let _ = escape_into(&mut out, text);
    out
}

/// [`escape_html`] into a writer, copying the runs between special characters whole.
fn escape_into(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII, so `i` is a character boundary.
        out.write_str(&text[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&text[start..])
}
