#!/usr/bin/env bash
# README command 2: every test of Portal.sln, on real parts (PostgreSQL, Chromium), on a fresh Debian machine.
# Starts its own PostgreSQL cluster ("test", port TEST_PG_PORT, default 55433), never the demo one.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

TEST_PG_PORT=${TEST_PG_PORT:-55433}

ensure_dotnet
# docker-compose: Operations tests validate deploy/compose.yaml with "docker-compose config" (no daemon needed).
ensure_packages postgresql-15 chromium python3 openssl simplesamlphp php-cli php-xml php-mbstring docker-compose
# Node.js and npm: the end-to-end tests start the demo OIDC provider (deploy/oidc.sh, npm ci of oidc-provider).
# By command, not by package name: this kind of machine ships Node.js 20 outside Debian's packages, and apt's npm
# would fight it.
ensure_node

"$ROOT/deploy/pg.sh" start test "$TEST_PG_PORT"
trap '"$ROOT/deploy/pg.sh" stop test >/dev/null 2>&1 || true' EXIT
export PORTAL_TEST_PG="$("$ROOT/deploy/pg.sh" url test)"
export PORTAL_CHROMIUM=/usr/bin/chromium

say "building"
dotnet build Portal.sln -c Release -nologo -v quiet 2>&1 | tail -3

results="$STATE/test-results"
rm -rf "$results"
say "running every test in Portal.sln"
set +e
dotnet test Portal.sln -c Release --no-build -nologo --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" 2>&1 | tee "$STATE/test.log" | grep -E '^\s+Failed Portal\.|Error Message|^(Passed|Failed)!|Total tests|error (CS|MSB|NU)[0-9]+'
status=${PIPESTATUS[0]}
set -e

# One closing line for every project together.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    s += int(c.get("notExecuted", 0))
print(f"{p} passed, {f} failed, {s} skipped")
PY
if [ "$status" -ne 0 ]; then
  echo "tests failed (full log: $STATE/test.log)" >&2
fi
exit "$status"
