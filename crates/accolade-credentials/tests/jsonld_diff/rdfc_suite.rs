//! The W3C RDF Dataset Canonicalization test suite (shared/spec/vectors/rdf-canon), run
//! whole against Accolade's canonicalizer: every evaluation test (input N-Quads → expected
//! canonical N-Quads, compared as text), every issued identifiers map test, and every
//! negative test (a poison graph that must stop on the work limit). The inputs are read with
//! oxttl's N-Quads parser, not with anything Accolade wrote. oxrdf's RDFC-1.0, the oracle of
//! the differential tests, must pass the evaluation tests too.

use super::V2;
use super::oracle::{nquads, oxrdf_canonical};
use accolade_credentials::jsonld;
use accolade_credentials::rdf::{Quad, Term, canon};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SUITE: &str = "shared/spec/vectors/rdf-canon";

/// The suite in the developer layout or CI's: `shared/` beside the repository
/// (`<repo>/../shared`, which is `../../../shared` from this crate), or beside a folder of
/// work trees further up.
fn suite_dir() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .skip(3)
        .map(|dir| dir.join(SUITE))
        .find(|dir| dir.join("manifest.jsonld").is_file())
}

fn parse_nquads(path: &Path) -> Vec<Quad> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    nquads(&bytes, &path.display().to_string())
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Debug, Default)]
struct Counts {
    eval: usize,
    map: usize,
    negative: usize,
    sha384: usize,
}

/// What manifest.csv (the source the manifests are generated from) says the suite holds:
/// rows whose `rdfc10` column is TRUE are evaluation tests, `RDFC10NegativeEvalTest` negative
/// ones, and `rdfc10map` TRUE adds a map test. Checked so that a test dropped from the JSON-LD
/// manifest (or a category this runner does not know) cannot pass unnoticed.
fn csv_counts(dir: &Path) -> Counts {
    let csv = read_text(&dir.join("manifest.csv"));
    let mut counts = Counts::default();
    for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        // Quoted names may hold commas; the last three columns never do.
        let cols: Vec<&str> = line.rsplitn(4, ',').collect();
        let [map, rdfc10, hash, _] = cols.as_slice() else {
            panic!("manifest.csv: {line}")
        };
        match *rdfc10 {
            "TRUE" => counts.eval += 1,
            "RDFC10NegativeEvalTest" => counts.negative += 1,
            other => panic!("manifest.csv: unknown rdfc10 column {other:?} in {line}"),
        }
        match *map {
            "TRUE" => counts.map += 1,
            "FALSE" => {}
            other => panic!("manifest.csv: unknown rdfc10map column {other:?} in {line}"),
        }
        if !hash.is_empty() {
            assert_eq!(*hash, "SHA384", "manifest.csv: {line}");
            counts.sha384 += 1 + usize::from(*map == "TRUE");
        }
    }
    counts
}

#[test]
fn w3c_rdf_canon_suite() {
    let Some(dir) = suite_dir() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the W3C rdf-canon suite is missing: expected {SUITE} beside the repository \
             (../../../{SUITE} from {})",
            env!("CARGO_MANIFEST_DIR")
        );
        eprintln!("SKIPPED: the W3C rdf-canon suite ({SUITE}) is not beside this repository");
        return;
    };
    let manifest: Value = serde_json::from_str(&read_text(&dir.join("manifest.jsonld"))).unwrap();
    let entries = manifest["entries"].as_array().unwrap();
    let limits = canon::Limits::default();
    let (mut counts, mut failures) = (Counts::default(), Vec::new());
    let mut slowest = (Duration::ZERO, String::new());
    for entry in entries {
        let id = entry["id"].as_str().unwrap();
        let kind = entry["type"].as_str().unwrap();
        let input = parse_nquads(&dir.join(entry["action"].as_str().unwrap()));
        let hash = match entry.get("hashAlgorithm").and_then(Value::as_str) {
            None | Some("SHA256") => canon::HashAlgorithm::Sha256,
            Some("SHA384") => {
                counts.sha384 += 1;
                canon::HashAlgorithm::Sha384
            }
            Some(other) => panic!("{id}: unknown hash algorithm {other}"),
        };
        let result = entry
            .get("result")
            .and_then(Value::as_str)
            .map(|r| dir.join(r));
        let started = Instant::now();
        let got = canon::canonicalize_with(&input, &limits, hash);
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (took, id.to_owned());
        }
        match kind {
            "rdfc:RDFC10EvalTest" => {
                counts.eval += 1;
                let expected = read_text(&result.unwrap());
                match got {
                    Ok(c) if c.nquads == expected => {}
                    other => failures.push(format!("{id}: {other:?}\nexpected:\n{expected}")),
                }
                if hash == canon::HashAlgorithm::Sha256
                    && canon::canonicalize(&input, &limits).as_ref() != Ok(&expected)
                {
                    failures.push(format!("{id}: canonicalize differs from canonicalize_with"));
                }
                // The differential tests' oracle meets the same bar.
                let oracle = oxrdf_canonical(&input, hash == canon::HashAlgorithm::Sha384);
                if oracle != expected {
                    failures.push(format!("{id}: oxrdf gave\n{oracle}"));
                }
            }
            "rdfc:RDFC10MapTest" => {
                counts.map += 1;
                let expected: BTreeMap<String, String> =
                    serde_json::from_str(&read_text(&result.unwrap())).unwrap();
                match got {
                    Ok(c) if c.issued == expected => {}
                    other => failures.push(format!("{id}: {other:?}\nexpected {expected:?}")),
                }
            }
            "rdfc:RDFC10NegativeEvalTest" => {
                counts.negative += 1;
                assert!(result.is_none(), "{id}: a negative test has no result");
                if got != Err(canon::CanonError::TooMuchWork) {
                    failures.push(format!("{id}: expected the work limit, got {got:?}"));
                }
            }
            other => panic!("{id}: test type {other} is not run by this test"),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} tests failed:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n\n")
    );
    println!(
        "rdf-canon: {} evaluation, {} map, {} negative tests passed ({} with SHA-384); slowest {} in {:?}",
        counts.eval, counts.map, counts.negative, counts.sha384, slowest.1, slowest.0
    );
    let csv = csv_counts(&dir);
    assert_eq!(
        (counts.eval, counts.map, counts.negative, counts.sha384),
        (csv.eval, csv.map, csv.negative, csv.sha384),
        "manifest.jsonld and manifest.csv disagree on the tests (eval, map, negative, sha384)"
    );
    assert_eq!(counts.eval + counts.map + counts.negative, entries.len());
    assert!(counts.eval > 0 && counts.map > 0 && counts.negative > 0);
}

/// Graphs an attacker would send to make canonicalization run away: each must finish within
/// the default limits, quickly, either with the right answer (checked against oxrdf) or
/// with the work limit, and never overflow the stack (this runs on a test thread's 2 MiB
/// stack, as small as the verifier's).
#[test]
fn hostile_graphs_stop_on_the_work_limit() {
    let p = "https://example.org/p";
    let edges = |pairs: &mut dyn Iterator<Item = (usize, usize)>| -> Vec<Quad> {
        pairs
            .map(|(a, b)| Quad {
                subject: Term::Blank(format!("n{a}")),
                predicate: p.to_owned(),
                object: Term::Blank(format!("n{b}")),
                graph: None,
            })
            .collect()
    };
    let clique = |k: usize| {
        edges(&mut (0..k).flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j))))
    };
    let hubs = |hubs: usize, leaves: usize| {
        edges(
            &mut (0..hubs).flat_map(move |h| (0..leaves).map(move |l| (h, hubs + h * leaves + l))),
        )
    };
    // A JSON-LD list of one repeated value: a chain of blank nodes that only their distance
    // to the ends tells apart, recursing once per node.
    let list = {
        let doc = json!({"@context": V2, "id": "urn:x",
                         "https://schema.org/items": {"@list": vec!["a"; 1500]}});
        jsonld::to_rdf(&doc, &jsonld::Limits::default()).unwrap()
    };
    let refused: Vec<(&str, Vec<Quad>)> = vec![
        ("clique of 10", clique(10)),
        ("clique of 20", clique(20)),
        ("clique of 60", clique(60)),
        ("chain of 1999", edges(&mut (0..1999).map(|i| (i, i + 1)))),
        (
            "ring of 2000",
            edges(&mut (0..2000).map(|i| (i, (i + 1) % 2000))),
        ),
        ("list of 1500 equal values", list),
        ("2 hubs of 990 leaves", hubs(2, 990)),
        ("20 hubs of 99 leaves", hubs(20, 99)),
        ("clique of 10 with 199 leaves each", {
            let mut q = clique(10);
            q.extend(hubs(10, 199));
            q
        }),
    ];
    let computable: Vec<(&str, Vec<Quad>)> = vec![
        (
            "1000 2-cycles",
            edges(&mut (0..1000).flat_map(|i| [(2 * i, 2 * i + 1), (2 * i + 1, 2 * i)])),
        ),
        (
            "200 3-cycles",
            edges(&mut (0..600).map(|i| (i, i / 3 * 3 + (i + 1) % 3))),
        ),
        ("a hub of 1999 leaves", hubs(1, 1999)),
        ("3 hubs of 5 leaves", hubs(3, 5)),
    ];
    let limits = canon::Limits::default();
    for (name, quads) in refused.iter().chain(&computable) {
        let started = Instant::now();
        let got = canon::canonicalize(quads, &limits);
        let took = started.elapsed();
        println!(
            "{name}: {} in {took:?}",
            if got.is_ok() {
                "canonicalized"
            } else {
                "refused"
            }
        );
        assert!(took < Duration::from_secs(10), "{name} took {took:?}");
        if computable.iter().any(|(n, _)| n == name) {
            assert_eq!(got, Ok(oxrdf_canonical(quads, false)), "{name}");
        } else {
            assert_eq!(got, Err(canon::CanonError::TooMuchWork), "{name}");
        }
    }
}
