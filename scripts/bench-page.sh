#!/usr/bin/env bash
# Public credential page benchmark. Issues AWARDS badges (default 1,000) on a fresh SQLite
# data directory with the release binary, serves them with `accolade serve`, and loads the
# page with wrk (2 threads, CONNS connections, SECONDS each run), each request for a random
# one of the credentials. The reference is nginx serving the very same pages as static files
# from the same machine, loaded the same way, in the same run. It prints requests per second,
# latency percentiles and the ratio Accolade / nginx for:
#   - first views: every page once, in parallel (each one verified and rendered);
#   - steady state: random pages, all of them seen before (what a shared badge gets);
#   - one hot page (a badge going round a social network).
# Every view is counted as an analytics event, as in production.
#   scripts/bench-page.sh [AWARDS]      (CONNS=64 DURATION=20 to change the load)
set -euo pipefail

AWARDS="${1:-1000}"
CONNS="${CONNS:-64}"
SECONDS_EACH="${DURATION:-20}"
PORT=18181
STATIC_PORT=18282
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-page.XXXXXX)"
SERVER=""
NGINX=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2> /dev/null || true
  [ -n "$NGINX" ] && nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx; do
  command -v "$tool" > /dev/null || {
    echo "$tool is needed: apt-get install -y wrk nginx-light" >&2
    exit 1
  }
done

echo "building (release)…" >&2
[ "${NO_BUILD:-0}" = 1 ] || cargo build -q --release -p accolade --manifest-path "$ROOT/Cargo.toml"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/accolade"
BASE="http://127.0.0.1:$PORT"
DATA=(--data-dir "$WORK/data" --public-url "$BASE")

"$BIN" "${DATA[@]}" org create --name "Bench Academy" --url https://bench.example --json > /dev/null
"$BIN" "${DATA[@]}" keys list --org bench-academy | grep -q active ||
  "$BIN" "${DATA[@]}" keys rotate --org bench-academy > /dev/null
ACHIEVEMENT="$("$BIN" "${DATA[@]}" achievement create --org bench-academy \
  --name "First Aid" --description "Workplace first aid, practised on real cases." \
  --criteria "Pass the practical assessment." --json |
  sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')"
{
  echo "email,name"
  seq 1 "$AWARDS" | awk '{ printf "learner%d@example.org,Learner %d\n", $1, $1 }'
} > "$WORK/learners.csv"
"$BIN" "${DATA[@]}" import-csv --achievement "$ACHIEVEMENT" "$WORK/learners.csv" --json \
  > /dev/null 2>&1
python3 - "$WORK/data/accolade.db" > "$WORK/ids" << 'EOF'
import sqlite3, sys
for (award_id,) in sqlite3.connect(sys.argv[1]).execute("SELECT id FROM awards"):
    print(award_id)
EOF
echo "$(wc -l < "$WORK/ids") credentials issued" >&2

"$BIN" "${DATA[@]}" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/healthz" > /dev/null && break
  sleep 0.1
done

cat > "$WORK/pages.lua" << 'EOF'
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", "/credentials/" .. ids[math.random(#ids)])
end
EOF

# load URL LABEL [wrk args…]: one wrk run; prints "LABEL rps p50 p99".
load() {
  local url="$1" label="$2"
  shift 2
  IDS="$WORK/ids" wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "$@" "$url" > "$WORK/wrk.txt"
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then
    cat "$WORK/wrk.txt" >&2
    echo "$label: some responses were not 200" >&2
    exit 1
  fi
  awk -v l="$label" '
    / 50%/ { p50 = $2 } / 99%/ { p99 = $2 } /Requests\/sec/ { rps = $2 }
    END { printf "%s %s %s %s\n", l, rps, p50, p99 }' "$WORK/wrk.txt"
}

# First views: each page verified and rendered once, 8 at a time.
start=$(date +%s.%N)
sed "s|^|-o /dev/null $BASE/credentials/|" "$WORK/ids" | xargs -P 8 -n 150 curl -fs
end=$(date +%s.%N)
first=$(awk -v n="$AWARDS" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')

HOT="$(head -1 "$WORK/ids")"
accolade_random="$(load "$BASE" random -s "$WORK/pages.lua")"
accolade_hot="$(load "$BASE/credentials/$HOT" hot)"

# The same pages as static files behind nginx.
mkdir -p "$WORK/nginx/html/credentials" "$WORK/nginx/logs"
while read -r id; do
  curl -fs -o "$WORK/nginx/html/credentials/$id" "$BASE/credentials/$id"
done < "$WORK/ids"
cat > "$WORK/nginx/nginx.conf" << EOF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type text/html;
  server {
    listen 127.0.0.1:$STATIC_PORT;
    root $WORK/nginx/html;
  }
}
EOF
chmod a+x "$WORK"
chmod -R a+rX "$WORK/nginx/html"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
NGINX=1
sleep 0.5
STATIC="http://127.0.0.1:$STATIC_PORT"
nginx_random="$(load "$STATIC" random -s "$WORK/pages.lua")"
nginx_hot="$(load "$STATIC/credentials/$HOT" hot)"

views="$(python3 - "$WORK/data/accolade.db" << 'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM analytics_events WHERE kind = 'view'").fetchone()[0])
EOF
)"

echo
echo "credential page, $AWARDS credentials, $(wc -c < "$WORK/nginx/html/credentials/$HOT") bytes a page, wrk -t2 -c$CONNS -d${SECONDS_EACH}s"
echo "first views (verify + render each page once): $first pages/s"
printf "%-14s %12s %10s %10s %12s %10s %10s %8s\n" run "Accolade r/s" p50 p99 "nginx r/s" p50 p99 ratio
for pair in "random:$accolade_random:$nginx_random" "hot:$accolade_hot:$nginx_hot"; do
  IFS=: read -r name a n <<< "$pair"
  read -r _ ar a50 a99 <<< "$a"
  read -r _ nr n50 n99 <<< "$n"
  awk -v name="$name" -v ar="$ar" -v a50="$a50" -v a99="$a99" -v nr="$nr" -v n50="$n50" -v n99="$n99" \
    'BEGIN { printf "%-14s %12.0f %10s %10s %12.0f %10s %10s %7.2fx\n", name, ar, a50, a99, nr, n50, n99, ar / nr }'
done
echo "view events recorded: $views"
