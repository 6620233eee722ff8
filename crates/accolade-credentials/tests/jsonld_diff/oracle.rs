//! The independent oracle: oxrdf's own RDFC-1.0 implementation (feature `rdfc-10`), oxttl's
//! N-Quads parser, and the conversions between Accolade's RDF terms and oxrdf's. Nothing
//! here uses Accolade's canonicalizer or its N-Quads writer.

use accolade_credentials::rdf::{Literal, Quad, RDF_LANG_STRING, Term, XSD_STRING};
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxrdf::{BlankNode, Dataset, GraphName, NamedNode, NamedOrBlankNode};

/// Accolade's quad as oxrdf's, term for term (no validation, no case folding: the terms
/// must reach the oracle exactly as Accolade holds them).
pub(crate) fn to_oxrdf(q: &Quad) -> oxrdf::Quad {
    let subject: NamedOrBlankNode = match &q.subject {
        Term::Iri(i) => NamedNode::new_unchecked(i).into(),
        Term::Blank(b) => BlankNode::new_unchecked(b).into(),
        Term::Literal(l) => panic!("a literal subject: {l:?}"),
    };
    let object: oxrdf::Term = match &q.object {
        Term::Iri(i) => NamedNode::new_unchecked(i).into(),
        Term::Blank(b) => BlankNode::new_unchecked(b).into(),
        Term::Literal(l) => match &l.language {
            Some(lang) => {
                assert_eq!(l.datatype, RDF_LANG_STRING, "{l:?}");
                oxrdf::Literal::new_language_tagged_literal_unchecked(&l.value, lang).into()
            }
            None => {
                oxrdf::Literal::new_typed_literal(&l.value, NamedNode::new_unchecked(&l.datatype))
                    .into()
            }
        },
    };
    let graph = match &q.graph {
        None => GraphName::DefaultGraph,
        Some(Term::Iri(i)) => NamedNode::new_unchecked(i).into(),
        Some(Term::Blank(b)) => BlankNode::new_unchecked(b).into(),
        Some(Term::Literal(l)) => panic!("a literal graph name: {l:?}"),
    };
    oxrdf::Quad::new(
        subject,
        NamedNode::new_unchecked(&q.predicate),
        object,
        graph,
    )
}

/// oxrdf's quad as Accolade's.
pub(crate) fn from_oxrdf(q: oxrdf::Quad) -> Quad {
    let subject = match q.subject {
        NamedOrBlankNode::NamedNode(n) => Term::Iri(n.into_string()),
        NamedOrBlankNode::BlankNode(b) => Term::Blank(b.into_string()),
    };
    let object = match q.object {
        oxrdf::Term::NamedNode(n) => Term::Iri(n.into_string()),
        oxrdf::Term::BlankNode(b) => Term::Blank(b.into_string()),
        oxrdf::Term::Literal(l) => {
            let (value, datatype, language) = l.destruct();
            let datatype = match (&language, datatype) {
                (Some(_), _) => RDF_LANG_STRING.to_owned(),
                (None, Some(d)) => d.into_string(),
                (None, None) => XSD_STRING.to_owned(),
            };
            Term::Literal(Literal {
                value,
                datatype,
                language,
            })
        }
    };
    let graph = match q.graph_name {
        GraphName::DefaultGraph => None,
        GraphName::NamedNode(n) => Some(Term::Iri(n.into_string())),
        GraphName::BlankNode(b) => Some(Term::Blank(b.into_string())),
    };
    Quad {
        subject,
        predicate: q.predicate.into_string(),
        object,
        graph,
    }
}

/// Parses an N-Quads document with oxttl (`what` names it in errors).
pub(crate) fn nquads(bytes: &[u8], what: &str) -> Vec<Quad> {
    oxttl::NQuadsParser::new()
        .for_slice(bytes)
        .map(|q| from_oxrdf(q.unwrap_or_else(|e| panic!("{what}: {e}"))))
        .collect()
}

/// The canonical N-Quads document according to oxrdf: its RDFC-1.0 blank node labels, its
/// N-Quads writer, lines sorted in code point order (the order of UTF-8 bytes), one copy of
/// each quad.
pub(crate) fn oxrdf_canonical(quads: &[Quad], sha384: bool) -> String {
    let mut dataset: Dataset = quads.iter().map(to_oxrdf).collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: if sha384 {
            CanonicalizationHashAlgorithm::Sha384
        } else {
            CanonicalizationHashAlgorithm::Sha256
        },
    });
    let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
    lines.sort_unstable();
    lines.concat()
}
