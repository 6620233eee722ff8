#!/usr/bin/env bash
# Cold credential pages: random pages among many awards, almost none of them kept in the
# server's page cache, so nearly every request reads the award (with its kept verdict) and
# renders the page.
#
# For each backend (SQLite, then PostgreSQL): issues AWARDS distinct signed credentials
# (default 1,000,000) with the project's own bulk path (`accolade import-csv`, which signs
# each credential and queues its email; the time is printed), starts the release server,
# waits until its verdict keeper has verified every credential once (the verdicts are kept
# with the awards: `award_verdicts`), then loads `/credentials/{id}` with wrk (2 threads,
# CONNS connections, DURATION seconds), each request for a random id from the file of all
# ids. It prints requests/s, p50, p99, wrk's request count, non-2xx/3xx responses and socket
# errors, and the server's peak resident memory (VmHWM from /proc, which covers the
# verdict pass too) and its resident memory at the end (VmRSS).
#
#   scripts/bench-cold.sh [AWARDS]
#   CONNS=32 DURATION=30 to change the load; BACKENDS="sqlite postgres" to choose;
#   NO_BUILD=1 to use the release binary already built under CARGO_TARGET_DIR; PORT to run
#   one copy per backend side by side (their wrk runs take turns through a lock file);
#   KEEP=1 to keep the issued awards (under BENCH_DIR, and a PostgreSQL database named for
#   AWARDS) and use them again on the next KEEP=1 run instead of issuing them again.
# Needs wrk, psql and python3; PostgreSQL comes from scripts/postgres.sh. The data is
# deleted at the end (1,000,000 awards with their queued emails take several GB).
set -euo pipefail

AWARDS="${1:-1000000}"
CONNS="${CONNS:-32}"
DURATION="${DURATION:-30}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PER_ORG="${PER_ORG:-500000}"
PORT="${PORT:-18383}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${KEEP:-0}" = 1 ]; then
  WORK="${BENCH_DIR:-/var/tmp}/accolade-bench-cold-kept-$AWARDS"
  mkdir -p "$WORK"
  DB="accolade_bench_cold_kept_$AWARDS"
else
  WORK="$(mktemp -d "${BENCH_DIR:-/var/tmp}/accolade-bench-cold.XXXXXX")"
  DB="accolade_bench_cold_$$"
fi
SERVER=""
ADMIN=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2> /dev/null || true; fi
  [ "${KEEP:-0}" = 1 ] && return
  if [ -n "$ADMIN" ]; then
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk > /dev/null || {
  echo "wrk is needed: apt-get install -y wrk" >&2
  exit 1
}

if [ "${NO_BUILD:-0}" = 1 ]; then
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/accolade"
else
  echo "building (release)…" >&2
  cargo build --release -p accolade --bin accolade --manifest-path "$ROOT/Cargo.toml" \
    --message-format=json-render-diagnostics > "$WORK/build.json"
  BIN="$(sed -n 's/.*"executable":"\([^"]*\/accolade\)".*/\1/p' "$WORK/build.json" | tail -n 1)"
fi
[ -x "$BIN" ] || {
  echo "no accolade executable at '$BIN'" >&2
  exit 1
}
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
echo "binary: $BIN"
echo "commit: $COMMIT"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB; load before: $(uptime)"
BASE="http://127.0.0.1:$PORT"

cat > "$WORK/pages.lua" << 'EOF'
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", "/credentials/" .. ids[math.random(#ids)])
end
EOF

# sql BACKEND QUERY: one value from the backend's database.
sql() {
  case "$1" in
    sqlite)
      python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
        "$WORK/data-$backend/accolade.db" "$2"
      ;;
    postgres) psql -qtAX "$URL" -c "$2" ;;
  esac
}

run() {
  local backend="$1"
  local kept_ids="$WORK/ids-$backend"
  local data=(--data-dir "$WORK/data-$backend" --public-url "$BASE")
  if [ "$backend" = postgres ]; then
    ADMIN="$(bash "$ROOT/scripts/postgres.sh")"
    URL="${ADMIN%/postgres}/$DB"
    data+=(--database-url "$URL")
  fi
  if [ "${KEEP:-0}" = 1 ] && [ -s "$kept_ids" ]; then
    echo "$backend: using the $(wc -l < "$kept_ids") awards kept by an earlier KEEP=1 run"
    cp "$kept_ids" "$WORK/ids-now-$backend"
  else
    issue "$backend"
    cp "$WORK/ids-now-$backend" "$kept_ids"
  fi
  serve_and_load "$backend"
}

# issue BACKEND: AWARDS distinct credentials through `accolade import-csv`.
issue() {
  local backend="$1"
  rm -rf "$WORK/data-$backend"
  if [ "$backend" = postgres ]; then
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null
    psql -q "$ADMIN" -c "CREATE DATABASE $DB" > /dev/null
  fi
  # An organization's status list holds about 780,000 awards (positions are drawn at
  # random), so the awards are issued by organizations of at most PER_ORG each.
  local start end org=0 first=1 achievement
  start=$(date +%s.%N)
  while [ "$first" -le "$AWARDS" ]; do
    org=$((org + 1))
    "$BIN" "${data[@]}" org create --name "Bench Academy $org" --url https://bench.example \
      --json > /dev/null
    achievement="$("$BIN" "${data[@]}" achievement create --org "bench-academy-$org" \
      --name "First Aid" --description "Workplace first aid, practised on real cases." \
      --criteria "Pass the practical assessment." --json |
      sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')"
    {
      echo "email,name"
      seq "$first" "$((first + PER_ORG - 1 < AWARDS ? first + PER_ORG - 1 : AWARDS))" |
        awk '{ printf "learner%d@example.org,Learner %d\n", $1, $1 }'
    } > "$WORK/learners-$backend.csv"
    "$BIN" "${data[@]}" import-csv --achievement "$achievement" "$WORK/learners-$backend.csv" --json \
      > /dev/null 2> "$WORK/import-$backend.err" || {
      cat "$WORK/import-$backend.err" >&2
      exit 1
    }
    first=$((first + PER_ORG))
  done
  end=$(date +%s.%N)
  case "$backend" in
    sqlite)
      python3 -c 'import sqlite3, sys
for (i,) in sqlite3.connect(sys.argv[1]).execute("SELECT id FROM awards"): print(i)' \
        "$WORK/data-$backend/accolade.db" > "$WORK/ids-now-$backend"
      ;;
    postgres) psql -qtAX "$URL" -c "SELECT id FROM awards" > "$WORK/ids-now-$backend" ;;
  esac
  local issued
  issued="$(wc -l < "$WORK/ids-now-$backend")"
  [ "$issued" -eq "$AWARDS" ] || {
    echo "$issued of $AWARDS credentials issued" >&2
    exit 1
  }
  echo "$backend: $issued credentials issued by import-csv ($org organizations) in $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", e - s }') s"
}

# serve_and_load BACKEND: the release server on the issued awards, then wrk.
serve_and_load() {
  local backend="$1" start end
  local data=(--data-dir "$WORK/data-$backend" --public-url "$BASE")
  [ "$backend" = postgres ] && data+=(--database-url "$URL")

  "$BIN" "${data[@]}" serve --listen "127.0.0.1:$PORT" > "$WORK/serve-$backend.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do
    curl -fs "$BASE/healthz" > /dev/null && break
    sleep 0.2
  done
  curl -fs "$BASE/healthz" > /dev/null || {
    cat "$WORK/serve-$backend.log" >&2
    echo "accolade serve did not answer on $BASE" >&2
    exit 1
  }
  # The keeper verifies every credential once, in the background; wait for it.
  start=$(date +%s.%N)
  local kept=0
  while :; do
    kept="$(sql "$backend" "SELECT COUNT(*) FROM award_verdicts")"
    [ "$kept" -ge "$AWARDS" ] && break
    kill -0 "$SERVER" 2> /dev/null || {
      cat "$WORK/serve-$backend.log" >&2
      exit 1
    }
    sleep 5
  done
  end=$(date +%s.%N)
  echo "$backend: $kept verdicts kept by the server's keeper in $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", e - s }') s (after start)"

  # A server that has been up a while has its database in the OS cache; one just started
  # after a large import may not (the file is about 10 GB at 1,000,000 awards).
  if [ "$backend" = sqlite ]; then cat "$WORK/data-$backend/accolade.db" > /dev/null; fi
  echo "$backend: load before wrk: $(uptime)"
  echo "$backend: page cache and keeper settled; resident memory before the load: $(awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER/status")"
  # Runs of this script started side by side (one per backend) take turns for the load.
  IDS="$WORK/ids-now-$backend" flock /tmp/accolade-bench-cold.lock \
    wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/pages.lua" "$BASE" > "$WORK/wrk-$backend.txt"
  awk -v l="$backend" '
    BEGIN { bad = 0; errs = 0 }
    / 50%/ { p50 = $2 } / 99%/ { p99 = $2 } /Requests\/sec/ { rps = $2 }
    / requests in / { total = $1 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errs += $i + 0 }
    END { printf "%s: random pages of %s: %s requests/s, p50 %s, p99 %s, %s requests, %s non-2xx/3xx, %s socket errors\n", l, ENVIRON["AWARDS"], rps, p50, p99, total, bad, errs }' \
    "$WORK/wrk-$backend.txt"
  echo "$backend: server memory: peak $(awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER/status"), now $(awk '/VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER/status")"
  echo "$backend: load after: $(uptime)"
  kill "$SERVER"
  wait "$SERVER" 2> /dev/null || true
  SERVER=""
  if grep -q "Non-2xx" "$WORK/wrk-$backend.txt"; then
    cat "$WORK/wrk-$backend.txt" >&2
    echo "$backend: some responses were not 2xx/3xx" >&2
    exit 1
  fi
  [ "${KEEP:-0}" = 1 ] && return
  if [ "$backend" = postgres ]; then
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null
  fi
  rm -rf "$WORK/data-$backend"
}

export AWARDS
for backend in $BACKENDS; do
  run "$backend"
done
