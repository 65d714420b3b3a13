#!/usr/bin/env bash
# SAML ACS validation benchmark: the portal's validator (BenchmarkDotNet, one thread; signed RSA-2048/SHA-256
# assertion, and the same signed then encrypted with AES-256-GCM + RSA-OAEP) beside @node-saml/node-saml 5 on the very
# same response bytes, which the C# benchmark writes into a folder.
# Last line: "saml: <N> assertions/s (encrypted <M>/s); node-saml: <K>/s (encrypted <L>/s)".
# Needs dotnet 10 and node 20. SAML_BENCH_PROJECT overrides the benchmark project (default Tests/Benchmarks),
# which must compile Tests/Benchmarks/Saml/*.cs together with Portal/Features/SignIn/Saml; SAML_BENCH_ARGS adds
# BenchmarkDotNet arguments (e.g. --inProcess for a project outside this repository, which BDN cannot rebuild).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
out="$root/.state/bench/saml"
project="${SAML_BENCH_PROJECT:-Tests/Benchmarks}"
rm -rf "$out"
mkdir -p "$out"

echo "== building $project (Release)"
dotnet build -c Release "$project" -nologo -v quiet -o "$out/bin" >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
runtimeconfig=("$out"/bin/*.runtimeconfig.json)
dll="${runtimeconfig[0]%.runtimeconfig.json}.dll"

echo "== portal validator (BenchmarkDotNet; also writes the responses for node-saml)"
(
  cd "$out"
  SAML_BENCH_DIR="$out/responses" dotnet "$dll" --filter '*SamlAcsBenchmarks*' \
    --exporters json --artifacts "$out/bdn" ${SAML_BENCH_ARGS:-} | tee "$out/bdn.log"
)
report=$(ls "$out"/bdn/results/*SamlAcsBenchmarks*-report-full-compressed.json | head -n1)

echo "== node-saml (@node-saml/node-saml from package-lock.json)"
(
  cd Tests/Benchmarks/Saml/node
  npm ci --no-audit --no-fund --loglevel=error
  node validate.js "$out/responses" 5 | tee "$out/node.json"
)

node - "$report" "$out/node.json" <<'JS'
const fs = require('fs');
const [report, nodePath] = process.argv.slice(2);
const benchmarks = JSON.parse(fs.readFileSync(report, 'utf8')).Benchmarks;
const perSecond = (method) => 1e9 / benchmarks.find((b) => b.Method === method).Statistics.Mean;
const n = JSON.parse(fs.readFileSync(nodePath, 'utf8'));
const fmt = (x) => Math.round(x).toString();
console.log(`saml: ${fmt(perSecond('SignedAssertion'))} assertions/s (encrypted ${fmt(perSecond('SignedEncryptedAssertion'))}/s); ` +
  `node-saml: ${fmt(n.plain)}/s (encrypted ${fmt(n.encrypted)}/s)`);
JS
