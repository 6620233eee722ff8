//! A small RDF data model (just what canonicalization needs), its canonical N-Quads form, and
//! RDFC-1.0 canonicalization with a work limit (see [`canon`]).

pub mod canon;

use std::fmt::Write;

pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// An RDF term. Blank node labels are local to one dataset.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    Iri(String),
    Blank(String),
    Literal(Literal),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    pub value: String,
    /// The datatype IRI; `rdf:langString` when `language` is set.
    pub datatype: String,
    pub language: Option<String>,
}

/// A quad; `graph` is `None` for the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    pub subject: Term,
    pub predicate: String,
    pub object: Term,
    pub graph: Option<Term>,
}

impl Term {
    pub fn as_blank(&self) -> Option<&str> {
        match self {
            Term::Blank(b) => Some(b),
            _ => None,
        }
    }
}

/// Writes a blank node's (new) label, without the `_:` prefix.
pub(crate) type BlankNamer<'a> = &'a dyn Fn(&str, &mut String);

/// Writes a term in canonical N-Quads form, with blank nodes renamed by `blank`.
pub(crate) fn write_term(out: &mut String, term: &Term, blank: BlankNamer<'_>) {
    match term {
        Term::Iri(iri) => write_iri(out, iri),
        Term::Blank(b) => {
            out.push_str("_:");
            blank(b, out);
        }
        Term::Literal(lit) => {
            out.push('"');
            escape_literal(out, &lit.value);
            out.push('"');
            if let Some(lang) = &lit.language {
                out.push('@');
                out.push_str(lang);
            } else if lit.datatype != XSD_STRING {
                out.push_str("^^");
                write_iri(out, &lit.datatype);
            }
        }
    }
}

/// `<iri>`, with the characters N-Quads forbids in IRIs written as `\uXXXX`.
fn write_iri(out: &mut String, iri: &str) {
    out.push('<');
    let needs_escape = |b: u8| {
        b <= b' '
            || matches!(
                b,
                b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
            )
    };
    if !iri.bytes().any(needs_escape) {
        out.push_str(iri);
        out.push('>');
        return;
    }
    for c in iri.chars() {
        match c {
            '\0'..=' ' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('>');
}

/// Canonical N-Quads string escaping (RDF 1.1 N-Quads canonical form as used by RDFC-1.0):
/// `\` `"` and the line breaks are escaped, other control characters as `\uXXXX`.
fn escape_literal(out: &mut String, value: &str) {
    if !value
        .bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == b'"' || b == b'\\')
    {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// One quad as an N-Quads line (with the trailing newline).
pub(crate) fn write_quad(out: &mut String, q: &Quad, blank: BlankNamer<'_>) {
    write_term(out, &q.subject, blank);
    out.push(' ');
    write_iri(out, &q.predicate);
    out.push(' ');
    write_term(out, &q.object, blank);
    if let Some(g) = &q.graph {
        out.push(' ');
        write_term(out, g, blank);
    }
    out.push_str(" .\n");
}
