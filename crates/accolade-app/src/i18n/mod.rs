//! The languages of the public and earner pages and of badge emails: English, Spanish,
//! French and German. Texts are written in English and translated through catalogs keyed by
//! the English text ([`tr`]); a text missing from a catalog shows in English.
//!
//! The web layer picks a [`Lang`] per request with [`negotiate`]: an explicit choice
//! (`?lang=`), then the switcher's cookie, then the browser's `Accept-Language`.

mod catalog;
mod dates;
mod issued;
mod languages;
mod types;

pub use catalog::{CATALOGS, CatalogError, catalog_problems, fill, lookup, tr, tr_with};
pub use dates::{format_date, format_datetime, month_name};
pub use issued::{IssuedTexts, credential_language, issued_texts};
pub use languages::language_name;
pub use types::{ACHIEVEMENT_TYPES, achievement_type_label};

use serde::{Serialize, Serializer};
use std::fmt;

/// A language the pages and emails are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Lang {
    #[default]
    En,
    Es,
    Fr,
    De,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Es, Lang::Fr, Lang::De];

    /// The BCP 47 tag, for `<html lang>`, `?lang=` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
            Self::Fr => "fr",
            Self::De => "de",
        }
    }

    /// The language's own name, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Es => "Español",
            Self::Fr => "Français",
            Self::De => "Deutsch",
        }
    }

    /// The language of a BCP 47 tag by its primary subtag (`es-MX` → Spanish), if bundled.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// Like [`Lang::from_tag`], English for anything else (or nothing).
    pub fn from_tag_or_default(tag: Option<&str>) -> Self {
        tag.and_then(Self::from_tag).unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

/// The language of a request: `query` (`?lang=`) wins, then `cookie` (the switcher's
/// choice), then the best bundled language of `accept_language`, then English. Values that
/// name no bundled language are ignored.
pub fn negotiate(query: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    query
        .and_then(Lang::from_tag)
        .or_else(|| cookie.and_then(Lang::from_tag))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or_default()
}

/// The bundled language the browser prefers most (`fr-CH, de;q=0.8, *;q=0.5` → French).
/// Ranges with `q=0` are refused; `*` names no particular language and is skipped; ties keep
/// the header's order.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    for range in header.split(',').take(32) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .map_or(Some(1000), parse_quality);
        let (Some(q), Some(lang)) = (quality, Lang::from_tag(tag)) else {
            continue;
        };
        if q > 0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// A q-value (`0`, `0.8`, `1.000`) in thousandths; `None` if malformed.
fn parse_quality(raw: &str) -> Option<u16> {
    let raw = raw.trim();
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_value: u16 = format!("{frac:0<3}").parse().ok()?;
    match whole {
        "0" => Some(frac_value),
        "1" if frac_value == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_prefixes() {
        assert_eq!(Lang::from_tag("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("DE"), Some(Lang::De));
        assert_eq!(Lang::from_tag("fr_CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("pt-BR"), None);
        assert_eq!(Lang::from_tag(""), None);
        assert_eq!(Lang::from_tag_or_default(Some("it")), Lang::En);
    }

    #[test]
    fn accept_language_with_qualities() {
        let best = |h: &str| from_accept_language(h);
        assert_eq!(best("es-MX,es;q=0.9,en;q=0.8"), Some(Lang::Es));
        assert_eq!(best("it, de;q=0.7, fr;q=0.8"), Some(Lang::Fr));
        assert_eq!(best("en;q=0.2, de"), Some(Lang::De));
        assert_eq!(best("fr;q=0, de;q=0.1"), Some(Lang::De));
        assert_eq!(best("pt-BR, *;q=0.5"), None);
        assert_eq!(best("de;q=2, fr;q=x, es;q=0.5"), Some(Lang::Es));
        assert_eq!(best(""), None);
    }

    #[test]
    fn query_then_cookie_then_header() {
        assert_eq!(negotiate(Some("de"), Some("fr"), Some("es")), Lang::De);
        assert_eq!(negotiate(Some("zz"), Some("fr"), Some("es")), Lang::Fr);
        assert_eq!(negotiate(None, None, Some("es-AR")), Lang::Es);
        assert_eq!(negotiate(None, Some("<x>"), Some("ja")), Lang::En);
        assert_eq!(negotiate(None, None, None), Lang::En);
    }
}
