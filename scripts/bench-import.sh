#!/usr/bin/env bash
# Bulk issuing benchmark: generates a CSV of ROWS recipients (default 100,000), then runs
# `accolade import-csv` (release build) on it, once on a fresh SQLite data directory and once
# on a fresh PostgreSQL database (scripts/postgres.sh); NO_SQLITE=1 or NO_POSTGRES=1 skips one. It prints
# wall time, rows per second, the emails queued (checked: one per award) and peak memory
# (maximum resident set size, /usr/bin/time -v). One run covers everything an import does: hash
# and validate every row, store the rows, sign every credential, write each award's email,
# store the awards, mark the rows and queue the emails.
#   scripts/bench-import.sh [ROWS]
set -euo pipefail

ROWS="${1:-100000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-import.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

echo "building (release)…" >&2
cargo build -q --release -p accolade --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/accolade"

CSV="$WORK/learners.csv"
{
  echo "Email Address,Full Name,Issue Date"
  seq 1 "$ROWS" | awk '{ printf "learner%d@example.org,Learner %d,2026-01-15\n", $1, $1 }'
} > "$CSV"
echo "$ROWS rows, $(du -h "$CSV" | cut -f1) of CSV" >&2

# retry CMD…: the data commands of the CLI open the database in one runtime and use it in
# another, which PostgreSQL connections do not always survive; try a few times.
retry() {
  local i
  for i in 1 2 3 4 5 6 7 8; do
    "$@" 2> "$WORK/retry.err" && return 0
    sleep 0.2
  done
  cat "$WORK/retry.err" >&2
  return 1
}

# run NAME [global options…]: a fresh organization and achievement, then the timed import.
run() {
  local name="$1"
  shift
  local global=("$@")
  retry "$BIN" "${global[@]}" --public-url https://badges.example.org org create \
    --name "Bench Academy" --url https://bench.example --json > /dev/null || true
  if ! retry "$BIN" "${global[@]}" keys list --org bench-academy | grep -q active; then
    retry "$BIN" "${global[@]}" keys rotate --org bench-academy > /dev/null
  fi
  local achievement
  achievement="$(retry "$BIN" "${global[@]}" achievement create --org bench-academy \
    --name "First Aid" --description "Workplace first aid." --criteria "Pass the assessment." \
    --json | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')"
  /usr/bin/time -v -o "$WORK/time.txt" \
    "$BIN" "${global[@]}" import-csv --achievement "$achievement" "$CSV" --json \
    > "$WORK/out.json" 2> "$WORK/progress.txt"
  local seconds rss issued emails
  seconds="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")"
  issued="$(sed -n 's/.*"issued": *\([0-9]*\).*/\1/p' "$WORK/out.json")"
  if [ "$issued" != "$ROWS" ]; then
    echo "$name: issued $issued of $ROWS rows" >&2
    cat "$WORK/out.json" "$WORK/progress.txt" >&2
    exit 1
  fi
  # Every award's email is queued with it: one send job each (no SMTP: nothing is sent).
  emails="$(retry "$BIN" "${global[@]}" outbox list --limit 0 |
    sed -n 's/.*jobs: \([0-9]*\) queued.*/\1/p')"
  if [ "$emails" != "$ROWS" ]; then
    echo "$name: $emails emails queued for $ROWS awards" >&2
    exit 1
  fi
  awk -v n="$name" -v rows="$ROWS" -v s="$seconds" -v kb="$rss" -v mails="$emails" 'BEGIN {
    printf "%-10s %7d rows  %6.1f s  %7.0f rows/s  %7d emails queued  peak RSS %4.0f MiB\n", n, rows, s, rows / s, mails, kb / 1024 }'
}

unset ACCOLADE_DATABASE_URL ACCOLADE_MASTER_KEY
if [ "${NO_SQLITE:-0}" != "1" ]; then
  run sqlite --data-dir "$WORK/sqlite"
fi

if [ "${NO_POSTGRES:-0}" != "1" ]; then
  ADMIN="$(bash "$ROOT/scripts/postgres.sh")"
  DB="accolade_bench_$$"
  psql -q "$ADMIN" -c "CREATE DATABASE $DB" >/dev/null
  trap 'psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null; rm -rf "$WORK"' EXIT
  run postgres --data-dir "$WORK/pg" --database-url "${ADMIN%/postgres}/$DB"
fi
