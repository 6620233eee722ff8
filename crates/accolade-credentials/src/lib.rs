//! Open Badges 3.0 credentials, end to end: the typed model, JSON-LD to RDF over bundled and
//! pinned contexts, RDFC-1.0 and JCS canonicalization, Data Integrity proofs
//! (`eddsa-rdfc-2022`, `eddsa-jcs-2022`, `ecdsa-rdfc-2019`, `ecdsa-jcs-2019`), Multikey keys
//! (Ed25519, P-256, P-384), did:key / did:web resolution (through the [`did::Fetch`] trait;
//! this crate does no IO of its own), recipient identity hashes, Bitstring Status Lists, baked PNG/SVG
//! badges, and a verifier that reports every check in plain words.

pub mod bake;
pub mod contexts;
pub mod did;
pub mod identity;
pub mod ijson;
pub mod jcs;
pub mod jsonld;
pub mod jwt;
pub mod model;
pub mod multikey;
pub mod ob2;
pub mod proof;
pub mod rdf;
pub mod status_list;
pub mod verify;
