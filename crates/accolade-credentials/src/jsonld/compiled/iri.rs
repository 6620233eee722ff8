//! Keywords and IRI Expansion (JSON-LD 1.1 API §5.2) at document time, when the active
//! context is complete (the context-processing variant with a local context lives in
//! [`super::context`]).

use super::context::{ActiveContext, Mapping};
use std::borrow::Cow;

/// The JSON-LD keywords (JSON-LD 1.1 §1.7), framing ones included so that they are
/// recognised, and then refused, rather than taken for terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Keyword {
    Base,
    Container,
    Context,
    Default,
    Direction,
    Embed,
    Explicit,
    Graph,
    Id,
    Import,
    Included,
    Index,
    Json,
    Language,
    List,
    Nest,
    None,
    OmitDefault,
    Prefix,
    Preserve,
    Propagate,
    Protected,
    RequireAll,
    Reverse,
    Set,
    Type,
    Value,
    Version,
    Vocab,
}

/// The keyword spelled `s`, if it is one.
pub(crate) fn keyword(s: &str) -> Option<Keyword> {
    if !s.starts_with('@') {
        return None;
    }
    Some(match s {
        "@base" => Keyword::Base,
        "@container" => Keyword::Container,
        "@context" => Keyword::Context,
        "@default" => Keyword::Default,
        "@direction" => Keyword::Direction,
        "@embed" => Keyword::Embed,
        "@explicit" => Keyword::Explicit,
        "@graph" => Keyword::Graph,
        "@id" => Keyword::Id,
        "@import" => Keyword::Import,
        "@included" => Keyword::Included,
        "@index" => Keyword::Index,
        "@json" => Keyword::Json,
        "@language" => Keyword::Language,
        "@list" => Keyword::List,
        "@nest" => Keyword::Nest,
        "@none" => Keyword::None,
        "@omitDefault" => Keyword::OmitDefault,
        "@prefix" => Keyword::Prefix,
        "@preserve" => Keyword::Preserve,
        "@propagate" => Keyword::Propagate,
        "@protected" => Keyword::Protected,
        "@requireAll" => Keyword::RequireAll,
        "@reverse" => Keyword::Reverse,
        "@set" => Keyword::Set,
        "@type" => Keyword::Type,
        "@value" => Keyword::Value,
        "@version" => Keyword::Version,
        "@vocab" => Keyword::Vocab,
        _ => return None,
    })
}

/// "Has the form of a keyword": `@` followed by one or more ASCII letters. Such strings are
/// reserved; the algorithms ignore them (and the compiled processor refuses them).
pub(crate) fn has_keyword_form(s: &str) -> bool {
    s.len() > 1 && s.starts_with('@') && s[1..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// An absolute IRI, by the same RFC 3987 parser the general processor's RDF model uses,
/// so that both paths agree on what is an IRI.
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    plainly_absolute(s) || oxrdf::NamedNodeRef::new(s).is_ok()
}

/// A fast, conservative check: true only for strings that are certainly absolute IRIs by
/// RFC 3987 (ASCII, no percent-escapes, an authority that is a plain host name), which is
/// what credentials carry; anything else goes to the full parser. The full parse was a
/// seventh of the compiled processor's time.
pub(crate) fn plainly_absolute(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(colon) = b.iter().position(|&c| c == b':') else {
        return false;
    };
    let scheme_ok = colon > 0
        && b[0].is_ascii_alphabetic()
        && b[1..colon]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return false;
    }
    let mut rest = &b[colon + 1..];
    if let Some(after) = rest.strip_prefix(b"//") {
        let end = after
            .iter()
            .position(|&c| matches!(c, b'/' | b'?' | b'#'))
            .unwrap_or(after.len());
        if !after[..end]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-')
        {
            return false;
        }
        rest = &after[end..];
    }
    match rest.iter().position(|&c| c == b'#') {
        Some(hash) => rest[..hash]
            .iter()
            .chain(&rest[hash + 1..])
            .all(|&c| PLAIN[usize::from(c)]),
        None => rest.iter().all(|&c| PLAIN[usize::from(c)]),
    }
}

/// The ASCII characters RFC 3987 allows anywhere in a path, query or fragment: unreserved,
/// sub-delims, `:` `@` `/` `?` (percent-escapes excluded: they need the full parser).
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let extra = b"-._~!$&'()*+,;=:@/?";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    let mut c = 0;
    while c < 128 {
        if (c as u8).is_ascii_alphanumeric() {
            t[c] = true;
        }
        c += 1;
    }
    t
};

/// RFC 3986 gen-delims: a simple term whose IRI ends with one of them is usable as a prefix.
pub(crate) fn ends_with_gen_delim(s: &str) -> bool {
    s.ends_with([':', '/', '?', '#', '[', ']', '@'])
}

/// The result of IRI expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expanded<'a> {
    Keyword(Keyword),
    /// An absolute IRI or a blank node identifier (`_:` prefix kept).
    Iri(Cow<'a, str>),
    /// Neither: a relative IRI reference (there is no document base) or a bare word.
    Relative(&'a str),
    /// Expands to nothing (a term mapped to null, or a reserved `@word`).
    Null,
}

/// IRI Expansion at document time (API §5.2.2, without the local-context steps 3–4 and with
/// no base IRI, so step 8 leaves relative references as they are).
pub(crate) fn expand_iri<'a>(ctx: &'a ActiveContext, value: &'a str, vocab: bool) -> Expanded<'a> {
    if let Some(k) = keyword(value) {
        return Expanded::Keyword(k);
    }
    if has_keyword_form(value) {
        return Expanded::Null;
    }
    if vocab {
        // Steps 4–5: in vocabulary position every term applies, keyword aliases included.
        if let Some(def) = ctx.term(value) {
            return match &def.mapping {
                Mapping::Keyword(k) => Expanded::Keyword(*k),
                Mapping::Iri(iri) => Expanded::Iri(Cow::Borrowed(iri)),
                Mapping::Null => Expanded::Null,
            };
        }
    } else if let Some(k) = ctx.keyword_of(value) {
        // Step 4: elsewhere only keyword aliases do.
        return Expanded::Keyword(k);
    }
    if let Some((prefix, suffix)) = value.split_once(':') {
        if prefix == "_" || suffix.starts_with("//") {
            return Expanded::Iri(Cow::Borrowed(value));
        }
        if let Some(def) = ctx.term(prefix)
            && def.prefix
            && let Mapping::Iri(iri) = &def.mapping
        {
            let mut s = String::with_capacity(iri.len() + suffix.len());
            s.push_str(iri);
            s.push_str(suffix);
            return Expanded::Iri(Cow::Owned(s));
        }
        if is_absolute_iri(value) {
            return Expanded::Iri(Cow::Borrowed(value));
        }
    }
    if vocab && let Some(v) = &ctx.vocab {
        return Expanded::Iri(Cow::Owned(format!("{v}{value}")));
    }
    Expanded::Relative(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path may say "not sure" but never "valid" for what the parser refuses.
    #[test]
    fn iri_fast_path_never_accepts_what_the_parser_refuses() {
        let alphabet: Vec<&str> = vec![
            "a",
            "Z",
            "0",
            "9",
            ":",
            "/",
            "//",
            "?",
            "#",
            "@",
            "-",
            ".",
            "_",
            "~",
            "!",
            "$",
            "&",
            "'",
            "(",
            ")",
            "*",
            "+",
            ",",
            ";",
            "=",
            "%",
            "%2F",
            "[",
            "]",
            " ",
            "é",
            "\"",
            "<",
            "{",
            "http",
            "https://",
            "did:",
            "urn:uuid:",
            "x:",
            "1",
            "\\",
            "^",
            "|",
            "`",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut accepted, mut total) = (0, 0);
        for _ in 0..200_000 {
            let len = (next() % 12) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            total += 1;
            if plainly_absolute(&s) {
                accepted += 1;
                assert!(
                    oxrdf::NamedNodeRef::new(&s).is_ok(),
                    "fast path accepted {s:?}"
                );
            }
        }
        assert!(
            accepted > total / 50,
            "the fast path should accept a fair share ({accepted})"
        );
        for ok in [
            "https://example.edu/issuers/565049#z6Mk",
            "did:web:x.example",
            "urn:uuid:1-2",
            "http://1.2.3.4/a?b=c#d",
            "xsd:dateTime",
        ] {
            assert!(plainly_absolute(ok), "{ok}");
        }
        for unsure in [
            "https://a.example:8080/",
            "http://u@h/",
            "https://ex.example/%20",
            "https://é.example/",
            "http://[::1]/",
        ] {
            assert!(!plainly_absolute(unsure), "{unsure}");
            assert!(
                is_absolute_iri(unsure),
                "{unsure} is still valid, through the parser"
            );
        }
        assert!(!is_absolute_iri("https://bad iri.example/") && !is_absolute_iri("relative/path"));
    }
}
