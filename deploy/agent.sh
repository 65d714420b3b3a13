#!/usr/bin/env bash
# The demo hospital's site agent (Connectors/SiteAgent): it runs next to the hospital database, holds its login and
# the site's pseudonym secret, and dials the portal; the portal never sees either.
#   deploy/agent.sh enroll <agent-url> <code-file>   enroll once with the one-time code the portal made (idempotent)
#   deploy/agent.sh start                            start the agent (idempotent), wait until it is connected
#   deploy/agent.sh stop | status | log [N] | verify
# Environment:
#   AGENT_STATE       the site's folder (default .state/agent): site.json, keys, the hospital login, the site log
#   HOSPITAL_PG_PORT  the hospital database's port (default 5433, the demo cluster)
#   HOSPITAL_READER_PASSWORD_FILE  the read-only login's password (default .state/hospital-reader.password)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ASTATE="${AGENT_STATE:-$STATE/agent}"
PIDFILE="$ASTATE/agent.pid"
DLL="$ROOT/Connectors/SiteAgent/bin/Release/net10.0/Portal.Connectors.SiteAgent.dll"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

build() {
  ensure_dotnet
  [ -f "$DLL" ] && [ -z "$(find "$ROOT/Connectors" -newer "$DLL" -name '*.cs' -print -quit)" ] && return 0
  say "agent: building"
  dotnet build -c Release -nologo -v quiet "$ROOT/Connectors/SiteAgent/SiteAgent.csproj" >"$ASTATE/build.log" 2>&1 \
    || { tail -30 "$ASTATE/build.log" >&2; die "agent build failed (log: $ASTATE/build.log)"; }
}

# The site's own files, made once: its configuration and policy, its secret, its database login.
configure() {
  mkdir -p "$ASTATE/site"; chmod 700 "$ASTATE" "$ASTATE/site"
  [ -f "$ASTATE/pseudonym.key" ] || { head -c 32 /dev/urandom | base64 > "$ASTATE/pseudonym.key"; chmod 600 "$ASTATE/pseudonym.key"; }
  local password_file="${HOSPITAL_READER_PASSWORD_FILE:-$STATE/hospital-reader.password}"
  [ -f "$password_file" ] || die "agent: no hospital login password at $password_file (deploy/run.sh makes it)"
  umask 077
  printf 'Host=127.0.0.1;Port=%s;Database=hospital;Username=hospital_reader;Password=%s;Application Name=site-agent\n' \
    "${HOSPITAL_PG_PORT:-5433}" "$(cat "$password_file")" > "$ASTATE/hospital.conn"
  # The hospital's rules, whatever the portal asks: k of at least 5, identifiers and names never leave in any form,
  # and a daily row cap per grant.
  cat > "$ASTATE/site.json" <<JSON
{
  "stateDirectory": "site",
  "pseudonymSecretFile": "pseudonym.key",
  "sources": { "hospital": { "kind": "postgres", "connectionStringFile": "hospital.conn" } },
  "datasets": {
    "patients": { "source": "hospital", "relation": "public.patients", "minK": 5,
                  "neverLeave": ["mrn", "full_name", "first_name", "last_name"], "maxRowsPerDayPerGrant": 5000000 },
    "recent_admissions": { "source": "hospital", "relation": "public.recent_admissions", "minK": 5,
                  "neverLeave": ["mrn", "full_name", "first_name", "last_name"], "maxRowsPerDayPerGrant": 5000000 }
  }
}
JSON
}

enroll() {
  local url="$1" code_file="$2"
  mkdir -p "$ASTATE"
  build
  configure
  if [ -f "$ASTATE/site/enrollment.json" ]; then
    say "agent: already enrolled ($(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["agentId"])' "$ASTATE/site/enrollment.json"))"
    return 0
  fi
  [ -s "$code_file" ] || die "agent: no enrollment code in $code_file"
  dotnet "$DLL" enroll --portal "$url" --code "$(cat "$code_file")" --state "$ASTATE/site"
  rm -f "$code_file"
}

start() {
  mkdir -p "$ASTATE"
  build
  configure
  [ -f "$ASTATE/site/enrollment.json" ] || die "agent: not enrolled; run '$0 enroll <agent-url> <code-file>' first"
  if running; then
    say "agent: already running (pid $(cat "$PIDFILE"))"
    return 0
  fi
  (cd "$ASTATE" && nohup dotnet "$DLL" run --config "$ASTATE/site.json" >"$ASTATE/agent.log" 2>&1 & echo $! > "$PIDFILE")
  for _ in $(seq 1 150); do
    if grep -q "Linked to the portal" "$ASTATE/agent.log" 2>/dev/null; then
      say "agent: connected (pid $(cat "$PIDFILE"), log $ASTATE/agent.log)"
      return 0
    fi
    running || break
    sleep 0.2
  done
  tail -20 "$ASTATE/agent.log" >&2
  die "agent: did not connect to the portal"
}

stop() {
  if running; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
    say "agent: stopped"
  else
    say "agent: not running"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  enroll) shift; [ $# -eq 2 ] || die "usage: $0 enroll <agent-url> <code-file>"; enroll "$@" ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo "stopped"; fi ;;
  log) build; dotnet "$DLL" log show --config "$ASTATE/site.json" --tail "${2:-20}" ;;
  verify) build; dotnet "$DLL" log verify --config "$ASTATE/site.json" ;;
  *) echo "usage: $0 enroll <agent-url> <code-file> | start | stop | status | log [N] | verify" >&2; exit 2 ;;
esac
