//! Tests that need something outside Cargo (a PostgreSQL server, Node.js packages, Chromium,
//! a Python with certain packages) read an environment variable naming it. Locally a missing
//! variable skips the test visibly; under CI (`CI` set to anything non-empty) it fails the
//! test, so that no CI run can pass by skipping.

/// Whether this process runs under CI: `CI` set and not empty (CI services set `CI=true`).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.trim().is_empty())
}

/// The value of `var` when it is set and not empty. Otherwise: under CI, a panic naming the
/// variable; locally, `None` after printing `SKIPPED: {what} needs {var}` to stderr.
/// `what` names the test or check, `how` says how to provide it.
pub fn require_var(var: &str, what: &str, how: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Some(v),
        _ => missing(var, what, how),
    }
}

/// Whether the switch `var` is on (`var=1`). When it is not: under CI, a panic naming the
/// variable; locally, `false` after printing `SKIPPED: {what} needs {var}=1` to stderr.
pub fn require_flag(var: &str, what: &str, how: &str) -> bool {
    if std::env::var(var).is_ok_and(|v| v.trim() == "1") {
        return true;
    }
    missing(&format!("{var}=1"), what, how).is_some()
}

// A test helper: failing the calling test is the point.
#[allow(clippy::panic)]
fn missing(var: &str, what: &str, how: &str) -> Option<String> {
    if under_ci() {
        panic!("{what} needs {var}, which is not set, and CI is set: refusing to skip ({how})");
    }
    eprintln!("SKIPPED: {what} needs {var} ({how})");
    None
}
