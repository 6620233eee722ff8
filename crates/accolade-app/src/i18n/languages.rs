//! Language names for people: a credential's `inLanguage` tag ("de", "pt-BR") shown as
//! "German" (or "Alemán", "Allemand", "Deutsch" on a page in those languages).

use super::{Lang, tr};

/// The English names of the languages badges are most often written in, by primary subtag.
const NAMES: &[(&str, &str)] = &[
    ("en", "English"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
];

/// The name of the language `tag` in `lang`; an unknown tag is shown as it is.
pub fn language_name(lang: Lang, tag: &str) -> String {
    let primary = tag
        .split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase();
    match NAMES.iter().find(|(code, _)| *code == primary) {
        Some((_, name)) => tr(lang, name).to_owned(),
        None => tag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_languages_in_the_page_language() {
        assert_eq!(language_name(Lang::En, "de"), "German");
        assert_eq!(language_name(Lang::De, "de-AT"), "Deutsch");
        assert_eq!(language_name(Lang::Fr, "en"), "Anglais");
        assert_eq!(language_name(Lang::Es, "fr"), "Francés");
        assert_eq!(language_name(Lang::En, "tlh"), "tlh");
    }
}
