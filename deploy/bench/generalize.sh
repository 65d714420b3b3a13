#!/usr/bin/env bash
# Generalization benchmark: the Flash lattice search beside the exhaustive search over all 4,320 nodes, in the same
# BenchmarkDotNet run, on UCI Adult (Tests/data/adult) with ARX's hierarchies: 8 quasi-identifiers, k = 5,
# 0 % suppression, non-uniform entropy. Both start from the table of distinct quasi-identifier combinations.
# Last line: "generalize: <ms> ms to the optimum, <x>x faster than exhaustive, same optimum: yes".
# Needs dotnet 10; about 2 minutes on 2 cores (BenchmarkDotNet runs in-process).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
out="$root/.state/bench/generalize"
rm -rf "$out"
mkdir -p "$out"

echo "== building (Release)"
dotnet build -c Release Tests/Benchmarks -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dll="$root/Tests/Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll"

echo "== both searches once: do they choose the same node with the same value?"
dotnet "$dll" generalize-check | tee "$out/check.txt"

echo "== BenchmarkDotNet: Flash and exhaustive"
(
  cd "$out"
  dotnet "$dll" --filter '*GeneralizationBenchmark*' --exporters json --artifacts "$out/bdn" | tee "$out/bdn.log"
)
report=$(ls "$out"/bdn/results/*GeneralizationBenchmark*-report-full-compressed.json | head -n1)

echo "== CPU: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the cores; compare runs at similar load)"
dotnet "$dll" generalize-report "$report" "$out/check.txt"
