#!/usr/bin/env bash
# Anonymized export benchmark: Portal.Connectors' CSV export of the demo `patients` table with the demo profile
# (deploy/demo/patients-profile.json: pseudonymized id, MRN and names dropped, quasi-identifiers generalized by
# built hierarchies as the automatic search chose them, consent filter, k = 5) against `psql -c "COPY patients TO STDOUT CSV"` of the raw table, same
# cluster, same run, both to /dev/null. Rows/s = table rows / wall-clock seconds.
# Headline (warm): what the portal's HTTP export gets from a running process: one `export-run` process per
# repetition does WARM_UPS untimed exports, then TIMED exports timed in-process (query to last byte); the
# repetition's figure is their median, the result the median over REPS repetitions, each alternated with a
# psql COPY. Cold process: the whole `dotnet` process of one export (start-up, JIT, count and stream), median of
# REPS; its peak RSS (/usr/bin/time -v) at 1 M and 5 M rows shows the memory is flat.
# Last line: "export: <ratio> of COPY warm (<rows/s> vs <rows/s>); cold process <ratio>; peak RSS <MB> at 1M / <MB> at 5M".
# BENCH_PG_PORT: the benchmark cluster's port on its first start (default 55434).
# About 5-8 minutes on 2 cores (most of it generating the 5 M-row table on the first run; tables are kept).
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$ROOT"
ensure_dotnet
[ -x /usr/bin/time ] || ensure_packages time
command -v bc >/dev/null || ensure_packages bc

REPS=${REPS:-5}
REPS_5M=${REPS_5M:-3}
WARM_UPS=${WARM_UPS:-3}
TIMED=${TIMED:-5}
BENCH_PG_PORT=${BENCH_PG_PORT:-55434}
out="$STATE/bench/export"
mkdir -p "$out"
profile="$ROOT/deploy/demo/patients-profile.json"
dll="$ROOT/Tests/Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll"

say "starting the benchmark cluster"
deploy/pg.sh start bench "$BENCH_PG_PORT" >&2

prepare() { # prepare <database> <rows>: creates the database and fills `patients` once.
  local db=$1 rows=$2
  if [ "$(deploy/pg.sh psql bench -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    deploy/pg.sh psql bench -qc "CREATE DATABASE $db" >&2
  fi
  say "patients table in $db ($rows rows; reused when already there)"
  deploy/pg.sh psql bench -d "$db" -q -v patients="$rows" -f deploy/demo/hospital.sql >/dev/null
  local have
  have=$(deploy/pg.sh psql bench -d "$db" -tAc "SELECT count(*) FROM patients")
  [ "$have" = "$rows" ] || die "$db.patients has $have rows, expected $rows"
}
prepare bench_1m 1000000
prepare bench_5m 5000000

say "building (Release)"
dotnet build -c Release Tests/Benchmarks -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; die "build failed"; }

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

time_copy() { # time_copy <database>: wall seconds of psql's COPY to /dev/null
  local t0 t1
  t0=$(now)
  deploy/pg.sh psql bench -d "$1" -c "COPY patients TO STDOUT CSV" >/dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

time_export() { # time_export <database> <tag>: wall seconds; RSS (kB) into $out/<tag>.rss, runner line into $out/<tag>.run
  local url t0 t1
  url=$(deploy/pg.sh url bench "$1")
  t0=$(now)
  /usr/bin/time -v -o "$out/$2.time" dotnet "$dll" export-run "$url" patients "$profile" 5 >"$out/$2.run"
  t1=$(now)
  awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/$2.time" >"$out/$2.rss"
  echo "$t1 - $t0" | bc -l
}

time_warm() { # time_warm <database> <tag>: median in-process seconds of TIMED exports after WARM_UPS; runner line into $out/<tag>.run
  local url
  url=$(deploy/pg.sh url bench "$1")
  dotnet "$dll" export-run "$url" patients "$profile" 5 "$WARM_UPS" "$TIMED" >"$out/$2.run"
  sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' "$out/$2.run"
}

run_size() { # run_size <database> <rows> <reps> <tag> [warm]
  local db=$1 rows=$2 reps=$3 tag=$4 warm=${5:-} i
  : >"$out/$tag.copy"; : >"$out/$tag.export"; : >"$out/$tag.rsslist"; : >"$out/$tag.warm"
  say "$tag: warm-up"
  time_copy "$db" >/dev/null
  time_export "$db" "$tag-warm" >/dev/null
  for i in $(seq 1 "$reps"); do
    time_copy "$db" >>"$out/$tag.copy"
    time_export "$db" "$tag-$i" >>"$out/$tag.export"
    cat "$out/$tag-$i.rss" >>"$out/$tag.rsslist"
    say "$tag run $i: COPY $(tail -1 "$out/$tag.copy") s, cold export process $(tail -1 "$out/$tag.export") s, RSS $(cat "$out/$tag-$i.rss") kB; $(cat "$out/$tag-$i.run")"
    if [ -n "$warm" ]; then
      time_copy "$db" >>"$out/$tag.copy"
      time_warm "$db" "$tag-warm-$i" >>"$out/$tag.warm"
      say "$tag run $i: COPY $(tail -1 "$out/$tag.copy") s, warm export $(tail -1 "$out/$tag.warm") s; $(cat "$out/$tag-warm-$i.run")"
    fi
  done
  copy_s=$(median <"$out/$tag.copy")
  export_s=$(median <"$out/$tag.export")
  rss_kb=$(median <"$out/$tag.rsslist")
  copy_rate=$(echo "$rows / $copy_s" | bc -l)
  export_rate=$(echo "$rows / $export_s" | bc -l)
  if [ -n "$warm" ]; then
    warm_rate=$(echo "$rows / $(median <"$out/$tag.warm")" | bc -l)
  fi
}

run_size bench_1m 1000000 "$REPS" 1m warm
ratio_warm=$(echo "$warm_rate / $copy_rate" | bc -l)
ratio_cold=$(echo "$export_rate / $copy_rate" | bc -l)
rate_1m_copy=$copy_rate
rate_1m_warm=$warm_rate
rss_1m=$rss_kb
run_size bench_5m 5000000 "$REPS_5M" 5m
rss_5m=$rss_kb
say "5M: COPY $(printf '%.0f' "$copy_rate") rows/s, cold export process $(printf '%.0f' "$export_rate") rows/s ($(printf '%.2f' "$(echo "$export_rate / $copy_rate" | bc -l)") of COPY)"

printf 'export: %.2f of COPY warm (%.0f rows/s vs %.0f rows/s); cold process %.2f; peak RSS %.0f MB at 1M / %.0f MB at 5M\n' \
  "$ratio_warm" "$rate_1m_warm" "$rate_1m_copy" "$ratio_cold" "$(echo "$rss_1m / 1024" | bc -l)" "$(echo "$rss_5m / 1024" | bc -l)"
