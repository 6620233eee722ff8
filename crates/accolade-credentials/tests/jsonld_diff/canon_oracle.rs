//! Accolade's RDFC-1.0 against oxrdf's, byte for byte, on the RDF of generated credentials
//! (through `jsonld::to_rdf`, the path verification takes) and of mutations that stress
//! blank nodes: anonymous nodes everywhere, identical siblings, shared and empty nodes,
//! repeated statements, rings and other symmetric structures, blank named graphs, several
//! copies of one credential, and the same dataset relabelled, reordered and duplicated.

use super::oracle::{nquads, oxrdf_canonical};
use super::{Rng, V2, credential, lines_only_in, variants};
use accolade_credentials::jsonld::{self, Limits};
use accolade_credentials::rdf::{Quad, Term, canon};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

#[derive(Debug, Default)]
struct Tally {
    same: usize,
    /// Where the two differ for the one known reason (see [`repeated_related`]), checked
    /// to be the same dataset all the same.
    repeats: Vec<String>,
    /// Stopped by the default work limit (then compared with a larger budget, so that one
    /// refusal shows every other disagreement too).
    refused: Vec<String>,
    blank_nodes: usize,
}

/// Whether some blank node meets another one in two of its quads in the same way (the same
/// position, and the same predicate unless the position is the graph name): in a blank
/// named graph of several statements, or linked by one predicate in two graphs.
///
/// RDFC-1.0's "hash to related blank nodes map" then holds the related node twice in one
/// entry. The Digital Bazaar implementation (whose output eddsa-rdfc-2022 signers and
/// verifiers mostly share) keeps both, and so does Accolade; oxrdf (and RDF::Normalize)
/// keep one, so their permutations, paths and possibly labels differ. The W3C suite has no
/// test that tells the two readings apart.
fn repeated_related(quads: &[Quad]) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut distinct: Vec<&Quad> = quads.iter().collect();
    distinct.sort();
    distinct.dedup();
    for q in distinct {
        let positions = [
            ("s", Some(&q.subject)),
            ("o", Some(&q.object)),
            ("g", q.graph.as_ref()),
        ];
        for (n_pos, n) in positions {
            let Some(Term::Blank(n)) = n else { continue };
            for (pos, r) in positions {
                let Some(Term::Blank(r)) = r else { continue };
                if pos == n_pos || r == n {
                    continue;
                }
                let predicate = if pos == "g" { "" } else { q.predicate.as_str() };
                if !seen.insert((n, r, pos, predicate)) {
                    return true;
                }
            }
        }
    }
    false
}

/// Canonicalizes `quads` both ways and insists on the same bytes; returns Accolade's.
fn agree(what: &str, quads: &[Quad], tally: &mut Tally) -> String {
    let oracle = oxrdf_canonical(quads, false);
    let ours = match canon::canonicalize(quads, &canon::Limits::default()) {
        Ok(c) => c,
        Err(canon::CanonError::TooMuchWork) => {
            tally.refused.push(what.to_owned());
            let generous = canon::Limits {
                work_factor: 6,
                max_permutations: 2_000_000,
                ..canon::Limits::default()
            };
            canon::canonicalize(quads, &generous).unwrap()
        }
        Err(e) => panic!("{what}: {e}"),
    };
    tally.blank_nodes += blank_labels(quads).len();
    if check(what, quads, &ours, &oracle) {
        tally.same += 1;
    } else {
        tally.repeats.push(what.to_owned());
    }
    ours
}

/// Compares Accolade's canonical form of `quads` with oxrdf's: true when they are the same
/// bytes, false when they differ for the known reason only (repeated related blank nodes)
/// and Accolade's is still a relabelling of the input; panics otherwise.
pub(crate) fn check(what: &str, quads: &[Quad], ours: &str, oracle: &str) -> bool {
    if ours == oracle {
        return true;
    }
    if repeated_related(quads) {
        let reparsed = nquads(ours.as_bytes(), what);
        assert_eq!(
            oxrdf_canonical(&reparsed, false),
            oracle,
            "{what}: Accolade's canonical form is not the same dataset"
        );
        return false;
    }
    panic!(
        "{what}: canonical N-Quads differ from oxrdf's\nonly Accolade:\n{}\nonly oxrdf:\n{}",
        lines_only_in(ours, oracle),
        lines_only_in(oracle, ours)
    );
}

fn to_rdf(what: &str, doc: &Value) -> Vec<Quad> {
    jsonld::to_rdf(doc, &Limits::default()).unwrap_or_else(|e| panic!("{what}: {e}\n{doc}"))
}

fn blank_labels(quads: &[Quad]) -> Vec<String> {
    let mut out: Vec<String> = quads
        .iter()
        .flat_map(|q| [Some(&q.subject), Some(&q.object), q.graph.as_ref()])
        .flatten()
        .filter_map(|t| t.as_blank().map(str::to_owned))
        .collect();
    out.sort();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------------------
// Mutations of the JSON-LD document

/// Removes every node identifier (outside contexts): each node becomes a blank node.
fn strip_ids(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("id");
            for (k, x) in m.iter_mut() {
                if k != "@context" && k != "jsonSchema" {
                    strip_ids(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_ids),
        _ => {}
    }
}

fn body(doc: &Value) -> Map<String, Value> {
    let mut m = doc.as_object().unwrap().clone();
    m.remove("@context");
    m
}

/// A ring of `k` blank nodes (`_:{name}0` → `_:{name}1` → … → `_:{name}0`), every node alike.
fn ring(name: &str, k: usize) -> Value {
    Value::Array(
        (0..k)
            .map(|i| {
                json!({"id": format!("_:{name}{i}"), "type": "Evidence",
                       "https://schema.org/next": {"id": format!("_:{name}{}", (i + 1) % k)}})
            })
            .collect(),
    )
}

const MUTATIONS: &[&str] = &[
    "anonymous nodes",
    "identical siblings",
    "shared blank node",
    "empty objects",
    "repeated statements",
    "ring",
    "double ring",
    "two identical rings",
    "blank named graph",
    "two anonymous copies",
    "complete bipartite",
];

fn mutate(base: &Value, mutation: &str, rng: &mut Rng) -> Value {
    let mut d = base.clone();
    let k = 2 + (rng.next() % 4) as usize;
    match mutation {
        "anonymous nodes" => strip_ids(&mut d),
        "identical siblings" => {
            let sibling = json!({"type": "Evidence", "narrative": "the same", "genre": "Project"});
            d["evidence"] = Value::Array(vec![sibling; k]);
            d["credentialSubject"]["achievement"]["alignment"] = Value::Array(vec![
                json!({"type": "Alignment", "targetName": "T", "targetUrl": "https://example.org/t"});
                k
            ]);
        }
        "shared blank node" => {
            if d["issuer"].is_object() {
                d["issuer"]["id"] = json!("_:shared");
            }
            d["credentialSubject"]["id"] = json!("_:shared");
            d["credentialSubject"]["achievement"]["creator"] = json!({"id": "_:shared"});
            d["evidence"] = json!([{"id": "_:shared"}, {"id": "_:other", "type": "Evidence"}]);
        }
        "empty objects" => {
            d["evidence"] = Value::Array(vec![json!({}); k]);
            d["credentialSubject"]["result"] = json!([{}]);
            d["https://schema.org/about"] = json!({});
        }
        "repeated statements" => {
            let e = json!({"id": "_:e", "type": "Evidence", "narrative": "twice"});
            d["evidence"] = json!([e.clone(), e, {"id": "_:e", "narrative": "twice"}]);
            d["credentialSubject"]["achievement"]["tag"] = json!(["a", "a", "b", "a"]);
            d["credentialSubject"]["type"] = json!(["AchievementSubject", "AchievementSubject"]);
        }
        "ring" => d["evidence"] = ring("r", k + 1),
        "double ring" => {
            let mut nodes = ring("r", k + 1);
            for (i, n) in nodes.as_array_mut().unwrap().iter_mut().enumerate() {
                n["https://schema.org/prev"] = json!({"id": format!("_:r{}", (i + k) % (k + 1))});
            }
            d["evidence"] = nodes;
        }
        "two identical rings" => {
            let (mut a, b) = (ring("r", k + 1), ring("s", k + 1));
            a.as_array_mut()
                .unwrap()
                .extend(b.as_array().unwrap().clone());
            d["evidence"] = a;
        }
        "blank named graph" => {
            let inner = Value::Object(body(&d));
            d = json!({"@context": base["@context"].clone(), "id": "_:g", "@graph": [inner]});
        }
        "two anonymous copies" => {
            strip_ids(&mut d);
            let inner = Value::Object(body(&d));
            d = json!({"@context": base["@context"].clone(), "@graph": [inner.clone(), inner]});
        }
        "complete bipartite" => {
            // K(k,k): every left node points at every right node; all lefts alike, all rights alike.
            let k = k.min(3);
            let left: Vec<Value> = (0..k)
                .map(|i| {
                    json!({"id": format!("_:l{i}"),
                           "https://schema.org/knows": (0..k).map(|j| json!({"id": format!("_:r{j}")})).collect::<Vec<_>>()})
                })
                .collect();
            d["evidence"] = Value::Array(left);
        }
        other => panic!("unknown mutation {other}"),
    }
    d
}

// ---------------------------------------------------------------------------------------
// Mutations of the RDF dataset

fn relabel(quads: &[Quad], rng: &mut Rng) -> Vec<Quad> {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut rename = |t: &Term| match t {
        Term::Blank(b) => {
            let next = names.len();
            let salt = rng.next() % 1000;
            Term::Blank(
                names
                    .entry(b.clone())
                    .or_insert_with(|| format!("x{salt}n{next}"))
                    .clone(),
            )
        }
        other => other.clone(),
    };
    quads
        .iter()
        .map(|q| Quad {
            subject: rename(&q.subject),
            predicate: q.predicate.clone(),
            object: rename(&q.object),
            graph: q.graph.as_ref().map(&mut rename),
        })
        .collect()
}

fn shuffle(quads: &mut [Quad], rng: &mut Rng) {
    for i in (1..quads.len()).rev() {
        quads.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
}

/// Every IRI in subject or object position (not predicates, not datatypes) made a blank
/// node, consistently: the credential's own structure, with nothing named.
fn iris_to_blank_nodes(quads: &[Quad]) -> Vec<Quad> {
    let blank = |t: &Term| match t {
        Term::Iri(i) => Term::Blank(format!(
            "iri{}",
            i.len() * 31 + i.bytes().map(usize::from).sum::<usize>()
        )),
        other => other.clone(),
    };
    quads
        .iter()
        .map(|q| Quad {
            subject: blank(&q.subject),
            predicate: q.predicate.clone(),
            object: blank(&q.object),
            graph: q.graph.clone(),
        })
        .collect()
}

#[test]
fn accolade_and_oxrdf_canonicalize_credentials_alike() {
    let mut tally = Tally::default();
    let mut rng = Rng(0x0DDB_A11C_AFE5_EED5);
    for seed in 0..80 {
        let cred = credential(seed);
        for (variant, doc) in variants(&cred) {
            let what = format!("credential {seed} {variant}");
            let quads = to_rdf(&what, &doc);
            let canonical = agree(&what, &quads, &mut tally);

            // The same dataset relabelled, reordered, with repeated quads: same bytes.
            let mut noisy = relabel(&quads, &mut rng);
            let extra: Vec<Quad> = (0..3)
                .map(|_| noisy[(rng.next() % noisy.len() as u64) as usize].clone())
                .collect();
            noisy.extend(extra);
            shuffle(&mut noisy, &mut rng);
            assert_eq!(
                agree(&format!("{what}, relabelled"), &noisy, &mut tally),
                canonical,
                "{what}: relabelling, reordering or repeating quads changed the canonical form"
            );
        }
        let quads = to_rdf("credential", &cred);
        // Two copies under different labels: every blank node has an automorphic twin.
        let mut twice = relabel(&quads, &mut rng);
        twice.extend(relabel(&quads, &mut rng));
        agree(&format!("credential {seed}, twice"), &twice, &mut tally);
        agree(
            &format!("credential {seed}, IRIs as blank nodes"),
            &iris_to_blank_nodes(&quads),
            &mut tally,
        );
        let in_graph: Vec<Quad> = quads
            .iter()
            .map(|q| Quad {
                graph: Some(q.graph.clone().unwrap_or(Term::Blank("outer".into()))),
                ..q.clone()
            })
            .collect();
        agree(
            &format!("credential {seed}, in a blank named graph"),
            &in_graph,
            &mut tally,
        );

        for _ in 0..3 {
            let mutation = *rng.pick(MUTATIONS);
            let doc = mutate(&cred, mutation, &mut rng);
            let what = format!("credential {seed} with {mutation}");
            agree(&what, &to_rdf(&what, &doc), &mut tally);
        }
    }
    // Every mutation on every tenth credential, so that none depends on the draw.
    for seed in (0..80).step_by(8) {
        for mutation in MUTATIONS {
            let doc = mutate(&credential(seed), mutation, &mut rng);
            let what = format!("credential {seed} with {mutation}");
            agree(&what, &to_rdf(&what, &doc), &mut tally);
        }
    }
    let list = json!({"@context": V2, "id": "urn:x", "https://schema.org/items": {"@list": ["a", "b", "a", "a", "b"]}});
    agree("a list with repeats", &to_rdf("list", &list), &mut tally);

    println!(
        "{} datasets canonicalized alike ({} blank nodes); {} isomorphic but labelled apart \
         for repeated related blank nodes; refused by the default work limit: {:?}",
        tally.same,
        tally.blank_nodes,
        tally.repeats.len(),
        tally.refused
    );
    println!("labelled apart: {:?}", tally.repeats);
    assert!(
        tally.repeats.len() * 20 < tally.same,
        "the known divergence should stay the exception"
    );
    assert!(tally.same > 800, "only {} comparisons", tally.same);
    assert!(
        tally.refused.is_empty(),
        "refused by the default work limit: {:?}",
        tally.refused
    );
}

/// The one known difference from oxrdf, pinned to the reference implementation's output:
/// a related blank node met twice in the same way stays twice in its entry of the hash to
/// related blank nodes map (tests/vectors/rdfc-repeated-related/SOURCE.md).
#[test]
fn repeated_related_blank_nodes_count_as_rdf_canonize_counts_them() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/rdfc-repeated-related");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let input = nquads(read("input.nq").as_bytes(), "input.nq");
    assert!(repeated_related(&input));
    let ours = canon::canonicalize(&input, &canon::Limits::default()).unwrap();
    assert_eq!(ours, read("rdf-canonize.nq"));
    // When oxrdf reads the algorithm the same way, `check` needs no exception any more.
    assert_ne!(
        oxrdf_canonical(&input, false),
        ours,
        "oxrdf now agrees: drop the repeated-related exception in `check`"
    );
    assert!(!check(
        "input.nq",
        &input,
        &ours,
        &oxrdf_canonical(&input, false)
    ));
}
