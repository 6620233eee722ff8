//! Model tests: the 1EdTech validator files (`vectors`), canonical output of credentials built
//! in code and the single-value forms of compacted JSON-LD (`build`).

use std::path::PathBuf;

mod build;
mod vectors;

/// A file from the 1EdTech validator's OB 3.0 test folder.
pub(super) fn vector(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/vectors/1edtech-validator/ob30",
        name,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
