//! Structural limits every SVG passes before it is parsed for rendering: no DTD, bounded
//! nesting, bounded size once `<use>` references are expanded (a "use bomb" is the SVG
//! form of billion laughs).

use crate::MediaError;
use resvg::usvg::roxmltree::{self, Document, Node, NodeId};
use std::collections::HashMap;

/// Most elements an SVG may have.
pub const MAX_SVG_ELEMENTS: usize = 50_000;
/// Deepest element nesting.
pub const MAX_SVG_DEPTH: usize = 64;
/// Most elements once every `<use>` is expanded.
pub const MAX_SVG_EXPANDED: u64 = 200_000;
/// Longest chain of `<use>` references.
const MAX_REFERENCE_DEPTH: usize = 32;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Refuses any markup declaration: `<!DOCTYPE`, `<!ENTITY`, `<!ATTLIST`, … Only comments and
/// CDATA sections may start with `<!`.
pub(crate) fn refuse_declarations(text: &str) -> Result<(), MediaError> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find("<!").map(|i| i + from) {
        let rest = &bytes[i + 2..];
        if !(rest.starts_with(b"--") || rest.starts_with(b"[CDATA[")) {
            return Err(MediaError::SvgRefused(
                "it contains a DOCTYPE or entity declaration, which SVG images may not have".into(),
            ));
        }
        from = i + 2;
    }
    Ok(())
}

/// Parses SVG text strictly: no DTD, a bounded number of nodes, the root an `<svg>` element.
pub(crate) fn parse_strict(text: &str) -> Result<Document<'_>, MediaError> {
    refuse_declarations(text)?;
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: (MAX_SVG_ELEMENTS * 4) as u32,
        entity_resolver: None,
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => {
            MediaError::SvgRefused(format!("it has more than {MAX_SVG_ELEMENTS} elements"))
        }
        roxmltree::Error::DtdDetected => MediaError::SvgRefused(
            "it contains a DOCTYPE or entity declaration, which SVG images may not have".into(),
        ),
        e => MediaError::SvgInvalid(e.to_string()),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(MediaError::SvgInvalid(
            "the document is not an SVG image (no <svg> root in the SVG namespace)".into(),
        ));
    }
    check_structure(&doc)?;
    Ok(doc)
}

/// Element count, nesting depth and expanded size.
fn check_structure(doc: &Document) -> Result<(), MediaError> {
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut ids: HashMap<&str, NodeId> = HashMap::new();
    for edge in traverse(doc.root_element()) {
        match edge {
            Edge::Open(node) if node.is_element() => {
                depth += 1;
                elements += 1;
                if depth > MAX_SVG_DEPTH {
                    return Err(MediaError::SvgRefused(format!(
                        "its elements nest more than {MAX_SVG_DEPTH} levels deep"
                    )));
                }
                if elements > MAX_SVG_ELEMENTS {
                    return Err(MediaError::SvgRefused(format!(
                        "it has more than {MAX_SVG_ELEMENTS} elements"
                    )));
                }
                if let Some(id) = node.attribute("id") {
                    ids.entry(id).or_insert(node.id());
                }
            }
            Edge::Close(node) if node.is_element() => depth -= 1,
            _ => {}
        }
    }
    let mut costs = Costs {
        doc,
        ids,
        memo: HashMap::new(),
        open: Vec::new(),
    };
    let total = costs.cost(doc.root_element(), 0)?;
    if total > MAX_SVG_EXPANDED {
        return Err(expanded_error());
    }
    Ok(())
}

fn expanded_error() -> MediaError {
    MediaError::SvgRefused(format!(
        "its <use> references expand to more than {MAX_SVG_EXPANDED} elements"
    ))
}

struct Costs<'a, 'i> {
    doc: &'a Document<'i>,
    ids: HashMap<&'a str, NodeId>,
    memo: HashMap<NodeId, u64>,
    /// The `<use>` targets being expanded, to find cycles.
    open: Vec<NodeId>,
}

impl<'a, 'i> Costs<'a, 'i> {
    /// Elements this node stands for once drawn: itself, its children, and what it uses.
    fn cost(&mut self, node: Node<'a, 'i>, chain: usize) -> Result<u64, MediaError> {
        if let Some(c) = self.memo.get(&node.id()) {
            return Ok(*c);
        }
        let mut total: u64 = 1;
        for child in node.children().filter(|c| c.is_element()) {
            total = total.saturating_add(self.cost(child, chain)?);
            if total > MAX_SVG_EXPANDED {
                return Err(expanded_error());
            }
        }
        if node.tag_name().name() == "use" {
            let href = node
                .attribute("href")
                .or_else(|| node.attribute(("http://www.w3.org/1999/xlink", "href")));
            let target = href
                .and_then(|h| h.trim().strip_prefix('#'))
                .and_then(|id| self.ids.get(id).copied())
                .and_then(|id| self.doc.get_node(id));
            if let Some(target) = target {
                if chain >= MAX_REFERENCE_DEPTH {
                    return Err(MediaError::SvgRefused(format!(
                        "its <use> references chain more than {MAX_REFERENCE_DEPTH} deep"
                    )));
                }
                if self.open.contains(&target.id()) || target.ancestors().any(|a| a == node) {
                    return Err(MediaError::SvgRefused(
                        "a <use> element refers to itself".into(),
                    ));
                }
                self.open.push(target.id());
                let c = self.cost(target, chain + 1);
                self.open.pop();
                total = total.saturating_add(c?);
            }
        }
        if total > MAX_SVG_EXPANDED {
            return Err(expanded_error());
        }
        self.memo.insert(node.id(), total);
        Ok(total)
    }
}

/// One step of a depth-first walk: entering or leaving a node.
pub(crate) enum Edge<'a, 'i> {
    Open(Node<'a, 'i>),
    Close(Node<'a, 'i>),
}

/// Walks a subtree without recursion.
pub(crate) fn traverse<'a, 'i>(root: Node<'a, 'i>) -> impl Iterator<Item = Edge<'a, 'i>> {
    let mut next = Some(Edge::Open(root));
    std::iter::from_fn(move || {
        let current = next.take()?;
        next = match &current {
            Edge::Open(n) => Some(match n.first_child() {
                Some(c) => Edge::Open(c),
                None => Edge::Close(*n),
            }),
            Edge::Close(n) if *n == root => None,
            Edge::Close(n) => match n.next_sibling() {
                Some(s) => Some(Edge::Open(s)),
                None => n.parent().map(Edge::Close),
            },
        };
        Some(current)
    })
}
