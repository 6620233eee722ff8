#!/usr/bin/env bash
# REST API benchmark on SQLite, with the release binary this script builds (cargo reports its
# path, so `CARGO_TARGET_DIR` is respected): `accolade serve` on a fresh data directory with
# an organization, an achievement and an admin API key (`accolade api-key create`), then
#  1. issue one badge per request (`POST /api/v1/awards`, each with its own recipient and
#     Idempotency-Key) at about RATE requests/s (default 200) for DURATION seconds (default
#     30) with wrk and a Lua script pacing each of CONNS connections (default 10; each waits
#     CONNS/RATE s less SERVICE_MS, default 10, between an answer and its next request); it prints
#     the requests/s reached, p50/p90/p99 latency and non-2xx answers (the target: p99 under
#     20 ms at 200/s);
#  2. issue ROWS badges (default 10,000) as one JSON array (`POST /api/v1/awards/batch`) and
#     as one CSV file (`POST /api/v1/imports`), each timed from the request until the import
#     job reads `done` (polled every 50 ms), with its issued count checked (the target: under
#     5 s).
# It prints the binary, the commit, the cores and the load average before and after. Any
# failing command stops the script with its error.
#   RATE=200 DURATION=30 CONNS=10 SERVICE_MS=10 ROWS=10000 scripts/bench-api.sh
set -euo pipefail

RATE="${RATE:-200}"
DURATION="${DURATION:-30}"
CONNS="${CONNS:-10}"
ROWS="${ROWS:-10000}"
PORT="${PORT:-18093}"
# wrk waits `delay` after each answer, so a connection's period is the delay plus the
# answer's time: the delay is shortened by about the usual answer time to reach RATE.
SERVICE_MS="${SERVICE_MS:-10}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-api.XXXXXX)"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2> /dev/null || true
    wait "$SERVER" 2> /dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "bench-api: $*" >&2
  exit 1
}

for tool in wrk curl python3; do
  command -v "$tool" > /dev/null || fail "$tool is needed"
done

echo "building (release)…" >&2
cargo build --release -p accolade --bin accolade --manifest-path "$ROOT/Cargo.toml" \
  --message-format=json-render-diagnostics > "$WORK/build.json"
BIN="$(sed -n 's/.*"executable":"\([^"]*\/accolade\)".*/\1/p' "$WORK/build.json" | tail -n 1)"
[ -x "$BIN" ] || fail "cargo did not report the accolade executable"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi

unset ACCOLADE_DATABASE_URL ACCOLADE_MASTER_KEY
G=(--data-dir "$WORK/data" --public-url https://badges.example.org)
"$BIN" "${G[@]}" org create --name "Bench Academy" --url https://bench.example --json > /dev/null
ACHIEVEMENT="$("$BIN" "${G[@]}" achievement create --org bench-academy \
  --name "First Aid" --description "Workplace first aid." --criteria "Pass the assessment." \
  --json | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')"
[ -n "$ACHIEVEMENT" ] || fail "achievement create printed no id"
TOKEN="$("$BIN" "${G[@]}" api-key create --org bench-academy --name bench --scope admin |
  sed -n 's/^ *token *//p')"
[ -n "$TOKEN" ] || fail "api-key create printed no token"

# A budget per key far above what the run sends, so that no request is turned away.
"$BIN" "${G[@]}" serve --listen "127.0.0.1:$PORT" --api-requests-per-minute 100000000 \
  > "$WORK/serve.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fs "$BASE/healthz" > /dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "$BASE/healthz" > /dev/null || { cat "$WORK/serve.log" >&2; fail "the server did not start"; }

LOAD_BEFORE="$(uptime)"

# 1. One badge per request at a paced rate: each connection waits CONNS/RATE seconds, less
#    SERVICE_MS, between an answer and its next request (wrk's `delay`, not in the latency).
cat > "$WORK/issue.lua" <<LUA
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function delay()
  return math.max(0, math.floor(1000 * $CONNS / $RATE) - $SERVICE_MS)
end
request = function()
  counter = counter + 1
  local key = "bench-" .. tid .. "-" .. counter
  local body = '{"achievement_id":"$ACHIEVEMENT","recipient_email":"' .. key .. '@example.org"}'
  return wrk.format("POST", "/api/v1/awards", {
    ["Authorization"] = "Bearer $TOKEN",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }, body)
end
LUA
echo "issuing one per request at ~$RATE/s for ${DURATION}s…" >&2
THREADS=$(( CONNS < 2 ? 1 : 2 ))
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/issue.lua" "$BASE" > "$WORK/wrk.txt"
cat "$WORK/wrk.txt" >&2
rps="$(sed -n 's/^Requests\/sec: *//p' "$WORK/wrk.txt")"
p50="$(awk '$1 == "50%" { print $2 }' "$WORK/wrk.txt")"
p90="$(awk '$1 == "90%" { print $2 }' "$WORK/wrk.txt")"
p99="$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt")"
sent="$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/wrk.txt")"
bad="$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$WORK/wrk.txt")"

# 2. ROWS badges in one request, as JSON and as CSV, until the import is done.
python3 - "$ROWS" "$WORK" <<'PY'
import json, sys
rows, work = int(sys.argv[1]), sys.argv[2]
with open(f"{work}/batch.json", "w") as f:
    json.dump([{"recipient_email": f"json{i}@example.org", "recipient_name": f"Learner {i}"}
               for i in range(rows)], f)
with open(f"{work}/batch.csv", "w") as f:
    f.write("email,name\n")
    for i in range(rows):
        f.write(f"csv{i}@example.org,Learner {i}\n")
PY

# bulk NAME PATH CONTENT-TYPE FILE: seconds from the request to the job's `done`.
bulk() {
  local name="$1" path="$2" type="$3" file="$4"
  local start end location job state issued
  start="$(date +%s.%N)"
  location="$(curl -fs -o /dev/null -D - -X POST "$BASE/api/v1$path?achievement=$ACHIEVEMENT" \
    -H "Authorization: Bearer $TOKEN" -H "Content-Type: $type" -H "Idempotency-Key: $name-$$" \
    --data-binary "@$file" | sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p')"
  [ -n "$location" ] || fail "$name: no Location in the answer"
  accepted="$(date +%s.%N)"
  while :; do
    job="$(curl -fs "$BASE$location" -H "Authorization: Bearer $TOKEN")"
    state="$(sed -n 's/.*"state":"\([a-z]*\)".*/\1/p' <<< "$job")"
    [ "$state" = "done" ] && break
    sleep 0.05
  done
  end="$(date +%s.%N)"
  issued="$(sed -n 's/.*"issued_rows":\([0-9]*\).*/\1/p' <<< "$job")"
  [ "$issued" = "$ROWS" ] || fail "$name: issued ${issued:-none} of $ROWS ($job)"
  awk -v n="$name" -v rows="$ROWS" -v s="$start" -v a="$accepted" -v e="$end" 'BEGIN {
    printf "%-5s %6d badges in one request: 202 after %.2f s, done after %.2f s (%.0f badges/s)\n",
      n, rows, a - s, e - s, rows / (e - s) }' >> "$WORK/bulk.txt"
}
echo "issuing $ROWS as JSON, then as CSV…" >&2
: > "$WORK/bulk.txt"
bulk json /awards/batch application/json "$WORK/batch.json"
bulk csv /imports text/csv "$WORK/batch.csv"
LOAD_AFTER="$(uptime)"

echo
echo "REST API on SQLite: $BIN at commit $COMMIT, $(nproc) cores"
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
printf 'POST /api/v1/awards at ~%s/s (%s connections, %ss): %s req/s, %s requests, p50 %s, p90 %s, p99 %s, non-2xx %s\n' \
  "$RATE" "$CONNS" "$DURATION" "$rps" "$sent" "$p50" "$p90" "$p99" "${bad:-0}"
cat "$WORK/bulk.txt"
