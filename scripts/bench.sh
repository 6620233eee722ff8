#!/usr/bin/env bash
# Signs and verifies N credentials with Accolade (all cores) and with the Digital Bazaar
# JavaScript stack (one Node.js process) on this machine, in one run, and prints the ratios.
# Usage: scripts/bench.sh [N_ACCOLADE] [N_JS]
set -euo pipefail
cd "$(dirname "$0")/.."
n_rs="${1:-20000}"
n_js="${2:-1000}"
(cd interop && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
cargo build -q --release -p accolade-credentials --example throughput
bin="${CARGO_TARGET_DIR:-target}/release/examples/throughput"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
rs=$("$bin" "$n_rs")
rs1=$("$bin" "$n_rs" 1)
js=$(node interop/bench.mjs "$n_js")
echo "accolade (all cores): $rs"
echo "accolade (one core):  $rs1"
echo "digital bazaar (node $(node --version)): $js"
node -e '
const rs = JSON.parse(process.argv[1]), rs1 = JSON.parse(process.argv[2]), js = JSON.parse(process.argv[3]);
const r = (a, b) => (a / b).toFixed(1);
console.log(`signing:   ${r(rs.sign_per_s, js.sign_per_s)}x all cores, ${r(rs1.sign_per_s, js.sign_per_s)}x one core  (${rs.sign_per_s}/s, ${rs1.sign_per_s}/s vs ${js.sign_per_s}/s)`);
console.log(`verifying: ${r(rs.verify_per_s, js.verify_per_s)}x all cores, ${r(rs1.verify_per_s, js.verify_per_s)}x one core  (${rs.verify_per_s}/s, ${rs1.verify_per_s}/s vs ${js.verify_per_s}/s)`);
' "$rs" "$rs1" "$js"
