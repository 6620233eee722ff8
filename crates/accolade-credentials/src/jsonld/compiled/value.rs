//! Values: node identifiers, types, Value Expansion of scalars (JSON-LD 1.1 API §5.3.2) and
//! value objects, as RDF terms.

use super::context::{self, ActiveContext, TypeMapping};
use super::iri::{self, Expanded, Keyword};
use super::keys::Prop;
use super::literal;
use super::{CompiledError, Result, invalid};
use crate::jsonld::JsonLdError;
use crate::rdf::{Literal, Term};
use serde_json::Value;
use std::sync::Arc;

/// An `@id` value (or an `@id`-coerced string): an absolute IRI or a blank node.
pub(super) fn node_id(ctx: &ActiveContext, id: &str) -> Result<Term> {
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
pub(super) fn type_term(ctx: &ActiveContext, t: &str) -> Result<Term> {
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

/// Step 4 and Value Expansion (API §5.3.2) for a scalar value of the active property.
pub(super) fn scalar_value(
    ctx: &Arc<ActiveContext>,
    prop: Prop<'_>,
    value: &Value,
) -> Result<Term> {
    // A property-scoped context applies to the value, and may redefine the property.
    let scoped_ctx;
    let (ctx, def) = match prop.def.and_then(|d| d.scoped) {
        Some(scoped) => {
            scoped_ctx = context::with_scoped(ctx, scoped, false)?;
            (&scoped_ctx, scoped_ctx.term(prop.key))
        }
        None => (ctx, prop.def),
    };
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
pub(super) fn value_object(
    type_ctx: &ActiveContext,
    value: &Value,
    types: [Option<&Value>; 2],
    language: Option<&Value>,
) -> Result<Option<Literal>> {
    let datatype = match types {
        [None, _] => None,
        [Some(Value::String(t)), None] => match iri::expand_iri(type_ctx, t, true) {
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
