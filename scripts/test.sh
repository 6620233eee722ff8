#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the npm packages the interoperability tests
# use (the Digital Bazaar verifier stack, ajv), checks formatting and lints, then runs the
# whole Rust test suite with the interop tests switched on.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1; then
  echo "Node.js is required for the interoperability tests; installing Debian's nodejs/npm" >&2
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

echo "== npm ci (interop/)"
(cd interop && npm ci --no-audit --no-fund --loglevel=error)

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test"
export ACCOLADE_TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
ACCOLADE_INTEROP=1 cargo test --workspace
