//! `t("English text", name=value…)` in templates: the text in the page's language (the
//! render context's `lang`, else `layout.lang`), escaped, with each `{name}` replaced by its
//! value (escaped too, unless it is already safe HTML, e.g. from a `{% set %}` block).

use accolade_app::i18n::{Lang, tr};
use minijinja::value::{Kwargs, Value};
use minijinja::{Error, State};

use crate::escape::escape_html;

/// The page's language for one render, looked up once: a page calls `t()` dozens of times.
struct RenderLang(Lang);

/// The page's language, as the templates see it.
pub(crate) fn page_lang(state: &mut State) -> Lang {
    if let Some(RenderLang(lang)) = state.get_extension::<RenderLang>() {
        return *lang;
    }
    let tag = state
        .lookup("lang")
        .filter(|v| !v.is_undefined() && !v.is_none())
        .or_else(|| state.lookup("layout").and_then(|l| l.get_attr("lang").ok()));
    let lang = Lang::from_tag_or_default(tag.as_ref().and_then(Value::as_str));
    state.get_or_insert_extension(RenderLang(lang));
    lang
}

pub(crate) fn t(state: &mut State, english: &str, kwargs: Kwargs) -> Result<Value, Error> {
    let pattern = tr(page_lang(state), english);
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open + 1..].find('}') else {
            break;
        };
        let key = &rest[open + 1..open + 1 + close];
        out.push_str(&escape_html(&rest[..open]));
        match kwargs.get::<Option<Value>>(key)? {
            Some(value) if value.is_safe() => out.push_str(&value.to_string()),
            Some(value) => out.push_str(&escape_html(&value.to_string())),
            None => out.push_str(&escape_html(&rest[open..open + close + 2])),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(&escape_html(rest));
    kwargs.assert_all_used()?;
    Ok(Value::from_safe_string(out))
}
