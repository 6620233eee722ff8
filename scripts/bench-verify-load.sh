#!/usr/bin/env bash
# Verification under hostile load. Builds the release binary (into $CARGO_TARGET_DIR when set),
# starts `accolade serve --demo` on a fresh data directory on loopback, and for DURATION
# seconds (default 30) has POSTERS clients (default 64) post hostile documents to /verify
# without pause: a genuine credential of the instance grown to just under the verifier's
# 2 MiB JSON limit with 1,900 blank-node alignments and a 50-deep chain of nested profiles
# (every check runs: the expansion, the canonicalization with ~2,000 blank nodes, then the
# signature, which no longer matches). Meanwhile one client fetches an ordinary credential
# page in a loop, and the server's RSS is read from /proc every half second, during the load
# and for AFTER seconds (default 60) after it.
#
# Every /verify answer must be 200 with a verdict or 503 with Retry-After (no verdict); every
# credential page fetch must be 200. Any other answer, a connection error or a dead server
# fails the run. It prints the numbers and fails when RSS exceeds RSS_DURING_MB (default 256)
# during the load or RSS_AFTER_MB (default 100) at the end of the minute after.
#   scripts/bench-verify-load.sh          (POSTERS=64 DURATION=30 AFTER=60 NO_BUILD=1)
set -euo pipefail

POSTERS="${POSTERS:-64}"
DURATION="${DURATION:-30}"
AFTER="${AFTER:-60}"
RSS_DURING_MB="${RSS_DURING_MB:-256}"
RSS_AFTER_MB="${RSS_AFTER_MB:-100}"
PORT="${PORT:-18383}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/accolade-bench-verify.XXXXXX)"
SERVER=""
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done
  [ -n "$SERVER" ] && kill "$SERVER" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

for tool in curl python3; do
  command -v "$tool" > /dev/null || fail "$tool is needed"
done

if [ "${NO_BUILD:-0}" != 1 ]; then
  echo "building (release)…" >&2
  cargo build -q --release -p accolade --manifest-path "$ROOT/Cargo.toml"
fi
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/accolade"
BASE="http://127.0.0.1:$PORT"

"$BIN" serve --data-dir "$WORK/data" --listen "127.0.0.1:$PORT" --public-url "$BASE" --demo \
  > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do
  curl -fs "$BASE/healthz" > /dev/null && break
  kill -0 "$SERVER" 2> /dev/null || fail "the server did not start: $(cat "$WORK/serve.log")"
  sleep 0.1
done
curl -fs "$BASE/healthz" > /dev/null || fail "the server does not answer"
PAGE="$(grep '(active)' "$WORK/serve.log" | head -1 | awk '{ print $NF }')"
[ -n "$PAGE" ] || fail "no demo credential in: $(cat "$WORK/serve.log")"
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER/status" 2> /dev/null || echo 0; }

# The hostile document: the demo credential, grown.
curl -fs -H 'Accept: application/ld+json' "$PAGE" > "$WORK/credential.json"
python3 - "$WORK/credential.json" > "$WORK/hostile.json" << 'EOF'
import json, sys
cred = json.load(open(sys.argv[1]))
a = cred["credentialSubject"]["achievement"]
a["alignment"] = [{"type": ["Alignment"], "targetName": f"skill {i}",
                   "targetUrl": f"https://skills.example/{i}", "targetCode": f"S{i}",
                   "targetDescription": "x" * 900} for i in range(1900)]
org = {"type": ["Profile"], "name": "leaf"}
for i in range(50):
    org = {"type": ["Profile"], "name": f"org {i}", "parentOrg": org}
a["creator"] = org
sys.stdout.write(json.dumps(cred))
EOF
SIZE="$(wc -c < "$WORK/hostile.json")"
[ "$SIZE" -lt $((2 * 1024 * 1024)) ] || fail "the hostile document is over the 2 MiB JSON limit"
# One on its own first: it must be checked in full and found not valid.
curl -fs -F "input=<$WORK/hostile.json" "$BASE/verify" > "$WORK/one.html" ||
  fail "a single hostile post failed"
grep -q "signature does not match" "$WORK/one.html" ||
  fail "the hostile document was not checked to the signature"
# The page once (its first view verifies and keeps it), then the baseline.
curl -fs -o /dev/null "$PAGE" || fail "the credential page does not answer"
sleep 1
RSS_START="$(rss_kb)"

# RSS every half second, until told to stop.
(
  while [ ! -e "$WORK/stop-rss" ]; do
    echo "$(date +%s.%N) $(rss_kb)"
    sleep 0.5
  done
) > "$WORK/rss" &
PIDS+=($!)

# The credential page in a loop during the load: "status seconds" per fetch.
(
  while [ ! -e "$WORK/stop-page" ]; do
    curl -s -o /dev/null -m 30 -w "%{http_code} %{time_total}\n" "$PAGE" || echo "000 0"
    sleep 0.1
  done
) > "$WORK/pages" &
PAGER=$!
PIDS+=($PAGER)

# The hostile posters.
python3 - "$BASE/verify" "$WORK/hostile.json" "$POSTERS" "$DURATION" > "$WORK/posts" << 'EOF'
import sys, threading, time, urllib.request, urllib.error
url, path, posters, duration = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
doc = open(path, "rb").read()
boundary = b"accolade-bench"
body = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"input\"\r\n\r\n" + doc
        + b"\r\n--" + boundary + b"--\r\n")
headers = {"Content-Type": "multipart/form-data; boundary=accolade-bench"}
lock = threading.Lock()
counts = {"200": 0, "503": 0}
problems = []
end = time.monotonic() + duration

def post():
    while time.monotonic() < end:
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                text = r.read().decode("utf-8", "replace")
                if "signature does not match" not in text:
                    with lock:
                        problems.append("200 without the expected verdict")
                    continue
                with lock:
                    counts["200"] += 1
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            if e.code == 503 and e.headers.get("Retry-After") and "Not valid" not in text \
                    and "Valid:" not in text:
                with lock:
                    counts["503"] += 1
                # A 503 answers at once; a short pause keeps this client from taking the CPU
                # the server needs (it runs on the same machine).
                time.sleep(0.05)
            else:
                with lock:
                    problems.append(f"{e.code} {text[:200]!r}")
        except Exception as e:  # connection refused, reset, timeout
            with lock:
                problems.append(f"{type(e).__name__}: {e}")

threads = [threading.Thread(target=post) for _ in range(posters)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counts["200"], counts["503"], len(problems))
for p in problems[:10]:
    print("problem:", p, file=sys.stderr)
EOF
read -r OK BUSY PROBLEMS < "$WORK/posts"
touch "$WORK/stop-page"
wait "$PAGER" || true
LOAD_END="$(date +%s.%N)"
kill -0 "$SERVER" 2> /dev/null || fail "the server died under load: $(tail -5 "$WORK/serve.log")"
RSS_LOAD_END="$(rss_kb)"

# The minute after.
sleep "$AFTER"
touch "$WORK/stop-rss"
RSS_AFTER="$(rss_kb)"
kill -0 "$SERVER" 2> /dev/null || fail "the server died after the load"
curl -fs -o /dev/null "$PAGE" || fail "the credential page does not answer after the load"

RSS_PEAK="$(awk -v end="$LOAD_END" '$1 <= end && $2 > m { m = $2 } END { print m + 0 }' "$WORK/rss")"
read -r PAGES_OK PAGES_BAD P50 P99 PMAX <<< "$(python3 - "$WORK/pages" << 'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ok = sorted(float(t) * 1000 for c, t in rows if c == "200")
bad = sum(1 for c, _ in rows if c != "200")
pct = lambda p: ok[min(len(ok) - 1, int(len(ok) * p))] if ok else 0
print(len(ok), bad, f"{pct(0.5):.1f}", f"{pct(0.99):.1f}", f"{ok[-1] if ok else 0:.1f}")
EOF
)"

echo
echo "hostile verification load: $POSTERS clients × ${DURATION}s, $SIZE-byte documents, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "/verify answers: $OK verified (200, not valid), $BUSY turned away (503 + Retry-After), $PROBLEMS other"
echo "credential page during the load: $PAGES_OK answered 200, $PAGES_BAD failed; latency p50 ${P50} ms, p99 ${P99} ms, max ${PMAX} ms"
echo "server RSS: $((RSS_START / 1024)) MB before, peak $((RSS_PEAK / 1024)) MB during, $((RSS_LOAD_END / 1024)) MB at the end of the load, $((RSS_AFTER / 1024)) MB ${AFTER}s after"

[ "$PROBLEMS" = 0 ] || fail "$PROBLEMS /verify answers were neither a verdict nor 503 with Retry-After"
[ "$OK" -gt 0 ] || fail "no hostile document was verified at all"
[ "$PAGES_BAD" = 0 ] || fail "$PAGES_BAD credential page fetches failed"
[ "$PAGES_OK" -gt 0 ] || fail "the credential page was never fetched"
[ $((RSS_PEAK / 1024)) -lt "$RSS_DURING_MB" ] || fail "RSS peaked at $((RSS_PEAK / 1024)) MB (limit $RSS_DURING_MB MB)"
[ $((RSS_AFTER / 1024)) -lt "$RSS_AFTER_MB" ] || fail "RSS ${AFTER}s after was $((RSS_AFTER / 1024)) MB (limit $RSS_AFTER_MB MB)"
echo "within targets: RSS < $RSS_DURING_MB MB during, < $RSS_AFTER_MB MB after; pages kept answering"
