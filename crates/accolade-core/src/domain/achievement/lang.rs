//! A language tag (BCP 47), checked for shape and put in its usual case once, at the edge.

use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a language tag (expected e.g. en, de, pt-BR, zh-Hant)")]
pub struct LangTagError(pub String);

/// A BCP 47 language tag such as `en`, `pt-BR`, `zh-Hant-TW` or `es-419`: a 2–3 letter
/// primary language, then subtags of 1–8 letters or digits. Compared and stored in the
/// conventional case (`en`, `Hant`, `BR`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LangTag(String);

impl LangTag {
    pub fn parse(raw: &str) -> Result<Self, LangTagError> {
        let raw = raw.trim();
        let err = || LangTagError(raw.chars().take(40).collect());
        if raw.is_empty() || raw.len() > 35 {
            return Err(err());
        }
        let mut parts = raw.split(['-', '_']);
        let primary = parts.next().unwrap_or_default();
        if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(err());
        }
        let mut out = primary.to_ascii_lowercase();
        // After a singleton (`x`, `u`, …) come extension subtags: kept lower case.
        let mut in_extension = false;
        for (i, sub) in parts.enumerate() {
            if sub.is_empty() || sub.len() > 8 || !sub.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(err());
            }
            out.push('-');
            if sub.len() == 1 {
                in_extension = true;
            }
            let all_alpha = sub.chars().all(|c| c.is_ascii_alphabetic());
            if !in_extension && i <= 1 && sub.len() == 4 && all_alpha {
                // Script: title case.
                let (first, rest) = sub.split_at(1);
                out.push_str(&first.to_ascii_uppercase());
                out.push_str(&rest.to_ascii_lowercase());
            } else if !in_extension && sub.len() == 2 && all_alpha {
                out.push_str(&sub.to_ascii_uppercase());
            } else {
                out.push_str(&sub.to_ascii_lowercase());
            }
        }
        Ok(Self(out))
    }

    /// English, the language of achievements that say nothing else.
    pub fn english() -> Self {
        Self("en".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for LangTag {
    fn default() -> Self {
        Self::english()
    }
}

impl fmt::Display for LangTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LangTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LangTag({})", self.0)
    }
}

impl TryFrom<String> for LangTag {
    type Error = LangTagError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LangTag> for String {
    fn from(value: LangTag) -> Self {
        value.0
    }
}

impl std::str::FromStr for LangTag {
    type Err = LangTagError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalizes_common_tags() {
        for (raw, want) in [
            ("en", "en"),
            ("EN", "en"),
            (" de ", "de"),
            ("pt-br", "pt-BR"),
            ("pt_BR", "pt-BR"),
            ("zh-hant", "zh-Hant"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
            ("sr-Latn-RS", "sr-Latn-RS"),
            ("fil", "fil"),
            ("de-CH-1996", "de-CH-1996"),
            ("en-US-x-twain", "en-US-x-twain"),
            ("en-x-ab", "en-x-ab"),
        ] {
            assert_eq!(LangTag::parse(raw).map(|t| t.to_string()), Ok(want.into()));
        }
    }

    #[test]
    fn refuses_what_is_not_a_tag() {
        for raw in [
            "",
            "e",
            "english",
            "en-",
            "-en",
            "en--US",
            "en US",
            "1en",
            "en-toolongsubtag",
            "en-ü",
            "<script>",
            "en-US-abcdefghi",
        ] {
            assert!(LangTag::parse(raw).is_err(), "{raw:?} accepted");
        }
        assert!(LangTag::parse(&"en-abc".repeat(10)).is_err());
    }

    #[test]
    fn converts_to_and_from_strings() {
        let t = LangTag::try_from("fr-ca".to_owned()).unwrap();
        assert_eq!(String::from(t.clone()), "fr-CA");
        assert_eq!("fr-CA".parse::<LangTag>(), Ok(t));
    }
}
