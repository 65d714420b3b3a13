#!/usr/bin/env bash
# A private PostgreSQL 15 cluster inside the project folder (.state/pg-<name>), idempotent.
#   deploy/pg.sh start  <name> [port]   initialise on first use, start if not running
#   deploy/pg.sh stop   <name>          stop if running
#   deploy/pg.sh status <name>
#   deploy/pg.sh url    <name>          Npgsql connection string of the superuser (database "postgres")
#   deploy/pg.sh psql   <name> [args…]  psql as the superuser
# The port is remembered on first start; PG_BIN overrides where the server binaries are.
set -euo pipefail

cmd=${1:?usage: deploy/pg.sh start|stop|status|url|psql <name> [port]}
name=${2:?usage: deploy/pg.sh $cmd <name>}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state="$root/.state"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
meta="$state/pg-$name.env"
mkdir -p "$state"
chmod 711 "$state"

die() { echo "pg.sh: $*" >&2; exit 1; }
[ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL 15 server binaries not found in $PG_BIN (apt-get install postgresql-15)"

# initdb refuses to run as root: the cluster belongs to the postgres user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    local q=""; for a in "$@"; do q+=" $(printf '%q' "$a")"; done
    su postgres -s /bin/bash -c "$q"
  else
    "$@"
  fi
}

load_meta() {
  # shellcheck disable=SC1090
  [ -f "$meta" ] && . "$meta"
  true
}

data_dir_for() {
  local dir="$state/pg-$name"
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$dir"; chown postgres: "$dir"
    # The project may sit under a folder the postgres user cannot enter (e.g. /root).
    if ! su postgres -s /bin/bash -c "test -w $(printf '%q' "$dir")"; then
      rmdir "$dir" 2>/dev/null || true
      dir="/var/tmp/portal-pg-$name-$(echo -n "$root" | sha256sum | cut -c1-12)"
      mkdir -p "$dir"; chown postgres: "$dir"; chmod 700 "$dir"
    fi
  else
    mkdir -p "$dir"
  fi
  echo "$dir"
}

case "$cmd" in
  start)
    load_meta
    if [ -z "${PGDATA_DIR:-}" ] || [ ! -f "${PGDATA_DIR}/PG_VERSION" ]; then
      port=${3:-${PORT:-5433}}
      PGDATA_DIR=$(data_dir_for)
      password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
      pwfile=$(mktemp); echo "$password" > "$pwfile"; chmod 644 "$pwfile"
      as_owner "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=scram-sha-256 \
        --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >"$state/pg-$name.initdb.log" 2>&1 \
        || { rm -f "$pwfile"; die "initdb failed, see $state/pg-$name.initdb.log"; }
      rm -f "$pwfile"
      {
        echo "PGDATA_DIR=$(printf '%q' "$PGDATA_DIR")"
        echo "PORT=$port"
        echo "PASSWORD=$password"
      } > "$meta"
      chmod 600 "$meta"
      cat >> "$PGDATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 300
shared_buffers = 256MB
fsync = on
logging_collector = off
CONF
    fi
    load_meta
    if [ -n "${3:-}" ] && [ "$3" != "$PORT" ]; then
      sed -i "s/^port = .*/port = $3/" "$PGDATA_DIR/postgresql.conf"
      sed -i "s/^PORT=.*/PORT=$3/" "$meta"
      PORT=$3
    fi
    if as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
      echo "pg.sh: cluster '$name' already running on 127.0.0.1:$PORT"
    else
      logfile="$PGDATA_DIR/server.log"
      as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$logfile" -w -t 60 start >/dev/null \
        || die "cluster '$name' did not start on port $PORT; its log: $logfile (is the port taken? PORT=… overrides it)"
      echo "pg.sh: cluster '$name' started on 127.0.0.1:$PORT"
    fi
    ;;
  stop)
    load_meta
    if [ -n "${PGDATA_DIR:-}" ] && as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
      as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
      echo "pg.sh: cluster '$name' stopped"
    else
      echo "pg.sh: cluster '$name' is not running"
    fi
    ;;
  status)
    load_meta
    [ -n "${PGDATA_DIR:-}" ] || { echo "not initialised"; exit 3; }
    as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1 && echo "running on 127.0.0.1:$PORT" || { echo "stopped"; exit 3; }
    ;;
  url)
    load_meta
    [ -n "${PORT:-}" ] || die "cluster '$name' is not initialised (deploy/pg.sh start $name)"
    echo "Host=127.0.0.1;Port=$PORT;Username=postgres;Password=$PASSWORD;Database=${3:-postgres}"
    ;;
  psql)
    load_meta
    [ -n "${PORT:-}" ] || die "cluster '$name' is not initialised"
    shift 2
    PGPASSWORD=$PASSWORD exec psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 "$@"
    ;;
  *) die "unknown command $cmd" ;;
esac
