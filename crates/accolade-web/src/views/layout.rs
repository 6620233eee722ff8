use accolade_app::i18n::Lang;
use serde::Serialize;

/// What every page shares: the instance name in the header, the `<title>` and the
/// Open Graph basics. URLs in `og_image` and `canonical_url` should be absolute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// Shown in the header and after the page title; "Accolade" unless configured.
    pub instance_name: String,
    pub page_title: String,
    /// One or two sentences for `<meta name="description">` and `og:description`.
    pub description: String,
    pub og_image: Option<String>,
    pub canonical_url: Option<String>,
    /// The signed-in user, for the header (dashboard link and sign-out form).
    pub user: Option<UserNav>,
    /// The page's language: `<html lang>`, and what `t(…)` translates into.
    pub lang: Lang,
    /// Whether the page offers the language switcher (pages shown in every language).
    pub switcher: bool,
}

/// Who is signed in, as the header needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserNav {
    pub name: String,
    /// The session's anti-forgery token, for the sign-out form.
    pub csrf: String,
}

impl Layout {
    pub const DEFAULT_INSTANCE_NAME: &'static str = "Accolade";

    /// A layout for the default instance name, without image or canonical URL.
    pub fn new(page_title: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            instance_name: Self::DEFAULT_INSTANCE_NAME.to_owned(),
            page_title: page_title.into(),
            description: description.into(),
            og_image: None,
            canonical_url: None,
            user: None,
            lang: Lang::En,
            switcher: false,
        }
    }

    /// The page in `lang` (the title and description given are already in it), with the
    /// language switcher.
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self.switcher = true;
        self
    }

    pub fn with_instance_name(mut self, name: impl Into<String>) -> Self {
        self.instance_name = name.into();
        self
    }

    pub fn with_og_image(mut self, url: impl Into<String>) -> Self {
        self.og_image = Some(url.into());
        self
    }

    pub fn with_user(mut self, user: Option<UserNav>) -> Self {
        self.user = user;
        self
    }

    pub fn with_canonical_url(mut self, url: impl Into<String>) -> Self {
        self.canonical_url = Some(url.into());
        self
    }
}
