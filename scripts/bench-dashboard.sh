#!/usr/bin/env bash
# Insight dashboard benchmark. On a fresh SQLite data directory, with the release binary:
# one organization with BADGES badges (default 1,000), AWARDS_PER_BADGE awards each (default
# 30) issued over the past year, half of them claimed, and a year of daily analytics for every
# badge (each day: views, a verification, a download, an embed impression and a share on one
# of the channels, as rows of analytics_daily, the table the nightly roll-up writes). Then
# `accolade serve` starts, its worker counts everything into the dashboard's roll-ups
# (timed), and the dashboard page is requested over HTTP with a signed-in session:
#   - REQUESTS sequential requests (default 200) per view, timed by curl: the last 7, 30,
#     90 and 365 days of all badges, and the last 365 days of one badge;
#   - wrk (2 threads, 4 connections, DURATION seconds, default 15) on the 365-day page.
# It prints p50/p99 per view, the binary, the commit and the load average before and after.
# A response other than 200 fails the run. With SHOTS=DIR it also saves screenshots of the
# page at 1280 and 390 px there (needs the browser tests' npm packages and Chromium).
#   scripts/bench-dashboard.sh [BADGES]   (AWARDS_PER_BADGE=30 REQUESTS=200 DURATION=15)
set -euo pipefail

BADGES="${1:-1000}"
PER_BADGE="${AWARDS_PER_BADGE:-30}"
REQUESTS="${REQUESTS:-200}"
SECONDS_EACH="${DURATION:-15}"
PORT=18383
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-dashboard.XXXXXX)"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk curl python3; do
  command -v "$tool" > /dev/null || {
    echo "$tool is needed" >&2
    exit 1
  }
done

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
if [ "${NO_BUILD:-0}" = 1 ]; then
  COMMIT="$COMMIT (NO_BUILD=1: the binary was not rebuilt and may be older)"
fi
LOAD_BEFORE="$(uptime)"
BASE="http://127.0.0.1:$PORT"
DATA=(--data-dir "$WORK/data" --public-url "$BASE")

"$BIN" "${DATA[@]}" org create --name "Bench Academy" --url https://bench.example --json > /dev/null
"$BIN" "${DATA[@]}" achievement create --org bench-academy \
  --name "Badge 0000" --description "Workplace first aid, practised on real cases." \
  --criteria "Pass the practical assessment." --json > /dev/null

echo "seeding $BADGES badges, $((BADGES * PER_BADGE)) awards and a year of daily analytics…" >&2
TOKEN="$(python3 - "$WORK/data/accolade.db" "$BADGES" "$PER_BADGE" << 'EOF'
import hashlib, random, secrets, sqlite3, sys, time, uuid

db, badges, per_badge = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(12)
con = sqlite3.connect(db)
DAY_US = 86_400_000_000
now_us = int(time.time() * 1_000_000)
today = now_us // DAY_US
org_id, = con.execute("SELECT id FROM orgs WHERE slug = 'bench-academy'").fetchone()
key_id, = con.execute("SELECT id FROM signing_keys WHERE org_id = ?", (org_id,)).fetchone()
cols = [r[1] for r in con.execute("PRAGMA table_info(achievements)")]
template = dict(zip(cols, con.execute(
    "SELECT * FROM achievements WHERE org_id = ?", (org_id,)).fetchone()))
badge_ids = [template["id"]]
insert = f"INSERT INTO achievements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
for n in range(1, badges):
    row = dict(template, id=str(uuid.uuid4()), name=f"Badge {n:04d}")
    con.execute(insert, [row[c] for c in cols])
    badge_ids.append(row["id"])

# The signed-in owner.
user_id = str(uuid.uuid4())
con.execute("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, "owner@bench.example", "Bench Owner", "x", now_us))
con.execute("INSERT INTO memberships (user_id, org_id, role, created_at) VALUES (?, ?, 'owner', ?)",
            (user_id, org_id, now_us))
token = secrets.token_urlsafe(32)
con.execute("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (hashlib.sha256(token.encode()).hexdigest(), user_id, secrets.token_urlsafe(16),
             now_us, now_us + 30 * DAY_US))

# Awards over the past year, one in three with a validity of 90 days; half claimed.
awards_of = {}
index = 0
awards, backpack = [], []
for b in badge_ids:
    mine = []
    for _ in range(per_badge):
        issued = now_us - random.randrange(1, 365 * DAY_US)
        valid = issued + 90 * DAY_US if index % 3 == 0 else None
        a = str(uuid.uuid4())
        awards.append((a, org_id, b, f"learner{index}@example.org", f"Learner {index}", issued,
                       valid, "active", index, key_id, "{}", issued))
        if index % 2 == 0:
            backpack.append((a, user_id, "private", issued + random.randrange(0, 5 * DAY_US)))
        mine.append((issued // DAY_US, a))
        index += 1
    awards_of[b] = sorted(mine)
con.executemany("INSERT INTO awards (id, org_id, achievement_id, recipient_email, recipient_name, "
                "issued_at, valid_until, status, status_index, key_id, credential, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", awards)
con.executemany("INSERT INTO backpack (award_id, user_id, visibility, claimed_at) VALUES (?, ?, ?, ?)",
                [r for r in backpack if r[3] < now_us])

# A year of days for every badge, on its oldest award.
channels = ["linkedin", "x", "facebook", "email", "linkedin-profile"]
rows = []
for b in badge_ids:
    award = awards_of[b][0][1]
    for day in range(today - 365, today):
        views = random.randint(1, 40)
        rows.append((award, day, "view", "", views, max(1, views // 2)))
        rows.append((award, day, "verification", "", random.randint(1, 3), 1))
        rows.append((award, day, "download", "png", random.randint(1, 3), 1))
        rows.append((award, day, "embed_impression", "", random.randint(1, 20), 1))
        ch = random.choice(channels)
        kind = "linkedin_add" if ch == "linkedin-profile" else "share"
        rows.append((award, day, kind, ch, random.randint(1, 4), 1))
con.executemany("INSERT INTO analytics_daily (award_id, day, kind, channel, events, visitors) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)
con.commit()
print(f"{len(badge_ids)} badges, {len(awards)} awards, {len(backpack)} claimed, "
      f"{len(rows)} rows of analytics_daily", file=sys.stderr)
print(token)
EOF
)"

ONE_BADGE="$(python3 - "$WORK/data/accolade.db" << 'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT id FROM achievements WHERE name = 'Badge 0500' OR name = 'Badge 0000' "
    "ORDER BY name DESC LIMIT 1").fetchone()[0])
EOF
)"

"$BIN" "${DATA[@]}" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
start=$(date +%s.%N)
through() {
  python3 - "$WORK/data/accolade.db" << 'EOF'
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=60)
print(con.execute("SELECT through FROM insights_state").fetchone()[0])
EOF
}
TODAY=$(($(date -u +%s) / 86400))
for _ in $(seq 1 600); do
  [ "$(through)" = "$TODAY" ] && break
  sleep 0.5
done
[ "$(through)" = "$TODAY" ] || {
  cat "$WORK/serve.log" >&2
  echo "the roll-up did not finish" >&2
  exit 1
}
end=$(date +%s.%N)
ROLLUP=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
ROWS="$(python3 - "$WORK/data/accolade.db" << 'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(", ".join(f"{t} {con.execute(f'SELECT COUNT(*) FROM {t}').fetchone()[0]:,}"
                for t in ["insights_days", "insights_totals", "insights_channels"]))
EOF
)"
curl -fs "$BASE/healthz" > /dev/null

COOKIE="accolade_session=$TOKEN"
PAGE="/dashboard/orgs/bench-academy/insights"
# time_view LABEL PATH: REQUESTS sequential requests; prints "LABEL p50 p99 max" in ms.
time_view() {
  local label="$1" path="$2" code
  : > "$WORK/times"
  for _ in $(seq 1 "$REQUESTS"); do
    code="$(curl -s -o /dev/null -H "Cookie: $COOKIE" -w '%{http_code} %{time_total}\n' "$BASE$path")"
    [ "${code%% *}" = 200 ] || {
      echo "$path answered ${code%% *}" >&2
      exit 1
    }
    echo "${code#* }" >> "$WORK/times"
  done
  sort -n "$WORK/times" | awk -v l="$label" '{ t[NR] = $1 * 1000 }
    END { p50 = t[int(NR * 0.5 + 0.5)]; p99 = t[int(NR * 0.99 + 0.5)];
          printf "%-28s %8.1f %8.1f %8.1f\n", l, p50, p99, t[NR] }'
}
# Warm-up (the first request of a process opens connections and fills caches).
curl -fs -o /dev/null -H "Cookie: $COOKIE" "$BASE$PAGE?range=365"
results="$(
  time_view "all badges, 7 days" "$PAGE?range=7"
  time_view "all badges, 30 days" "$PAGE?range=30"
  time_view "all badges, 90 days" "$PAGE?range=90"
  time_view "all badges, 365 days" "$PAGE?range=365"
  time_view "one badge, 365 days" "$PAGE?range=365&badge=$ONE_BADGE"
)"
BYTES="$(curl -fs -H "Cookie: $COOKIE" "$BASE$PAGE?range=365" | wc -c)"
wrk -t2 -c4 -d"${SECONDS_EACH}s" --latency -H "Cookie: $COOKIE" "$BASE$PAGE?range=365" > "$WORK/wrk.txt"
LOAD_AFTER="$(uptime)"
if [ -n "${SHOTS:-}" ]; then
  mkdir -p "$SHOTS"
  # A problem the screenshots show is reported, and does not void the timings.
  node "$ROOT/interop/browser/dashboard-shots.mjs" "$BASE" "$TOKEN" "$PAGE?range=90" \
    "$SHOTS/insights" || echo "screenshot checks failed (above)" >&2
  node "$ROOT/interop/browser/dashboard-shots.mjs" "$BASE" "$TOKEN" \
    "$PAGE?range=365&badge=$ONE_BADGE" "$SHOTS/insights-badge" ||
    echo "screenshot checks failed (above)" >&2
fi

echo
echo "insight dashboard, $BADGES badges × $PER_BADGE awards, a year of daily analytics, SQLite"
echo "binary $BIN at commit $COMMIT, $(nproc) cores"
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
echo "roll-up into the dashboard's tables: ${ROLLUP}s ($ROWS rows)"
echo "page size (365 days, all badges): $BYTES bytes"
printf "%-28s %8s %8s %8s   (ms, %s sequential requests each, curl time_total)\n" view p50 p99 max "$REQUESTS"
echo "$results"
echo "wrk -t2 -c4 -d${SECONDS_EACH}s, all badges, 365 days:"
grep -E "Requests/sec| 50%| 99%|Non-2xx|Socket errors" "$WORK/wrk.txt" | sed 's/^/  /'
if grep -q "Non-2xx" "$WORK/wrk.txt"; then
  echo "wrk saw responses other than 2xx/3xx" >&2
  exit 1
fi
