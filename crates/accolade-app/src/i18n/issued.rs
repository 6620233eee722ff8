//! A credential's own texts, as issued: the achievement's name and description in the
//! language the credential declares (`inLanguage`), shown as they are whatever the page's
//! language.

use accolade_core::{Achievement, LangTag};

/// The badge's name and description in the credential's language, and that language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedTexts<'a> {
    /// The BCP 47 tag the texts are in, for a `lang` attribute.
    pub language: &'a str,
    pub name: &'a str,
    pub description: &'a str,
}

/// The texts of `achievement` in the language `credential` (its signed JSON) declares;
/// the achievement's default texts when it declares none or one the achievement no longer
/// has.
pub fn issued_texts<'a>(achievement: &'a Achievement, credential: &'a str) -> IssuedTexts<'a> {
    let localized = credential_language(credential)
        .and_then(|tag| LangTag::parse(tag).ok())
        .and_then(|tag| {
            achievement.localized(&tag).map(|l| IssuedTexts {
                language: l.language.as_str(),
                name: l.name,
                description: l.description,
            })
        });
    localized.unwrap_or(IssuedTexts {
        language: achievement.language.as_str(),
        name: &achievement.name,
        description: &achievement.description,
    })
}

/// The language a signed credential declares (`"inLanguage": "fr"`), read without parsing
/// the whole document.
pub fn credential_language(credential: &str) -> Option<&str> {
    let at = credential.find("\"inLanguage\"")? + "\"inLanguage\"".len();
    let rest = credential[at..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let value = rest.strip_prefix('"')?;
    let end = value.find('"')?;
    let tag = &value[..end];
    (!tag.is_empty()
        && tag.len() <= 35
        && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then_some(tag)
}
