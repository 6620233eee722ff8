//! Unit tests of the compiled processor's context semantics; the differential tests against
//! the general processor are in tests/jsonld_diff.rs.

use super::context;
use super::{CompiledError, to_rdf};
use crate::jsonld::{JsonLdError, Limits};
use crate::rdf::{Quad, Term};
use serde_json::{Value, json};
use std::sync::Arc;

const V2: &str = "https://www.w3.org/ns/credentials/v2";
const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const SEC: &str = "https://w3id.org/security#";

fn quads(doc: &Value) -> Vec<Quad> {
    to_rdf(doc, &Limits::default()).unwrap()
}

fn refusal(doc: &Value) -> JsonLdError {
    match to_rdf(doc, &Limits::default()) {
        Err(CompiledError::JsonLd(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn has(quads: &[Quad], predicate: &str, object: &Term) -> bool {
    quads
        .iter()
        .any(|q| q.predicate == predicate && q.object == *object)
}

#[test]
fn compiled_contexts_are_processed_once_and_shared() {
    let a = context::with_url(&context::initial(), V2).unwrap();
    let b = context::with_url(&context::initial(), V2).unwrap();
    assert!(
        Arc::ptr_eq(&a, &b),
        "the same (parent, context) gives the cached context"
    );
    let ob = context::with_url(&a, OB).unwrap();
    assert!(Arc::ptr_eq(&ob, &context::with_url(&b, OB).unwrap()));
    let vc = ob
        .term("VerifiableCredential")
        .and_then(|d| d.scoped)
        .unwrap();
    let scoped = context::with_scoped(&ob, vc, true).unwrap();
    assert!(Arc::ptr_eq(
        &scoped,
        &context::with_scoped(&ob, vc, true).unwrap()
    ));
    assert!(
        Arc::ptr_eq(scoped.previous.as_ref().unwrap(), &ob),
        "type-scoped: reverts to its parent"
    );
    let as_property = context::with_scoped(&ob, vc, false).unwrap();
    assert!(
        !Arc::ptr_eq(&scoped, &as_property),
        "the mode is part of the key"
    );
    assert!(
        as_property.previous.is_none(),
        "property-scoped contexts propagate"
    );
}

#[test]
fn compiled_type_scoped_terms_stop_at_nested_nodes() {
    let doc = json!({"@context": [V2, OB], "type": "VerifiableCredential", "validFrom": "2020-01-01T00:00:00Z",
                     "issuer": {"id": "https://i.example/", "validFrom": "2020-01-01T00:00:00Z"}});
    assert_eq!(
        refusal(&doc),
        JsonLdError::UndefinedTerm("validFrom".into())
    );
    // A node reference or a value object keeps the type-scoped context.
    let doc = json!({"@context": [V2, OB], "type": "VerifiableCredential",
                     "validFrom": {"@value": "2020-01-01T00:00:00Z"}, "issuer": {"id": "https://i.example/"}});
    let q = quads(&doc);
    assert!(has(
        &q,
        "https://www.w3.org/2018/credentials#issuer",
        &Term::Iri("https://i.example/".into())
    ));
}

#[test]
fn compiled_property_scoped_contexts_apply_to_values() {
    let doc = json!({"@context": V2, "type": "DataIntegrityProof", "proofPurpose": "assertionMethod",
                     "cryptosuite": "eddsa-rdfc-2022"});
    let q = quads(&doc);
    assert!(has(
        &q,
        &format!("{SEC}proofPurpose"),
        &Term::Iri(format!("{SEC}assertionMethod"))
    ));
    assert!(q.iter().any(|q| matches!(&q.object, Term::Literal(l)
        if l.value == "eddsa-rdfc-2022" && l.datatype == format!("{SEC}cryptosuiteString"))));
    let doc = json!({"@context": V2, "type": "DataIntegrityProof", "proofPurpose": "flattery"});
    assert_eq!(refusal(&doc), JsonLdError::UndefinedTerm("flattery".into()));
}

#[test]
fn compiled_proofs_are_graphs_and_lists_are_chains() {
    let doc = json!({"@context": [V2, OB], "type": ["VerifiableCredential"], "id": "urn:c",
                     "credentialSubject": {"type": "AchievementSubject", "achievement": {
                         "type": "Achievement", "resultDescription": [{"type": "ResultDescription",
                         "allowedValue": ["A", "B"]}]}},
                     "proof": [{"type": "DataIntegrityProof"}, {"type": "DataIntegrityProof"}]});
    let q = quads(&doc);
    let graphs: Vec<&Term> = q
        .iter()
        .filter(|q| q.predicate == format!("{SEC}proof"))
        .map(|q| &q.object)
        .collect();
    assert_eq!(graphs.len(), 2);
    for g in graphs {
        assert!(
            q.iter().any(|x| x.graph.as_ref() == Some(g)),
            "each proof in its own graph"
        );
    }
    let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    assert_eq!(
        q.iter()
            .filter(|q| q.predicate == format!("{rdf}first"))
            .count(),
        2
    );
    assert!(has(
        &q,
        &format!("{rdf}rest"),
        &Term::Iri(format!("{rdf}nil"))
    ));
}

#[test]
fn compiled_refuses_protected_redefinitions_and_unknown_contexts() {
    let doc = json!({"@context": [V2, "https://w3id.org/openbadges/v2"], "name": "x"});
    assert!(
        matches!(refusal(&doc), JsonLdError::Invalid(m) if m.contains("protected term redefinition"))
    );
    let doc = json!({"@context": [V2, "https://example.org/ctx"], "name": "x"});
    assert_eq!(
        refusal(&doc),
        JsonLdError::UnknownContext("https://example.org/ctx".into())
    );
    let doc = json!({"@context": [V2, {"x": "https://x.example/"}]});
    assert!(matches!(
        to_rdf(&doc, &Limits::default()),
        Err(CompiledError::Unsupported(_))
    ));
}

#[test]
fn compiled_refuses_keyword_lookalikes_and_blank_predicates() {
    let doc = json!({"@context": V2, "@comment": "x"});
    assert_eq!(refusal(&doc), JsonLdError::UndefinedTerm("@comment".into()));
    let doc = json!({"@context": V2, "_:p": "x"});
    assert!(matches!(
        to_rdf(&doc, &Limits::default()),
        Err(CompiledError::Unsupported(_))
    ));
}
