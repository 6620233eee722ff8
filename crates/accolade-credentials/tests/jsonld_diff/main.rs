//! Differential tests of JSON-LD to RDF and of RDFC-1.0.
//!
//! The compiled JSON-LD processor must give the same RDF as the general one (oxjsonld) on
//! every JSON document under tests/vectors/ (whole, without its proof, and each proof
//! configuration), on generated Open Badges 3.0 credentials, and on mutations that only the
//! compiled, strict processor refuses. "The same RDF" is checked twice, independently: the
//! two datasets must be equal as sets of quads up to blank node labels, compared after
//! oxrdf's RDFC-1.0 relabelling, and their canonical N-Quads from Accolade's canonicalizer
//! must be equal byte for byte (and equal to oxrdf's but for the one point where the two
//! read RDFC-1.0 differently, see `canon_oracle`). So a bug in Accolade's canonicalizer
//! cannot hide a difference between the two processors.
//!
//! Accolade's canonicalizer itself is checked against oracles it did not write: the W3C
//! rdf-canon test suite (`rdfc_suite`) and oxrdf's implementation on generated and mutated
//! credentials (`canon_oracle`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use accolade_credentials::jsonld::compiled::{self, CompiledError};
use accolade_credentials::jsonld::{self, JsonLdError, Limits, general};
use accolade_credentials::multikey::PublicKey;
use accolade_credentials::proof;
use accolade_credentials::rdf::{Quad, canon};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

mod canon_oracle;
mod generate;
mod oracle;
mod rdfc_suite;
use generate::*;

fn canonical(quads: &[Quad]) -> String {
    canon::canonicalize(quads, &canon::Limits::default()).unwrap()
}

/// The dataset as oxrdf canonicalizes it: a comparison of quad sets up to blank node labels
/// that owes nothing to Accolade's canonicalizer.
fn oracle(quads: &[Quad]) -> String {
    oracle::oxrdf_canonical(quads, false)
}

fn lines_only_in(a: &str, b: &str) -> String {
    a.lines()
        .filter(|l| !b.lines().any(|m| m == *l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn general(doc: &Value) -> Result<Vec<Quad>, JsonLdError> {
    general::to_rdf(&serde_json::to_vec(doc).unwrap(), &Limits::default())
}

fn compiled(doc: &Value) -> Result<Vec<Quad>, CompiledError> {
    compiled::to_rdf(doc, &Limits::default())
}

/// What the compiled processor did with a document, once checked against the general one.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// Same canonical N-Quads (the number of statements).
    Same(usize),
    /// Fell back: `jsonld::to_rdf` gave the general result.
    FellBack(&'static str),
    /// Both refused the document: a context that is not bundled.
    UnknownContext,
    /// Only the strict compiled processor refused it.
    Refused(JsonLdError),
}

fn compare(what: &str, doc: &Value) -> Outcome {
    let g = general(doc);
    match compiled(doc) {
        Ok(c) => {
            let g = g.unwrap_or_else(|e| panic!("{what}: compiled accepted, general failed: {e}"));
            let (co, go) = (oracle(&c), oracle(&g));
            if co != go {
                panic!(
                    "{what}: the RDF differs (compared as oxrdf canonicalizes it)\n\
                     only compiled:\n{}\nonly general:\n{}",
                    lines_only_in(&co, &go),
                    lines_only_in(&go, &co)
                );
            }
            let (cn, gn) = (canonical(&c), canonical(&g));
            if cn != gn {
                panic!(
                    "{what}: canonical N-Quads differ\nonly compiled:\n{}\nonly general:\n{}",
                    lines_only_in(&cn, &gn),
                    lines_only_in(&gn, &cn)
                );
            }
            canon_oracle::check(what, &g, &gn, &go);
            assert_eq!(
                jsonld::to_rdf(doc, &Limits::default()).map(|q| canonical(&q)),
                Ok(cn)
            );
            Outcome::Same(gn.lines().count())
        }
        Err(CompiledError::Unsupported(why)) => {
            let via = jsonld::to_rdf(doc, &Limits::default());
            assert_eq!(
                via.as_ref().map(|q| oracle(q)),
                g.as_ref().map(|q| oracle(q)),
                "{what}: the fallback is the general result"
            );
            assert_eq!(
                via.map(|q| canonical(&q)),
                g.map(|q| canonical(&q)),
                "{what}: the fallback is the general result"
            );
            Outcome::FellBack(why)
        }
        Err(CompiledError::JsonLd(JsonLdError::UnknownContext(url))) => {
            assert!(
                matches!(&g, Err(JsonLdError::UnknownContext(u)) if *u == url),
                "{what}: general gave {g:?} for unknown context {url}"
            );
            Outcome::UnknownContext
        }
        Err(CompiledError::JsonLd(e)) => Outcome::Refused(e),
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// JSON-LD documents in a file: the file itself if it has a `@context`, else its members
/// that do (a map of documents, like W3C's derived-docs.json).
fn documents(v: &Value) -> Vec<Value> {
    match v {
        Value::Object(m) if m.contains_key("@context") => vec![v.clone()],
        Value::Object(m) => m
            .values()
            .filter(|d| d.get("@context").is_some())
            .cloned()
            .collect(),
        Value::Array(a) => a
            .iter()
            .filter(|d| d.get("@context").is_some())
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// The document, the document without `proof`, and each proof configuration.
fn variants(doc: &Value) -> Vec<(String, Value)> {
    let mut out = vec![("whole".to_owned(), doc.clone())];
    if let Some(Value::Object(map)) = Some(doc)
        && let Some(p) = map.get("proof")
    {
        let mut unsecured = map.clone();
        unsecured.remove("proof");
        out.push(("unsecured".into(), Value::Object(unsecured)));
        let proofs = match p {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        for (i, p) in proofs.iter().enumerate() {
            if let Some(p) = p.as_object() {
                let mut config = p.clone();
                config.remove("proofValue");
                config.insert("@context".into(), map["@context"].clone());
                out.push((format!("proof config {i}"), Value::Object(config)));
            }
        }
    }
    out
}

/// Documents of the vector files that the strict processor refuses, with a fragment of the
/// error: each is a file the 1EdTech validator itself expects to be invalid (expected.json),
/// and the general processor silently drops what the error names. The two proofs of
/// simple-multiple-proofs.json are an undefined `SomeProofType` (refused) and a valid
/// DataIntegrityProof, whose own variants (unsecured, proof config 1) convert fine.
const REFUSED: &[(&str, &str)] = &[
    // A VC 1.1 credential typing its schema 1EdTechJsonSchemaValidator2019 without the
    // extensions context that defines it.
    (
        "1edtech-validator/ob30/complete_v1.json",
        "\"1EdTechJsonSchemaValidator2019\"",
    ),
    // Only the OB context, not the VC one.
    (
        "1edtech-validator/ob30/simple-err-context.json",
        "is not defined",
    ),
    // Wrong or missing types, so the type-scoped terms are undefined.
    (
        "1edtech-validator/ob30/simple-err-credential-subject-achievement-result-description-type.json",
        "\"resultType\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-credential-subject-identifier-type.json",
        "\"hashed\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-credential-subject-profile-type.json",
        "\"InvalidProfile\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-credential-subject-result-type.json",
        "\"achievedLevel\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-credential-subject-type.json",
        "\"achievement\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-evidence-type.json",
        "\"genre\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-issuer-otheridentifier-type.json",
        "\"identifier\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-issuer-parentorg-type.json",
        "\"InvalidProfile\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-issuer-type.json",
        "\"InvalidProfile\"",
    ),
    (
        "1edtech-validator/ob30/simple-err-type.json",
        "\"OtherCredential\"",
    ),
    (
        "1edtech-validator/ob30/simple-multiple-proofs.json[0] whole",
        "\"created\"",
    ),
    (
        "1edtech-validator/ob30/simple-multiple-proofs.json[0] proof config 0",
        "\"created\"",
    ),
    // A verificationMethod without a scheme.
    (
        "1edtech-validator/ob30/simple-err-proof-method-no-scheme.json",
        "relative IRI",
    ),
];

#[test]
fn vectors_give_the_same_rdf_both_ways() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    let (mut report, mut unexpected) = (Vec::new(), Vec::new());
    let (mut same, mut total) = (0, 0);
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        for (i, doc) in documents(&v).into_iter().enumerate() {
            for (variant, d) in variants(&doc) {
                let what = format!("{name}[{i}] {variant}");
                total += 1;
                let outcome = compare(&what, &d);
                match &outcome {
                    Outcome::Same(_) => same += 1,
                    Outcome::Refused(e) => {
                        let expected = REFUSED
                            .iter()
                            .any(|(n, msg)| what.starts_with(n) && e.to_string().contains(msg));
                        if !expected {
                            unexpected.push(format!("{what}: {e}"));
                        }
                    }
                    Outcome::FellBack(_) | Outcome::UnknownContext => {}
                }
                report.push(format!("{what}: {outcome:?}"));
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        unexpected.is_empty(),
        "unexpected refusals:\n{}",
        unexpected.join("\n")
    );
    assert!(same >= 60, "only {same} of {total} documents were compared");
}

/// The official 1EdTech vector: same canonical forms both ways, equal to the published ones,
/// and its signature verifies through `jsonld::to_rdf` (the compiled path).
#[test]
fn official_1edtech_vector_both_ways() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/1edtech");
    let signed: Value = serde_json::from_slice(
        &std::fs::read(root.join("ob3-eddsa-rdfc-2022-testvector.json")).unwrap(),
    )
    .unwrap();
    let variants = variants(&signed);
    let [_, (_, unsecured), (_, config)] = variants.as_slice() else {
        panic!("one proof expected")
    };
    for (doc, file) in [
        (unsecured, "ob3-document-canon.nq"),
        (config, "ob3-proof-canon.nq"),
    ] {
        let c = canonical(&compiled(doc).unwrap());
        assert_eq!(c, canonical(&general(doc).unwrap()));
        if let Ok(expected) = std::fs::read_to_string(root.join(file)) {
            assert_eq!(c, expected, "{file}");
        }
    }
    let parsed = proof::parse_proof(&signed["proof"]).unwrap();
    let key = parsed.verification_method.split_once('#').unwrap().1;
    proof::verify(&signed, &parsed, &PublicKey::from_multibase(key).unwrap()).unwrap();
}

#[test]
fn generated_credentials_give_the_same_rdf_both_ways() {
    for seed in 0..300 {
        let cred = credential(seed);
        for (variant, doc) in variants(&cred) {
            let what = format!("credential {seed} {variant}: {doc}");
            assert!(matches!(compare(&what, &doc), Outcome::Same(_)), "{what}");
        }
    }
}

fn set(doc: &mut Value, pointer: &str, key: &str, value: Value) {
    doc.pointer_mut(pointer)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(key.into(), value);
}

fn refused(doc: &Value) -> JsonLdError {
    assert!(
        general(doc).is_ok(),
        "the general processor accepts (and drops silently) what is refused"
    );
    match compiled(doc) {
        Err(CompiledError::JsonLd(e)) => {
            assert_eq!(
                jsonld::to_rdf(doc, &Limits::default()),
                Err(e.clone()),
                "no fallback for refusals"
            );
            e
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn mutations_are_refused_by_the_strict_processor() {
    for seed in 0..40 {
        let base = credential(seed);
        let undefined = |pointer: &str, key: &str| {
            let mut d = base.clone();
            set(&mut d, pointer, key, json!("x"));
            assert_eq!(
                refused(&d),
                JsonLdError::UndefinedTerm(key.into()),
                "{key} at {pointer}"
            );
        };
        undefined("", "colour");
        undefined("/credentialSubject", "favouriteColour");
        undefined("/credentialSubject/achievement", "difficulty");
        undefined("/credentialSubject/achievement/criteria", "weight");
        // Defined, but only in the scope of another type.
        undefined("", "achievement");
        undefined("/credentialSubject", "validFrom");
        undefined("/credentialSubject/achievement", "endorsementComment");

        let mut d = base.clone();
        d["type"] = json!([
            "VerifiableCredential",
            "OpenBadgeCredential",
            "MysteryCredential"
        ]);
        assert_eq!(
            refused(&d),
            JsonLdError::UndefinedTerm("MysteryCredential".into())
        );
        let mut d = base.clone();
        d["credentialSubject"]["type"] = json!(["AchievementSubject", "Learner"]);
        assert_eq!(refused(&d), JsonLdError::UndefinedTerm("Learner".into()));

        let mut d = base.clone();
        d["credentialSubject"]["achievement"]["id"] = json!("achievements/relative");
        assert!(matches!(refused(&d), JsonLdError::Invalid(m) if m.contains("relative")));
        let mut d = base.clone();
        d["credentialSubject"]["achievement"]["id"] = json!("https://bad iri.example/");
        assert!(matches!(refused(&d), JsonLdError::Invalid(_)));
        let mut d = base.clone();
        d["name"] = json!({"@value": "x", "@language": "not a tag!"});
        assert!(matches!(refused(&d), JsonLdError::Invalid(m) if m.contains("language")));
    }
}

#[test]
fn unbundled_contexts_fail_both_ways_and_unsupported_features_fall_back() {
    let mut d = credential(1);
    d["@context"] = json!([V2, OB, "https://example.org/private-context.json"]);
    assert_eq!(
        compiled(&d),
        Err(CompiledError::JsonLd(JsonLdError::UnknownContext(
            "https://example.org/private-context.json".into()
        )))
    );
    assert_eq!(compare("unknown context", &d), Outcome::UnknownContext);

    // A protected term redefined by a later context: both processors refuse.
    let d = json!({"@context": [V2, "https://w3id.org/openbadges/v2"], "name": "x"});
    assert!(matches!(general(&d), Err(JsonLdError::Invalid(_))));
    assert!(
        matches!(compiled(&d), Err(CompiledError::JsonLd(JsonLdError::Invalid(m))) if m.contains("protected"))
    );

    let fallbacks = [
        json!({"@context": [V2, OB, {"ex": "https://ex.example/#"}], "type": "VerifiableCredential",
               "ex:thing": "v"}),
        json!({"@context": {"@vocab": "https://ex.example/#"}, "a": {"@list": [[1], [2]]}}),
        json!({"@context": V2, "@id": "https://a.example/", "@reverse": {"https://schema.org/knows": {"@id": "https://b.example/"}}}),
        json!({"@context": V2, "@id": "https://a.example/", "https://schema.org/name": {"@value": "x", "@direction": "rtl", "@language": "ar"}}),
        json!({"@context": V2, "@id": "https://a.example/", "@included": [{"@id": "https://b.example/", "name": "b"}]}),
    ];
    for (i, doc) in fallbacks.iter().enumerate() {
        assert!(
            matches!(compare(&format!("fallback {i}"), doc), Outcome::FellBack(_)),
            "fallback {i}"
        );
    }
}

#[test]
fn hand_written_edge_cases_give_the_same_rdf() {
    let docs = [
        // Top-level @graph, blank node identifiers shared across graphs, explicit lists.
        json!({"@context": V2, "@graph": [
            {"id": "_:a", "type": "VerifiableCredential", "name": "A", "https://schema.org/knows": {"@id": "_:b"}},
            {"id": "_:b", "name": "B", "https://schema.org/list": {"@list": ["x", {"@id": "_:a"}, 1.5]}}]}),
        // Value objects with datatypes (compact IRIs via VC 1.1's xsd prefix), numbers, booleans.
        json!({"@context": ["https://www.w3.org/2018/credentials/v1"], "type": "VerifiableCredential",
               "issuanceDate": "2020-01-01T00:00:00Z",
               "https://schema.org/n": [1, 2.5, -0.0, 1e21, 1e20, 123456789012345678u64, true, false],
               "https://schema.org/d": {"@value": "2020-01-01", "@type": "xsd:date"},
               "credentialSubject": {"id": "did:example:1", "https://schema.org/name": {"@value": "Ünï", "@language": "FR"}}}),
        // A named graph on a node with an id, @set objects, null values.
        json!({"@context": V2, "id": "https://g.example/", "@graph": {"id": "https://n.example/", "name": "N"},
               "name": {"@set": ["a", null, "b"]}, "description": null}),
        // Multiple proofs in one graph container; proof chains; an @json value.
        json!({"@context": [V2], "type": ["VerifiableCredential", "JsonSchemaCredential"],
               "credentialSubject": {"type": "JsonSchema", "jsonSchema": {"b": 1, "a": [0.5, "\u{7f}"]}},
               "proof": [{"type": "DataIntegrityProof", "id": "urn:p1", "cryptosuite": "eddsa-rdfc-2022"},
                         {"type": "DataIntegrityProof", "previousProof": "urn:p1", "proofPurpose": "authentication"}]}),
        // A DID document (did v1 + multikey contexts).
        json!({"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
               "id": "did:web:x.example", "verificationMethod": [{"id": "did:web:x.example#k", "type": "Multikey",
               "controller": "did:web:x.example", "publicKeyMultibase": "z6Mk"}],
               "assertionMethod": ["did:web:x.example#k"], "service": [{"id": "did:web:x.example#s",
               "type": "https://identity.foundation/.well-known/resources/did-configuration/#LinkedDomains", "serviceEndpoint": "https://x.example/"}]}),
        // A status list credential and an entry with a status message.
        json!({"@context": [V2], "id": "https://s.example/1", "type": ["VerifiableCredential", "BitstringStatusListCredential"],
               "credentialSubject": {"id": "https://s.example/1#list", "type": "BitstringStatusList",
                                     "statusPurpose": "message", "encodedList": "uH4sI", "ttl": 500},
               "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "message",
                                    "statusSize": 2, "statusMessage": [{"status": "0x0", "message": "ok"}],
                                    "statusListIndex": "3", "statusListCredential": "https://s.example/1"}}),
        // Contexts embedded further down, and @context: null after unprotected contexts.
        json!({"@context": "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", "type": "1EdTechRevocationList",
               "https://schema.org/x": {"@context": [null, V2], "type": "VerifiableCredential", "name": "inner"}}),
        // A root array: a map with only @graph is then a graph object (a blank named graph).
        json!([{"@context": V2, "@graph": [{"id": "urn:x", "name": "X"}]},
               {"@context": V2, "id": "urn:y", "type": "VerifiableCredential", "validFrom": "2020-01-01T00:00:00Z"}]),
    ];
    for (i, doc) in docs.iter().enumerate() {
        assert!(
            matches!(compare(&format!("edge case {i}"), doc), Outcome::Same(_)),
            "edge case {i}"
        );
    }
}

#[test]
fn limits_are_enforced_by_the_compiled_processor() {
    let doc = credential(3);
    let tight = Limits {
        max_quads: 5,
        ..Limits::default()
    };
    assert_eq!(
        compiled::to_rdf(&doc, &tight),
        Err(CompiledError::JsonLd(JsonLdError::TooManyQuads(5)))
    );
    let mut deep = json!("leaf");
    for _ in 0..80 {
        deep = json!({"https://schema.org/x": deep});
    }
    let deep = json!({"@context": V2, "https://schema.org/x": deep});
    assert_eq!(
        compiled::to_rdf(&deep, &Limits::default()),
        Err(CompiledError::JsonLd(JsonLdError::TooDeep(64)))
    );
}

/// Every JSON pointer in `v` (objects and arrays included), except `@context` subtrees.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k != "@context" {
                    let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    out.push(p.clone());
                    pointers(x, p, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        _ => {}
    }
}

#[test]
fn mutated_credentials_give_the_same_rdf_whenever_accepted() {
    let replacements = [
        json!(null),
        json!(0),
        json!(-12.5),
        json!(1e300),
        json!(true),
        json!([]),
        json!({}),
        json!(["a", 2, false]),
        json!("urn:uuid:1234"),
        json!("_:shared"),
        json!({"id": "_:shared"}),
        json!({"@value": "v", "@language": "en"}),
        json!({"@value": 3, "@type": "https://www.w3.org/2001/XMLSchema#decimal"}),
        json!({"@list": ["x", 1]}),
        json!({"@set": ["x"]}),
        json!({"type": "Profile", "name": "P"}),
        json!("Achievement"),
    ];
    let (mut same, mut refused, mut fell_back) = (0, 0, 0);
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for seed in 0..150 {
        let base = credential(seed);
        let mut paths = Vec::new();
        pointers(&base, String::new(), &mut paths);
        for _ in 0..8 {
            let mut doc = base.clone();
            let path = rng.pick(&paths).clone();
            *doc.pointer_mut(&path).unwrap() = rng.pick(&replacements).clone();
            match compare(
                &format!("credential {seed} with {path} replaced: {doc}"),
                &doc,
            ) {
                Outcome::Same(_) => same += 1,
                Outcome::Refused(e) => {
                    refused += 1;
                    if std::env::var_os("SHOW_REFUSALS").is_some() {
                        println!("refused {path} = {}: {e}", doc.pointer(&path).unwrap());
                    }
                }
                Outcome::FellBack(_) => fell_back += 1,
                Outcome::UnknownContext => panic!("no unknown contexts here"),
            }
        }
    }
    println!("same {same}, refused {refused}, fell back {fell_back}");
    assert!(same > 500, "most mutations stay valid JSON-LD ({same})");
}
