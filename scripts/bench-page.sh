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
# Every view is counted as an analytics event, as in production: at the end the script
# compares the view events the server wrote (rows of `analytics_events`, read once the
# count has stopped changing) with the pages it was asked for (the first views, wrk's
# "N requests" of each Accolade run, and the copies fetched for nginx), and prints both,
# with the responses wrk counted as neither 2xx nor 3xx and its socket errors. (The server
# drops an event when its queue is full: it says so on standard error, at most every 10 s,
# and counts it in accolade_analytics_events_dropped_total, which the script reads from the
# server's metrics listener and prints with the events it recorded.) It also prints the binary, the commit and the load average
# before and after. A response that is not 2xx/3xx makes the script fail after printing.
#   scripts/bench-page.sh [AWARDS]      (CONNS=64 DURATION=20 to change the load)
set -euo pipefail

AWARDS="${1:-1000}"
CONNS="${CONNS:-64}"
SECONDS_EACH="${DURATION:-20}"
PORT=18181
STATIC_PORT=18282
METRICS_PORT=18383
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-page.XXXXXX)"
SERVER=""
NGINX=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2> /dev/null || true; fi
  if [ -n "$NGINX" ]; then nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx; do
  command -v "$tool" > /dev/null || {
    echo "$tool is needed: apt-get install -y wrk nginx-light" >&2
    exit 1
  }
done

if [ "${NO_BUILD:-0}" = 1 ]; then
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/accolade"
else
  echo "building (release)…" >&2
  # The executable's path comes from cargo itself, wherever its target directory is.
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
if [ "${NO_BUILD:-0}" = 1 ]; then
  COMMIT="$COMMIT (NO_BUILD=1: the binary was not rebuilt and may be older)"
fi
LOAD_BEFORE="$(uptime)"
BASE="http://127.0.0.1:$PORT"
DATA=(--data-dir "$WORK/data" --public-url "$BASE")

"$BIN" "${DATA[@]}" org create --name "Bench Academy" --url https://bench.example --json > /dev/null
KEYS="$("$BIN" "${DATA[@]}" keys list --org bench-academy)"
grep -q active <<< "$KEYS" || {
  echo "the new organization has no active signing key" >&2
  exit 1
}
ACHIEVEMENT="$("$BIN" "${DATA[@]}" achievement create --org bench-academy \
  --name "First Aid" --description "Workplace first aid, practised on real cases." \
  --criteria "Pass the practical assessment." --json |
  sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')"
{
  echo "email,name"
  seq 1 "$AWARDS" | awk '{ printf "learner%d@example.org,Learner %d\n", $1, $1 }'
} > "$WORK/learners.csv"
"$BIN" "${DATA[@]}" import-csv --achievement "$ACHIEVEMENT" "$WORK/learners.csv" --json \
  > /dev/null 2> "$WORK/import.err" || {
  cat "$WORK/import.err" >&2
  exit 1
}
python3 - "$WORK/data/accolade.db" > "$WORK/ids" << 'EOF'
import sqlite3, sys
for (award_id,) in sqlite3.connect(sys.argv[1]).execute("SELECT id FROM awards"):
    print(award_id)
EOF
issued="$(wc -l < "$WORK/ids")"
[ "$issued" -eq "$AWARDS" ] || {
  echo "$issued of $AWARDS credentials issued" >&2
  exit 1
}
echo "$issued credentials issued" >&2

"$BIN" "${DATA[@]}" serve --listen "127.0.0.1:$PORT" --metrics-listen "127.0.0.1:$METRICS_PORT" \
  > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/healthz" > /dev/null && break
  sleep 0.1
done
curl -fs "$BASE/healthz" > /dev/null || {
  cat "$WORK/serve.log" >&2
  echo "accolade serve did not answer on $BASE" >&2
  exit 1
}

cat > "$WORK/pages.lua" << 'EOF'
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", "/credentials/" .. ids[math.random(#ids)])
end
EOF

# load URL LABEL [wrk args…]: one wrk run; prints "LABEL rps p50 p99 requests non2xx3xx
# socket-errors" (requests: wrk's "N requests in …", the responses it read; socket errors:
# connect + read + write + timeout).
load() {
  local url="$1" label="$2"
  shift 2
  IDS="$WORK/ids" wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "$@" "$url" > "$WORK/wrk.txt"
  cat "$WORK/wrk.txt" >> "$WORK/wrk-all.txt"
  awk -v l="$label" '
    BEGIN { bad = 0; errs = 0 }
    / 50%/ { p50 = $2 } / 99%/ { p99 = $2 } /Requests\/sec/ { rps = $2 }
    / requests in / { total = $1 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errs += $i + 0 }
    END { printf "%s %s %s %s %s %s %s\n", l, rps, p50, p99, total, bad, errs }' "$WORK/wrk.txt"
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

# The view events written: the writer batches them in the background, so read the count
# until it stops changing.
count_views() {
  python3 - "$WORK/data/accolade.db" << 'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM analytics_events WHERE kind = 'view'").fetchone()[0])
EOF
}
views="$(count_views)"
while sleep 1; do
  again="$(count_views)"
  [ "$again" = "$views" ] && break
  views="$again"
done
LOAD_AFTER="$(uptime)"

echo
echo "credential page, $AWARDS credentials, $(wc -c < "$WORK/nginx/html/credentials/$HOT") bytes a page, wrk -t2 -c$CONNS -d${SECONDS_EACH}s"
echo "binary $BIN at commit $COMMIT, $(nproc) cores"
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
echo "first views (verify + render each page once): $first pages/s"
printf "%-8s %12s %9s %9s %10s %6s %6s %12s %9s %9s %10s %6s %6s %8s\n" run \
  "Accolade r/s" p50 p99 requests bad errors "nginx r/s" p50 p99 requests bad errors ratio
for pair in "random:$accolade_random:$nginx_random" "hot:$accolade_hot:$nginx_hot"; do
  IFS=: read -r name a n <<< "$pair"
  read -r _ ar a50 a99 at ab ae <<< "$a"
  read -r _ nr n50 n99 nt nb ne <<< "$n"
  awk -v name="$name" -v ar="$ar" -v a50="$a50" -v a99="$a99" -v at="$at" -v ab="$ab" -v ae="$ae" \
    -v nr="$nr" -v n50="$n50" -v n99="$n99" -v nt="$nt" -v nb="$nb" -v ne="$ne" \
    'BEGIN { printf "%-8s %12.0f %9s %9s %10d %6d %6d %12.0f %9s %9s %10d %6d %6d %7.2fx\n",
      name, ar, a50, a99, at, ab, ae, nr, n50, n99, nt, nb, ne, ar / nr }'
done
echo "(requests: wrk's count of responses read; bad: responses neither 2xx nor 3xx; errors: socket errors, connect + read + write + timeout)"

read -r _ _ _ _ random_requests random_bad _ <<< "$accolade_random"
read -r _ _ _ _ hot_requests hot_bad _ <<< "$accolade_hot"
# Pages Accolade was asked for: the first views, the two wrk runs, and the copies for nginx.
asked=$((AWARDS + random_requests + hot_requests + AWARDS))
echo "credential pages requested from Accolade: $asked (first views $AWARDS + wrk random $random_requests + wrk hot $hot_requests + copies for nginx $AWARDS)"
echo "view events recorded: $views ($(awk -v v="$views" -v a="$asked" 'BEGIN { printf "%.1f", 100 * v / a }') %), not recorded: $((asked - views))"
echo "the server's analytics counters (every kind of event):"
curl -fs "http://127.0.0.1:$METRICS_PORT/metrics" | grep '^accolade_analytics_' || echo "  (metrics not readable)"
echo "(wrk does not count requests still in flight when a run ends: up to $CONNS a run may be served and recorded on top)"
bad=0
for run in "$accolade_random" "$accolade_hot" "$nginx_random" "$nginx_hot"; do
  read -r _ _ _ _ _ b _ <<< "$run"
  bad=$((bad + b))
done
if [ "$bad" -ne 0 ]; then
  echo "$bad responses were neither 2xx nor 3xx; wrk's output:" >&2
  cat "$WORK/wrk-all.txt" >&2
  exit 1
fi
