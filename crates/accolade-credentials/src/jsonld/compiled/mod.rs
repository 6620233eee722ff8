//! Accolade's own JSON-LD 1.1 expansion and RDF deserialization over the bundled contexts,
//! written from the W3C "JSON-LD 1.1 Processing Algorithms and API" recommendation.
//!
//! Why a second processor: the general one re-processes the (large) VC and Open Badges
//! contexts for every document, which costs milliseconds. Here every context is processed
//! once and the result cached ([`context`]): the document contexts, and lazily the type-scoped
//! and property-scoped contexts derived from them. Expansion and "Deserialize JSON-LD to RDF"
//! (node map generation) are fused into one walk over the `serde_json::Value` ([`expand`]),
//! which is equivalent for the features implemented because RDF is a set of statements: the
//! node map only merges and deduplicates them.
//!
//! The processor is strict ("safe mode"): a property or type the contexts do not define, a
//! relative IRI where an absolute one is needed, an invalid IRI, language tag or blank node
//! label are errors instead of silently dropped statements. Features it does not implement
//! (inline context objects, `@reverse`, `@nest`, `@included`, index/language/id/type maps,
//! `@direction`, default languages…) give [`CompiledError::Unsupported`], on which
//! [`super::to_rdf`] falls back to the general processor.

mod context;
mod expand;
mod iri;
mod keys;
mod literal;
mod term;
mod value;

use super::{JsonLdError, Limits};
use crate::rdf::Quad;

/// Why the compiled processor did not produce quads.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum CompiledError {
    /// The document uses a JSON-LD feature this processor does not implement; the general
    /// processor handles it.
    #[error("the compiled JSON-LD processor does not implement {0}")]
    Unsupported(&'static str),
    /// The document is invalid, unsafe, or over the limits: no processor should accept it.
    #[error(transparent)]
    JsonLd(#[from] JsonLdError),
}

pub(crate) type Result<T> = std::result::Result<T, CompiledError>;

pub(crate) fn invalid(msg: impl Into<String>) -> CompiledError {
    CompiledError::JsonLd(JsonLdError::Invalid(msg.into()))
}

/// Converts a JSON-LD document to RDF quads (blank node labels are arbitrary; canonicalize
/// before comparing or hashing). Enforces `limits.max_depth` and `limits.max_quads`; the
/// byte-size limit is the caller's, which holds the serialized form.
pub fn to_rdf(doc: &serde_json::Value, limits: &Limits) -> Result<Vec<Quad>> {
    expand::document_to_rdf(doc, limits)
}

#[cfg(test)]
mod tests;
