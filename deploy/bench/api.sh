#!/usr/bin/env bash
# API benchmark (issue #8, Measure): the real portal process (Release build, ASPNETCORE_ENVIRONMENT=Production, demo
# data) on loopback, with its own PostgreSQL cluster holding the portal database and a hospital database of
# ROWS (default 1,000,000) demo patients (deploy/demo/hospital.sql).
#   1. GET /api/vos/{CohortVo}/catalogue under wrk with Bob's personal API token (scope catalogue:read): a 10 s
#      warm-up, then 30 s with a latency distribution at CONNECTIONS (default 64) connections on 2 threads (the
#      maximum rate); then 5 s probes at 2, 3, 4, 6, 8 … connections until one reaches 2,000 req/s, and 30 s there
#      (wrk is a closed loop: fewer connections = a lower rate), to show the p99 at the goal's rate. For reference,
#      10 s of /health/live (no token, no database) at CONNECTIONS: what the process and wrk manage on this machine now.
#   2. GET /api/datasets/{PatientsDataset}/export?purpose=DS:HIV&ethics=IRB-1&format=csv with a data:export token,
#      one curl to /dev/null, against `psql -c "COPY patients TO STDOUT CSV"` of the same table: median of REPS (3)
#      each, interleaved after one warm-up each; rows/s = table rows / wall-clock seconds.
# The tokens are made as a person makes them: Bob signs in at the demo SAML IdP (SimpleSAMLphp) and POSTs
# /api/tokens (Tests/Drills `token`), in a short-lived Development instance, since Production's session cookie is
# Secure-only and this runs on plain HTTP; the measured instance is then started in Production on the same database.
# The API rate limit (RateLimits:Api:PermitsPerMinute, 1,200 by default, per token) is raised to 100,000,000 for the run.
# Every figure is printed with the 1-minute load average at its end. Last line: the figures.
# Ports: API_BENCH_PORT_BASE (default 18500): portal +0, IdP +1; PostgreSQL cluster "apibench" on API_BENCH_PG_PORT
# (default 55447; the hospital table is kept between runs). Everything it starts is stopped on exit.
# About 4-5 minutes on 2 cores (plus a minute or two the first time, for the 1 M-row table).
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$ROOT"

BASE=${API_BENCH_PORT_BASE:-18500}
PG_PORT=${API_BENCH_PG_PORT:-55447}
ROWS=${ROWS:-1000000}
REPS=${REPS:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
GOAL_RATE=2000
PORTAL_PORT=$BASE IDP_PORT=$((BASE + 1))
# "localhost" for the portal and the IdP alike: the IdP's POST back is then same-site, as the pending sign-in cookie needs.
PORTAL="http://localhost:$PORTAL_PORT"
DIR="$STATE/bench/api"
# Fixed identifiers of the demo data (Portal/Features/Demo/DemoSeed.cs).
COHORT_VO=0b7f2c1e-0000-4000-8000-000000000100
PATIENTS_DATASET=0b7f2c1e-0000-4000-8000-000000000201
CATALOGUE_PATH="/api/vos/$COHORT_VO/catalogue"
EXPORT_PATH="/api/datasets/$PATIENTS_DATASET/export?purpose=DS:HIV&ethics=IRB-1&format=csv"

ensure_dotnet
ensure_packages postgresql-15 wrk openssl curl bc simplesamlphp php-cli php-xml php-mbstring
python3 --version >/dev/null 2>&1 || ensure_packages python3

rm -rf "$DIR"; mkdir -p "$DIR"; chmod 700 "$DIR"
portal_pid=""
stop_portal() { [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null; portal_pid=""; true; }
cleanup() {
  stop_portal
  IDP_STATE="$DIR/idp" "$ROOT/deploy/idp.sh" stop >/dev/null 2>&1 || true
  "$ROOT/deploy/pg.sh" stop apibench >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$PORTAL_PORT" "$IDP_PORT"; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is taken (API_BENCH_PORT_BASE=… moves the ports)"
done

load() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

say "building the portal and the drill tool (which signs in and makes tokens)"
dotnet build -c Release -nologo -v quiet Portal/Portal.csproj >"$DIR/build.log" 2>&1 \
  && dotnet build -c Release -nologo -v quiet Tests/Drills/Drills.csproj >>"$DIR/build.log" 2>&1 \
  || { tail -30 "$DIR/build.log" >&2; die "build failed (log: $DIR/build.log)"; }

say "PostgreSQL (cluster 'apibench', port $PG_PORT): hospital with $ROWS patients (kept between runs), a fresh portal database"
"$ROOT/deploy/pg.sh" start apibench "$PG_PORT" >/dev/null
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$ROOT/deploy/pg.sh" psql apibench "$@"; }
pg_ensure_database apibench hospital
have=0
if [ "$(psql_q -d hospital -tAc "SELECT to_regclass('patients') IS NOT NULL")" = t ]; then
  have=$(psql_q -d hospital -tAc "SELECT count(*) FROM patients")
fi
if [ "$have" != 0 ] && [ "$have" != "$ROWS" ]; then
  say "the kept hospital has $have patients, not $ROWS: making it again"
  psql_q -d hospital -qc "DROP TABLE IF EXISTS patients CASCADE" >/dev/null
fi
psql_q -d hospital -q -v patients="$ROWS" -v seed=0.42 -f deploy/demo/hospital.sql >/dev/null
have=$(psql_q -d hospital -tAc "SELECT count(*) FROM patients")
[ "$have" = "$ROWS" ] || die "hospital.patients has $have rows, expected $ROWS"
psql_q -d postgres -qc 'DROP DATABASE IF EXISTS portal' >/dev/null
pg_ensure_database apibench portal
reader_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
pg_hospital_reader apibench "$reader_password"

say "demo IdP on localhost:$IDP_PORT"
IDP_STATE="$DIR/idp" SP_BASE_URL="$PORTAL" "$ROOT/deploy/idp.sh" start "$IDP_PORT" >"$DIR/idp-start.log" 2>&1 \
  || { cat "$DIR/idp-start.log" >&2; die "the demo IdP did not start"; }

head -c 32 /dev/urandom | base64 > "$DIR/pseudonym.key"; chmod 600 "$DIR/pseudonym.key"
export ConnectionStrings__Portal="$("$ROOT/deploy/pg.sh" url apibench portal)"
export Demo__HospitalPort="$PG_PORT" Demo__HospitalPassword="$reader_password"
export Connectors__AllowedHosts__0=127.0.0.1
export Demo__IdpBaseUrl="http://localhost:$IDP_PORT"
export Saml__BaseUrl="$PORTAL"
export Saml__IdentityProviders__0__Metadata="$DIR/idp/metadata/hospital.xml"
export Saml__IdentityProviders__1__Metadata="$DIR/idp/metadata/university.xml"
export Keys__PseudonymMasterSecretFile="$DIR/pseudonym.key"
# One token drives the whole load: the per-token limit (1,200/min by default) would measure the limiter.
export RateLimits__Api__PermitsPerMinute=100000000
APP="$ROOT/Portal/bin/Release/net10.0"
portal=(dotnet "$APP/Portal.dll")
drills=(dotnet "$ROOT/Tests/Drills/bin/Release/net10.0/Portal.Drills.dll")
ASPNETCORE_ENVIRONMENT=Production "${portal[@]}" seed-demo >"$DIR/seed.log" 2>&1 || { tail -20 "$DIR/seed.log" >&2; die "seed-demo failed"; }

start_portal() { # environment log
  # From its own folder, as the container runs it (WORKDIR /app): appsettings.json is read from the content root,
  # which is the working directory. Started from the repository root, the portal misses it and logs every request
  # at Information (about six JSON lines each): 10-25 % of the catalogue's throughput in an A/B here.
  (cd "$APP" && ASPNETCORE_ENVIRONMENT=$1 exec dotnet Portal.dll --urls "http://127.0.0.1:$PORTAL_PORT") >>"$DIR/$2" 2>&1 &
  portal_pid=$!
  for _ in $(seq 1 240); do
    kill -0 "$portal_pid" 2>/dev/null || { tail -20 "$DIR/$2" >&2; die "the portal ($1) exited (log: $DIR/$2)"; }
    curl -fsS -o /dev/null "$PORTAL/health/ready" 2>/dev/null && return 0
    sleep 0.25
  done
  die "the portal ($1) was not ready within 60 s (log: $DIR/$2)"
}

say "Bob signs in at the demo IdP and makes two tokens (Development instance: plain HTTP needs its non-Secure cookie)"
start_portal Development portal-tokens.log
"${drills[@]}" token --portal "$PORTAL" --user bob --institution university --name "api bench catalogue" \
  --scopes catalogue:read --token-out "$DIR/catalogue.token" >&2 || die "no catalogue token"
"${drills[@]}" token --portal "$PORTAL" --user bob --institution university --name "api bench export" \
  --scopes data:export --token-out "$DIR/export.token" >&2 || die "no export token"
stop_portal

say "the measured portal: Production, on $PORTAL"
start_portal Production portal.log
# The tokens reach curl and wrk through a file and the environment, never the process list.
printf 'Authorization: Bearer %s\n' "$(cat "$DIR/catalogue.token")" > "$DIR/catalogue.header"
printf 'Authorization: Bearer %s\n' "$(cat "$DIR/export.token")" > "$DIR/export.header"
chmod 600 "$DIR"/*.header
status=$(curl -sS -o "$DIR/catalogue.json" -w '%{http_code}' -H @"$DIR/catalogue.header" "$PORTAL$CATALOGUE_PATH")
[ "$status" = 200 ] || die "the catalogue answered $status: $(cat "$DIR/catalogue.json")"
entries=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$DIR/catalogue.json")
say "catalogue: 200, $entries entries, $(wc -c <"$DIR/catalogue.json") bytes"

cat > "$DIR/token.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
LUA
BENCH_TOKEN=$(cat "$DIR/catalogue.token"); export BENCH_TOKEN
run_wrk() { # connections seconds tag [anonymous path] → "rate p99_ms mean_ms load"
  if [ -n "${4:-}" ]; then
    # No Authorization header: with one, even /health/live would look the token up (UseAuthentication runs for every request).
    wrk -t "$THREADS" -c "$1" -d "${2}s" --latency "$PORTAL$4" >"$DIR/wrk-$3.txt" 2>&1
  else
    wrk -t "$THREADS" -c "$1" -d "${2}s" --latency -s "$DIR/token.lua" "$PORTAL$CATALOGUE_PATH" >"$DIR/wrk-$3.txt" 2>&1
  fi
  local l; l=$(load)
  if grep -q 'Non-2xx' "$DIR/wrk-$3.txt"; then cat "$DIR/wrk-$3.txt" >&2; die "wrk saw non-2xx answers ($3)"; fi
  python3 - "$DIR/wrk-$3.txt" "$l" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
ms = lambda v, u: float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[u]
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p99 = ms(*re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", t, re.M).groups())
mean = ms(*re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s|m)", t, re.M).groups())
print(f"{rate:.0f} {p99:.2f} {mean:.2f} {sys.argv[2]}")
PY
}

say "catalogue: ${WARMUP} s warm-up, then ${DURATION} s at $CONNECTIONS connections, $THREADS threads"
run_wrk "$CONNECTIONS" "$WARMUP" warmup >/dev/null
read -r max_rate max_p99 max_mean max_load < <(run_wrk "$CONNECTIONS" "$DURATION" max)
say "catalogue at $CONNECTIONS connections: $max_rate req/s, p99 $max_p99 ms, mean $max_mean ms (load $max_load)"
# The ceiling of the process on this machine now: its cheapest endpoint (no token, no database), same connections.
read -r live_rate live_p99 _ live_load < <(run_wrk "$CONNECTIONS" 10 live /health/live)
say "reference /health/live at $CONNECTIONS connections: $live_rate req/s, p99 $live_p99 ms (load $live_load)"

low_c=""
for c in 2 3 4 6 8 12 16 24 32; do
  [ "$c" -lt "$CONNECTIONS" ] || break
  read -r rate p99 _ _ < <(run_wrk "$c" 5 "probe-$c")
  say "probe at $c connections: $rate req/s, p99 $p99 ms"
  if [ "$rate" -ge "$GOAL_RATE" ]; then low_c=$c; break; fi
done
if [ -n "$low_c" ]; then
  read -r low_rate low_p99 low_mean low_load < <(run_wrk "$low_c" "$DURATION" "low-$low_c")
  say "catalogue at $low_c connections: $low_rate req/s, p99 $low_p99 ms, mean $low_mean ms (load $low_load)"
  low_text="at $low_c connections $low_rate req/s, p99 $low_p99 ms (load $low_load)"
else
  low_text="no lower concurrency reached $GOAL_RATE req/s"
fi

say "export over HTTP vs psql COPY, $ROWS rows, median of $REPS each"
time_copy() {
  local t0 t1
  t0=$(now)
  psql_q -d hospital -c "COPY patients TO STDOUT CSV" >/dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
time_http() {
  local out status
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_download}' -H @"$DIR/export.header" "$PORTAL$EXPORT_PATH")
  read -r status seconds bytes <<<"$out"
  [ "$status" = 200 ] || die "the export answered $status"
  echo "$seconds $bytes"
}
time_copy >/dev/null
time_http >/dev/null
: >"$DIR/copy.s"; : >"$DIR/http.s"
for i in $(seq 1 "$REPS"); do
  time_copy >>"$DIR/copy.s"
  read -r s bytes < <(time_http)
  echo "$s" >>"$DIR/http.s"
  say "run $i: COPY $(tail -1 "$DIR/copy.s") s, HTTP export $s s ($bytes bytes)"
done
export_load=$(load)
copy_rate=$(echo "$ROWS / $(median <"$DIR/copy.s")" | bc -l)
http_rate=$(echo "$ROWS / $(median <"$DIR/http.s")" | bc -l)
ratio=$(echo "$http_rate / $copy_rate" | bc -l)
completed=$(psql_q -d portal -tAc "SELECT count(*) FROM audit_events WHERE type = 'export.completed'" 2>/dev/null || echo "?")
say "audit: $completed export.completed events (expected $((REPS + 1)))"

lines=$(wc -l <"$DIR/portal.log")
say "the measured portal logged $lines lines"
stop_portal
printf 'api: catalogue %s req/s, p99 %s ms at %s connections (load %s; /health/live %s req/s); %s; export over HTTP %.0f rows/s vs COPY %.0f rows/s (%.2f of COPY, load %s)\n' \
  "$max_rate" "$max_p99" "$CONNECTIONS" "$max_load" "$live_rate" "$low_text" "$http_rate" "$copy_rate" "$ratio" "$export_load"
