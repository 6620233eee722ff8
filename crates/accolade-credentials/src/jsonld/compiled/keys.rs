//! What a map's keys expand to (step 13.2 of the Expansion algorithm, JSON-LD 1.1 API
//! §5.1.2) and the contexts a map is expanded with (steps 7–11): type-scoped contexts that
//! stop at nested nodes, embedded contexts, and the type-scoped contexts of its types.

use super::context::{self, ActiveContext, Mapping, TermDef};
use super::iri::{self, Expanded, Keyword};
use super::{CompiledError, Result, invalid};
use crate::jsonld::JsonLdError;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::Arc;

/// The active property: its key, and its definition in the context of the node it is on
/// (looked up once, then handed down).
#[derive(Clone, Copy)]
pub(super) struct Prop<'p> {
    pub key: &'p str,
    pub def: Option<&'p TermDef>,
}

/// A property entry of a node object.
pub(super) struct Property<'a> {
    pub key: &'a str,
    pub iri: Cow<'a, str>,
    pub def: Option<&'a TermDef>,
    pub value: &'a Value,
}

impl<'a> Property<'a> {
    pub fn prop(&self) -> Prop<'_> {
        Prop {
            key: self.key,
            def: self.def,
        }
    }
}

/// The entries of a map, sorted by what their keys expand to.
#[derive(Default)]
pub(super) struct Entries<'a> {
    pub id: Option<&'a Value>,
    /// `type` and `@type` may both appear (their values are concatenated).
    pub types: [Option<&'a Value>; 2],
    pub value: Option<&'a Value>,
    pub language: Option<&'a Value>,
    pub list: Option<&'a Value>,
    pub set: Option<&'a Value>,
    pub graph: Option<&'a Value>,
    pub props: Vec<Property<'a>>,
}

impl<'a> Entries<'a> {
    pub fn classify(ctx: &'a ActiveContext, map: &'a Map<String, Value>) -> Result<Self> {
        let mut e = Entries::default();
        for (key, value) in map {
            let keyword = if key.starts_with('@') {
                // A keyword, or reserved ("@comment"): never a term.
                iri::keyword(key).ok_or_else(|| JsonLdError::UndefinedTerm(key.clone()))?
            } else {
                match ctx.term(key) {
                    Some(def) => match &def.mapping {
                        Mapping::Keyword(k) => *k,
                        Mapping::Iri(i) => {
                            e.property(key, Cow::Borrowed(i), Some(def), value)?;
                            continue;
                        }
                        Mapping::Null => return Err(JsonLdError::UndefinedTerm(key.clone()).into()),
                    },
                    None => match iri::expand_iri(ctx, key, true) {
                        Expanded::Iri(i) => {
                            e.property(key, i, None, value)?;
                            continue;
                        }
                        Expanded::Keyword(k) => k,
                        Expanded::Relative(_) | Expanded::Null => {
                            return Err(JsonLdError::UndefinedTerm(key.clone()).into());
                        }
                    },
                }
            };
            let slot = match keyword {
                Keyword::Context => continue,
                Keyword::Type => {
                    let slot = e.types.iter_mut().find(|t| t.is_none());
                    let slot = slot.ok_or(CompiledError::Unsupported("three keys for @type"))?;
                    *slot = Some(value);
                    continue;
                }
                Keyword::Id => &mut e.id,
                Keyword::Value => &mut e.value,
                Keyword::Language => &mut e.language,
                Keyword::List => &mut e.list,
                Keyword::Set => &mut e.set,
                Keyword::Graph => &mut e.graph,
                Keyword::Index => return Err(CompiledError::Unsupported("@index")),
                Keyword::Reverse => return Err(CompiledError::Unsupported("@reverse")),
                Keyword::Nest => return Err(CompiledError::Unsupported("@nest")),
                Keyword::Included => return Err(CompiledError::Unsupported("@included")),
                Keyword::Direction => return Err(CompiledError::Unsupported("@direction")),
                _ => {
                    return Err(CompiledError::Unsupported(
                        "framing and context keywords in a node",
                    ));
                }
            };
            if slot.replace(value).is_some() {
                return Err(invalid(format!(
                    "colliding keywords: {key:?} repeats a keyword"
                )));
            }
        }
        Ok(e)
    }

    fn property(
        &mut self,
        key: &'a str,
        iri: Cow<'a, str>,
        def: Option<&'a TermDef>,
        value: &'a Value,
    ) -> Result<()> {
        if iri.starts_with("_:") {
            return Err(CompiledError::Unsupported(
                "blank node identifiers as properties",
            ));
        }
        let valid = def.map_or_else(|| iri::is_absolute_iri(&iri), |d| d.predicate_ok);
        if !valid {
            return Err(invalid(format!(
                "property {key:?} does not expand to a valid IRI"
            )));
        }
        self.props.push(Property {
            key,
            iri,
            def,
            value,
        });
        Ok(())
    }

    /// No entry that only node objects have (properties, `@id`, `@graph`).
    pub fn no_node_entries(&self) -> bool {
        self.props.is_empty() && self.id.is_none() && self.graph.is_none()
    }

    pub fn has_types(&self) -> bool {
        self.types[0].is_some()
    }

    /// The type strings, `type` and `@type` values concatenated.
    pub fn type_values(&self) -> Result<impl Iterator<Item = &'a str> + use<'a>> {
        let mut lists: [&'a [Value]; 2] = [&[], &[]];
        for (list, t) in lists.iter_mut().zip(self.types) {
            *list = match t {
                None => &[],
                Some(Value::Array(a)) if a.iter().all(Value::is_string) => a.as_slice(),
                Some(v @ Value::String(_)) => std::slice::from_ref(v),
                Some(_) => return Err(invalid("@type must be a string or an array of strings")),
            };
        }
        Ok(lists.into_iter().flatten().filter_map(Value::as_str))
    }
}

/// Step 7: a type-scoped context stays in force only for value objects and node references.
pub(super) fn keeps_type_scope(ctx: &ActiveContext, map: &Map<String, Value>) -> bool {
    map.keys()
        .any(|k| ctx.keyword_of(k) == Some(Keyword::Value))
        || (map.len() == 1 && map.keys().all(|k| ctx.keyword_of(k) == Some(Keyword::Id)))
}

/// Step 9: an embedded `@context`; only bundled context URLs and `null` are implemented.
pub(super) fn embedded_context(
    ctx: &Arc<ActiveContext>,
    local: &Value,
) -> Result<Arc<ActiveContext>> {
    let items = match local {
        Value::Array(a) => a.as_slice(),
        other => std::slice::from_ref(other),
    };
    let mut ctx = ctx.clone();
    for item in items {
        ctx = match item {
            Value::Null => context::with_null(&ctx)?,
            Value::String(url) => context::with_url(&ctx, url)?,
            Value::Object(_) => {
                return Err(CompiledError::Unsupported("inline context definitions"));
            }
            _ => return Err(invalid("invalid local context")),
        };
    }
    Ok(ctx)
}

fn strings(v: &Value) -> impl Iterator<Item = &str> {
    let items = match v {
        Value::Array(a) => a.as_slice(),
        other => std::slice::from_ref(other),
    };
    items.iter().filter_map(Value::as_str)
}

/// Steps 10–11: the type-scoped contexts of the map's types, in lexicographical order of
/// keys and then of types, looked up in the context before any of them applies.
pub(super) fn type_scoped(
    type_ctx: &ActiveContext,
    mut ctx: Arc<ActiveContext>,
    map: &Map<String, Value>,
) -> Result<Arc<ActiveContext>> {
    let is_type = |k: &String| type_ctx.keyword_of(k) == Some(Keyword::Type);
    let scoped_of = |t: &str| type_ctx.term(t).and_then(|d| d.scoped);
    // Usually at most one type has a scoped context, and then order does not matter.
    let mut scoped = map
        .iter()
        .filter(|(k, _)| is_type(k))
        .flat_map(|(_, v)| strings(v))
        .filter_map(scoped_of);
    let Some(first) = scoped.next() else {
        return Ok(ctx);
    };
    if scoped.next().is_none() {
        return context::with_scoped(&ctx, first, true);
    }
    let mut keys: Vec<&String> = map.keys().filter(|k| is_type(k)).collect();
    keys.sort_unstable();
    for key in keys {
        let mut types: Vec<&str> = strings(&map[key.as_str()]).collect();
        types.sort_unstable();
        for s in types.into_iter().filter_map(scoped_of) {
            ctx = context::with_scoped(&ctx, s, true)?;
        }
    }
    Ok(ctx)
}
