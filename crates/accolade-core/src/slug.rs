//! URL slugs for organizations: lower-case ASCII letters, digits and single hyphens.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug needs 2 to 63 characters")]
    Length,
    #[error(
        "a slug may contain only a-z, 0-9 and single hyphens, and must start and end with a letter or digit"
    )]
    Characters,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let s = raw.trim();
        if s.len() < 2 || s.len() > 63 {
            return Err(SlugError::Length);
        }
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::Characters);
        }
        Ok(Self(s.to_owned()))
    }

    /// A slug made from a display name ("Acme Academy, Inc." → "acme-academy-inc").
    pub fn from_name(name: &str) -> Result<Self, SlugError> {
        let mut out = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(63).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slug({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            Slug::from_name("Acme Academy, Inc.").unwrap().as_str(),
            "acme-academy-inc"
        );
        assert!(Slug::parse("ok-slug-1").is_ok());
        for bad in [
            "a", "-x", "x-", "a--b", "Upper", "sp ace", "ü-x", "x/y", "..", "a.b",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert!(Slug::from_name("!!!").is_err());
    }
}
