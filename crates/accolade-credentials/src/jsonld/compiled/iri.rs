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
    oxrdf::NamedNodeRef::new(s).is_ok()
}

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
    if let Some(def) = ctx.term(value) {
        // Step 4: keyword aliases apply everywhere; step 5: other terms only in vocab position.
        match &def.mapping {
            Mapping::Keyword(k) => return Expanded::Keyword(*k),
            Mapping::Iri(iri) if vocab => return Expanded::Iri(Cow::Borrowed(iri)),
            Mapping::Null if vocab => return Expanded::Null,
            _ => {}
        }
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
