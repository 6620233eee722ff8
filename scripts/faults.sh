#!/usr/bin/env bash
# Fault drill for Accolade: runs the faults an operator meets and prints a report.
#
#   1. SIGKILL during a server-side bulk issue, five times, resuming each time: exactly the
#      expected awards, no row issued twice, one badge email per award.
#   2. PostgreSQL restarted under load (requests and a bulk issue running): requests answer
#      503 fast while it is down (never 500), recover by themselves, counts exact.
#   3. SMTP outage: badge mail waits in the outbox and is delivered once SMTP is back.
#   4. SQLite disk full (a small tmpfs; needs root): a clear error, the file passes
#      `PRAGMA integrity_check`, no half-written chunk.
#
# Usage: bash scripts/faults.sh [REPORT_FILE]
# It builds the binary (debug profile; FAULTS_PROFILE=release for a release build), works in a
# scratch directory under /var/tmp, and runs its own PostgreSQL server (the Debian binaries
# that scripts/postgres.sh installs, a private cluster on a free port), so restarting it
# disturbs no other user of the machine's PostgreSQL. Tunables: FAULTS_ROWS (bulk rows, part
# 1), FAULTS_PG_ROWS (part 2), FAULTS_PARTS (which parts, default "1 2 3 4").
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
REPORT_FILE="${1:-}"
PROFILE="${FAULTS_PROFILE:-debug}"
ROWS="${FAULTS_ROWS:-20000}"
PARTS="${FAULTS_PARTS:-1 2 3 4}"
PG_ROWS="${FAULTS_PG_ROWS:-6000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

log() { echo "faults.sh: $*" >&2; }
REPORT=""
say() { REPORT+="$*"$'\n'; echo "$*"; }
fail() { say "FAILED: $*"; finish 1; }

log "building accolade ($PROFILE)"
if [ "$PROFILE" = release ]; then
  nice cargo build -q --release -p accolade --bin accolade
else
  nice cargo build -q -p accolade --bin accolade
fi
BIN="$CARGO_TARGET_DIR/$PROFILE/accolade"

SCRATCH="$(mktemp -d /var/tmp/accolade-faults.XXXXXX)"
chmod 755 "$SCRATCH"
PIDS=()
PG_DATA=""
MOUNTED=""
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  if [ -n "$PG_DATA" ]; then as_pg pg_ctl -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -n "$MOUNTED" ]; then umount "$MOUNTED" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
finish() {
  if [ -n "$REPORT_FILE" ]; then printf '%s' "$REPORT" >"$REPORT_FILE"; fi
  cleanup
  trap - EXIT
  exit "$1"
}
trap 'cleanup' EXIT

# PostgreSQL's server programs run as the postgres user when this runs as root.
PG_BIN=""
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env PATH="$PG_BIN:$PATH" "$@"; else env PATH="$PG_BIN:$PATH" "$@"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.1f}')"; }

# accolade with a data directory and public URL: acc DIR URL ARGS...
acc() { local d="$1" u="$2"; shift 2; "$BIN" --data-dir "$d" --public-url "$u" "$@"; }

# Starts `serve` in the background; sets SERVER_PID.
start_server() {
  local d="$1" port="$2"; shift 2
  "$BIN" --data-dir "$d" --public-url "http://127.0.0.1:$port" serve --listen "127.0.0.1:$port" \
    "$@" >>"$SCRATCH/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "the server on port $port did not start (see $SCRATCH/server.log)"
}

# SQL on a SQLite file (python's sqlite3: the sqlite3 shell is not always installed).
sq() { python3 - "$1" "$2" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=30)
for row in con.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}

seed() { # seed DIR URL [ENV...] -> prints the achievement id
  acc "$1" "$2" org create --name "Acme Academy" --url https://acme.example --json >/dev/null
  acc "$1" "$2" achievement create --org acme-academy --name "First Aid" \
    --description "Workplace first aid." --criteria "Pass the practical assessment." --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

people() { # people FILE N PREFIX
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write("name,email\n")
    for i in range(n):
        f.write(f"Learner {i},{prefix}{i}@example.com\n")
PY
}

say "# Fault drill"
say ""
say "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
say "- machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown), binary: $PROFILE build"
say "- command: bash scripts/faults.sh"
say ""

part() { [[ " $PARTS " == *" $1 "* ]]; }

# 1. SIGKILL during a server-side bulk issue, five times --------------------------------------
if part 1; then
say "## 1. SIGKILL during a server-side bulk issue, five times"
say ""
D1="$SCRATCH/kill9"
P1="$(free_port)"
U1="http://127.0.0.1:$P1"
A1="$(seed "$D1" "$U1")"
people "$SCRATCH/kill9.csv" "$ROWS" learner
DB1="$D1/accolade.db"
issued() { sq "$DB1" "SELECT count(*) FROM import_rows WHERE state = 'issued'"; }
# The import is started (and its file read) by the CLI, killed at its first commit; from then
# on the server's resumer issues it, and the server is killed five times while it does.
acc "$D1" "$U1" import-csv --achievement "$A1" "$SCRATCH/kill9.csv" >/dev/null 2>"$SCRATCH/import.err" &
CLI=$!
PIDS+=("$CLI")
for _ in $(seq 1 600); do
  n="$(issued 2>/dev/null || echo 0)"
  [ "${n:-0}" -gt 0 ] && break
  sleep 0.1
done
kill -9 "$CLI" 2>/dev/null || true
wait "$CLI" 2>/dev/null || true
say "Rows: $ROWS. The CLI started the import and was killed at its first commit: $(issued) rows issued."
say ""
say "| kill | issued before start | issued at SIGKILL | seconds the server ran |"
say "|---|---|---|---|"
for i in 1 2 3 4 5; do
  before="$(issued)"
  t0="$(now)"
  start_server "$D1" "$P1"
  # Killed once it has committed at least one chunk past where it started.
  for _ in $(seq 1 1200); do
    [ "$(issued)" -gt "$before" ] && break
    sleep 0.1
  done
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  at="$(issued)"
  say "| $i | $before | $at | $(since "$t0") |"
  [ "$at" -ge "$ROWS" ] && { say ""; say "(the import finished before kill $i)"; break; }
done
start_server "$D1" "$P1"
t0="$(now)"
for _ in $(seq 1 3000); do
  [ "$(sq "$DB1" "SELECT state FROM imports")" = done ] && break
  sleep 0.2
done
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
state="$(sq "$DB1" "SELECT state FROM imports")"
awards="$(sq "$DB1" "SELECT count(*), count(DISTINCT recipient_email) FROM awards")"
rows="$(sq "$DB1" "SELECT count(*), count(DISTINCT award_id) FROM import_rows WHERE state = 'issued'")"
mail="$(sq "$DB1" "SELECT count(*), count(DISTINCT to_address) FROM outbox" 2>/dev/null || echo "?")"
integrity="$(sq "$DB1" "PRAGMA integrity_check")"
say ""
say "After a last start (finished in $(since "$t0") s): import $state; awards (all, distinct recipients): ${awards//|/, }; issued rows (all, distinct award ids): ${rows//|/, }; badge emails (all, distinct recipients): ${mail//|/, }; integrity_check: $integrity."
if [ "$state" = done ] && [ "$awards" = "$ROWS|$ROWS" ] && [ "$rows" = "$ROWS|$ROWS" ] &&
  [ "$mail" = "$ROWS|$ROWS" ] && [ "$integrity" = ok ]; then
  say "Result: PASS (exactly $ROWS awards, none twice)."
else
  fail "part 1: expected $ROWS awards exactly"
fi
say ""
fi

# 2. PostgreSQL restarted under load -----------------------------------------------------------
if part 2; then
say "## 2. PostgreSQL restarted under load"
say ""
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$PG_BIN" ]; then
  log "no PostgreSQL binaries: installing them with scripts/postgres.sh"
  bash scripts/postgres.sh >/dev/null
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
mkdir -p "$SCRATCH/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$SCRATCH/pg"
PG_PORT="$(free_port)"
PG_DATA="$SCRATCH/pg/data"
as_pg initdb -D "$PG_DATA" -A trust -U postgres >/dev/null
PG_OPTS="-p $PG_PORT -k $SCRATCH/pg -c listen_addresses=127.0.0.1 -c max_connections=100"
as_pg pg_ctl -D "$PG_DATA" -o "$PG_OPTS" -l "$SCRATCH/pg/log" -w start >/dev/null
as_pg createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres accolade
PGURL="postgres://postgres@127.0.0.1:$PG_PORT/accolade"
psq() { "$PG_BIN/psql" "$PGURL" -qtAX -F '|' -c "$1"; }
D2="$SCRATCH/pg-node"
P2="$(free_port)"
U2="http://127.0.0.1:$P2"
export ACCOLADE_DATABASE_URL="$PGURL"
A2="$(seed "$D2" "$U2")"
: >"$SCRATCH/urls"
for i in $(seq 1 20); do
  acc "$D2" "$U2" award --achievement "$A2" --email "page$i@example.com" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['id'].replace('$U2',''))" >>"$SCRATCH/urls"
done
echo /readyz >>"$SCRATCH/urls"
people "$SCRATCH/pg.csv" "$PG_ROWS" pg
start_server "$D2" "$P2"
LOAD_SECONDS=45
# Eight clients, each GETting credential pages and /readyz in a loop, recording every answer.
python3 - "$P2" "$SCRATCH/urls" "$LOAD_SECONDS" "$SCRATCH/load.json" <<'PY' &
import http.client, json, random, sys, threading, time
port, urls, seconds, out = int(sys.argv[1]), open(sys.argv[2]).read().split(), float(sys.argv[3]), sys.argv[4]
t0 = time.time(); rows = []; lock = threading.Lock()
def client():
    while time.time() - t0 < seconds:
        path = random.choice(urls); start = time.time()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", path, headers={"Accept": "text/html"})
            r = c.getresponse(); r.read(); status = r.status; retry = r.getheader("Retry-After"); c.close()
        except Exception as e:
            status, retry = "error", None
        with lock: rows.append((start, time.time() - start, status, retry, path))
threads = [threading.Thread(target=client) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
json.dump({"t0": t0, "rows": rows}, open(out, "w"))
PY
LOAD=$!
PIDS+=("$LOAD")
sleep 3
# A bulk issue runs through the restart: the CLI is run again (resuming) until it succeeds.
(
  for attempt in $(seq 1 30); do
    if acc "$D2" "$U2" import-csv --achievement "$A2" --json "$SCRATCH/pg.csv" >"$SCRATCH/pg-import.json" 2>>"$SCRATCH/pg-import.err"; then
      echo "$attempt" >"$SCRATCH/pg-import.attempts"; exit 0
    fi
    sleep 2
  done
) &
IMPORTER=$!
PIDS+=("$IMPORTER")
sleep 4
T_DOWN="$(now)"
as_pg pg_ctl -D "$PG_DATA" -m fast -w stop >/dev/null
sleep 8
as_pg pg_ctl -D "$PG_DATA" -o "$PG_OPTS" -l "$SCRATCH/pg/log" -w start >/dev/null
T_UP="$(now)"
wait "$LOAD"
wait "$IMPORTER" || true
ready="$(curl -s -o /dev/null -w '%{http_code}' "$U2/readyz")"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
unset ACCOLADE_DATABASE_URL
python3 - "$SCRATCH/load.json" "$T_DOWN" "$T_UP" >"$SCRATCH/load.md" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); down, up = float(sys.argv[2]), float(sys.argv[3])
rows = d["rows"]
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else 0
by = {}
for s, lat, st, _, path in rows:
    what = "/readyz" if path == "/readyz" else "credential page"
    by.setdefault((what, str(st)), []).append(lat)
print("| request | answer | count | p50 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|")
for key in sorted(by):
    l = by[key]; print(f"| {key[0]} | {key[1]} | {len(l)} | {pct(l,.5)*1000:.0f} | {pct(l,.99)*1000:.0f} | {max(l)*1000:.0f} |")
bad = [r for r in rows if r[2] != 200]
retry = sorted({str(r[3]) for r in rows if r[2] == 503 and r[4] != "/readyz"})
after_up = [r for r in rows if r[0] + r[1] > up]
first_ok = min((r[0] + r[1] for r in after_up if r[2] == 200), default=None)
last_bad = max((r[0] + r[1] for r in bad), default=None)
print()
print(f"PostgreSQL down for {up - down:.1f} s (stopped at +{down - d['t0']:.1f} s of the load, started again at +{up - d['t0']:.1f} s).")
print(f"Non-200 answers: {len(bad)}, all 503: {all(r[2] == 503 for r in bad)}; Retry-After on the pages' 503s: {', '.join(retry) or 'none'}.")
if last_bad is not None:
    print(f"Last non-200 answer {last_bad - up:+.1f} s after PostgreSQL was back; first 200 after it came back {((first_ok or up) - up):+.1f} s.")
slow503 = max([r[1] for r in rows if r[2] == 503] or [0])
print(f"STATUS500={sum(1 for r in rows if r[2] == 500)} ERRORS={sum(1 for r in rows if r[2] == 'error')} SLOWEST503={slow503*1000:.0f} TOTAL={len(rows)} OK={sum(1 for r in rows if r[2] == 200)} NORETRY={sum(1 for r in rows if r[2] == 503 and r[4] != '/readyz' and r[3] is None)}")
PY
while IFS= read -r l; do say "$l"; done < <(grep -v '^STATUS500' "$SCRATCH/load.md")
summary="$(grep '^STATUS500' "$SCRATCH/load.md")"
pg_awards="$(psq "SELECT count(*), count(DISTINCT recipient_email) FROM awards WHERE recipient_email LIKE 'pg%'")"
pg_rows="$(psq "SELECT count(*), count(DISTINCT award_id) FROM import_rows WHERE state = 'issued'")"
pg_mail="$(psq "SELECT count(*), count(DISTINCT to_address) FROM outbox WHERE to_address LIKE 'pg%'")"
attempts="$(cat "$SCRATCH/pg-import.attempts" 2>/dev/null || echo none)"
say ""
say "Bulk issue of $PG_ROWS rows across the restart: CLI runs needed $attempts; awards (all, distinct): ${pg_awards//|/, }; issued rows (all, distinct award ids): ${pg_rows//|/, }; badge emails (all, distinct): ${pg_mail//|/, }. /readyz after: $ready."
eval "$(echo "$summary" | tr ' ' '\n' | grep '=' | sed 's/^/L_/')"
if [ "$L_STATUS500" = 0 ] && [ "$L_ERRORS" = 0 ] && [ "$L_NORETRY" = 0 ] && [ "$ready" = 200 ] &&
  [ "$pg_awards" = "$PG_ROWS|$PG_ROWS" ] && [ "$pg_rows" = "$PG_ROWS|$PG_ROWS" ] && [ "$pg_mail" = "$PG_ROWS|$PG_ROWS" ]; then
  say "Result: PASS ($L_TOTAL requests, $L_OK answered 200, no 500, no dropped connection; slowest 503 ${L_SLOWEST503} ms; exactly $PG_ROWS awards)."
else
  fail "part 2: $summary, readyz $ready, awards $pg_awards"
fi
say ""
as_pg pg_ctl -D "$PG_DATA" -m fast -w stop >/dev/null
PG_DATA=""
fi

# 3. SMTP outage -------------------------------------------------------------------------------
if part 3; then
say "## 3. SMTP outage"
say ""
D3="$SCRATCH/smtp"
P3="$(free_port)"
U3="http://127.0.0.1:$P3"
SMTP_PORT="$(free_port)"
A3="$(seed "$D3" "$U3")"
# Nothing listens on the SMTP port yet: the mail server is down.
start_server "$D3" "$P3" --smtp-url "smtp://127.0.0.1:$SMTP_PORT"
T_ISSUE="$(now)"
for i in 1 2 3; do acc "$D3" "$U3" award --achievement "$A3" --email "mail$i@example.com" >/dev/null; done
sleep 8
waiting="$(sq "$D3/accolade.db" "SELECT state || ':' || count(*) FROM outbox GROUP BY state")"
# A tiny SMTP sink (enough of RFC 5321 for the server's client), writing one line per message.
python3 - "$SMTP_PORT" "$SCRATCH/received" <<'PY' &
import socketserver, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(socketserver.StreamRequestHandler):
    def handle(self):
        w = lambda s: self.wfile.write((s + "\r\n").encode())
        w("220 sink"); rcpt = []
        while True:
            line = self.rfile.readline()
            if not line: return
            cmd = line.decode(errors="replace").strip(); up = cmd.upper()
            if up.startswith("EHLO") or up.startswith("HELO"): w("250 sink")
            elif up.startswith("RCPT"): rcpt.append(cmd.split(":", 1)[1].strip()); w("250 ok")
            elif up == "DATA":
                w("354 go")
                while self.rfile.readline() not in (b".\r\n", b".\n", b""): pass
                with open(out, "a") as f: f.write(" ".join(rcpt) + "\n")
                rcpt = []; w("250 queued")
            elif up == "QUIT": w("221 bye"); return
            else: w("250 ok")
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", port), H).serve_forever()
PY
SINK=$!
PIDS+=("$SINK")
touch "$SCRATCH/received"
T_SINK="$(now)"
for _ in $(seq 1 1800); do
  [ "$(wc -l <"$SCRATCH/received" 2>/dev/null || echo 0)" -ge 3 ] && break
  sleep 0.1
done
got="$(wc -l <"$SCRATCH/received" 2>/dev/null || echo 0)"
delivered_after="$(since "$T_SINK")"
sleep 1
sent="$(sq "$D3/accolade.db" "SELECT state || ':' || count(*) FROM outbox GROUP BY state")"
kill "$SINK"; wait "$SINK" 2>/dev/null || true
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
say "Three badges issued with SMTP down. Outbox 8 s later: ${waiting//$'\n'/, }. SMTP brought up $(python3 -c "print(f'{$T_SINK - $T_ISSUE:.0f}')") s after issuing; all $got messages delivered $delivered_after s later (the first retry comes 30 s after a failed attempt). Outbox after: ${sent//$'\n'/, }."
if [ "$got" = 3 ] && [ "$sent" = "sent:3" ]; then
  say "Result: PASS (mail waited and was delivered, once each: $(sort "$SCRATCH/received" | tr '\n' ' '))."
else
  fail "part 3: received $got, outbox $sent"
fi
say ""
fi

# 4. SQLite disk full --------------------------------------------------------------------------
if part 4; then
say "## 4. SQLite disk full"
say ""
FULL="$SCRATCH/full"
mkdir -p "$FULL"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=48m tmpfs "$FULL" 2>/dev/null; then
  MOUNTED="$FULL"
  D4="$FULL/data"
  U4="http://127.0.0.1:$(free_port)"
  A4="$(seed "$D4" "$U4")"
  people "$SCRATCH/full.csv" 20000 full
  set +e
  acc "$D4" "$U4" import-csv --achievement "$A4" "$SCRATCH/full.csv" >/dev/null 2>"$SCRATCH/full.err"
  code=$?
  set -e
  message="$(grep '^error:' "$SCRATCH/full.err" | head -n 1)"
  integrity="$(sq "$D4/accolade.db" "PRAGMA integrity_check")"
  counts="$(sq "$D4/accolade.db" "SELECT (SELECT count(*) FROM awards), (SELECT count(*) FROM import_rows WHERE state = 'issued'), (SELECT count(*) FROM outbox)")"
  say "A 48 MB tmpfs as the data directory; a bulk issue of 20,000 rows fills it. Exit status $code; the message: \`$message\`."
  say "After: integrity_check $integrity; awards, issued rows, badge emails: ${counts//|/, } (whole chunks only)."
  IFS='|' read -r c_awards c_rows c_mail <<<"$counts"
  umount "$FULL"; MOUNTED=""
  if [ "$code" -ne 0 ] && [[ "$message" == *"disk is full"* ]] && [ "$integrity" = ok ] &&
    [ "$c_awards" = "$c_rows" ] && [ "$c_rows" = "$c_mail" ]; then
    say "Result: PASS."
  else
    fail "part 4"
  fi
else
  say "Skipped: mounting a tmpfs needs root. The test suite covers it with PRAGMA max_page_count (accolade-store story: faults)."
fi
say ""
fi
say "All parts run ($PARTS) passed."
finish 0
