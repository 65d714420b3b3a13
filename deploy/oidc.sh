#!/usr/bin/env bash
# Demo OpenID Connect provider (npm oidc-provider, deploy/oidc/server.js) for the portal's OIDC sign-in.
#   deploy/oidc.sh start [port]   start (idempotent); default port 8082 (or $OIDC_PORT); any free port works
#   deploy/oidc.sh run [port]     start and stay in the foreground until the server ends
#   deploy/oidc.sh stop           stop the server this script started
#   deploy/oidc.sh status
# Environment:
#   PORTAL_BASE_URL   the portal's base URL (default http://localhost:5000): the client's redirect URIs
#   OIDC_STATE        folder for the pid and log (default .state/oidc)
# Accounts: erin / erin-demo, frank / frank-demo. Client: vo-portal-demo with a demo secret (see server.js).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

APP="$ROOT/deploy/oidc"
OSTATE="${OIDC_STATE:-$STATE/oidc}"
PIDFILE="$OSTATE/server.pid"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

install_app() {
  ensure_node
  ensure_node_at_least 20 12
  # Test classes may start providers in parallel: one npm ci at a time.
  exec 9>"$STATE/oidc-npm.lock"
  flock 9
  # npm ci: exactly the committed lock; again only when the lock changed since the last install.
  if ! cmp -s "$APP/package-lock.json" "$APP/node_modules/.package-lock.stamp" 2>/dev/null; then
    say "oidc: npm ci"
    (cd "$APP" && npm ci --no-audit --no-fund --loglevel=error >"$OSTATE/npm.log" 2>&1) \
      || { tail -20 "$OSTATE/npm.log" >&2; die "npm ci in deploy/oidc failed (log: $OSTATE/npm.log)"; }
    cp "$APP/package-lock.json" "$APP/node_modules/.package-lock.stamp"
  fi
  flock -u 9
  exec 9>&-
}

start() {
  local port="${1:-${OIDC_PORT:-8082}}"
  mkdir -p "$OSTATE"
  install_app
  if running; then
    [ "$(cat "$OSTATE/server.port" 2>/dev/null)" = "$port" ] || die "oidc: already running on port $(cat "$OSTATE/server.port"); run '$0 stop' first"
    say "oidc: already running on port $port"
    return 0
  fi
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    die "oidc: port $port is taken by another program"
  fi
  OIDC_PORT="$port" PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://localhost:5000}" \
    nohup node "$APP/server.js" >"$OSTATE/server.log" 2>&1 &
  echo $! > "$PIDFILE"
  echo "$port" > "$OSTATE/server.port"
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://localhost:$port/.well-known/openid-configuration" 2>/dev/null; then
      cat <<TXT
Demo OIDC provider running at http://localhost:$port (pid $(cat "$PIDFILE")) for ${PORTAL_BASE_URL:-http://localhost:5000}
  accounts: erin / erin-demo (Erin Analyst), frank / frank-demo (Frank Curator)
  log: $OSTATE/server.log
TXT
      return 0
    fi
    running || break
    sleep 0.1
  done
  tail -20 "$OSTATE/server.log" >&2
  die "oidc: the provider did not answer on port $port"
}

stop() {
  if running; then
    kill "$(cat "$PIDFILE")"
    say "oidc: stopped (pid $(cat "$PIDFILE"))"
  else
    say "oidc: not running"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  run) shift; start "$@"; trap 'kill "$(cat "$PIDFILE")" 2>/dev/null' TERM INT; while running; do sleep 1; done ;;
  stop) stop ;;
  status) if running; then echo "running on port $(cat "$OSTATE/server.port") (pid $(cat "$PIDFILE"))"; else echo "stopped"; fi ;;
  *) echo "usage: $0 start [port] | run [port] | stop | status" >&2; exit 2 ;;
esac
