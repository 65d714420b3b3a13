#!/usr/bin/env bash
# Site agent benchmark (issue #16, Measure): the real portal process (Release, ASPNETCORE_ENVIRONMENT=Production, demo
# data with Demo:SiteAgent, as deploy/run.sh) and the real site agent (Connectors/SiteAgent, its own process, enrolled
# with the one-time code `seed-demo` writes; Alice's datasets bound to it), on loopback, with their own PostgreSQL
# cluster holding the portal database and a hospital database of ROWS (default 1,000,000) demo patients, plus one of
# ROWS_5M (default 5,000,000) for the memory check (deploy/demo/hospital.sql; both kept between runs).
#   1. GET /api/datasets/{PatientsDataset}/export?purpose=DS:HIV&ethics=IRB-1&format=csv with Bob's data:export token:
#      agent → portal → curl to /dev/null, against `psql -c "COPY patients TO STDOUT CSV"` of the same table: median
#      of REPS (3) each, interleaved after one warm-up each; rows/s = table rows / wall-clock seconds. Time to first
#      byte is curl's time_starttransfer (median). The CPU seconds the portal, the agent and PostgreSQL spent per export
#      (utime+stime from /proc) show where the time goes.
#   2. Portal peak RSS (VmHWM) over the 1 M-row exports (a fresh portal before the warm-up) and over one 5 M-row export
#      (the portal restarted, so its high-water mark starts again; the agent restarted on the 5 M database).
#   3. IDLE_AGENTS (default 50) more agents, each its own process and state folder, each enrolled with its own code
#      that Alice makes through the API (POST /api/sites/enrollments with her datasets:manage token, at most 10 pending
#      at a time, as the portal allows); once all are linked (their logs, and "online" in GET /api/sites/agents), the
#      portal's CPU (utime+stime over SAMPLE seconds, default 30) and RSS, and /health/live latency probed once a
#      second meanwhile, SETTLE (30) s after the last one linked; the same sample with only the hospital's agent
#      linked first, for comparison. The agents' own CPU over the sample is printed too.
# IN_PROCESS=1 (default; 0 skips it): a reference printed after step 1, not in the last line: the same export pipeline
# in one process (Tests/Benchmarks export-run, deploy/bench.sh export's warm figure) on the same table, beside a COPY.
# The tokens are made as api.sh makes them: Bob and Alice sign in at the demo SAML IdP (Tests/Drills `token`) in a
# short-lived Development instance, and the measured instance is then started in Production on the same database.
# Every figure is printed with the 1-minute load average. Last line: the figures.
# Ports: AGENT_BENCH_PORT_BASE (default 18600): portal +0, IdP +1, the agents' HTTP/2 port +2; PostgreSQL cluster
# "agentbench" on AGENT_BENCH_PG_PORT (default 55449). Everything it starts is stopped on exit.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$ROOT"

BASE=${AGENT_BENCH_PORT_BASE:-18600}
PG_PORT=${AGENT_BENCH_PG_PORT:-55449}
ROWS=${ROWS:-1000000}
ROWS_5M=${ROWS_5M:-5000000}
REPS=${REPS:-3}
IDLE_AGENTS=${IDLE_AGENTS:-50}
SAMPLE=${SAMPLE:-30}
IN_PROCESS=${IN_PROCESS:-1}
PORTAL_PORT=$BASE IDP_PORT=$((BASE + 1)) AGENT_PORT=$((BASE + 2))
PORTAL="http://localhost:$PORTAL_PORT"
AGENT_URL="http://127.0.0.1:$AGENT_PORT"
DIR="$STATE/bench/agent"
COHORT_VO=0b7f2c1e-0000-4000-8000-000000000100
PATIENTS_DATASET=0b7f2c1e-0000-4000-8000-000000000201
EXPORT_PATH="/api/datasets/$PATIENTS_DATASET/export?purpose=DS:HIV&ethics=IRB-1&format=csv"
: "$COHORT_VO"

ensure_dotnet
ensure_packages postgresql-15 openssl curl bc simplesamlphp php-cli php-xml php-mbstring
python3 --version >/dev/null 2>&1 || ensure_packages python3

rm -rf "$DIR"; mkdir -p "$DIR"; chmod 700 "$DIR"
portal_pid=""
agent_pids=()
stop_portal() { [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null; portal_pid=""; true; }
stop_agents() {
  local p
  for p in "${agent_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${agent_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  agent_pids=()
}
cleanup() {
  stop_agents
  stop_portal
  IDP_STATE="$DIR/idp" "$ROOT/deploy/idp.sh" stop >/dev/null 2>&1 || true
  "$ROOT/deploy/pg.sh" stop agentbench >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$PORTAL_PORT" "$IDP_PORT" "$AGENT_PORT"; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is taken (AGENT_BENCH_PORT_BASE=… moves the ports)"
done

load() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# CPU seconds (user + system) a process has used so far, and its memory figures in MB.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"; }
# PostgreSQL's CPU seconds: its live processes plus what the postmaster has reaped (cutime + cstime) of those that ended.
pg_cpu_s() {
  local pm hz
  pm=$(head -1 "$(. "$STATE/pg-agentbench.env"; echo "$PGDATA_DIR")/postmaster.pid")
  hz=$(getconf CLK_TCK)
  { awk -v hz="$hz" '{ sub(/^.*\) /, ""); print ($12 + $13 + $14 + $15) / hz }' "/proc/$pm/stat"
    for c in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do cpu_s "$c" 2>/dev/null || true; done; } | awk '{ t += $1 } END { print t + 0 }'
}
status_mb() { awk -v k="$2:" '$1 == k { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }

say "building the portal, the site agent and the drill tool (which signs in and makes tokens)"
{ dotnet build -c Release -nologo -v quiet Portal/Portal.csproj \
  && dotnet build -c Release -nologo -v quiet Connectors/SiteAgent/SiteAgent.csproj \
  && dotnet build -c Release -nologo -v quiet Tests/Drills/Drills.csproj \
  && { [ "$IN_PROCESS" = 0 ] || dotnet build -c Release -nologo -v quiet Tests/Benchmarks/Benchmarks.csproj; }; } >"$DIR/build.log" 2>&1 \
  || { tail -30 "$DIR/build.log" >&2; die "build failed (log: $DIR/build.log)"; }

psql_q() { PGOPTIONS="-c client_min_messages=warning" "$ROOT/deploy/pg.sh" psql agentbench "$@"; }
hospital() { # hospital <database> <rows>: the demo patients table, made once and kept
  local db=$1 rows=$2 have=0
  pg_ensure_database agentbench "$db"
  if [ "$(psql_q -d "$db" -tAc "SELECT to_regclass('patients') IS NOT NULL")" = t ]; then
    have=$(psql_q -d "$db" -tAc "SELECT count(*) FROM patients")
  fi
  if [ "$have" != 0 ] && [ "$have" != "$rows" ]; then
    say "the kept $db has $have patients, not $rows: making it again"
    psql_q -d "$db" -qc "DROP TABLE IF EXISTS patients CASCADE" >/dev/null
  fi
  psql_q -d "$db" -q -v patients="$rows" -v seed=0.42 -f deploy/demo/hospital.sql >/dev/null
  have=$(psql_q -d "$db" -tAc "SELECT count(*) FROM patients")
  [ "$have" = "$rows" ] || die "$db.patients has $have rows, expected $rows"
}
say "PostgreSQL (cluster 'agentbench', port $PG_PORT): hospitals of $ROWS and $ROWS_5M patients (kept between runs), a fresh portal database"
"$ROOT/deploy/pg.sh" start agentbench "$PG_PORT" >/dev/null
hospital hospital "$ROWS"
hospital hospital_5m "$ROWS_5M"
psql_q -d postgres -qc 'DROP DATABASE IF EXISTS portal' >/dev/null
pg_ensure_database agentbench portal
reader_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
pg_hospital_reader agentbench "$reader_password"
psql_q -d hospital_5m -q >/dev/null <<SQL
GRANT CONNECT ON DATABASE hospital_5m TO hospital_reader;
GRANT USAGE ON SCHEMA public TO hospital_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO hospital_reader;
SQL

say "demo IdP on localhost:$IDP_PORT"
IDP_STATE="$DIR/idp" SP_BASE_URL="$PORTAL" "$ROOT/deploy/idp.sh" start "$IDP_PORT" >"$DIR/idp-start.log" 2>&1 \
  || { cat "$DIR/idp-start.log" >&2; die "the demo IdP did not start"; }

head -c 32 /dev/urandom | base64 > "$DIR/pseudonym.key"; chmod 600 "$DIR/pseudonym.key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/order-signing.pem" 2>/dev/null
chmod 600 "$DIR/order-signing.pem"
export ConnectionStrings__Portal="$("$ROOT/deploy/pg.sh" url agentbench portal)"
export Demo__SiteAgent=true Demo__AgentCodeFile="$DIR/agent-enrollment.code"
export Sites__AgentPort="$AGENT_PORT" Sites__OrderKeyFile="$DIR/order-signing.pem"
export Demo__IdpBaseUrl="http://localhost:$IDP_PORT"
export Saml__BaseUrl="$PORTAL"
export Saml__IdentityProviders__0__Metadata="$DIR/idp/metadata/hospital.xml"
export Saml__IdentityProviders__1__Metadata="$DIR/idp/metadata/university.xml"
export Keys__PseudonymMasterSecretFile="$DIR/pseudonym.key"
export RateLimits__Api__PermitsPerMinute=100000000
APP="$ROOT/Portal/bin/Release/net10.0"
AGENT_DLL="$ROOT/Connectors/SiteAgent/bin/Release/net10.0/Portal.Connectors.SiteAgent.dll"
drills=(dotnet "$ROOT/Tests/Drills/bin/Release/net10.0/Portal.Drills.dll")
seed() { (cd "$APP" && ASPNETCORE_ENVIRONMENT=Production dotnet Portal.dll seed-demo) >>"$DIR/seed.log" 2>&1 || { tail -20 "$DIR/seed.log" >&2; die "seed-demo failed"; }; }
seed
[ -s "$DIR/agent-enrollment.code" ] || die "seed-demo wrote no enrollment code (log: $DIR/seed.log)"

start_portal() { # environment log
  # From its own folder, as the container runs it (api.sh: appsettings.json is read from the working directory).
  (cd "$APP" && ASPNETCORE_ENVIRONMENT=$1 exec dotnet Portal.dll --urls "http://127.0.0.1:$PORTAL_PORT;$AGENT_URL") >>"$DIR/$2" 2>&1 &
  portal_pid=$!
  for _ in $(seq 1 240); do
    kill -0 "$portal_pid" 2>/dev/null || { tail -20 "$DIR/$2" >&2; die "the portal ($1) exited (log: $DIR/$2)"; }
    curl -fsS -o /dev/null "$PORTAL/health/ready" 2>/dev/null && return 0
    sleep 0.25
  done
  die "the portal ($1) was not ready within 60 s (log: $DIR/$2)"
}

# site <folder> <database>: an agent's own files (as deploy/agent.sh writes them), reading that hospital database.
site() {
  local d=$1 db=$2
  mkdir -p "$d/site"; chmod 700 "$d" "$d/site"
  [ -f "$d/pseudonym.key" ] || { head -c 32 /dev/urandom | base64 > "$d/pseudonym.key"; chmod 600 "$d/pseudonym.key"; }
  (umask 077
   printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=hospital_reader;Password=%s;Application Name=site-agent\n' \
     "$PG_PORT" "$db" "$reader_password" > "$d/hospital.conn")
  # A cap far above what the runs ask for: the benchmark measures the stream, not the site's daily allowance.
  cat > "$d/site.json" <<JSON
{
  "stateDirectory": "site",
  "pseudonymSecretFile": "pseudonym.key",
  "sources": { "hospital": { "kind": "postgres", "connectionStringFile": "hospital.conn" } },
  "datasets": {
    "patients": { "source": "hospital", "relation": "public.patients", "minK": 5,
                  "neverLeave": ["mrn", "full_name", "first_name", "last_name"], "maxRowsPerDayPerGrant": 1000000000 },
    "recent_admissions": { "source": "hospital", "relation": "public.recent_admissions", "minK": 5,
                  "neverLeave": ["mrn", "full_name", "first_name", "last_name"], "maxRowsPerDayPerGrant": 1000000000 }
  }
}
JSON
}
enroll_agent() { # enroll_agent <folder> <code>
  dotnet "$AGENT_DLL" enroll --portal "$AGENT_URL" --code "$2" --state "$1/site" >"$1/enroll.log" 2>&1 \
    || { cat "$1/enroll.log" >&2; die "enrolling the agent in $1 failed"; }
}
start_agent() { # start_agent <folder>: runs it in the background; its pid is appended to agent_pids
  (cd "$1" && exec dotnet "$AGENT_DLL" run --config "$1/site.json") >"$1/agent.log" 2>&1 &
  agent_pids+=("$!")
}
wait_linked() { # wait_linked <seconds> <folder>…
  local limit=$1 d pending; shift
  for _ in $(seq 1 $((limit * 4))); do
    pending=0
    for d in "$@"; do grep -q "Linked to the portal" "$d/agent.log" 2>/dev/null || pending=$((pending + 1)); done
    [ "$pending" = 0 ] && return 0
    sleep 0.25
  done
  die "$pending of $# agents did not link within $limit s (e.g. $(ls -d "$@" | head -1)/agent.log)"
}

HOSP="$DIR/hospital-agent"
say "Bob and Alice sign in at the demo IdP and make tokens; the hospital's agent enrolls (Development instance: plain HTTP needs its non-Secure cookie)"
start_portal Development portal-setup.log
"${drills[@]}" token --portal "$PORTAL" --user bob --institution university --name "agent bench export" \
  --scopes data:export --token-out "$DIR/export.token" >&2 || die "no export token"
"${drills[@]}" token --portal "$PORTAL" --user alice --institution hospital --name "agent bench enrollments" \
  --scopes datasets:manage --token-out "$DIR/alice.token" >&2 || die "no token for Alice"
site "$HOSP" hospital
enroll_agent "$HOSP" "$(cat "$DIR/agent-enrollment.code")"
rm -f "$DIR/agent-enrollment.code"
stop_portal
seed   # binds Alice's datasets to the agent that has just enrolled
grep -q "bound" "$DIR/seed.log" || die "seed-demo did not bind the datasets (log: $DIR/seed.log)"

printf 'Authorization: Bearer %s\n' "$(cat "$DIR/export.token")" > "$DIR/export.header"
printf 'Authorization: Bearer %s\n' "$(cat "$DIR/alice.token")" > "$DIR/alice.header"
chmod 600 "$DIR"/*.header

say "the measured portal: Production, on $PORTAL (agents on $AGENT_URL); the hospital's agent"
start_portal Production portal-1m.log
start_agent "$HOSP"; hosp_pid=${agent_pids[-1]}
wait_linked 60 "$HOSP"

time_copy() { # time_copy <database>
  local t0 t1
  t0=$(now)
  psql_q -d "$1" -c "COPY patients TO STDOUT CSV" >/dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
time_http() { # → "seconds ttfb_seconds bytes portal_cpu_s agent_cpu_s postgres_cpu_s"
  local out status seconds ttfb bytes p0 a0 p1 a1 g0 g1
  p0=$(cpu_s "$portal_pid"); a0=$(cpu_s "$hosp_pid"); g0=$(pg_cpu_s)
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{time_starttransfer} %{size_download}' -H @"$DIR/export.header" "$PORTAL$EXPORT_PATH")
  p1=$(cpu_s "$portal_pid"); a1=$(cpu_s "$hosp_pid"); g1=$(pg_cpu_s)
  read -r status seconds ttfb bytes <<<"$out"
  [ "$status" = 200 ] || die "the export answered $status (portal log: $(ls "$DIR"/portal-*.log | tail -1))"
  echo "$seconds $ttfb $bytes $(echo "$p1 - $p0" | bc -l) $(echo "$a1 - $a0" | bc -l) $(echo "$g1 - $g0" | bc -l)"
}

say "export through the agent vs psql COPY, $ROWS rows, median of $REPS each after one warm-up each"
time_copy hospital >/dev/null
read -r s ttfb bytes pcpu acpu gcpu < <(time_http)
[ -n "$s" ] || die "the warm-up export failed"
say "warm-up: export $s s (ttfb $ttfb s, $bytes bytes; portal CPU $pcpu s, agent CPU $acpu s, PostgreSQL CPU $gcpu s); portal VmHWM $(status_mb "$portal_pid" VmHWM) MB"
: >"$DIR/copy.s"; : >"$DIR/http.s"; : >"$DIR/ttfb.s"
for i in $(seq 1 "$REPS"); do
  time_copy hospital >>"$DIR/copy.s"
  read -r s ttfb bytes pcpu acpu gcpu < <(time_http)
  [ -n "$s" ] || die "export run $i failed"
  echo "$s" >>"$DIR/http.s"; echo "$ttfb" >>"$DIR/ttfb.s"
  say "run $i: COPY $(tail -1 "$DIR/copy.s") s, export through the agent $s s (ttfb $ttfb s, $bytes bytes; portal CPU $(printf '%.2f' "$pcpu") s, agent CPU $(printf '%.2f' "$acpu") s, PostgreSQL CPU $(printf '%.2f' "$gcpu") s) (load $(load))"
done
export_load=$(load)
copy_rate=$(echo "$ROWS / $(median <"$DIR/copy.s")" | bc -l)
http_rate=$(echo "$ROWS / $(median <"$DIR/http.s")" | bc -l)
ratio=$(echo "$http_rate / $copy_rate" | bc -l)
ttfb_ms=$(echo "$(median <"$DIR/ttfb.s") * 1000" | bc -l)
rss_1m=$(status_mb "$portal_pid" VmHWM)
agent_rss_1m=$(status_mb "$hosp_pid" VmHWM)
say "1M: export $(printf '%.0f' "$http_rate") rows/s vs COPY $(printf '%.0f' "$copy_rate") rows/s ($(printf '%.2f' "$ratio") of COPY), ttfb $(printf '%.0f' "$ttfb_ms") ms; peak RSS portal $rss_1m MB, agent $agent_rss_1m MB (load $export_load)"
if [ "$IN_PROCESS" != 0 ]; then
  # Reference, not part of the last line: the same pipeline in one process (deploy/bench.sh export's warm figure: 3
  # untimed then 5 timed exports, median; the benchmark's demo profile, k = 5) on the same table in the same minutes,
  # beside one more COPY: what the agent's stream costs before any relay.
  copy_ref=$(time_copy hospital)
  dotnet "$ROOT/Tests/Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll" export-run "$("$ROOT/deploy/pg.sh" url agentbench hospital)" \
    patients "$ROOT/deploy/demo/patients-profile.json" 5 3 5 >"$DIR/in-process.run" 2>&1 || { cat "$DIR/in-process.run" >&2; die "the in-process export failed"; }
  ref_s=$(sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' "$DIR/in-process.run")
  say "reference, the export pipeline in one process (warm, median of 5): $ref_s s, $(printf '%.0f' "$(echo "$ROWS / $ref_s" | bc -l)") rows/s, $(printf '%.2f' "$(echo "$copy_ref / $ref_s" | bc -l)") of a COPY of $(printf '%.3f' "$copy_ref") s beside it; $(cat "$DIR/in-process.run") (load $(load))"
fi
completed=$(psql_q -d portal -tAc "SELECT count(*) FROM audit_events WHERE type = 'export.completed'" 2>/dev/null || echo "?")
say "audit: $completed export.completed events (expected $((REPS + 1)))"

say "$ROWS_5M rows: a fresh portal (its peak RSS starts again) and the agent on the $ROWS_5M-row hospital"
stop_agents
stop_portal
start_portal Production portal-5m.log
site "$HOSP" hospital_5m
start_agent "$HOSP"; hosp_pid=${agent_pids[-1]}
wait_linked 60 "$HOSP"
read -r s5 ttfb5 bytes5 pcpu5 acpu5 gcpu5 < <(time_http)
[ -n "$s5" ] || die "the $ROWS_5M-row export failed"
rss_5m=$(status_mb "$portal_pid" VmHWM)
load_5m=$(load)
agent_rss_5m=$(status_mb "$hosp_pid" VmHWM)
say "5M: export through the agent $s5 s ($(printf '%.0f' "$(echo "$ROWS_5M / $s5" | bc -l)") rows/s, ttfb $ttfb5 s, $bytes5 bytes; portal CPU $(printf '%.2f' "$pcpu5") s, agent CPU $(printf '%.2f' "$acpu5") s, PostgreSQL CPU $(printf '%.2f' "$gcpu5") s); peak RSS portal $rss_5m MB, agent $agent_rss_5m MB (load $(load))"

sample() { # sample <tag>: portal CPU % (of one core) and RSS over SAMPLE s, /health/live probed once a second
  local c0 c1 t0 t1 i a0 a1
  : >"$DIR/live-$1.s"
  t0=$(now); c0=$(cpu_s "$portal_pid"); a0=$(agents_cpu_s)
  for i in $(seq 1 "$SAMPLE"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' "$PORTAL/health/live" >>"$DIR/live-$1.s" || die "/health/live failed"
    sleep 1
  done
  c1=$(cpu_s "$portal_pid"); a1=$(agents_cpu_s); t1=$(now)
  cpu_pct=$(echo "($c1 - $c0) * 100 / ($t1 - $t0)" | bc -l)
  agents_pct=$(echo "($a1 - $a0) * 100 / ($t1 - $t0)" | bc -l)
  rss=$(status_mb "$portal_pid" VmRSS)
  live_med=$(echo "$(median <"$DIR/live-$1.s") * 1000" | bc -l)
  live_max=$(echo "$(sort -g "$DIR/live-$1.s" | tail -1) * 1000" | bc -l)
  say "$1: portal $(printf '%.2f' "$cpu_pct") % CPU over $SAMPLE s, RSS $rss MB; /health/live median $(printf '%.1f' "$live_med") ms, max $(printf '%.1f' "$live_max") ms; the ${#agent_pids[@]} agents together $(printf '%.2f' "$agents_pct") % CPU (load $(load))"
}
agents_cpu_s() { local p; for p in "${agent_pids[@]}"; do cpu_s "$p"; done | awk '{ t += $1 } END { print t + 0 }'; }
sleep "${SETTLE:-30}"  # past the 5 M-row export's after-effects (GC, tiering)
sample "1 agent linked"
base_cpu=$cpu_pct base_rss=$rss

say "$IDLE_AGENTS idle agents: codes made by Alice through the API (10 pending at most), each enrolled and run as its own process"
idle_dirs=()
made=0
while [ "$made" -lt "$IDLE_AGENTS" ]; do
  batch=()
  while [ "$made" -lt "$IDLE_AGENTS" ] && [ ${#batch[@]} -lt 10 ]; do
    made=$((made + 1))
    d="$DIR/idle/$made"; site "$d" hospital
    name="bench-idle-$made"
    status=$(curl -sS -o "$d/code.json" -w '%{http_code}' -H @"$DIR/alice.header" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$name\"}" "$PORTAL/api/sites/enrollments")
    [ "$status" = 201 ] || die "making an enrollment code answered $status: $(cat "$d/code.json")"
    batch+=("$d"); idle_dirs+=("$d")
  done
  enroll_pids=()
  for d in "${batch[@]}"; do
    code=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$d/code.json")
    rm -f "$d/code.json"
    enroll_agent "$d" "$code" &
    enroll_pids+=("$!")
  done
  wait_enroll=0
  for j in "${enroll_pids[@]}"; do wait "$j" || wait_enroll=1; done
  [ "$wait_enroll" = 0 ] || die "an idle agent did not enroll"
done
for d in "${idle_dirs[@]}"; do start_agent "$d"; sleep 0.2; done
wait_linked 300 "${idle_dirs[@]}"
online=$(curl -sS -H @"$DIR/alice.header" "$PORTAL/api/sites/agents" \
  | python3 -c 'import json,sys; print(sum(1 for a in json.load(sys.stdin) if a["online"]))')
say "all $IDLE_AGENTS idle agents linked ($online of Alice's agents online for the portal); agent RSS $(for p in "${agent_pids[@]:1}"; do status_mb "$p" VmRSS; done | median) MB each (median)"
sleep "${SETTLE:-30}"  # past the start-up burst (JIT, tiering): the sample is of idle links (heartbeats every 15 s)
sample "$((IDLE_AGENTS + 1)) agents linked"
idle_cpu=$cpu_pct idle_rss=$rss idle_load=$(load)
alive=0; for p in "${agent_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
say "agents still running after the sample: $alive of $((IDLE_AGENTS + 1)); portal with 1 agent: $(printf '%.2f' "$base_cpu") % CPU, $base_rss MB"
stop_agents
stop_portal
# The issue's figures first, exactly in its words; the load averages after them.
printf 'agent: %.2f of COPY (%.0f rows/s vs %.0f rows/s); ttfb %.0f ms; portal peak RSS %s MB at 1M / %s MB at 5M; %s idle agents: portal %.2f %% CPU, %s MB; load %s at the export, %s at the 5M export, %s at the idle sample\n' \
  "$ratio" "$http_rate" "$copy_rate" "$ttfb_ms" "$rss_1m" "$rss_5m" "$IDLE_AGENTS" "$idle_cpu" "$idle_rss" "$export_load" "$load_5m" "$idle_load"
