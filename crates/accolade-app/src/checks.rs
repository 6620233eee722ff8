//! The checks that turn typed values into refusals a person understands, each naming the
//! field it is about.

use crate::{AppError, AppResult};
use accolade_core::{Email, LangTag};
use std::borrow::Cow;

/// `url` as an http(s) address, refused with a message naming `label` ("the website")
/// and `field`.
pub(crate) fn check_http_url(
    field: impl Into<Cow<'static, str>>,
    label: &str,
    url: &str,
) -> AppResult<String> {
    let u = url.trim();
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() <= 2000
        && u.len() > "https://".len()
        && !u
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if ok {
        Ok(u.to_owned())
    } else {
        Err(AppError::invalid_field(
            field,
            format!(
                "Enter {label} as a web address starting with https://, like https://example.org."
            ),
        ))
    }
}

/// Trimmed required text of at most `max` characters, refused with a message naming
/// `label` ("the name") and `field`.
pub(crate) fn check_text(
    field: impl Into<Cow<'static, str>>,
    label: &str,
    text: &str,
    max: usize,
) -> AppResult<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid_field(field, format!("Enter {label}.")));
    }
    if t.chars().count() > max {
        return Err(too_long(field, label, max));
    }
    Ok(t.to_owned())
}

/// The refusal of a text longer than `max` characters.
pub(crate) fn too_long(field: impl Into<Cow<'static, str>>, label: &str, max: usize) -> AppError {
    AppError::invalid_field(
        field,
        format!("Shorten {label} to at most {max} characters."),
    )
}

/// An email address, refused with a plain message about `field`.
pub(crate) fn parse_email(field: impl Into<Cow<'static, str>>, raw: &str) -> AppResult<Email> {
    Email::parse(raw).map_err(|_| {
        AppError::invalid_field(
            field,
            "Enter an email address in the form name@example.org.",
        )
    })
}

/// A BCP 47 language tag, refused with a plain message about `field`.
pub(crate) fn parse_lang_tag(field: impl Into<Cow<'static, str>>, raw: &str) -> AppResult<LangTag> {
    LangTag::parse(raw).map_err(|_| {
        AppError::invalid_field(
            field,
            format!(
                "“{}” is not a language tag. Enter one such as en, de or fr-CA.",
                raw.trim()
            ),
        )
    })
}

/// `text` as a sentence: a capital first letter and a full stop (library messages are
/// written in lower case, to be embedded).
pub(crate) fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A sentence as part of another: a small first letter and no full stop (the reverse of
/// [`sentence`]).
pub(crate) fn embedded(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
