#!/usr/bin/env bash
# Policy decision benchmark: Portal.Policy (BenchmarkDotNet, one thread) beside Cedar (cedar-wasm) on the
# same 100,000 grants, 10,000 users, 1,000 datasets and the same questions.
# Last line: "policy: <N> decisions/s (<B> B/decision, p99 <x> ns); cedar: <M> decisions/s (...)".
# Also prints the cost of single incremental updates (updates.txt), the load average and the machine's memory
# latency by working-set size (the figure is memory-bound: docs/policy.md, "Speed and the cache") before the last line.
# Needs dotnet 10 and node 20; about 3-5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
out="$root/.state/bench/policy"
rm -rf "$out"
mkdir -p "$out"

echo "== building (Release)"
dotnet build -c Release Tests/Benchmarks -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }

dll=Tests/Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll
echo "== probes in their own process: Cedar input, Stopwatch latency, incremental update costs"
dotnet "$root/$dll" policy-probes "$out"

echo "== Portal.Policy (BenchmarkDotNet)"
(
  cd "$out"
  dotnet "$root/$dll" --filter '*PolicyDecisionBenchmark*' \
    --exporters json --artifacts "$out/bdn" | tee "$out/bdn.log"
)
report=$(ls "$out"/bdn/results/*PolicyDecisionBenchmark*-report-full-compressed.json | head -n1)

echo "== Cedar (@cedar-policy/cedar-wasm from package-lock.json)"
(
  cd Tests/Benchmarks/Policy/cedar
  npm ci --no-audit --no-fund --loglevel=error
  node bench.mjs "$out/cedar-input.json" 5 | tee "$out/cedar.json"
) || { echo "Cedar run failed or disagreed with Portal.Policy (see above)" >&2; exit 1; }

echo "== incremental updates on the same world, one at a time through PolicyEngine (microseconds: warm median, first-tier-JIT median, max)"
cat "$out/updates.txt"
echo "== latency (Stopwatch per decision, after JIT warm-up): $(tr '\n' ' ' <"$out/latency.txt")"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other processes share them; compare runs at similar load)"
echo "== memory latency of this machine by working set (pointer chase, thread CPU time; the index's hot data is several MB): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
dotnet "$root/$dll" memory-latency

node - "$report" "$out/latency.txt" "$out/cedar.json" <<'JS'
const fs = require('fs');
const [report, latencyPath, cedarPath] = process.argv.slice(2);
const b = JSON.parse(fs.readFileSync(report, 'utf8')).Benchmarks[0];
const nsPerDecision = b.Statistics.Mean;
const bytes = b.Memory.BytesAllocatedPerOperation;
const latency = Object.fromEntries(fs.readFileSync(latencyPath, 'utf8').trim().split('\n').map((l) => l.split('=')));
const c = JSON.parse(fs.readFileSync(cedarPath, 'utf8'));
const fmt = (n) => Math.round(n).toString();
const s = b.Statistics;
console.log(`== BDN per decision: mean ${s.Mean.toFixed(1)} ns, median ${s.Median.toFixed(1)} ns, min ${s.Min.toFixed(1)} ns ` +
  `over ${s.N} iterations (the last line uses the mean)`);
console.log(`policy: ${fmt(1e9 / nsPerDecision)} decisions/s (${bytes} B/decision, p99 ${latency.p99_ns} ns); ` +
  `cedar: ${fmt(c.decisionsPerSecond)} decisions/s (p99 ${c.p99Ns} ns, ${c.agree}/${c.questions} decisions agree)`);
JS
