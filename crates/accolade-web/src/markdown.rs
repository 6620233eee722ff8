//! Markdown (criteria and evidence narratives, as Open Badges defines them) to HTML that is
//! safe to put in a page: raw HTML in the source is shown as text, never passed through,
//! and the result is cleaned once more against a small allowlist: no scripts, styles,
//! images or event handlers; links only to http(s) and mailto, opened with
//! `rel="noopener noreferrer nofollow"`.

use pulldown_cmark::{Event, Options, Parser, html};
use std::collections::HashSet;
use std::sync::OnceLock;

/// Longest source rendered; longer text is cut (narratives are limited well below this).
const MAX_SOURCE: usize = 100_000;

const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.tags(TAGS.iter().copied().collect::<HashSet<_>>())
            .tag_attributes(
                [("a", ["href"].into_iter().collect::<HashSet<_>>())]
                    .into_iter()
                    .collect(),
            )
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .strip_comments(true);
        b
    })
}

/// Safe HTML for the Markdown `source`.
pub fn to_safe_html(source: &str) -> String {
    let source = match source.char_indices().nth(MAX_SOURCE) {
        Some((cut, _)) => &source[..cut],
        None => source,
    };
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    // Raw HTML becomes text: `<b>` in a narrative reads as `<b>`, as the author typed it.
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    cleaner().clean(&out).to_string()
}

/// The `markdown` template filter: safe HTML for a narrative (`none` gives nothing).
pub(crate) fn filter(source: Option<&str>) -> minijinja::value::Value {
    minijinja::value::Value::from_safe_string(source.map(to_safe_html).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn renders_the_usual_markdown() {
        let html = to_safe_html(
            "Pass **every** module.\n\n- one\n- *two*\n\n[Rubric](https://example.org/r)",
        );
        assert!(html.contains("<strong>every</strong>"), "{html}");
        assert!(html.contains("<li><em>two</em></li>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.org/r" rel="noopener noreferrer nofollow">Rubric</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn hostile_input_comes_out_inert() {
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(2)>",
            "[click](javascript:alert(3))",
            "[click](JaVaScRiPt:alert(3))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![pic](https://evil.example/track.png)",
            "<a href=\"javascript:alert(4)\">x</a>",
            "<div style=\"position:fixed\">x</div>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(5)>",
            "[x](//evil.example/path)",
            "<!-- comment --><style>body{}</style>",
            "[a](<javascript:alert(6)>)",
            "<details open ontoggle=alert(7)>",
        ] {
            let html = to_safe_html(hostile).to_ascii_lowercase();
            // Every tag that came out, with its attributes (text cannot hold `<`).
            let tags: Vec<&str> = html
                .split('<')
                .skip(1)
                .map(|t| t.split('>').next().unwrap_or(""))
                .collect();
            for tag in &tags {
                let name = tag.trim_start_matches('/').split(' ').next().unwrap_or("");
                assert!(
                    ["p", "a", "code", "em", "strong"].contains(&name),
                    "{hostile:?} gave {html:?}"
                );
                for bad in ["javascript:", "data:", "href=\"//", " style", " on"] {
                    assert!(!tag.contains(bad), "{hostile:?} gave {html:?}");
                }
            }
        }
        // Raw HTML is shown as the author typed it.
        assert!(to_safe_html("<script>x</script>").contains("&lt;script&gt;"));
    }
}
