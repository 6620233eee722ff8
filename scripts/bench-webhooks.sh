#!/usr/bin/env bash
# Webhook fan-out benchmark: 10,000 award events (ACCOLADE_BENCH_WEBHOOKS to change) queued
# for one endpoint and delivered, signed, by the delivery sender to an HTTP receiver on
# loopback, on SQLite (a file in a temporary folder). The run fails if one event is lost or
# doubled; it prints the time from the first event queued to the last one delivered.
# Release build (crates/accolade-app/tests/story/webhooks.rs, `webhook_fanout_benchmark`).
set -euo pipefail
cd "$(dirname "$0")/.."
export ACCOLADE_BENCH_WEBHOOKS="${ACCOLADE_BENCH_WEBHOOKS:-10000}"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
echo "machine: $(nproc) CPUs, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
cargo test --release -p accolade-app --test story webhook_fanout_benchmark -- \
    --ignored --nocapture 2>&1 | grep -E "^webhook fan-out|^test result|panicked|^error"
