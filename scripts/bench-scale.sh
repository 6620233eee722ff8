#!/usr/bin/env bash
# Scale benchmark on PostgreSQL: one database grown step by step (default 10,000, 100,000
# and 1,000,000 awards) with the project's own bulk path (`accolade import-csv`, rows spread
# evenly over two organizations with two badges each: one organization's status lists hold
# at most ~786,000 awards), and at each step, with `accolade serve` on it, the latency (wrk
# 4.1, p50/p99) of the following, on the first organization (half of the awards):
#   - page:    the public credential page of a random award (GET /credentials/{id});
#   - status:  the awards list filtered by status "active", page 50 (signed in; the list pages
#              by key, so page 50 is the link after its 2,450th award);
#   - search:  the awards list searching a recipient term (signed in);
#   - badge:   the awards list of one badge, page 50 (signed in, by key as above);
#   - list:    the organization's status list document (revocation);
#   - verify:  POST /verify of one of the instance's own credentials (a random one, by URL).
# Between steps the import's send jobs are marked done (no SMTP server: the worker would
# otherwise work through them while wrk runs) and the database is vacuumed and analyzed.
# It also prints the table and index sizes at each step (pg_total_relation_size) and bytes
# per award. The binary, commit, cores and load averages are printed; any non-2xx answer
# fails the run.
#   scripts/bench-scale.sh [STEPS…]   e.g. scripts/bench-scale.sh 10000 100000
# Environment: DURATION (s per measurement, 10), CONNECTIONS (wrk, 8), VERIFY_CONNECTIONS (2:
# the verifier admits two per core), THREADS (wrk, 2),
# NO_BUILD=1 (use $CARGO_TARGET_DIR/release/accolade as it is), KEEP_DB=1 (keep the database
# and print its URL), SERVE_ARGS (extra `accolade serve` options, e.g. to lift rate limits).
set -euo pipefail

STEPS=("$@")
[ "${#STEPS[@]}" -gt 0 ] || STEPS=(10000 100000 1000000)
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-8}"
VERIFY_CONNECTIONS="${VERIFY_CONNECTIONS:-2}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18481}"
ORGS=(bench-academy bench-institute)
BADGES_PER_ORG=2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-scale.XXXXXX)"
ADMIN=""
DB=""
SERVER=""
cleanup() {
  stop_server
  if [ -n "$DB" ] && [ "${KEEP_DB:-0}" != 1 ]; then
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null || true
  fi
  rm -rf "$WORK"
}
stop_server() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2> /dev/null || true
    wait "$SERVER" 2> /dev/null || true
    SERVER=""
  fi
}
trap cleanup EXIT
fail() {
  echo "bench-scale: $*" >&2
  exit 1
}
for tool in wrk curl psql awk sha256sum; do
  command -v "$tool" > /dev/null || fail "$tool is needed"
done

if [ "${NO_BUILD:-0}" = 1 ]; then
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/accolade"
else
  echo "building (release)…" >&2
  cargo build --release -p accolade --bin accolade --manifest-path "$ROOT/Cargo.toml" \
    --message-format=json-render-diagnostics > "$WORK/build.json"
  BIN="$(sed -n 's/.*"executable":"\([^"]*\/accolade\)".*/\1/p' "$WORK/build.json" | tail -n 1)"
fi
[ -x "$BIN" ] || fail "no accolade executable at '$BIN'"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
[ "${NO_BUILD:-0}" = 1 ] && COMMIT="$COMMIT (NO_BUILD=1: the binary may be older)"

ADMIN="$(bash "$ROOT/scripts/postgres.sh")"
DB="accolade_scale_$$"
psql -q "$ADMIN" -c "CREATE DATABASE $DB" > /dev/null
URL="${ADMIN%/postgres}/$DB"
BASE="http://127.0.0.1:$PORT"
unset ACCOLADE_DATABASE_URL ACCOLADE_MASTER_KEY
G=(--data-dir "$WORK/data" --database-url "$URL" --public-url "$BASE")
sql() { psql -qtAX -v ON_ERROR_STOP=1 "$URL" -c "$1"; }

# ACHIEVEMENTS: the badges, those of the first organization first.
ACHIEVEMENTS=()
for org in "${ORGS[@]}"; do
  name="$(sed 's/-/ /; s/\b\(.\)/\u\1/g' <<< "$org")"
  "$BIN" "${G[@]}" org create --name "$name" --url "https://$org.example" --json > /dev/null
  for b in $(seq 1 "$BADGES_PER_ORG"); do
    id="$("$BIN" "${G[@]}" achievement create --org "$org" --name "Badge $b" \
      --description "Workplace first aid, level $b." --criteria "Pass the assessment." \
      --json | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')"
    [ -n "$id" ] || fail "achievement create printed no id"
    ACHIEVEMENTS+=("$id")
  done
done
BADGES="${#ACHIEVEMENTS[@]}"

# A signed-in owner: a user, its membership and a session, written directly (the password
# is never used). The cookie carries the token; the database keeps its SHA-256.
TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
TOKEN_HASH="$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"
NOW_US="$(($(date +%s) * 1000000))"
USER_ID="$(cat /proc/sys/kernel/random/uuid)"
sql "INSERT INTO users (id, email, name, password_hash, created_at)
     VALUES ('$USER_ID', 'owner@bench.example', 'Bench Owner', 'x', $NOW_US);
     INSERT INTO memberships (user_id, org_id, role, created_at)
     SELECT '$USER_ID', id, 'owner', $NOW_US FROM orgs WHERE slug = 'bench-academy';
     INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
     VALUES ('$TOKEN_HASH', '$USER_ID', 'csrf', $NOW_US, $NOW_US + 86400000000 * 30);"
COOKIE="accolade_session=$TOKEN"

# grow N: imports rows until the database holds N awards, as many per badge.
HAVE=0
grow() {
  local target="$1" b from to csv start end
  [ "$target" -gt "$HAVE" ] || return 0
  start=$(date +%s.%N)
  for b in $(seq 0 $((BADGES - 1))); do
    from=$((HAVE + 1 + b * (target - HAVE) / BADGES))
    to=$((HAVE + (b + 1) * (target - HAVE) / BADGES))
    csv="$WORK/rows.csv"
    {
      echo "Email Address,Full Name,Issue Date"
      seq "$from" "$to" |
        awk '{ printf "learner%d@example.org,Learner %d,2026-01-%02d\n", $1, $1, 1 + $1 % 28 }'
    } > "$csv"
    "$BIN" "${G[@]}" import-csv --achievement "${ACHIEVEMENTS[$b]}" "$csv" --json \
      > "$WORK/import.json" 2> "$WORK/import.log" || {
      cat "$WORK/import.json" "$WORK/import.log" >&2
      fail "import-csv failed"
    }
  done
  end=$(date +%s.%N)
  local got
  got="$(sql "SELECT COUNT(*) FROM awards")"
  [ "$got" = "$target" ] || fail "expected $target awards, found $got"
  awk -v n=$((target - HAVE)) -v s="$start" -v e="$end" \
    -v k="$BADGES" 'BEGIN { printf "  imported %d rows in %.1f s (%.0f rows/s, %d imports)\n", n, e - s, n / (e - s), k }' |
    tee -a "$RESULTS" >&2
  HAVE="$target"
  # One in a hundred awards revoked, so the status list and the status filter have content.
  sql "UPDATE awards SET status = 'revoked', status_reason = 'bench', status_changed_at = $NOW_US
       WHERE status = 'active' AND status_index % 100 = 7" > /dev/null
  sql "UPDATE orgs SET status_version = status_version + 1" > /dev/null
  sql "UPDATE jobs SET state = 'done', updated_at = $NOW_US
       WHERE state = 'queued' AND kind = 'send_email'" > /dev/null
  sql "VACUUM (ANALYZE) awards, outbox, jobs, import_rows, claim_tokens, orgs" > /dev/null
}

# measure NAME LUA [CONNECTIONS]: wrk with a request script; prints p50 and p99 (ms) and
# requests/s.
measure() {
  local name="$1" lua="$2" conns="${3:-$CONNECTIONS}" out="$WORK/wrk.txt"
  local threads=$((THREADS < conns ? THREADS : conns))
  wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s "$lua" "$BASE" > "$out" 2>&1 ||
    {
      cat "$out" >&2
      fail "wrk failed on $name"
    }
  if grep -q "Non-2xx" "$out"; then
    cat "$out" >&2
    fail "$name: answers other than 2xx/3xx"
  fi
  awk -v n="$name" -v step="$HAVE" '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    $1 == "Socket" { sub(/^ *Socket errors: */, ""); errors = $0 }
    END {
      printf "  %-8s %9d awards  p50 %8.2f ms  p99 %8.2f ms  %8.0f req/s", n, step, p50, p99, rps
      # wrk gives up on a request after 2 s: such requests are not in the percentiles.
      if (errors != "") printf "  (wrk errors: %s)", errors
      printf "\n"
    }
  ' "$out" | tee -a "$RESULTS" >&2
}

# lua_paths FILE PATH…: a wrk script that requests the paths at random, signed in.
lua_get() {
  local file="$1" list="$2"
  cat > "$file" << EOF
local paths = {}
for line in io.lines("$list") do paths[#paths + 1] = line end
wrk.headers["Cookie"] = "$COOKIE"
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
EOF
}

RESULTS="$WORK/results.txt"
: > "$RESULTS"
LOAD_BEFORE="$(uptime)"
for step in "${STEPS[@]}"; do
  echo "growing to $step awards…" >&2
  echo "$step awards" >> "$RESULTS"
  grow "$step"

  "$BIN" "${G[@]}" serve --listen "127.0.0.1:$PORT" --trusted-proxy 127.0.0.1/32 ${SERVE_ARGS:-} > "$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 200); do
    curl -fs "$BASE/healthz" > /dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "$BASE/healthz" > /dev/null || {
    cat "$WORK/serve.log" >&2
    fail "the server did not start"
  }

  # 2,000 random awards of either organization (TABLESAMPLE: no sort of the whole table).
  sql "SELECT id FROM awards TABLESAMPLE SYSTEM (5) LIMIT 2000" > "$WORK/ids"
  [ "$(wc -l < "$WORK/ids")" -ge 100 ] ||
    sql "SELECT id FROM awards ORDER BY random() LIMIT 2000" > "$WORK/ids"
  sed 's|^|/credentials/|' "$WORK/ids" > "$WORK/pages"
  lua_get "$WORK/page.lua" "$WORK/pages"
  measure page "$WORK/page.lua"

  awards="/dashboard/orgs/bench-academy/awards"
  # Page 50 as the list's links reach it: the page after the filter's 2,450th award.
  cursor() {
    sql "SELECT created_at || '_' || id FROM awards
         WHERE org_id = (SELECT id FROM orgs WHERE slug = 'bench-academy') AND $1
         ORDER BY created_at DESC, id DESC OFFSET 2449 LIMIT 1"
  }
  echo "$awards?status=active&after=$(cursor "status = 'active'")" > "$WORK/status"
  lua_get "$WORK/status.lua" "$WORK/status"
  measure status "$WORK/status.lua"
  # Terms that match one recipient each, at random ("learner123@"; some are the other
  # organization's: then nothing matches, which costs the same walk).
  awk -v n="$HAVE" 'BEGIN { srand(7); for (i = 0; i < 200; i++) printf "'"$awards"'?recipient=learner%d%%40\n", 1 + int(rand() * n) }' > "$WORK/search"
  lua_get "$WORK/search.lua" "$WORK/search"
  measure search "$WORK/search.lua"
  echo "$awards?achievement=${ACHIEVEMENTS[1]}&after=$(cursor "achievement_id = '${ACHIEVEMENTS[1]}'")" \
    > "$WORK/badge"
  lua_get "$WORK/badge.lua" "$WORK/badge"
  measure badge "$WORK/badge.lua"

  echo "/issuers/bench-academy/status/revocation" > "$WORK/list"
  lua_get "$WORK/list.lua" "$WORK/list"
  measure list "$WORK/list.lua"

  sed "s|^|$BASE/credentials/|" "$WORK/ids" > "$WORK/urls"
  cat > "$WORK/verify.lua" << EOF
local urls = {}
for line in io.lines("$WORK/urls") do urls[#urls + 1] = line end
local b = "accolade-bench"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. b
wrk.headers["Accept"] = "application/json"
-- Each request comes from another verifier (X-Forwarded-For, believed from the loopback
-- proxy, see serve below): the per-client limit on /verify is for one client's abuse, and
-- would otherwise answer 429 to a load that is one client.
request = function()
  local body = "--" .. b .. "\r\nContent-Disposition: form-data; name=\"input\"\r\n\r\n"
    .. urls[math.random(#urls)] .. "\r\n--" .. b .. "--\r\n"
  local headers = {
    ["Content-Type"] = wrk.headers["Content-Type"],
    ["Accept"] = "application/json",
    ["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254),
  }
  return wrk.format("POST", "/verify", headers, body)
end
EOF
  curl -fs -H "Accept: application/json" -F "input=$(head -n 1 "$WORK/urls")" "$BASE/verify" \
    > /dev/null || fail "POST /verify failed"
  # The verifier admits one request per core and as many waiting (VerifyGate) and answers
  # 503 beyond: the load stays within that.
  measure verify "$WORK/verify.lua" "$VERIFY_CONNECTIONS"
  stop_server

  # Sizes: every table of the bulk path with its indexes and TOAST.
  sql "SELECT relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid)
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
         AND relname IN ('awards', 'outbox', 'jobs', 'import_rows', 'claim_tokens')
       ORDER BY relname" |
    awk -F'|' -v n="$HAVE" '{ total += $2;
        printf "  size %-13s %8.1f MiB (indexes %7.1f MiB)  %6.0f bytes/award\n", $1, $2 / 1048576, $3 / 1048576, $2 / n }
      END { printf "  size %-13s %8.1f MiB                          %6.0f bytes/award\n", "(these)", total / 1048576, total / n }' |
    tee -a "$RESULTS" >&2
  sql "SELECT pg_database_size(current_database())" |
    awk -v n="$HAVE" '{ printf "  size database      %8.1f MiB                          %6.0f bytes/award\n", $1 / 1048576, $1 / n }' |
    tee -a "$RESULTS" >&2
done
LOAD_AFTER="$(uptime)"

echo
echo "scale benchmark on PostgreSQL: $BIN at commit $COMMIT, $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
cat "$RESULTS"
if [ "${KEEP_DB:-0}" = 1 ]; then
  echo "database kept: $URL"
fi
