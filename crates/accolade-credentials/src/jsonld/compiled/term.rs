//! Create Term Definition (JSON-LD 1.1 API §4.2.2) and the context-processing variant of IRI
//! Expansion (§5.2.2 with a local context and the `defined` map), over `'static` contexts.

use super::context::{ActiveContext, Container, FxBuild, Mapping, TermDef, TypeMapping};
use super::iri::{self, Expanded, Keyword};
use super::{CompiledError, Result, invalid};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The `defined` map of Create Term Definition: `false` while a term is being defined
/// (a second visit is a cycle), `true` once done.
pub(super) type Defined = HashMap<&'static str, bool, FxBuild>;

/// What stays fixed while one context definition is processed.
pub(super) struct Env {
    pub local: &'static Map<String, Value>,
    /// The definition's `@protected`, the default for its terms.
    pub protected: bool,
    pub override_protected: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum CtxIri {
    Keyword(Keyword),
    Iri(String),
    Relative,
    Null,
}

/// IRI Expansion during context processing, defining terms of the local context on demand.
fn expand(
    result: &mut ActiveContext,
    env: &Env,
    defined: &mut Defined,
    value: &'static str,
) -> Result<CtxIri> {
    if let Some(k) = iri::keyword(value) {
        return Ok(CtxIri::Keyword(k));
    }
    if iri::has_keyword_form(value) {
        return Ok(CtxIri::Null);
    }
    if env.local.contains_key(value) && defined.get(value) != Some(&true) {
        create(result, env, value, defined)?;
    }
    if let Some(def) = result.term(value) {
        // Always `vocab: true` here: term definitions expand their `@id` and `@type` so.
        return Ok(match &def.mapping {
            Mapping::Keyword(k) => CtxIri::Keyword(*k),
            Mapping::Iri(i) => CtxIri::Iri(i.to_string()),
            Mapping::Null => CtxIri::Null,
        });
    }
    if let Some((prefix, suffix)) = value.split_once(':') {
        if prefix == "_" || suffix.starts_with("//") {
            return Ok(CtxIri::Iri(value.to_owned()));
        }
        if env.local.contains_key(prefix) && defined.get(prefix) != Some(&true) {
            create(result, env, prefix, defined)?;
        }
        if let Some(def) = result.term(prefix)
            && def.prefix
            && let Mapping::Iri(i) = &def.mapping
        {
            return Ok(CtxIri::Iri(format!("{i}{suffix}")));
        }
        if iri::is_absolute_iri(value) {
            return Ok(CtxIri::Iri(value.to_owned()));
        }
    }
    if let Some(v) = &result.vocab {
        return Ok(CtxIri::Iri(format!("{v}{value}")));
    }
    Ok(CtxIri::Relative)
}

/// Step 5.8 of Context Processing: the vocabulary mapping (no document base, so it must
/// come out absolute or a blank node identifier).
pub(super) fn vocab_mapping(result: &ActiveContext, value: &str) -> Result<Box<str>> {
    match iri::expand_iri(result, value, true) {
        Expanded::Iri(i) => Ok(i.into()),
        _ => Err(invalid(format!("invalid vocab mapping {value:?}"))),
    }
}

enum IdEntry {
    Absent,
    Null,
    Str(&'static str),
}

/// Create Term Definition for `term` of `env.local`, into `result`.
pub(super) fn create(
    result: &mut ActiveContext,
    env: &Env,
    term: &'static str,
    defined: &mut Defined,
) -> Result<()> {
    match defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => return Err(invalid(format!("cyclic IRI mapping for term {term:?}"))),
        None => {}
    }
    if term.is_empty() {
        return Err(invalid("invalid term definition: empty term"));
    }
    defined.insert(term, false);
    let Some(value) = env.local.get(term) else {
        return Err(invalid(format!("term {term:?} is not in its context")));
    };
    if iri::keyword(term).is_some() {
        return if term == "@type" {
            Err(CompiledError::Unsupported("a definition of @type"))
        } else {
            Err(invalid(format!("keyword redefinition: {term}")))
        };
    }
    if iri::has_keyword_form(term) {
        // Reserved for future keywords: ignored, as the spec says.
        defined.insert(term, true);
        return Ok(());
    }
    let previous = result.remove_term(term);
    let (map, id, simple) = match value {
        Value::Null => (None, IdEntry::Null, false),
        Value::String(s) => (None, IdEntry::Str(s), true),
        Value::Object(m) => {
            let id = match m.get("@id") {
                None => IdEntry::Absent,
                Some(Value::Null) => IdEntry::Null,
                Some(Value::String(s)) => IdEntry::Str(s),
                Some(_) => return Err(invalid(format!("invalid IRI mapping for term {term:?}"))),
            };
            (Some(m), id, false)
        }
        _ => return Err(invalid(format!("invalid term definition for {term:?}"))),
    };
    let get = |k: &str| map.and_then(|m| m.get(k));
    let mut def = TermDef {
        mapping: Mapping::Null,
        prefix: false,
        protected: match get("@protected") {
            None => env.protected,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(invalid("@protected must be true or false")),
        },
        type_mapping: None,
        container: Container::default(),
        scoped: None,
        unsupported: None,
        extra: Vec::new(),
        predicate_ok: false,
    };
    if let Some(t) = get("@type") {
        let Value::String(t) = t else {
            return Err(invalid(format!("invalid type mapping for {term:?}")));
        };
        def.type_mapping = Some(match expand(result, env, defined, t)? {
            CtxIri::Keyword(Keyword::Id) => TypeMapping::Id,
            CtxIri::Keyword(Keyword::Vocab) => TypeMapping::Vocab,
            CtxIri::Keyword(Keyword::Json) => TypeMapping::Json,
            CtxIri::Keyword(Keyword::None) => TypeMapping::None,
            CtxIri::Iri(i) if !i.starts_with("_:") && iri::is_absolute_iri(&i) => {
                TypeMapping::Datatype(i.into())
            }
            _ => return Err(invalid(format!("invalid type mapping {t:?} for {term:?}"))),
        });
    }
    for (key, what) in [
        ("@reverse", "@reverse"),
        ("@index", "@index"),
        ("@language", "term languages"),
        ("@direction", "term directions"),
        ("@nest", "@nest"),
    ] {
        if let Some(v) = get(key) {
            def.unsupported = Some(what);
            def.extra.push((key, v));
        }
    }
    let id_differs = match id {
        IdEntry::Absent => false,
        IdEntry::Null => true,
        IdEntry::Str(s) => s != term,
    };
    if get("@reverse").is_some() {
        // Reverse properties are not implemented: the definition only exists to make a
        // document that uses the term fall back.
    } else if id_differs {
        if let IdEntry::Str(s) = id {
            if iri::keyword(s).is_none() && iri::has_keyword_form(s) {
                defined.insert(term, true);
                return Ok(());
            }
            def.mapping = match expand(result, env, defined, s)? {
                CtxIri::Keyword(Keyword::Context) => {
                    return Err(invalid("invalid keyword alias: @context"));
                }
                CtxIri::Keyword(k) => Mapping::Keyword(k),
                CtxIri::Iri(i) => Mapping::Iri(i.into()),
                CtxIri::Relative | CtxIri::Null => {
                    return Err(invalid(format!(
                        "invalid IRI mapping {s:?} for term {term:?}"
                    )));
                }
            };
            let inner_colon = term.len() > 2 && term[1..term.len() - 1].contains(':');
            if inner_colon || term.contains('/') {
                defined.insert(term, true);
                let again = expand(result, env, defined, term)?;
                if !matches!((&again, &def.mapping), (CtxIri::Iri(a), Mapping::Iri(b)) if **a == **b)
                {
                    return Err(invalid(format!(
                        "invalid IRI mapping: term {term:?} expands to another IRI"
                    )));
                }
            }
            if !term.contains([':', '/'])
                && simple
                && let Mapping::Iri(i) = &def.mapping
                && (iri::ends_with_gen_delim(i) || i.starts_with("_:"))
            {
                def.prefix = true;
            }
        }
    } else if let Some((prefix, suffix)) = term
        .get(1..)
        .and_then(|rest| rest.find(':'))
        .map(|i| term.split_at(i + 1))
    {
        // `term` contains a colon after its first character: a compact IRI or an IRI.
        let suffix = &suffix[1..];
        if env.local.contains_key(prefix) && prefix != "_" && !suffix.starts_with("//") {
            create(result, env, prefix, defined)?;
        }
        def.mapping = match result.term(prefix).map(|d| &d.mapping) {
            Some(Mapping::Iri(i)) => Mapping::Iri(format!("{i}{suffix}").into()),
            _ => Mapping::Iri(term.into()),
        };
    } else if term.contains('/') {
        def.mapping = match expand(result, env, defined, term)? {
            CtxIri::Iri(i) => Mapping::Iri(i.into()),
            _ => return Err(invalid(format!("invalid IRI mapping for term {term:?}"))),
        };
    } else if let Some(v) = &result.vocab {
        def.mapping = Mapping::Iri(format!("{v}{term}").into());
    } else {
        return Err(invalid(format!(
            "invalid IRI mapping: term {term:?} has no IRI and there is no @vocab"
        )));
    }
    if let Some(c) = get("@container") {
        def.container = container(c, term)?;
        if def.container.other {
            def.unsupported = def
                .unsupported
                .or(Some("index, language, id and type maps"));
        }
    }
    def.scoped = get("@context");
    if let Some(p) = get("@prefix") {
        let Value::Bool(p) = p else {
            return Err(invalid("@prefix must be true or false"));
        };
        if *p && matches!(def.mapping, Mapping::Keyword(_)) {
            return Err(invalid(format!(
                "invalid term definition: keyword alias {term:?} as a prefix"
            )));
        }
        def.prefix = *p;
    }
    if let Some(m) = map
        && let Some(bad) = m.keys().find(|k| {
            !matches!(
                k.as_str(),
                "@id"
                    | "@reverse"
                    | "@container"
                    | "@context"
                    | "@direction"
                    | "@index"
                    | "@language"
                    | "@nest"
                    | "@prefix"
                    | "@protected"
                    | "@type"
            )
        })
    {
        return Err(invalid(format!(
            "invalid term definition for {term:?}: {bad}"
        )));
    }
    def.predicate_ok =
        matches!(&def.mapping, Mapping::Iri(i) if !i.starts_with("_:") && iri::is_absolute_iri(i));
    let def = match previous {
        Some(prev) if prev.protected && !env.override_protected => {
            if !def.same_as(&prev) {
                return Err(invalid(format!("protected term redefinition: {term}")));
            }
            prev
        }
        _ => Arc::new(def),
    };
    result.set_term(term, def);
    defined.insert(term, true);
    Ok(())
}

/// The container mapping (step 19), split into what is implemented and what is not.
fn container(value: &Value, term: &str) -> Result<Container> {
    let items = match value {
        Value::Array(a) => a.as_slice(),
        other => std::slice::from_ref(other),
    };
    let mut c = Container::default();
    for item in items {
        match item.as_str() {
            Some("@set") => c.set = true,
            Some("@list") => c.list = true,
            Some("@graph") => c.graph = true,
            Some("@index" | "@language" | "@id" | "@type") => c.other = true,
            _ => return Err(invalid(format!("invalid container mapping for {term:?}"))),
        }
    }
    if c.list && (items.len() > 1) {
        return Err(invalid(format!(
            "invalid container mapping for {term:?}: @list with others"
        )));
    }
    Ok(c)
}
