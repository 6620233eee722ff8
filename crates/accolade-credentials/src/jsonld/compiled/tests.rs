//! Unit tests of the compiled processor (the differential ones are in tests/jsonld_diff.rs).
