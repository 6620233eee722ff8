//! The Expansion algorithm (JSON-LD 1.1 API §5.1.2) fused with Node Map Generation and
//! Deserialize JSON-LD to RDF (§7.2.2, §8.1.2): each node object is expanded and its
//! statements written in the same step. Step numbers in comments are those of §5.1.2.

use super::context::{self, ActiveContext, TypeMapping};
use super::iri::{self, Expanded, Keyword};
use super::literal;
use super::{CompiledError, Result, invalid};
use crate::jsonld::{JsonLdError, Limits};
use crate::rdf::{Literal, Quad, RDF_TYPE, Term};
use serde_json::{Map, Value};
use std::sync::Arc;

const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";

pub(super) fn document_to_rdf(doc: &Value, limits: &Limits) -> Result<Vec<Quad>> {
    let mut x = Expander {
        quads: Vec::with_capacity(64),
        max_quads: limits.max_quads,
        max_depth: limits.max_depth,
        next_blank: 0,
    };
    let mut sink = Vec::new();
    x.values(&context::initial(), None, doc, &None, 0, &mut sink)?;
    Ok(x.quads)
}

/// An expanded value as an RDF object: a node, a literal, or a list of them.
enum Obj {
    Term(Term),
    List(Vec<Term>),
}

struct Expander {
    quads: Vec<Quad>,
    max_quads: usize,
    max_depth: usize,
    next_blank: u64,
}

/// The entries of a map, sorted by what their keys expand to (step 13.2).
#[derive(Default)]
struct Entries<'a> {
    id: Option<&'a Value>,
    types: Vec<&'a Value>,
    value: Option<&'a Value>,
    language: Option<&'a Value>,
    list: Option<&'a Value>,
    set: Option<&'a Value>,
    graph: Option<&'a Value>,
    props: Vec<(&'a str, String, &'a Value)>,
}

impl<'a> Entries<'a> {
    fn classify(ctx: &ActiveContext, map: &'a Map<String, Value>) -> Result<Self> {
        let mut e = Entries::default();
        for (key, value) in map {
            if key == "@context" {
                continue;
            }
            let slot = match iri::expand_iri(ctx, key, true) {
                Expanded::Keyword(Keyword::Type) => {
                    e.types.push(value);
                    continue;
                }
                Expanded::Keyword(Keyword::Id) => &mut e.id,
                Expanded::Keyword(Keyword::Value) => &mut e.value,
                Expanded::Keyword(Keyword::Language) => &mut e.language,
                Expanded::Keyword(Keyword::List) => &mut e.list,
                Expanded::Keyword(Keyword::Set) => &mut e.set,
                Expanded::Keyword(Keyword::Graph) => &mut e.graph,
                Expanded::Keyword(Keyword::Index) => {
                    return Err(CompiledError::Unsupported("@index"));
                }
                Expanded::Keyword(Keyword::Reverse) => {
                    return Err(CompiledError::Unsupported("@reverse"));
                }
                Expanded::Keyword(Keyword::Nest) => {
                    return Err(CompiledError::Unsupported("@nest"));
                }
                Expanded::Keyword(Keyword::Included) => {
                    return Err(CompiledError::Unsupported("@included"));
                }
                Expanded::Keyword(Keyword::Direction) => {
                    return Err(CompiledError::Unsupported("@direction"));
                }
                Expanded::Keyword(_) => return Err(CompiledError::Unsupported("framing keywords")),
                Expanded::Iri(i) if i.starts_with("_:") => {
                    return Err(CompiledError::Unsupported(
                        "blank node identifiers as properties",
                    ));
                }
                Expanded::Iri(i) => {
                    let valid = match ctx.term(key) {
                        Some(def) => def.predicate_ok,
                        None => iri::is_absolute_iri(&i),
                    };
                    if !valid {
                        return Err(invalid(format!(
                            "property {key:?} does not expand to a valid IRI"
                        )));
                    }
                    e.props.push((key.as_str(), i.into_owned(), value));
                    continue;
                }
                Expanded::Relative(_) | Expanded::Null => {
                    return Err(JsonLdError::UndefinedTerm(key.clone()).into());
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

    /// No entry that only node objects have (properties, `@id`, `@graph`).
    fn no_node_entries(&self) -> bool {
        self.props.is_empty() && self.id.is_none() && self.graph.is_none()
    }
}

impl Expander {
    fn fresh(&mut self) -> Term {
        self.next_blank += 1;
        Term::Blank(format!("b{}", self.next_blank))
    }

    fn push(
        &mut self,
        subject: &Term,
        predicate: &str,
        object: Term,
        graph: &Option<Term>,
    ) -> Result<()> {
        if self.quads.len() >= self.max_quads {
            return Err(JsonLdError::TooManyQuads(self.max_quads).into());
        }
        self.quads.push(Quad {
            subject: subject.clone(),
            predicate: predicate.to_owned(),
            object,
            graph: graph.clone(),
        });
        Ok(())
    }

    /// Expands `value` as the value of property `prop` (`None`: the document root or a
    /// `@graph`, where free-floating values are dropped), appending the results to `out`.
    fn values(
        &mut self,
        ctx: &Arc<ActiveContext>,
        prop: Option<&str>,
        value: &Value,
        graph: &Option<Term>,
        depth: usize,
        out: &mut Vec<Obj>,
    ) -> Result<()> {
        if depth > self.max_depth {
            return Err(JsonLdError::TooDeep(self.max_depth).into());
        }
        match value {
            Value::Null => Ok(()),
            Value::Array(items) => {
                for item in items {
                    if item.is_array()
                        && prop
                            .and_then(|p| ctx.term(p))
                            .is_some_and(|d| d.container.list)
                    {
                        return Err(CompiledError::Unsupported("lists of lists"));
                    }
                    self.values(ctx, prop, item, graph, depth + 1, out)?;
                }
                Ok(())
            }
            Value::Object(map) => self.map(ctx, prop, map, graph, depth, out),
            scalar => match prop {
                Some(p) => {
                    out.push(Obj::Term(scalar_value(ctx, p, scalar)?));
                    Ok(())
                }
                None => Ok(()),
            },
        }
    }

    /// Expansion of a map (steps 3 and 7–20) and, for a node object, its statements.
    fn map(
        &mut self,
        ctx_in: &Arc<ActiveContext>,
        prop: Option<&str>,
        map: &Map<String, Value>,
        graph: &Option<Term>,
        depth: usize,
        out: &mut Vec<Obj>,
    ) -> Result<()> {
        let prop_def = prop.and_then(|p| ctx_in.term(p));
        let mut ctx = ctx_in.clone();
        if let Some(previous) = &ctx_in.previous
            && !keeps_type_scope(ctx_in, map)
        {
            ctx = previous.clone();
        }
        if let Some(scoped) = prop_def.and_then(|d| d.scoped) {
            ctx = context::with_scoped(&ctx, scoped, false)?;
        }
        if let Some(local) = map.get("@context") {
            ctx = embedded_context(&ctx, local)?;
        }
        let type_ctx = ctx.clone();
        ctx = type_scoped(&type_ctx, ctx, map)?;
        let e = Entries::classify(&ctx, map)?;
        let top = prop.is_none();

        if let Some(v) = e.value {
            if !e.no_node_entries() || e.list.is_some() || e.set.is_some() {
                return Err(invalid(
                    "invalid value object: it has entries other than @value, @type, @language",
                ));
            }
            if !top && let Some(lit) = value_object(&type_ctx, v, &e.types, e.language)? {
                out.push(Obj::Term(Term::Literal(lit)));
            }
            return Ok(());
        }
        if let Some(items) = e.list {
            if !e.no_node_entries()
                || !e.types.is_empty()
                || e.set.is_some()
                || e.language.is_some()
            {
                return Err(invalid(
                    "invalid list object: it has entries other than @list",
                ));
            }
            if !top {
                let list = self.list_items(&ctx, prop, items, graph, depth)?;
                out.push(Obj::List(list));
            }
            return Ok(());
        }
        if let Some(items) = e.set {
            if !e.no_node_entries() || !e.types.is_empty() || e.language.is_some() {
                return Err(invalid(
                    "invalid set object: it has entries other than @set",
                ));
            }
            if prop_def.is_some_and(|d| d.container.list) {
                return Err(CompiledError::Unsupported(
                    "a set object in a list container",
                ));
            }
            return self.values(&ctx, prop, items, graph, depth + 1, out);
        }
        if e.language.is_some() {
            if e.no_node_entries() && e.types.is_empty() {
                return Ok(()); // Step 18: a map with only @language expands to nothing.
            }
            return Err(CompiledError::Unsupported("@language in a node object"));
        }
        if depth == 0 && e.props.is_empty() && e.id.is_none() && e.types.is_empty() {
            // The document is only a @graph (and @context): its nodes are top-level nodes.
            if let Some(g) = e.graph {
                return self.values(&ctx, None, g, graph, depth + 1, &mut Vec::new());
            }
        }
        let subject = match e.id {
            Some(Value::String(id)) => node_id(&ctx, id)?,
            Some(_) => return Err(invalid("@id must be a string")),
            None => self.fresh(),
        };
        for t in &e.types {
            let list = match t {
                Value::String(_) => std::slice::from_ref(*t),
                Value::Array(a) => a.as_slice(),
                _ => return Err(invalid("@type must be a string or an array of strings")),
            };
            for item in list {
                let Value::String(s) = item else {
                    return Err(invalid("@type must be a string or an array of strings"));
                };
                let object = type_term(&type_ctx, s)?;
                self.push(&subject, RDF_TYPE, object, graph)?;
            }
        }
        if let Some(g) = e.graph {
            let named = Some(subject.clone());
            self.values(&ctx, None, g, &named, depth + 1, &mut Vec::new())?;
        }
        for (key, predicate, value) in &e.props {
            self.property(&ctx, key, predicate, value, &subject, graph, depth + 1)?;
        }
        out.push(Obj::Term(subject));
        Ok(())
    }

    /// One property of a node object (steps 13.5–13.14), written as statements.
    #[allow(clippy::too_many_arguments)]
    fn property(
        &mut self,
        ctx: &Arc<ActiveContext>,
        key: &str,
        predicate: &str,
        value: &Value,
        subject: &Term,
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<()> {
        let def = ctx.term(key);
        if let Some(what) = def.and_then(|d| d.unsupported) {
            return Err(CompiledError::Unsupported(what));
        }
        if def.is_some_and(|d| d.type_mapping == Some(TypeMapping::Json)) {
            return self.push(
                subject,
                predicate,
                Term::Literal(literal::json(value)),
                graph,
            );
        }
        let container = def.map(|d| d.container).unwrap_or_default();
        if container.graph {
            return self.graph_container(ctx, key, predicate, value, subject, graph, depth);
        }
        let mut objs = Vec::new();
        self.values(ctx, Some(key), value, graph, depth, &mut objs)?;
        if container.list && !(value.is_object() && matches!(objs.as_slice(), [Obj::List(_)])) {
            let items = terms_only(objs)?;
            return self.emit_list(subject, predicate, items, graph);
        }
        for obj in objs {
            match obj {
                Obj::Term(t) => self.push(subject, predicate, t, graph)?,
                Obj::List(items) => self.emit_list(subject, predicate, items, graph)?,
            }
        }
        Ok(())
    }

    /// Step 13.12: each value becomes a graph object, a blank node naming the graph that
    /// holds the value's statements (e.g. a Data Integrity `proof`).
    #[allow(clippy::too_many_arguments)]
    fn graph_container(
        &mut self,
        ctx: &Arc<ActiveContext>,
        key: &str,
        predicate: &str,
        value: &Value,
        subject: &Term,
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<()> {
        let items = match value {
            Value::Array(a) => a.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in items {
            if item.is_null() {
                continue;
            }
            if item.is_array() {
                return Err(CompiledError::Unsupported(
                    "nested arrays in a graph container",
                ));
            }
            let name = self.fresh();
            let mut objs = Vec::new();
            self.values(ctx, Some(key), item, &Some(name.clone()), depth, &mut objs)?;
            match objs.as_slice() {
                [] => {}
                [Obj::Term(Term::Iri(_) | Term::Blank(_))] => {
                    self.push(subject, predicate, name, graph)?
                }
                _ => {
                    return Err(CompiledError::Unsupported(
                        "values other than node objects in a graph container",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The items of a list object (step 13.4.11).
    fn list_items(
        &mut self,
        ctx: &Arc<ActiveContext>,
        prop: Option<&str>,
        items: &Value,
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<Vec<Term>> {
        let mut objs = Vec::new();
        let list = match items {
            Value::Array(a) => a.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in list {
            if item.is_array() {
                return Err(CompiledError::Unsupported("lists of lists"));
            }
            self.values(ctx, prop, item, graph, depth + 1, &mut objs)?;
        }
        terms_only(objs)
    }

    /// List Conversion (API §8.1.2 step 3.2.5 and §8.7): an `rdf:first`/`rdf:rest` chain.
    fn emit_list(
        &mut self,
        subject: &Term,
        predicate: &str,
        items: Vec<Term>,
        graph: &Option<Term>,
    ) -> Result<()> {
        let nil = || Term::Iri(RDF_NIL.to_owned());
        if items.is_empty() {
            return self.push(subject, predicate, nil(), graph);
        }
        let nodes: Vec<Term> = items.iter().map(|_| self.fresh()).collect();
        self.push(subject, predicate, nodes[0].clone(), graph)?;
        for (i, item) in items.into_iter().enumerate() {
            self.push(&nodes[i], RDF_FIRST, item, graph)?;
            let rest = nodes.get(i + 1).cloned().unwrap_or_else(nil);
            self.push(&nodes[i], RDF_REST, rest, graph)?;
        }
        Ok(())
    }
}

fn terms_only(objs: Vec<Obj>) -> Result<Vec<Term>> {
    objs.into_iter()
        .map(|o| match o {
            Obj::Term(t) => Ok(t),
            Obj::List(_) => Err(CompiledError::Unsupported("lists of lists")),
        })
        .collect()
}

/// Step 7: a type-scoped context stays in force only for value objects and node references.
fn keeps_type_scope(ctx: &ActiveContext, map: &Map<String, Value>) -> bool {
    let is = |key: &str, kw: Keyword| {
        key != "@context" && iri::expand_iri(ctx, key, true) == Expanded::Keyword(kw)
    };
    map.keys().any(|k| is(k, Keyword::Value))
        || (map.len() == 1 && map.keys().all(|k| is(k, Keyword::Id)))
}

/// Step 9: an embedded `@context`; only bundled context URLs and `null` are implemented.
fn embedded_context(ctx: &Arc<ActiveContext>, local: &Value) -> Result<Arc<ActiveContext>> {
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

/// Steps 10–11: the type-scoped contexts of the map's types, in lexicographical order of
/// keys and then of types, looked up in the context before any of them applies.
fn type_scoped(
    type_ctx: &ActiveContext,
    mut ctx: Arc<ActiveContext>,
    map: &Map<String, Value>,
) -> Result<Arc<ActiveContext>> {
    let mut keys: Vec<&String> = map
        .keys()
        .filter(|k| {
            *k != "@context"
                && iri::expand_iri(type_ctx, k, true) == Expanded::Keyword(Keyword::Type)
        })
        .collect();
    keys.sort_unstable();
    for key in keys {
        let mut types: Vec<&str> = match &map[key.as_str()] {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        types.sort_unstable();
        for t in types {
            if let Some(scoped) = type_ctx.term(t).and_then(|d| d.scoped) {
                ctx = context::with_scoped(&ctx, scoped, true)?;
            }
        }
    }
    Ok(ctx)
}

/// An `@id` value (or an `@id`-coerced string): an absolute IRI or a blank node.
fn node_id(ctx: &ActiveContext, id: &str) -> Result<Term> {
    match iri::expand_iri(ctx, id, false) {
        Expanded::Iri(i) => {
            iri_or_blank(&i).ok_or_else(|| invalid(format!("{id:?} is not a valid IRI")))
        }
        Expanded::Relative(_) => Err(invalid(format!(
            "relative IRI {id:?}: the document has no base IRI"
        ))),
        Expanded::Keyword(_) | Expanded::Null => Err(invalid(format!("invalid @id value {id:?}"))),
    }
}

/// A type, or a `@vocab`-coerced string: a term, a compact IRI or an absolute IRI.
fn type_term(ctx: &ActiveContext, t: &str) -> Result<Term> {
    match iri::expand_iri(ctx, t, true) {
        Expanded::Iri(i) => {
            iri_or_blank(&i).ok_or_else(|| invalid(format!("type {t:?} is not a valid IRI")))
        }
        _ => Err(JsonLdError::UndefinedTerm(t.to_owned()).into()),
    }
}

fn iri_or_blank(s: &str) -> Option<Term> {
    if let Some(label) = s.strip_prefix("_:") {
        // Prefixed so that document labels never meet the `b<n>` labels issued here.
        return oxrdf::BlankNodeRef::new(label)
            .is_ok()
            .then(|| Term::Blank(format!("u{label}")));
    }
    iri::is_absolute_iri(s).then(|| Term::Iri(s.to_owned()))
}

/// Step 4 and Value Expansion (API §5.3.2) for a scalar value of property `key`.
fn scalar_value(ctx: &Arc<ActiveContext>, key: &str, value: &Value) -> Result<Term> {
    let scoped_ctx;
    let ctx = match ctx.term(key).and_then(|d| d.scoped) {
        Some(scoped) => {
            scoped_ctx = context::with_scoped(ctx, scoped, false)?;
            &scoped_ctx
        }
        None => ctx,
    };
    let def = ctx.term(key);
    if let Some(what) = def.and_then(|d| d.unsupported) {
        return Err(CompiledError::Unsupported(what));
    }
    if ctx.default_language {
        return Err(CompiledError::Unsupported("default languages"));
    }
    let lit = match (def.and_then(|d| d.type_mapping.as_ref()), value) {
        (Some(TypeMapping::Id), Value::String(s)) => return node_id(ctx, s),
        (Some(TypeMapping::Vocab), Value::String(s)) => return type_term(ctx, s),
        (Some(TypeMapping::Json), v) => literal::json(v),
        (Some(TypeMapping::Datatype(dt)), v) => literal::scalar(v, Some(dt), None)?,
        (_, v) => literal::scalar(v, None, None)?,
    };
    Ok(Term::Literal(lit))
}

/// A value object (step 15): `None` when `@value` is null.
fn value_object(
    type_ctx: &ActiveContext,
    value: &Value,
    types: &[&Value],
    language: Option<&Value>,
) -> Result<Option<Literal>> {
    let datatype = match types {
        [] => None,
        [Value::String(t)] => match iri::expand_iri(type_ctx, t, true) {
            Expanded::Keyword(Keyword::Json) => return Ok(Some(literal::json(value))),
            Expanded::Iri(i) if !i.starts_with("_:") && iri::is_absolute_iri(&i) => Some(i),
            Expanded::Iri(_) => {
                return Err(invalid(format!("invalid typed value: {t:?} is not an IRI")));
            }
            _ => return Err(JsonLdError::UndefinedTerm(t.clone()).into()),
        },
        _ => {
            return Err(invalid(
                "invalid typed value: @type of a value object must be one string",
            ));
        }
    };
    if value.is_null() {
        return Ok(None);
    }
    if value.is_array() || value.is_object() {
        return Err(invalid("invalid value object value"));
    }
    let language = match language {
        None => None,
        Some(Value::String(l)) if value.is_string() && datatype.is_none() => Some(l.as_str()),
        Some(_) => return Err(invalid("invalid language-tagged value")),
    };
    literal::scalar(value, datatype.as_deref(), language).map(Some)
}
