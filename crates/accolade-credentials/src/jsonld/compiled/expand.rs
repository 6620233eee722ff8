//! The Expansion algorithm (JSON-LD 1.1 API §5.1.2) fused with Node Map Generation and
//! Deserialize JSON-LD to RDF (§7.2.2, §8.1.2): each node object is expanded and its
//! statements written in the same step. Step numbers in comments are those of §5.1.2.

use super::context::{self, ActiveContext, TypeMapping};
use super::iri::Keyword;
use super::keys::{Entries, Prop, Property, embedded_context, keeps_type_scope, type_scoped};
use super::literal;
use super::value::{node_id, scalar_value, type_term, value_object};
use super::{CompiledError, Result, invalid};
use crate::jsonld::{JsonLdError, Limits};
use crate::rdf::{Quad, RDF_TYPE, Term};
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
    x.values(&context::initial(), None, doc, &None, 0, &mut Out::Drop)?;
    Ok(x.quads)
}

/// An expanded value as an RDF object: a node, a literal, or a list of them.
enum Obj {
    Term(Term),
    List(Vec<Term>),
}

/// Where expanded values go.
enum Out<'o> {
    /// Straight into statements `subject predicate value` (most properties).
    Emit {
        subject: &'o Term,
        predicate: &'o str,
    },
    /// Collected: list items, graph container values.
    Collect(&'o mut Vec<Obj>),
    /// Dropped: free-floating values at the top level or in a `@graph`.
    Drop,
}

struct Expander {
    quads: Vec<Quad>,
    max_quads: usize,
    max_depth: usize,
    next_blank: u64,
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

    /// Where an expanded value goes.
    fn put(&mut self, out: &mut Out<'_>, obj: Obj, graph: &Option<Term>) -> Result<()> {
        match out {
            Out::Emit { subject, predicate } => match obj {
                Obj::Term(t) => self.push(subject, predicate, t, graph),
                Obj::List(items) => self.emit_list(subject, predicate, items, graph),
            },
            Out::Collect(objs) => {
                objs.push(obj);
                Ok(())
            }
            Out::Drop => Ok(()),
        }
    }

    /// Expands `value` as the value of the active property `prop` (`None`: the document root
    /// or a `@graph`, where free-floating values are dropped).
    fn values(
        &mut self,
        ctx: &Arc<ActiveContext>,
        prop: Option<Prop<'_>>,
        value: &Value,
        graph: &Option<Term>,
        depth: usize,
        out: &mut Out<'_>,
    ) -> Result<()> {
        if depth > self.max_depth {
            return Err(JsonLdError::TooDeep(self.max_depth).into());
        }
        match value {
            Value::Null => Ok(()),
            Value::Array(items) => {
                let in_list = prop.and_then(|p| p.def).is_some_and(|d| d.container.list);
                for item in items {
                    if in_list && item.is_array() {
                        return Err(CompiledError::Unsupported("lists of lists"));
                    }
                    self.values(ctx, prop, item, graph, depth + 1, out)?;
                }
                Ok(())
            }
            Value::Object(map) => self.map(ctx, prop, map, graph, depth, out),
            scalar => match prop {
                Some(p) => {
                    let term = scalar_value(ctx, p, scalar)?;
                    self.put(out, Obj::Term(term), graph)
                }
                None => Ok(()),
            },
        }
    }

    /// Expansion of a map (steps 3 and 7–20) and, for a node object, its statements.
    fn map(
        &mut self,
        ctx_in: &Arc<ActiveContext>,
        prop: Option<Prop<'_>>,
        map: &Map<String, Value>,
        graph: &Option<Term>,
        depth: usize,
        out: &mut Out<'_>,
    ) -> Result<()> {
        let prop_def = prop.and_then(|p| p.def);
        let mut ctx = ctx_in.clone();
        let mut reverted = false;
        if let Some(previous) = &ctx_in.previous
            && !keeps_type_scope(ctx_in, map)
        {
            ctx = previous.clone();
            reverted = true;
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
        // Keywords re-expand the active property's value in this node's context.
        let inner = prop.map(|p| Prop {
            key: p.key,
            def: ctx.term(p.key),
        });

        if let Some(v) = e.value {
            if !e.no_node_entries() || e.list.is_some() || e.set.is_some() {
                return Err(invalid(
                    "invalid value object: it has entries other than @value, @type, @language",
                ));
            }
            if !top && let Some(lit) = value_object(&type_ctx, v, e.types, e.language)? {
                self.put(out, Obj::Term(Term::Literal(lit)), graph)?;
            }
            return Ok(());
        }
        if reverted && (e.list.is_some() || e.set.is_some()) {
            // The spec reverts the type-scoped context for these too (so a type-scoped
            // property is undefined inside them); oxjsonld does not. Left to the general one.
            return Err(CompiledError::Unsupported(
                "@list or @set objects in type-scoped nodes",
            ));
        }
        if let Some(items) = e.list {
            if !e.no_node_entries() || e.has_types() || e.set.is_some() || e.language.is_some() {
                return Err(invalid(
                    "invalid list object: it has entries other than @list",
                ));
            }
            if !top {
                let list = self.list_items(&ctx, inner, items, graph, depth)?;
                self.put(out, Obj::List(list), graph)?;
            }
            return Ok(());
        }
        if let Some(items) = e.set {
            if !e.no_node_entries() || e.has_types() || e.language.is_some() {
                return Err(invalid(
                    "invalid set object: it has entries other than @set",
                ));
            }
            if prop_def.is_some_and(|d| d.container.list) {
                return Err(CompiledError::Unsupported(
                    "a set object in a list container",
                ));
            }
            return self.values(&ctx, inner, items, graph, depth + 1, out);
        }
        if e.language.is_some() {
            if e.no_node_entries() && !e.has_types() {
                return Ok(()); // Step 18: a map with only @language expands to nothing.
            }
            return Err(CompiledError::Unsupported("@language in a node object"));
        }
        if depth == 0 && e.props.is_empty() && e.id.is_none() && !e.has_types() {
            // The document is only a @graph (and @context): its nodes are top-level nodes.
            if let Some(g) = e.graph {
                return self.values(&ctx, None, g, graph, depth + 1, &mut Out::Drop);
            }
        }
        let subject = match e.id {
            Some(Value::String(id)) => node_id(&ctx, id)?,
            Some(_) => return Err(invalid("@id must be a string")),
            None => self.fresh(),
        };
        for t in e.type_values()? {
            let object = type_term(&type_ctx, t)?;
            self.push(&subject, RDF_TYPE, object, graph)?;
        }
        if let Some(g) = e.graph {
            let named = Some(subject.clone());
            self.values(&ctx, None, g, &named, depth + 1, &mut Out::Drop)?;
        }
        for p in &e.props {
            self.property(&ctx, p, &subject, graph, depth + 1)?;
        }
        self.put(out, Obj::Term(subject), graph)
    }

    /// One property of a node object (steps 13.5–13.14), written as statements.
    fn property(
        &mut self,
        ctx: &Arc<ActiveContext>,
        p: &Property<'_>,
        subject: &Term,
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<()> {
        if let Some(what) = p.def.and_then(|d| d.unsupported) {
            return Err(CompiledError::Unsupported(what));
        }
        if p.def
            .is_some_and(|d| d.type_mapping == Some(TypeMapping::Json))
        {
            let object = Term::Literal(literal::json(p.value));
            return self.push(subject, &p.iri, object, graph);
        }
        let container = p.def.map(|d| d.container).unwrap_or_default();
        if container.graph {
            return self.graph_container(ctx, p, subject, graph, depth);
        }
        if !container.list {
            let mut out = Out::Emit {
                subject,
                predicate: &p.iri,
            };
            return self.values(ctx, Some(p.prop()), p.value, graph, depth, &mut out);
        }
        let mut objs = Vec::new();
        self.values(
            ctx,
            Some(p.prop()),
            p.value,
            graph,
            depth,
            &mut Out::Collect(&mut objs),
        )?;
        // Step 13.11: a list object stays as it is; anything else becomes one.
        let items = match objs.as_slice() {
            [Obj::List(_)] if p.value.is_object() => match objs.pop() {
                Some(Obj::List(items)) => items,
                _ => Vec::new(),
            },
            _ => terms_only(objs)?,
        };
        self.emit_list(subject, &p.iri, items, graph)
    }

    /// Step 13.12: each value becomes a graph object, a blank node naming the graph that
    /// holds the value's statements (e.g. a Data Integrity `proof`).
    fn graph_container(
        &mut self,
        ctx: &Arc<ActiveContext>,
        p: &Property<'_>,
        subject: &Term,
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<()> {
        let items = match p.value {
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
            // The spec wraps a bare node reference in a graph object too; oxjsonld links the
            // reference itself. Not a shape credentials use: left to the general processor.
            let reference = match item {
                Value::Object(m) => {
                    m.len() == 1 && m.keys().all(|k| ctx.keyword_of(k) == Some(Keyword::Id))
                }
                _ => true,
            };
            if reference {
                return Err(CompiledError::Unsupported(
                    "node references in a graph container",
                ));
            }
            let name = Some(self.fresh());
            let mut objs = Vec::new();
            self.values(
                ctx,
                Some(p.prop()),
                item,
                &name,
                depth,
                &mut Out::Collect(&mut objs),
            )?;
            match (objs.as_slice(), name) {
                ([], _) => {}
                ([Obj::Term(Term::Iri(_) | Term::Blank(_))], Some(name)) => {
                    self.push(subject, &p.iri, name, graph)?;
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
        prop: Option<Prop<'_>>,
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
            self.values(
                ctx,
                prop,
                item,
                graph,
                depth + 1,
                &mut Out::Collect(&mut objs),
            )?;
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
