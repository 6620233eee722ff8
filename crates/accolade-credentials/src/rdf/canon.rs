//! RDF Dataset Canonicalization (RDFC-1.0, SHA-256 or SHA-384), written from the W3C
//! recommendation and checked against its test suite (tests/jsonld_diff/rdfc_suite.rs).
//!
//! The worst case of RDFC-1.0 is exponential in the number of blank nodes ("dataset
//! poisoning"), so every run carries a budget: a cap on quads and blank nodes, on calls to
//! Hash N-Degree Quads in all (a power of the number of blank nodes without a unique
//! first-degree hash, the form of limit the Digital Bazaar implementation uses), on
//! permutations in all, and on the depth of its recursion. Exceeding it is an error, never
//! a hang nor a stack overflow.

use super::{Quad, Term, write_quad};
use sha2::{Digest, Sha256, Sha384};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Bounds on the work one canonicalization may do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_quads: usize,
    pub max_blank_nodes: usize,
    /// Hash N-Degree Quads calls allowed in all = (blank nodes without a unique first-degree
    /// hash) ^ this factor.
    pub work_factor: u32,
    /// Permutations tried in all, over every call. Every call but the ones the algorithm
    /// starts from (one per blank node) tries at least one, so this also bounds the calls
    /// when the work factor allows more.
    pub max_permutations: u64,
}

impl Default for Limits {
    /// A work factor of 3 is the least at which the W3C suite's poison graphs that are
    /// "computable given defined limits" (test044–046: two 6-node 3-regular graphs) finish;
    /// its 10-node clique (test074) still stops.
    fn default() -> Self {
        Self {
            max_quads: 20_000,
            max_blank_nodes: 2_000,
            work_factor: 3,
            max_permutations: 20_000,
        }
    }
}

/// How deep Hash N-Degree Quads may recurse (a chain of blank nodes that only their
/// neighbours tell apart recurses once per node). A bound for the stack, not a policy: a
/// level takes a few kilobytes in unoptimized builds, and the verifier runs on threads with
/// 2 MiB stacks.
const MAX_RECURSION: usize = 128;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum CanonError {
    #[error("the document has {0} statements, more than the {1} allowed")]
    TooManyQuads(usize, usize),
    #[error("the document has {0} blank nodes, more than the {1} allowed")]
    TooManyBlankNodes(usize, usize),
    #[error("canonicalizing the document needs more work than allowed (a poisoned dataset?)")]
    TooMuchWork,
}

/// The hash function of a run. RDFC-1.0 uses SHA-256 unless told otherwise (and
/// `eddsa-rdfc-2022` never tells otherwise); SHA-384 is the other one the recommendation
/// and its test suite name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HashAlgorithm {
    #[default]
    Sha256,
    Sha384,
}

impl HashAlgorithm {
    /// The digest of the concatenated `parts`.
    pub fn digest<'a>(self, parts: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
        match self {
            Self::Sha256 => {
                let mut h = Sha256::new();
                parts.into_iter().for_each(|p| h.update(p));
                h.finalize().to_vec()
            }
            Self::Sha384 => {
                let mut h = Sha384::new();
                parts.into_iter().for_each(|p| h.update(p));
                h.finalize().to_vec()
            }
        }
    }
}

enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Hasher {
    fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha256 => Self::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Self::Sha384(Sha384::new()),
        }
    }
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
        }
    }
    fn finish_hex(self) -> String {
        match self {
            Self::Sha256(h) => hex::encode(h.finalize()),
            Self::Sha384(h) => hex::encode(h.finalize()),
        }
    }
}

fn hash_hex(algorithm: HashAlgorithm, data: &[u8]) -> String {
    let mut h = Hasher::new(algorithm);
    h.update(data);
    h.finish_hex()
}

/// Issues identifiers `prefix0`, `prefix1`, … to blank nodes (by index) in order.
#[derive(Clone)]
struct Issuer {
    prefix: &'static str,
    ids: HashMap<usize, usize>,
    order: Vec<usize>,
}

impl Issuer {
    fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            ids: HashMap::new(),
            order: Vec::new(),
        }
    }
    fn get(&self, n: usize) -> Option<String> {
        self.ids.get(&n).map(|i| format!("{}{}", self.prefix, i))
    }
    fn issue(&mut self, n: usize) -> String {
        let next = self.order.len();
        let i = *self.ids.entry(n).or_insert_with(|| next);
        if i == next {
            self.order.push(n);
        }
        format!("{}{}", self.prefix, i)
    }
}

struct State<'a> {
    quads: &'a [Quad],
    labels: HashMap<&'a str, usize>,
    /// Quads (indices) mentioning each blank node.
    bnode_quads: Vec<Vec<usize>>,
    first_degree: Vec<String>,
    canonical: Issuer,
    hash: HashAlgorithm,
    deep_calls_left: u64,
    permutations_left: u64,
}

/// Canonicalizes a dataset with SHA-256: returns the canonical N-Quads document (sorted
/// lines, no duplicates), ready to be hashed.
pub fn canonicalize(quads: &[Quad], limits: &Limits) -> Result<String, CanonError> {
    let (labels, names) = label(quads, limits, HashAlgorithm::Sha256)?;
    Ok(serialize(quads, &labels, &names))
}

/// The outcome of a run with [`canonicalize_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// The canonical N-Quads document.
    pub nquads: String,
    /// The issued identifiers map (step 7 of the algorithm): each blank node label of the
    /// input to its canonical label (`c14n0`, `c14n1`, …), without the `_:` prefix.
    pub issued: BTreeMap<String, String>,
}

/// Canonicalizes a dataset with the given hash function, returning the issued identifiers
/// map along with the canonical N-Quads.
pub fn canonicalize_with(
    quads: &[Quad],
    limits: &Limits,
    hash: HashAlgorithm,
) -> Result<Canonical, CanonError> {
    let (labels, names) = label(quads, limits, hash)?;
    let nquads = serialize(quads, &labels, &names);
    let issued = labels
        .into_iter()
        .map(|(label, n)| (label.to_owned(), names[n].clone()))
        .collect();
    Ok(Canonical { nquads, issued })
}

/// Input blank node labels to blank node indices.
type Labels<'a> = HashMap<&'a str, usize>;

/// Steps 1–6 of the algorithm: the input labels and the canonical label of each blank node.
fn label<'a>(
    quads: &'a [Quad],
    limits: &Limits,
    hash: HashAlgorithm,
) -> Result<(Labels<'a>, Vec<String>), CanonError> {
    if quads.len() > limits.max_quads {
        return Err(CanonError::TooManyQuads(quads.len(), limits.max_quads));
    }
    let mut labels: HashMap<&str, usize> = HashMap::new();
    let mut bnode_quads: Vec<Vec<usize>> = Vec::new();
    // The input is a set: a repeated quad must not count twice in the hashes.
    let mut seen: HashSet<&Quad> = HashSet::new();
    for (qi, q) in quads.iter().enumerate() {
        let has_blank = [Some(&q.subject), Some(&q.object), q.graph.as_ref()]
            .into_iter()
            .any(|t| matches!(t, Some(Term::Blank(_))));
        if !has_blank || !seen.insert(q) {
            continue;
        }
        for term in [Some(&q.subject), Some(&q.object), q.graph.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Term::Blank(b) = term {
                let next = labels.len();
                let n = *labels.entry(b.as_str()).or_insert(next);
                if n == bnode_quads.len() {
                    bnode_quads.push(Vec::new());
                }
                if bnode_quads[n].last() != Some(&qi) {
                    bnode_quads[n].push(qi);
                }
            }
        }
    }
    if labels.len() > limits.max_blank_nodes {
        return Err(CanonError::TooManyBlankNodes(
            labels.len(),
            limits.max_blank_nodes,
        ));
    }
    let mut state = State {
        quads,
        labels,
        bnode_quads,
        first_degree: Vec::new(),
        canonical: Issuer::new("c14n"),
        hash,
        deep_calls_left: 0,
        permutations_left: limits.max_permutations,
    };
    let n_bnodes = state.bnode_quads.len();
    state.first_degree = (0..n_bnodes).map(|n| state.hash_first_degree(n)).collect();
    let mut by_hash: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (n, h) in state.first_degree.iter().enumerate() {
        by_hash.entry(h.as_str()).or_default().push(n);
    }
    let mut non_unique = Vec::new();
    for list in by_hash.values() {
        match list.as_slice() {
            [single] => {
                state.canonical.issue(*single);
            }
            _ => non_unique.push(list.clone()),
        }
    }
    let non_unique_count: u64 = non_unique.iter().map(|l| l.len() as u64).sum();
    state.deep_calls_left = non_unique_count.saturating_pow(limits.work_factor);
    for list in non_unique {
        let mut paths = Vec::new();
        for n in list {
            if state.canonical.ids.contains_key(&n) {
                continue;
            }
            let mut temp = Issuer::new("b");
            temp.issue(n);
            paths.push(state.hash_n_degree(n, temp, 0)?);
        }
        paths.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, issuer) in paths {
            for n in issuer.order {
                state.canonical.issue(n);
            }
        }
    }
    let names: Vec<String> = (0..n_bnodes)
        .map(|n| state.canonical.get(n).unwrap_or_default())
        .collect();
    Ok((state.labels, names))
}

/// Step 7: the quads with their blank nodes renamed, as sorted, deduplicated N-Quads lines.
fn serialize(quads: &[Quad], labels: &Labels<'_>, names: &[String]) -> String {
    let rename = |label: &str, out: &mut String| {
        if let Some(&n) = labels.get(label) {
            out.push_str(&names[n]);
        }
    };
    // All lines go into one buffer; sorting ranges avoids one allocation per quad.
    let mut buf = String::with_capacity(quads.len() * 160);
    let mut ranges = Vec::with_capacity(quads.len());
    for q in quads {
        let start = buf.len();
        write_quad(&mut buf, q, &rename);
        ranges.push(start..buf.len());
    }
    ranges.sort_unstable_by(|a, b| buf[a.clone()].cmp(&buf[b.clone()]));
    ranges.dedup_by(|a, b| buf[a.clone()] == buf[b.clone()]);
    let mut out = String::with_capacity(buf.len());
    for r in ranges {
        out.push_str(&buf[r]);
    }
    out
}

impl State<'_> {
    fn index(&self, label: &str) -> usize {
        self.labels.get(label).copied().unwrap_or(usize::MAX)
    }

    fn hash_first_degree(&self, n: usize) -> String {
        let rename = |label: &str, out: &mut String| {
            out.push(if self.index(label) == n { 'a' } else { 'z' });
        };
        let mut lines: Vec<String> = self.bnode_quads[n]
            .iter()
            .map(|&qi| {
                let mut s = String::with_capacity(160);
                write_quad(&mut s, &self.quads[qi], &rename);
                s
            })
            .collect();
        lines.sort_unstable();
        let mut hasher = Hasher::new(self.hash);
        for l in &lines {
            hasher.update(l.as_bytes());
        }
        hasher.finish_hex()
    }

    /// Hash Related Blank Node. An issued identifier goes into the hash as a blank node
    /// (`_:c14n0`, `_:b1`); only a first-degree hash goes in bare.
    fn hash_related(&self, related: usize, quad: &Quad, issuer: &Issuer, position: &str) -> String {
        let mut input = String::from(position);
        if position != "g" {
            input.push('<');
            input.push_str(&quad.predicate);
            input.push('>');
        }
        match self.canonical.get(related).or_else(|| issuer.get(related)) {
            Some(id) => {
                input.push_str("_:");
                input.push_str(&id);
            }
            None => input.push_str(&self.first_degree[related]),
        }
        hash_hex(self.hash, input.as_bytes())
    }

    fn hash_n_degree(
        &mut self,
        n: usize,
        mut issuer: Issuer,
        depth: usize,
    ) -> Result<(String, Issuer), CanonError> {
        if self.deep_calls_left == 0 || depth > MAX_RECURSION {
            return Err(CanonError::TooMuchWork);
        }
        self.deep_calls_left -= 1;
        let mut related_by_hash: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &qi in &self.bnode_quads[n] {
            let q = &self.quads[qi];
            let positions = [
                ("s", Some(&q.subject)),
                ("o", Some(&q.object)),
                ("g", q.graph.as_ref()),
            ];
            for (pos, term) in positions {
                if let Some(Term::Blank(b)) = term {
                    let r = self.index(b);
                    if r != n {
                        let h = self.hash_related(r, q, &issuer, pos);
                        related_by_hash.entry(h).or_default().push(r);
                    }
                }
            }
        }
        let mut data = String::new();
        for (hash, mut list) in related_by_hash {
            data.push_str(&hash);
            list.sort_unstable();
            let mut chosen: Option<(String, Issuer)> = None;
            loop {
                if self.permutations_left == 0 {
                    return Err(CanonError::TooMuchWork);
                }
                self.permutations_left -= 1;
                if let Some(candidate) =
                    self.try_permutation(&list, &issuer, chosen.as_ref(), depth)?
                {
                    chosen = Some(candidate);
                }
                if !next_permutation(&mut list) {
                    break;
                }
            }
            if let Some((path, chosen_issuer)) = chosen {
                data.push_str(&path);
                issuer = chosen_issuer;
            }
        }
        Ok((hash_hex(self.hash, data.as_bytes()), issuer))
    }

    /// Steps 5.4.1–5.4.6 for one permutation: the path it gives, unless it cannot beat
    /// the path chosen so far.
    fn try_permutation(
        &mut self,
        perm: &[usize],
        issuer: &Issuer,
        chosen: Option<&(String, Issuer)>,
        depth: usize,
    ) -> Result<Option<(String, Issuer)>, CanonError> {
        let worse = |path: &str| chosen.is_some_and(|(c, _)| path > c.as_str());
        let mut copy = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        for &r in perm {
            if let Some(id) = self.canonical.get(r) {
                path.push_str("_:");
                path.push_str(&id);
            } else {
                if !copy.ids.contains_key(&r) {
                    recursion.push(r);
                }
                path.push_str("_:");
                path.push_str(&copy.issue(r));
            }
            if worse(&path) {
                return Ok(None);
            }
        }
        for r in recursion {
            let (hash, result_issuer) = self.hash_n_degree(r, copy.clone(), depth + 1)?;
            copy = result_issuer;
            path.push_str("_:");
            path.push_str(&copy.issue(r));
            path.push('<');
            path.push_str(&hash);
            path.push('>');
            if worse(&path) {
                return Ok(None);
            }
        }
        if chosen.is_none_or(|(c, _)| path < *c) {
            return Ok(Some((path, copy)));
        }
        Ok(None)
    }
}

/// Rearranges `v` into the next lexicographic permutation; false after the last one.
fn next_permutation(v: &mut [usize]) -> bool {
    if v.len() < 2 {
        return false;
    }
    let mut i = v.len() - 1;
    while i > 0 && v[i - 1] >= v[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = v.len() - 1;
    while v[j] <= v[i - 1] {
        j -= 1;
    }
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}
