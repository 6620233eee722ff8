//! Translation catalogs: line-oriented text files under `locales/<lang>/<area>.txt`, keyed
//! by the English text (as gettext does). Each file lists pairs of lines, the English text
//! and then its translation after `= `:
//!
//! ```text
//! # The credential page.
//! Verify a badge
//! = Verificar una insignia
//! ```
//!
//! Blank lines and lines starting with `#` are ignored. `{name}` placeholders are kept as
//! they are in the translation and filled in by [`tr_with`]. Catalogs are parsed once, on
//! first use; a text missing from a catalog shows in English.

use super::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Every catalog: its language, its area and its text. A new area adds its files under
/// `locales/<lang>/` and one line per language here.
pub const CATALOGS: &[(Lang, &str, &str)] = &[
    (
        Lang::Es,
        "public",
        include_str!("../../locales/es/public.txt"),
    ),
    (
        Lang::Fr,
        "public",
        include_str!("../../locales/fr/public.txt"),
    ),
    (
        Lang::De,
        "public",
        include_str!("../../locales/de/public.txt"),
    ),
    (
        Lang::Es,
        "earner",
        include_str!("../../locales/es/earner.txt"),
    ),
    (
        Lang::Fr,
        "earner",
        include_str!("../../locales/fr/earner.txt"),
    ),
    (
        Lang::De,
        "earner",
        include_str!("../../locales/de/earner.txt"),
    ),
    (Lang::Es, "mail", include_str!("../../locales/es/mail.txt")),
    (Lang::Fr, "mail", include_str!("../../locales/fr/mail.txt")),
    (Lang::De, "mail", include_str!("../../locales/de/mail.txt")),
    (
        Lang::Es,
        "pathways",
        include_str!("../../locales/es/pathways.txt"),
    ),
    (
        Lang::Fr,
        "pathways",
        include_str!("../../locales/fr/pathways.txt"),
    ),
    (
        Lang::De,
        "pathways",
        include_str!("../../locales/de/pathways.txt"),
    ),
    (
        Lang::Es,
        "achievement",
        include_str!("../../locales/es/achievement.txt"),
    ),
    (
        Lang::Fr,
        "achievement",
        include_str!("../../locales/fr/achievement.txt"),
    ),
    (
        Lang::De,
        "achievement",
        include_str!("../../locales/de/achievement.txt"),
    ),
    (
        Lang::Es,
        "types",
        include_str!("../../locales/es/types.txt"),
    ),
    (
        Lang::Fr,
        "types",
        include_str!("../../locales/fr/types.txt"),
    ),
    (
        Lang::De,
        "types",
        include_str!("../../locales/de/types.txt"),
    ),
    (Lang::Es, "api", include_str!("../../locales/es/api.txt")),
    (Lang::Fr, "api", include_str!("../../locales/fr/api.txt")),
    (Lang::De, "api", include_str!("../../locales/de/api.txt")),
];

type Catalog = HashMap<&'static str, &'static str>;

static PARSED: OnceLock<[Catalog; 4]> = OnceLock::new();

fn index(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Es => 1,
        Lang::Fr => 2,
        Lang::De => 3,
    }
}

fn catalogs() -> &'static [Catalog; 4] {
    PARSED.get_or_init(|| {
        let mut all: [Catalog; 4] = Default::default();
        for (lang, _, text) in CATALOGS {
            let (pairs, _) = parse(text);
            all[index(*lang)].extend(pairs);
        }
        all
    })
}

/// A mistake in a catalog file, found by [`catalog_problems`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("locales/{lang}/{area}.txt line {line}: {problem}")]
pub struct CatalogError {
    pub lang: Lang,
    pub area: &'static str,
    pub line: usize,
    pub problem: String,
}

/// English text and translation.
type Pair = (&'static str, &'static str);
/// A line number and what is wrong there.
type Problem = (usize, String);

/// The pairs of one file, and the problems found on the way.
fn parse(text: &'static str) -> (Vec<Pair>, Vec<Problem>) {
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    let mut source: Option<(usize, &'static str)> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match (line.strip_prefix("= "), source.take()) {
            (Some(translation), Some((_, english))) => pairs.push((english, translation)),
            (Some(_), None) => problems.push((n + 1, "a translation without its English".into())),
            (None, previous) => {
                if let Some((at, english)) = previous {
                    problems.push((at, format!("no translation for {english:?}")));
                }
                source = Some((n + 1, line));
            }
        }
    }
    if let Some((at, english)) = source {
        problems.push((at, format!("no translation for {english:?}")));
    }
    (pairs, problems)
}

/// Every mistake in the bundled catalogs: unpaired lines, a text translated twice for one
/// language, a translation whose `{placeholders}` differ from the English.
pub fn catalog_problems() -> Vec<CatalogError> {
    let mut out = Vec::new();
    let mut seen: HashMap<(Lang, &str), &str> = HashMap::new();
    for (lang, area, text) in CATALOGS {
        let (pairs, problems) = parse(text);
        let error = |line: usize, problem: String| CatalogError {
            lang: *lang,
            area,
            line,
            problem,
        };
        out.extend(problems.into_iter().map(|(line, p)| error(line, p)));
        for (english, translation) in pairs {
            if let Some(other) = seen.insert((*lang, english), area) {
                out.push(error(
                    0,
                    format!("{english:?} is translated again (also in {other})"),
                ));
            }
            if placeholders(english) != placeholders(translation) {
                out.push(error(
                    0,
                    format!("the placeholders of {translation:?} differ from {english:?}'s"),
                ));
            }
        }
    }
    out
}

fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The translation of `english` into `lang`, if a catalog has one (English never does).
pub fn lookup(lang: Lang, english: &str) -> Option<&'static str> {
    if lang == Lang::En {
        return None;
    }
    catalogs()[index(lang)].get(english).copied()
}

/// `english` in `lang`: its translation, or `english` itself when there is none.
pub fn tr(lang: Lang, english: &str) -> &str {
    lookup(lang, english).unwrap_or(english)
}

/// [`tr`] with its `{name}` placeholders filled in.
pub fn tr_with(lang: Lang, english: &str, values: &[(&str, &str)]) -> String {
    fill(tr(lang, english), values)
}

/// `pattern` with each `{key}` replaced by its value, in one pass: a value holding `{…}`
/// itself is never expanded, and an unknown `{key}` stays as it is.
pub fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let found = rest[open + 1..].find('}').and_then(|close| {
            let key = &rest[open + 1..open + 1 + close];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (close, *v))
        });
        out.push_str(&rest[..open]);
        match found {
            Some((close, value)) => {
                out.push_str(value);
                rest = &rest[open + close + 2..];
            }
            None => {
                out.push('{');
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalogs_are_well_formed() {
        let problems = catalog_problems();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// The text of each `tr` and `tr_with` call: the string literal after the language.
    fn tr_literals(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        for marker in ["tr(", "tr_with("] {
            let mut rest = source;
            while let Some(at) = rest.find(marker) {
                let before = rest[..at].chars().next_back();
                rest = &rest[at + marker.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let after = rest.trim_start();
                let Some(after) = after.strip_prefix("lang,") else {
                    continue;
                };
                let Some(body) = after.trim_start().strip_prefix('"') else {
                    continue;
                };
                let mut text = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => text.extend(chars.next()),
                        '"' => break,
                        c => text.push(c),
                    }
                }
                out.push(text);
            }
        }
        out
    }

    fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    /// Every text this crate translates (the emails) has its Spanish, French and German.
    #[test]
    fn every_text_of_this_crate_is_translated() {
        let mut all = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut all,
        );
        let texts: Vec<String> = all.iter().flat_map(|s| tr_literals(s)).collect();
        assert!(texts.len() >= 10, "{texts:?}");
        let missing: Vec<String> = [Lang::Es, Lang::Fr, Lang::De]
            .iter()
            .flat_map(|lang| {
                texts
                    .iter()
                    .filter(|t| lookup(*lang, t).is_none())
                    .map(move |t| format!("{lang}: {t}"))
            })
            .collect();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn pairs_comments_and_mistakes() {
        let (pairs, problems) = parse("# c\nOne\n= Uno\n\nTwo\nThree\n= Tres\n= Orphan\nFour");
        assert_eq!(pairs, vec![("One", "Uno"), ("Three", "Tres")]);
        let lines: Vec<usize> = problems.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![5, 8, 9]);
    }

    #[test]
    fn missing_texts_stay_english_and_values_are_filled_once() {
        assert_eq!(
            tr(Lang::De, "No such text in any catalog"),
            "No such text in any catalog"
        );
        assert_eq!(tr(Lang::En, "Verify a badge"), "Verify a badge");
        assert_eq!(tr(Lang::De, "Verify a badge"), "Badge prüfen");
        assert_eq!(
            fill("{a} and {b} {c}", &[("a", "{b}"), ("b", "x")]),
            "{b} and x {c}"
        );
        assert_eq!(
            placeholders("{issuer} on {date}, {issuer}"),
            vec!["date", "issuer"]
        );
    }
}
