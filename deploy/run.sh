#!/usr/bin/env bash
# README command 1: run the portal with demo data on a fresh Debian machine.
#   deploy/run.sh                 portal on http://localhost:5000
#   PORTAL_URL=http://localhost:8080 PORTAL_PG_PORT=5440 deploy/run.sh
# Data lives in .state/ and survives restarts: a second run reuses it and seeds nothing twice.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

PORTAL_URL=${PORTAL_URL:-http://localhost:5000}
PG_PORT=${PORTAL_PG_PORT:-5433}

ensure_dotnet
ensure_packages postgresql-15
python3 --version >/dev/null 2>&1 || ensure_packages python3

"$ROOT/deploy/pg.sh" start demo "$PG_PORT"
trap '"$ROOT/deploy/pg.sh" stop demo >/dev/null 2>&1 || true' EXIT

say "demo hospital database (synthetic patients)"
pg_ensure_database demo hospital
"$ROOT/deploy/pg.sh" psql demo -d hospital -q -v patients=100000 -v seed=0.42 -f deploy/demo/hospital.sql >/dev/null
pg_ensure_database demo portal

say "building the portal"
dotnet build -c Release -nologo -v quiet Portal/Portal.csproj >"$STATE/build.log" 2>&1 \
  || { tail -30 "$STATE/build.log" >&2; die "build failed (log: $STATE/build.log)"; }

export ConnectionStrings__Portal="$("$ROOT/deploy/pg.sh" url demo portal)"
export ASPNETCORE_ENVIRONMENT=Development
export DemoSignIn__Enabled=true
export Demo__HospitalPort="$PG_PORT"
portal=(dotnet "$ROOT/Portal/bin/Release/net10.0/Portal.dll")

"${portal[@]}" seed-demo

cat <<INFO

  Portal:   $PORTAL_URL
  Sign in:  open $PORTAL_URL/signin and pick a demo user:
              Dr. Alice Adler  (hospital, owns the two patient datasets)
              Carol Chen       (hospital, steward and auditor)
              Bob Baker        (university researcher, holds a grant)
              Dave Dietrich    (university, admin of the VO "HIV Cohort Collaboration")
  Health:   curl -fsS $PORTAL_URL/health/ready
  API:      $PORTAL_URL/openapi/v1.json
  Stop:     Ctrl-C (PostgreSQL stops with it; data stays in .state/)

INFO
"${portal[@]}" --urls "$PORTAL_URL"
