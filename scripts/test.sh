#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the npm packages the interoperability and
# browser tests use (the Digital Bazaar verifier stack, ajv, puppeteer-core), Chromium and nginx,
# checks formatting and lints, then runs the whole Rust test suite with the interop and
# browser tests switched on.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1; then
  echo "Node.js is required for the interoperability tests; installing Debian's nodejs/npm" >&2
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

CHROMIUM="${ACCOLADE_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ]; then
  echo "== installing Chromium for the browser tests (Debian's chromium)" >&2
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  CHROMIUM="$(command -v chromium)"
fi
export ACCOLADE_CHROMIUM="$CHROMIUM"

# Debian's nginx: the proxy and several-nodes tests put it in front of `accolade serve`.
NGINX="${ACCOLADE_NGINX:-$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)}"
if [ -z "$NGINX" ]; then
  echo "== installing nginx for the proxy tests (Debian's nginx)" >&2
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
  NGINX=/usr/sbin/nginx
fi
export ACCOLADE_NGINX="$NGINX"

echo "== npm ci (interop/)"
(cd interop && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

echo "== Python venv (independent Open Badges tools from PyPI)"
PY_VENV="${CARGO_TARGET_DIR:-target}/py-venv"
if [ ! -x "$PY_VENV/bin/python" ]; then
  python3 -m venv "$PY_VENV" || {
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$PY_VENV"
  }
fi
"$PY_VENV/bin/pip" install -q --disable-pip-version-check -r interop/py/requirements.txt
"$PY_VENV/bin/pip" install -q --disable-pip-version-check --no-deps openbadges==1.1.2
ACCOLADE_PYTHON="$(cd "$PY_VENV/bin" && pwd)/python"
# poppler's pdfinfo/pdftotext read the certificate PDFs in the tests.
command -v pdftotext >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }
export ACCOLADE_PYTHON
# openbadgeslib in its own venv: its [ldp] extra needs PyLD >= 3.3, `openbadges` above 0.7.1.
OBL_VENV="${CARGO_TARGET_DIR:-target}/py-venv-obl"
[ -x "$OBL_VENV/bin/python" ] || python3 -m venv "$OBL_VENV"
"$OBL_VENV/bin/pip" install -q --disable-pip-version-check -r interop/py/requirements-openbadgeslib.txt
ACCOLADE_PYTHON_OBL="$(cd "$OBL_VENV/bin" && pwd)/python"
export ACCOLADE_PYTHON_OBL

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test"
export ACCOLADE_TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
ACCOLADE_INTEROP=1 ACCOLADE_BROWSER=1 cargo test --workspace
