//! JSON-LD to RDF over the bundled contexts only.
//!
//! Two processors produce the same quads: [`compiled`], Accolade's own expansion over
//! contexts processed once and cached (fast, and strict: a term no context defines is an
//! error, as in the Digital Bazaar stack's "safe mode"), and [`general`], a full JSON-LD 1.1
//! processor used for documents that need features the compiled one does not implement.
//! Differential tests hold the two equal. Nothing is ever fetched: a context URL that is not
//! bundled (or whose bytes no longer match their pinned hash) fails the document.

pub mod compiled;
pub mod general;

use crate::rdf::Quad;

/// Bounds on untrusted documents.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_depth: usize,
    pub max_quads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 2 * 1024 * 1024,
            max_depth: 64,
            max_quads: 20_000,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JsonLdError {
    #[error("the document is {0} bytes, more than the {1} allowed")]
    TooLarge(usize, usize),
    #[error("the document nests deeper than {0} levels")]
    TooDeep(usize),
    #[error("the document produces more than {0} statements")]
    TooManyQuads(usize),
    #[error("the document is not JSON: {0}")]
    NotJson(String),
    #[error("unknown JSON-LD context {0}: only the bundled standard contexts are accepted")]
    UnknownContext(String),
    #[error("the property or type \"{0}\" is not defined by the document's contexts")]
    UndefinedTerm(String),
    #[error("invalid JSON-LD: {0}")]
    Invalid(String),
}

/// Converts a JSON-LD document to RDF quads, preferring the compiled processor: the general
/// one only runs for documents using features the compiled one does not implement (its
/// errors, undefined terms included, are final).
pub fn to_rdf(doc: &serde_json::Value, limits: &Limits) -> Result<Vec<Quad>, JsonLdError> {
    check_depth(doc, limits.max_depth)?;
    // Measured without building the bytes: the compiled path does not need them.
    let mut size = ByteCount(0);
    serde_json::to_writer(&mut size, doc).map_err(|e| JsonLdError::NotJson(e.to_string()))?;
    if size.0 > limits.max_bytes {
        return Err(JsonLdError::TooLarge(size.0, limits.max_bytes));
    }
    match compiled::to_rdf(doc, limits) {
        Ok(quads) => Ok(quads),
        Err(compiled::CompiledError::JsonLd(e)) => Err(e),
        Err(compiled::CompiledError::Unsupported(_)) => {
            let bytes = serde_json::to_vec(doc).map_err(|e| JsonLdError::NotJson(e.to_string()))?;
            general::to_rdf(&bytes, limits)
        }
    }
}

/// An `io::Write` that only counts.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Refuses documents nested deeper than `max` (arrays and objects both count).
pub fn check_depth(v: &serde_json::Value, max: usize) -> Result<(), JsonLdError> {
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        if d > max {
            return Err(JsonLdError::TooDeep(max));
        }
        match v {
            serde_json::Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            serde_json::Value::Object(o) => stack.extend(o.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    Ok(())
}
