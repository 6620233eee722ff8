//! The languages emails are written in, and the words of each.

/// The language an email is written in. English is the only one bundled; any other language
/// tag falls back to it (a translation adds a variant and its [`IssuedWords`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailLanguage {
    #[default]
    English,
}

impl MailLanguage {
    pub const ALL: [MailLanguage; 1] = [MailLanguage::English];

    /// The bundled language for a BCP 47 tag (`en`, `en-GB`, `fr`…), English if none fits.
    pub fn for_tag(tag: Option<&str>) -> Self {
        let primary = tag.and_then(|t| t.split('-').next()).unwrap_or("en");
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
            .unwrap_or_default()
    }

    /// The BCP 47 tag of the HTML's `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Self::English => "en",
        }
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

const ISSUED_EN: IssuedWords = IssuedWords {
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
    pub(crate) fn issued_words(self) -> &'static IssuedWords {
        match self {
            Self::English => &ISSUED_EN,
        }
    }
}

/// The language a signed credential declares (`"inLanguage": "fr"`), read without parsing
/// the whole document.
pub(crate) fn credential_language(credential: &str) -> Option<&str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_credential_tags() {
        assert_eq!(MailLanguage::for_tag(Some("en-GB")), MailLanguage::English);
        assert_eq!(MailLanguage::for_tag(Some("xx")), MailLanguage::English);
        assert_eq!(MailLanguage::for_tag(None), MailLanguage::English);
        let credential = "{\n  \"name\": \"x\",\n  \"inLanguage\": \"fr-CA\"\n}";
        assert_eq!(credential_language(credential), Some("fr-CA"));
        assert_eq!(credential_language("{\"inLanguage\": \"<b>\"}"), None);
        assert_eq!(credential_language("{}"), None);
    }
}
