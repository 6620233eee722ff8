#!/usr/bin/env bash
# Screenshots of the main pages for the README, into docs/screenshots/: starts
# `accolade serve --demo` on a temporary data directory, fills a workspace, backpack and
# portfolio through the browser as a person would (interop/browser/screenshots.mjs), and
# saves each page at 1280×800 and 390×844 as PNG, made smaller with pngquant when it is
# installed (apt-get install -y pngquant).
#
#   scripts/screenshots.sh            # build (debug) and capture
#   NO_BUILD=1 BIN=path/to/accolade scripts/screenshots.sh
#   FULL=1 OUT=/tmp/shots scripts/screenshots.sh   # whole pages, elsewhere (for review)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$ROOT/docs/screenshots}"
PORT="${PORT:-18790}"
WORK="$(mktemp -d)"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${BIN:-}" ]; then
  echo "building…" >&2
  # The executable's path comes from cargo itself, wherever its target directory is.
  cargo build -p accolade --bin accolade --manifest-path "$ROOT/Cargo.toml" \
    --message-format=json-render-diagnostics > "$WORK/build.json"
  BIN="$(sed -n 's/.*"executable":"\([^"]*\/accolade\)".*/\1/p' "$WORK/build.json" | tail -n 1)"
fi
[ -x "$BIN" ] || {
  echo "no accolade executable at '$BIN'" >&2
  exit 1
}
[ -d "$ROOT/interop/node_modules/puppeteer-core" ] ||
  (cd "$ROOT/interop" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

BASE="http://127.0.0.1:$PORT"
env -u ACCOLADE_SMTP_URL -u ACCOLADE_DATABASE_URL "$BIN" serve --demo --signup-without-email \
  --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" --public-url "$BASE" > "$WORK/demo.txt" 2> "$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 200); do
  grep -q "is listening" "$WORK/demo.txt" 2> /dev/null && break
  sleep 0.1
done
grep -q "is listening" "$WORK/demo.txt" || {
  echo "accolade serve did not start:" >&2
  cat "$WORK/demo.txt" >&2
  exit 1
}

mkdir -p "$OUT"
node "$ROOT/interop/browser/screenshots.mjs" "$BASE" "$OUT" "$WORK/demo.txt" \
  ${FULL:+--full} > "$WORK/shots.txt"
if command -v pngquant > /dev/null; then
  xargs pngquant --force --skip-if-larger --strip --quality 65-90 --ext .png < "$WORK/shots.txt" || true
else
  echo "pngquant is not installed: the screenshots are left unoptimised" >&2
fi
du -ch $(cat "$WORK/shots.txt") | tail -n 1
