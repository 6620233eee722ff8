#!/usr/bin/env bash
# Bulk issuing benchmark: generates a CSV of ROWS recipients (default 100,000), then runs
# `accolade import-csv` on it with the release binary this script has just built (cargo
# reports its path, so `CARGO_TARGET_DIR` is respected), once on a fresh SQLite data
# directory and once on a fresh PostgreSQL database (scripts/postgres.sh); NO_SQLITE=1 or
# NO_POSTGRES=1 skips one. It prints the binary, the commit, the cores and the load average
# before and after, then per backend: wall time, rows per second, CPU time (user + system),
# the emails queued (checked: one per award) and peak memory (maximum resident set size,
# /usr/bin/time -v). One run covers everything an import does: hash and validate every row,
# store the rows, sign every credential, write each award's email, store the awards, mark
# the rows and queue the emails. Any failing command stops the script with its error.
#   scripts/bench-import.sh [ROWS]
set -euo pipefail

ROWS="${1:-100000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-import.XXXXXX)"
ADMIN=""
DB=""
cleanup() {
  if [ -n "$DB" ]; then
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "bench-import: $*" >&2
  exit 1
}

echo "building (release)…" >&2
# The executable's path comes from cargo itself, wherever its target directory is.
cargo build --release -p accolade --bin accolade --manifest-path "$ROOT/Cargo.toml" \
  --message-format=json-render-diagnostics > "$WORK/build.json"
BIN="$(sed -n 's/.*"executable":"\([^"]*\/accolade\)".*/\1/p' "$WORK/build.json" | tail -n 1)"
[ -x "$BIN" ] || fail "cargo did not report the accolade executable"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi

CSV="$WORK/learners.csv"
{
  echo "Email Address,Full Name,Issue Date"
  seq 1 "$ROWS" | awk '{ printf "learner%d@example.org,Learner %d,2026-01-15\n", $1, $1 }'
} > "$CSV"
echo "$ROWS rows, $(du -h "$CSV" | cut -f1) of CSV" >&2

RESULTS="$WORK/results.txt"
: > "$RESULTS"

# run NAME [global options…]: a fresh organization (with its first signing key) and
# achievement, then the timed import and the check of its emails.
run() {
  local name="$1"
  shift
  local global=("$@")
  "$BIN" "${global[@]}" --public-url https://badges.example.org org create \
    --name "Bench Academy" --url https://bench.example --json > /dev/null
  local keys
  keys="$("$BIN" "${global[@]}" keys list --org bench-academy)"
  grep -q active <<< "$keys" || fail "$name: the new organization has no active signing key"
  local achievement
  achievement="$("$BIN" "${global[@]}" achievement create --org bench-academy \
    --name "First Aid" --description "Workplace first aid." --criteria "Pass the assessment." \
    --json | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')"
  [ -n "$achievement" ] || fail "$name: achievement create printed no id"
  echo "$name: importing…" >&2
  /usr/bin/time -v -o "$WORK/time.txt" \
    "$BIN" "${global[@]}" import-csv --achievement "$achievement" "$CSV" --json \
    > "$WORK/out.json" 2> "$WORK/progress.txt" || {
    cat "$WORK/out.json" "$WORK/progress.txt" >&2
    fail "$name: import-csv failed"
  }
  local seconds rss user sys issued emails outbox
  seconds="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")"
  user="$(sed -n 's/.*User time (seconds): //p' "$WORK/time.txt")"
  sys="$(sed -n 's/.*System time (seconds): //p' "$WORK/time.txt")"
  issued="$(sed -n 's/.*"issued": *\([0-9]*\).*/\1/p' "$WORK/out.json")"
  if [ "$issued" != "$ROWS" ]; then
    cat "$WORK/out.json" "$WORK/progress.txt" >&2
    fail "$name: issued ${issued:-none} of $ROWS rows"
  fi
  # Every award's email is queued with it: one send job each (no SMTP: nothing is sent).
  outbox="$("$BIN" "${global[@]}" outbox list --limit 0)"
  emails="$(sed -n 's/.*jobs: \([0-9]*\) queued.*/\1/p' <<< "$outbox")"
  [ "$emails" = "$ROWS" ] || fail "$name: ${emails:-no count of} emails queued for $ROWS awards"
  awk -v n="$name" -v rows="$ROWS" -v s="$seconds" -v kb="$rss" -v u="$user" -v y="$sys" \
    -v mails="$emails" 'BEGIN {
    printf "%-10s %7d rows  %6.1f s  %7.0f rows/s  CPU %6.1f s (user %.1f, sys %.1f)  %7d emails queued  peak RSS %4.0f MiB\n",
      n, rows, s, rows / s, u + y, u, y, mails, kb / 1024 }' | tee -a "$RESULTS" >&2
}

LOAD_BEFORE="$(uptime)"
unset ACCOLADE_DATABASE_URL ACCOLADE_MASTER_KEY
if [ "${NO_SQLITE:-0}" != "1" ]; then
  run sqlite --data-dir "$WORK/sqlite"
fi

if [ "${NO_POSTGRES:-0}" != "1" ]; then
  ADMIN="$(bash "$ROOT/scripts/postgres.sh")"
  DB="accolade_bench_$$"
  psql -q "$ADMIN" -c "CREATE DATABASE $DB" > /dev/null
  run postgres --data-dir "$WORK/pg" --database-url "${ADMIN%/postgres}/$DB"
fi
LOAD_AFTER="$(uptime)"

echo
echo "bulk import, $ROWS rows: $BIN at commit $COMMIT, $(nproc) cores"
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
cat "$RESULTS"
