//! The languages emails are written in, and the words of each: the English texts below,
//! translated through the `mail` catalogs (`locales/<lang>/mail.txt`, see [`crate::i18n`]).

use crate::i18n::{Lang, tr};

/// The language an email is written in. Any tag without a bundled language falls back to
/// English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailLanguage {
    #[default]
    English,
    Spanish,
    French,
    German,
}

impl MailLanguage {
    pub const ALL: [MailLanguage; 4] = [
        MailLanguage::English,
        MailLanguage::Spanish,
        MailLanguage::French,
        MailLanguage::German,
    ];

    /// The bundled language for a BCP 47 tag (`en`, `en-GB`, `fr`…), English if none fits.
    pub fn for_tag(tag: Option<&str>) -> Self {
        match Lang::from_tag_or_default(tag) {
            Lang::En => Self::English,
            Lang::Es => Self::Spanish,
            Lang::Fr => Self::French,
            Lang::De => Self::German,
        }
    }

    /// The page language of the same name, for catalogs and dates.
    pub fn lang(self) -> Lang {
        match self {
            Self::English => Lang::En,
            Self::Spanish => Lang::Es,
            Self::French => Lang::Fr,
            Self::German => Lang::De,
        }
    }

    /// The BCP 47 tag of the HTML's `lang` attribute.
    pub fn tag(self) -> &'static str {
        self.lang().tag()
    }
}

/// The words of the badge-issued email in one language. `{org}`, `{badge}`, `{name}` and
/// `{date}` are filled in (escaped in the HTML, where `{org}` and `{badge}` are bold).
pub(crate) struct IssuedWords {
    pub subject: &'static str,
    pub hello_name: &'static str,
    pub hello: &'static str,
    pub awarded: &'static str,
    pub awarded_html: &'static str,
    pub view_text: &'static str,
    pub view_button: &'static str,
    pub linkedin_text: &'static str,
    pub linkedin_button: &'static str,
    pub valid_until: &'static str,
    pub footer: &'static str,
}

/// The English words: the catalogs' keys.
pub(crate) const ISSUED_EN: IssuedWords = IssuedWords {
    subject: "{org} awarded you \"{badge}\"",
    hello_name: "Hello {name},",
    hello: "Hello,",
    awarded: "{org} has awarded you the badge \"{badge}\".",
    awarded_html: "{org} has awarded you the badge {badge}.",
    view_text: "View your badge:",
    view_button: "View your badge",
    linkedin_text: "Add it to your LinkedIn profile:",
    linkedin_button: "Add to LinkedIn profile",
    valid_until: "This badge is valid until {date}.",
    footer: "Your badge is an Open Badges 3.0 credential signed by {org}: anyone can check it \
             at its link, with Accolade or any other verifier.",
};

impl MailLanguage {
    pub(crate) fn issued_words(self) -> IssuedWords {
        let lang = self.lang();
        let w = &ISSUED_EN;
        IssuedWords {
            subject: tr(lang, w.subject),
            hello_name: tr(lang, w.hello_name),
            hello: tr(lang, w.hello),
            awarded: tr(lang, w.awarded),
            awarded_html: tr(lang, w.awarded_html),
            view_text: tr(lang, w.view_text),
            view_button: tr(lang, w.view_button),
            linkedin_text: tr(lang, w.linkedin_text),
            linkedin_button: tr(lang, w.linkedin_button),
            valid_until: tr(lang, w.valid_until),
            footer: tr(lang, w.footer),
        }
    }
}

pub(crate) use crate::i18n::credential_language;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_translated() {
        let w = &ISSUED_EN;
        let english = [
            w.subject,
            w.hello_name,
            w.hello,
            w.awarded,
            w.awarded_html,
            w.view_text,
            w.view_button,
            w.linkedin_text,
            w.linkedin_button,
            w.valid_until,
            w.footer,
        ];
        for lang in [Lang::Es, Lang::Fr, Lang::De] {
            for text in english {
                assert!(
                    crate::i18n::lookup(lang, text).is_some(),
                    "no {lang} translation of {text:?}"
                );
            }
        }
    }

    #[test]
    fn languages_and_credential_tags() {
        assert_eq!(MailLanguage::for_tag(Some("en-GB")), MailLanguage::English);
        assert_eq!(MailLanguage::for_tag(Some("es-MX")), MailLanguage::Spanish);
        assert_eq!(MailLanguage::for_tag(Some("de")), MailLanguage::German);
        assert_eq!(MailLanguage::for_tag(Some("xx")), MailLanguage::English);
        assert_eq!(MailLanguage::for_tag(None), MailLanguage::English);
        let credential = "{\n  \"name\": \"x\",\n  \"inLanguage\": \"fr-CA\"\n}";
        assert_eq!(credential_language(credential), Some("fr-CA"));
        assert_eq!(credential_language("{\"inLanguage\": \"<b>\"}"), None);
        assert_eq!(credential_language("{}"), None);
    }
}
