#!/usr/bin/env bash
# README command 1: run the portal with demo data on a fresh Debian machine.
#   deploy/run.sh                 portal on http://localhost:5000
#   PORTAL_URL=http://localhost:8080 PORTAL_PG_PORT=5440 deploy/run.sh
# Data lives in .state/ and survives restarts: a second run reuses it and seeds nothing twice.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

PORTAL_URL=${PORTAL_URL:-http://localhost:5000}
PORTAL_URL=${PORTAL_URL%/}
PG_PORT=${PORTAL_PG_PORT:-5433}
IDP_PORT=${IDP_PORT:-8081}
OIDC_PORT=${OIDC_PORT:-8082}
# The site agents' port: HTTP/2 only (gRPC), on loopback here; the demo hospital's agent dials it.
AGENT_PORT=${AGENT_PORT:-5001}

ensure_dotnet
ensure_packages postgresql-15 openssl
ensure_node
python3 --version >/dev/null 2>&1 || ensure_packages python3

"$ROOT/deploy/pg.sh" start demo "$PG_PORT"
portal_pid=""
cleanup() {
  # A TERM to this script must not leave the portal running on the port.
  if [ -n "$portal_pid" ]; then
    kill "$portal_pid" 2>/dev/null || true
    wait "$portal_pid" 2>/dev/null || true
  fi
  "$ROOT/deploy/agent.sh" stop >/dev/null 2>&1 || true
  "$ROOT/deploy/idp.sh" stop >/dev/null 2>&1 || true
  "$ROOT/deploy/oidc.sh" stop >/dev/null 2>&1 || true
  "$ROOT/deploy/pg.sh" stop demo >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The portal's own SAML keys and pseudonym master secret: made once, kept in .state/, never committed.
sp="$STATE/sp"
mkdir -p "$sp"; chmod 700 "$sp"
for use in signing encryption; do
  [ -f "$sp/$use.key" ] || openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=VO Data Portal SAML $use" \
    -keyout "$sp/$use.key" -out "$sp/$use.crt" 2>/dev/null
done
[ -f "$STATE/pseudonym.key" ] || { head -c 32 /dev/urandom | base64 > "$STATE/pseudonym.key"; chmod 600 "$STATE/pseudonym.key"; }
# The key the portal signs site agents' orders with (agents pin its public half when they enroll).
[ -f "$sp/order-signing.pem" ] || { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$sp/order-signing.pem" 2>/dev/null; chmod 600 "$sp/order-signing.pem"; }

say "demo identity providers (SimpleSAMLphp: a hospital and a university; oidc-provider: an independent lab)"
# The IdPs know the portal's signing certificate, so sign-out ends their sessions too (SAML Single Logout).
SP_BASE_URL="$PORTAL_URL" SP_SIGNING_CERT="$sp/signing.crt" "$ROOT/deploy/idp.sh" start "$IDP_PORT" >"$STATE/idp-start.log" 2>&1 \
  || { cat "$STATE/idp-start.log" >&2; die "the demo IdP did not start"; }
PORTAL_BASE_URL="$PORTAL_URL" "$ROOT/deploy/oidc.sh" start "$OIDC_PORT" >"$STATE/oidc-start.log" 2>&1 \
  || { cat "$STATE/oidc-start.log" >&2; die "the demo OIDC provider did not start"; }

say "demo hospital database (synthetic patients)"
pg_ensure_database demo hospital
"$ROOT/deploy/pg.sh" psql demo -d hospital -q -v patients=100000 -v seed=0.42 -f deploy/demo/hospital.sql >/dev/null
pg_ensure_database demo portal

# The hospital's site agent reads it as a login that may only SELECT; the portal is never given it.
[ -f "$STATE/hospital-reader.password" ] || { head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$STATE/hospital-reader.password"; chmod 600 "$STATE/hospital-reader.password"; }
reader_password=$(cat "$STATE/hospital-reader.password")
pg_hospital_reader demo "$reader_password"

say "building the portal"
dotnet build -c Release -nologo -v quiet Portal/Portal.csproj >"$STATE/build.log" 2>&1 \
  || { tail -30 "$STATE/build.log" >&2; die "build failed (log: $STATE/build.log)"; }

export ConnectionStrings__Portal="$("$ROOT/deploy/pg.sh" url demo portal)"
export ASPNETCORE_ENVIRONMENT=Development
# Alice's datasets live behind the hospital's site agent: the portal holds no host, login or secret of the hospital.
export Demo__SiteAgent=true
export Demo__AgentCodeFile="$STATE/agent-enrollment.code"
export Sites__AgentPort="$AGENT_PORT"
export Sites__OrderKeyFile="$sp/order-signing.pem"
export Demo__IdpBaseUrl="http://localhost:$IDP_PORT"
export Saml__BaseUrl="$PORTAL_URL"
export Saml__SigningCertificate="$sp/signing.crt" Saml__SigningKey="$sp/signing.key"
export Saml__EncryptionCertificate="$sp/encryption.crt" Saml__EncryptionKey="$sp/encryption.key"
export Saml__IdentityProviders__0__Metadata="$STATE/idp/metadata/hospital.xml"
export Saml__IdentityProviders__1__Metadata="$STATE/idp/metadata/university.xml"
export Keys__PseudonymMasterSecretFile="$STATE/pseudonym.key"
# The demo OIDC provider; its client secret is a demo value from deploy/oidc/server.js, never a real one.
export Oidc__Providers__demo__Authority="http://localhost:$OIDC_PORT"
export Oidc__Providers__demo__RequireHttps=false
export Oidc__Providers__demo__ClientId=vo-portal-demo
export Oidc__Providers__demo__ClientSecret=vo-portal-demo-secret-not-for-production
export Oidc__Providers__demo__DisplayName="Demo Lab (OpenID Connect)"
export Oidc__Providers__demo__HomeOrganization="Demo Lab"
export Oidc__Providers__demo__Domains__0=lab.example.net
# Run from the build folder, as the container does: its appsettings.json (log levels) is read from the working directory.
cd "$ROOT/Portal/bin/Release/net10.0"
portal=(dotnet Portal.dll)

"${portal[@]}" seed-demo

cat <<INFO

  Portal:   $PORTAL_URL
  Sign in:  open $PORTAL_URL/signin, choose an institution, and log in at its demo IdP (http://localhost:$IDP_PORT):
              hospital     alice / alice-demo   Alice Owner: owns the two patient datasets
                           carol / carol-demo   Carol Steward: steward of them, portal auditor
              university   bob / bob-demo       Bob Researcher: holds a grant, has a pending request
                           dave / dave-demo     Dave Admin: admin of the VO "HIV Cohort Collaboration"
              Demo Lab     erin / erin-demo     Erin Analyst, via OpenID Connect (http://localhost:$OIDC_PORT)
                           frank / frank-demo   Frank Curator, via OpenID Connect
  Sign out: ends the portal session and the IdP's (SAML Single Logout, OIDC end-session)
  Site:     the hospital's data stays with its site agent (.state/agent: site.json, its log: deploy/agent.sh log | verify)
  Health:   curl -fsS $PORTAL_URL/health/ready
  API:      $PORTAL_URL/api-docs (interactive), $PORTAL_URL/openapi/v1.json
  Stop:     Ctrl-C (the IdPs and PostgreSQL stop with it; data stays in .state/)

INFO
"${portal[@]}" --urls "$PORTAL_URL;http://127.0.0.1:$AGENT_PORT" &
portal_pid=$!
for _ in $(seq 1 150); do
  curl -fsS -o /dev/null "$PORTAL_URL/health/ready" 2>/dev/null && break
  kill -0 "$portal_pid" 2>/dev/null || die "the portal did not start"
  sleep 0.2
done
say "demo hospital's site agent (holds the hospital login and the site's pseudonym secret; dials the portal)"
HOSPITAL_PG_PORT="$PG_PORT" "$ROOT/deploy/agent.sh" enroll "http://127.0.0.1:$AGENT_PORT" "$STATE/agent-enrollment.code"
"${portal[@]}" seed-demo >/dev/null
HOSPITAL_PG_PORT="$PG_PORT" "$ROOT/deploy/agent.sh" start
wait "$portal_pid"
