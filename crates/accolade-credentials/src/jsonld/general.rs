//! The general processor: oxjsonld's JSON-LD 1.1 expansion to RDF, with a document loader
//! that only answers from the bundled contexts.

use super::{JsonLdError, Limits};
use crate::rdf::{Literal, Quad, Term};
use oxjsonld::{JsonLdParser, JsonLdRemoteDocument};

/// Converts serialized JSON-LD to quads.
pub fn to_rdf(bytes: &[u8], limits: &Limits) -> Result<Vec<Quad>, JsonLdError> {
    if bytes.len() > limits.max_bytes {
        return Err(JsonLdError::TooLarge(bytes.len(), limits.max_bytes));
    }
    let parser = JsonLdParser::new()
        .for_slice(bytes)
        .with_load_document_callback(|url, _| match crate::contexts::get(url) {
            Some(ctx) => Ok(JsonLdRemoteDocument {
                document: ctx.json.as_bytes().to_vec(),
                document_url: url.to_owned(),
            }),
            None => Err(format!("{UNKNOWN_CONTEXT_MARK}{url}").into()),
        });
    let mut out = Vec::new();
    let started = std::time::Instant::now();
    for quad in parser {
        if out.len() % 256 == 255 && started.elapsed() > MAX_TIME {
            return Err(JsonLdError::Invalid(
                "the document takes too long to process".into(),
            ));
        }
        let quad = quad.map_err(|e| {
            let msg = e.to_string();
            match msg.split_once(UNKNOWN_CONTEXT_MARK) {
                Some((_, url)) => JsonLdError::UnknownContext(url.trim().to_owned()),
                None => JsonLdError::Invalid(msg),
            }
        })?;
        if out.len() >= limits.max_quads {
            return Err(JsonLdError::TooManyQuads(limits.max_quads));
        }
        out.push(convert_quad(quad));
    }
    Ok(out)
}

/// A bound on the general processor's work for one document (the compiled processor is
/// linear in the input and needs none).
const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(2);

const UNKNOWN_CONTEXT_MARK: &str = "not a bundled context: ";

fn convert_subject(s: oxrdf::NamedOrBlankNode) -> Term {
    match s {
        oxrdf::NamedOrBlankNode::NamedNode(n) => Term::Iri(n.into_string()),
        oxrdf::NamedOrBlankNode::BlankNode(b) => Term::Blank(b.into_string()),
    }
}

fn convert_quad(q: oxrdf::Quad) -> Quad {
    let object = match q.object {
        oxrdf::Term::NamedNode(n) => Term::Iri(n.into_string()),
        oxrdf::Term::BlankNode(b) => Term::Blank(b.into_string()),
        oxrdf::Term::Literal(l) => {
            let (value, datatype, language) = l.destruct();
            let datatype = match (&language, datatype) {
                (Some(_), _) => crate::rdf::RDF_LANG_STRING.to_owned(),
                (None, Some(d)) => d.into_string(),
                (None, None) => crate::rdf::XSD_STRING.to_owned(),
            };
            Term::Literal(Literal {
                value,
                datatype,
                language,
            })
        }
    };
    let graph = match q.graph_name {
        oxrdf::GraphName::DefaultGraph => None,
        oxrdf::GraphName::NamedNode(n) => Some(Term::Iri(n.into_string())),
        oxrdf::GraphName::BlankNode(b) => Some(Term::Blank(b.into_string())),
    };
    Quad {
        subject: convert_subject(q.subject),
        predicate: q.predicate.into_string(),
        object,
        graph,
    }
}
