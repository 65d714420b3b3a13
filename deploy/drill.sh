#!/usr/bin/env bash
# Failure drills that do not fit CI (issue #9): two real portal processes on loopback on ONE private PostgreSQL
# cluster, with the demo data and the demo SAML IdP, behind Debian's nginx (deploy/nginx.conf, pointed at loopback).
#   A  a sign-in through instance A is valid on instance B
#   B  a revocation on A blocks an export on B within 1 s (run last: the demo grant stays revoked)
#   C  instance A killed (SIGKILL) during a load run: B keeps serving, only requests in flight fail
#   D  PostgreSQL stopped and started during a load run: 503 problems while down, recovery by itself, audit complete
# Prints a result table; the last line is a one-line summary. Exit status 0 only if every drill passed.
# Ports (loopback): DRILL_PORT_BASE (default 18400): nginx +0, IdP +1, instance A +11, instance B +12;
# PostgreSQL cluster "drill" on DRILL_PG_PORT (default 55444). Everything it starts is stopped on exit.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

BASE=${DRILL_PORT_BASE:-18400}
PG_PORT=${DRILL_PG_PORT:-55444}
FRONT_PORT=$BASE IDP_PORT=$((BASE + 1)) A_PORT=$((BASE + 11)) B_PORT=$((BASE + 12))
# "localhost" for the front door and the IdP alike: the IdP's POST back is then same-site, as the portal's
# pending-sign-in cookie needs on plain HTTP.
FRONT="http://localhost:$FRONT_PORT"
A="http://127.0.0.1:$A_PORT" B="http://127.0.0.1:$B_PORT"
DIR="$STATE/drill"
# Fixed identifiers of the demo data (Portal/Features/Demo/DemoSeed.cs).
PATIENTS_DATASET=0b7f2c1e-0000-4000-8000-000000000201
BOB_PATIENTS_GRANT=0b7f2c1e-0000-4000-8000-000000000301
ALICE=0b7f2c1e-0000-4000-8000-0000000000a1

ensure_dotnet
ensure_packages postgresql-15 nginx openssl simplesamlphp php-cli php-xml php-mbstring
python3 --version >/dev/null 2>&1 || ensure_packages python3

rm -rf "$DIR"; mkdir -p "$DIR/nginx"
pid_a="" pid_b="" pid_nginx=""
stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null; true; }
cleanup() {
  stop_pid "$pid_a"; stop_pid "$pid_b"; stop_pid "$pid_nginx"
  IDP_STATE="$DIR/idp" "$ROOT/deploy/idp.sh" stop >/dev/null 2>&1 || true
  "$ROOT/deploy/pg.sh" stop drill >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$FRONT_PORT" "$IDP_PORT" "$A_PORT" "$B_PORT"; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is taken (DRILL_PORT_BASE=… moves all drill ports)"
done

say "building the portal and the drill tool"
dotnet build -c Release -nologo -v quiet Portal/Portal.csproj >"$DIR/build.log" 2>&1 \
  && dotnet build -c Release -nologo -v quiet Tests/Drills/Drills.csproj >>"$DIR/build.log" 2>&1 \
  || { tail -30 "$DIR/build.log" >&2; die "build failed (log: $DIR/build.log)"; }
drills=(dotnet "$ROOT/Tests/Drills/bin/Release/net10.0/Portal.Drills.dll")

say "PostgreSQL (cluster 'drill', port $PG_PORT) with the demo hospital and the portal database"
"$ROOT/deploy/pg.sh" start drill "$PG_PORT" >/dev/null
pg_ensure_database drill hospital
# A small hospital keeps each export short, so the load runs make many of them.
PGOPTIONS="-c client_min_messages=warning" "$ROOT/deploy/pg.sh" psql drill -d hospital -q -v patients=2000 -v seed=0.42 -f deploy/demo/hospital.sql >/dev/null
PGOPTIONS="-c client_min_messages=warning" "$ROOT/deploy/pg.sh" psql drill -d postgres -qc 'DROP DATABASE IF EXISTS portal' >/dev/null
pg_ensure_database drill portal
reader_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
pg_hospital_reader drill "$reader_password"
PORTAL_DB=$("$ROOT/deploy/pg.sh" url drill portal)

say "demo IdP on localhost:$IDP_PORT"
IDP_STATE="$DIR/idp" SP_BASE_URL="$FRONT" "$ROOT/deploy/idp.sh" start "$IDP_PORT" >"$DIR/idp-start.log" 2>&1 \
  || { cat "$DIR/idp-start.log" >&2; die "the demo IdP did not start"; }

head -c 32 /dev/urandom | base64 > "$DIR/pseudonym.key"; chmod 600 "$DIR/pseudonym.key"
export ConnectionStrings__Portal="$PORTAL_DB"
export ASPNETCORE_ENVIRONMENT=Development
export Demo__HospitalPort="$PG_PORT" Demo__HospitalPassword="$reader_password"
export Connectors__AllowedHosts__0=127.0.0.1
export Demo__IdpBaseUrl="http://localhost:$IDP_PORT"
export Saml__BaseUrl="$FRONT"
export Saml__IdentityProviders__0__Metadata="$DIR/idp/metadata/hospital.xml"
export Saml__IdentityProviders__1__Metadata="$DIR/idp/metadata/university.xml"
export Keys__PseudonymMasterSecretFile="$DIR/pseudonym.key"
export Proxy__TrustedNetworks__0=127.0.0.1
# The load runs are one script with one token: the per-token limit would measure the limiter, not the failover.
export RateLimits__Api__PermitsPerMinute=10000000
# Run from the build folder, as the container does: its appsettings.json (log levels) is read from the working directory.
cd "$ROOT/Portal/bin/Release/net10.0"
portal=(dotnet Portal.dll)
"${portal[@]}" seed-demo >"$DIR/seed.log" 2>&1 || { tail -20 "$DIR/seed.log" >&2; die "seed-demo failed"; }

start_instance() { # name port → sets pid_<name>
  "${portal[@]}" --urls "http://127.0.0.1:$2" >>"$DIR/portal-$1.log" 2>&1 &
  printf -v "pid_$1" '%s' $!
}
wait_ready() { # url pid
  for _ in $(seq 1 240); do
    kill -0 "$2" 2>/dev/null || die "the portal at $1 exited (log in $DIR)"
    curl -fsS -o /dev/null "$1/health/ready" 2>/dev/null && return 0
    sleep 0.25
  done
  die "the portal at $1 was not ready within 60 s"
}
say "portal instances A ($A) and B ($B)"
start_instance a "$A_PORT"; start_instance b "$B_PORT"
wait_ready "$A" "$pid_a"; wait_ready "$B" "$pid_b"

say "nginx on $FRONT (deploy/nginx.conf with the instances on loopback)"
python3 - "$ROOT/deploy/nginx.conf" "$DIR/nginx" "$FRONT_PORT" "$A_PORT" "$B_PORT" > "$DIR/nginx/nginx.conf" <<'PY'
import sys
src, prefix, front, a, b = sys.argv[1:]
conf = open(src).read()
for old, new in [("server portal-a:8080", f"server 127.0.0.1:{a}"), ("server portal-b:8080", f"server 127.0.0.1:{b}"),
                 ("listen 8080;", f"listen 127.0.0.1:{front};"),
                 # Which instance answered, for the drills only.
                 ("add_header Set-Cookie $portal_node_cookie always;",
                  "add_header Set-Cookie $portal_node_cookie always;\n            add_header X-Drill-Upstream $upstream_addr always;"),
                 ("http {", f"http {{\n    access_log {prefix}/access.log;\n" + "".join(
                     f"    {t}_temp_path {prefix}/{t};\n" for t in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]))]:
    assert old in conf, f"deploy/nginx.conf no longer has '{old}'"
    conf = conf.replace(old, new, 1)
print(f"daemon off;\nuser root;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n" + conf)
PY
nginx -t -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" >"$DIR/nginx/test.log" 2>&1 || { cat "$DIR/nginx/test.log" >&2; die "nginx rejects the generated config"; }
nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" &
pid_nginx=$!
wait_ready "$FRONT" "$pid_nginx"

rows="$DIR/rows.tsv"; : > "$rows"
run_drill() { # id title args…
  local id=$1 title=$2; shift 2
  say "drill $id: $title"
  "${drills[@]}" "$@" 2>&1 | tee "$DIR/drill-$id.log" | sed 's/^/    /' | grep -v '^    ROW' >&2 || true
  grep '^ROW' "$DIR/drill-$id.log" | tail -1 | cut -f2- | sed "s/^$id\t/$id\t$title\t/" >> "$rows" \
    || printf '%s\t%s\tFAIL\t-\tthe drill tool printed no result (log: %s)\n' "$id" "$title" "$DIR/drill-$id.log" >> "$rows"
}

run_drill A "sign-in on A valid on B" signin --front "$FRONT" --a "$A" --b "$B" --user bob --institution university --token-out "$DIR/token"
[ -s "$DIR/token" ] || die "drill A made no API token; the other drills need one"
chmod 600 "$DIR/token"
# Secrets reach the drill tool through its environment, not its command line.
DRILL_TOKEN=$(cat "$DIR/token"); export DRILL_TOKEN
export DRILL_DB="$PORTAL_DB"

run_drill C "kill -9 of A under load" instance-kill --front "$FRONT" --path api/me \
  --seconds 12 --workers 8 --kill "4=kill -9 $pid_a"
wait "$pid_a" 2>/dev/null || true
retried=$(grep -c "upstream: \"http://127.0.0.1:$A_PORT" "$DIR/nginx/error.log" || true)
say "nginx logged $retried failed attempts on A (requests it then passed to B)"
say "instance A again"
start_instance a "$A_PORT"; wait_ready "$A" "$pid_a"
sleep 6 # nginx's fail_timeout (5 s) must pass before it sends A requests again

run_drill D "PostgreSQL restart under load" db-restart --front "$FRONT" \
  --dataset "$PATIENTS_DATASET" --seconds 22 --workers 6 \
  --event "4=$ROOT/deploy/pg.sh stop drill" --event "9=$ROOT/deploy/pg.sh start drill"

# Last: the grant stays revoked.
run_drill B "revocation on A blocks export on B" revoke --front "$FRONT" --a "$A" --b "$B" \
  --grant "$BOB_PATIENTS_GRANT" --dataset "$PATIENTS_DATASET" --revoke-as alice --revoke-institution hospital --revoker "$ALICE"

# 500s the portal logged (its own handler, or ASP.NET Core's when that failed too), and 503s for an unreachable database.
unhandled=$(cat "$DIR"/portal-*.log | grep -cE 'Unhandled error in|^fail: Microsoft\.AspNetCore\.Diagnostics\.' || true)
unavailable=$(cat "$DIR"/portal-*.log | grep -c 'Database unavailable in' || true)
echo
echo "Failure drills, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(hostname); logs in ${DIR#"$ROOT"/}/"
python3 - "$rows" "$unhandled" "$unavailable" "$retried" <<'PY'
import sys
rows = sorted([l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()])
head = ["drill", "what", "result", "measured", "detail"]
w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
line = lambda r: "  ".join(r[i].ljust(w[i]) for i in range(4)) + "  " + r[4]
print(line(head)); print(line(["-" * x for x in w] + ["-" * 6]))
for r in rows: print(line(r))
passed = sum(r[2] == "PASS" for r in rows)
print(f"portal logs: {sys.argv[2]} unhandled errors (500), {sys.argv[3]} 'database unavailable' (503); nginx: {sys.argv[4]} attempts on the killed instance retried")
print(f"drills: {passed}/{len(rows)} passed — " + "; ".join(f"{r[0]} {r[2]} ({r[3]})" for r in rows))
sys.exit(0 if passed == len(rows) == 4 else 1)
PY
