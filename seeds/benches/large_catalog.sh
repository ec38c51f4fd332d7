#!/usr/bin/env bash
# The seeding benchmark: seed-runner against `psql \copy` of the very same rows, in one run.
#
#   bash seeds/benches/large_catalog.sh [EVENTS]        (default 1000000)
#
# Creates fresh databases on $SEEDBED_TEST_ADMIN_URL (default postgres://postgres@127.0.0.1:5432),
# runs `seed-runner --only large_catalog --scale events=EVENTS` into one, exports the rows it
# wrote, loads them with `psql \copy` (one transaction, as seed-runner) into a second with the
# same schema, and into a third the ceiling: the same `\copy` into bare tables (the schema's
# pre-data DDL from `pg_dump --section=pre-data`: no keys, indexes or foreign keys), then the
# schema's own post-data DDL (`--section=post-data`) in the same transaction, with the
# `maintenance_work_mem` seed-runner gives its index builds. Prints seconds, rows/s and peak
# memory of each, and seed-runner's ratio to both. Then: base plus the six scenarios on a fresh
# database, a no-op re-run of them and of the large catalog, its cleanup, and `seed-runner --list`. Drops
# its databases at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
. seeds/benches/catalog_common.sh

EVENTS=${1:-1000000}
DBS="seedbed_bench_runner seedbed_bench_psql seedbed_bench_small seedbed_bench_scenarios"
CEILING=seedbed_bench_ceiling

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (peak memory)" >&2
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
WORK=$(mktemp -d /tmp/seedbed-bench.XXXXXX)
chmod 755 "$WORK"

finish() {
  for db in $DBS $CEILING; do admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
  rm -rf "$WORK"
}
trap finish EXIT
for db in $DBS; do
  admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  "$RUNNER" migrate --database-url "$(url "$db")" >/dev/null 2>&1
done
# The ceiling's schema: what migrating made, split where pg_dump splits it.
pg_dump "$(url seedbed_bench_psql)" --section=pre-data --no-owner -f "$WORK/pre-data.sql"
pg_dump "$(url seedbed_bench_psql)" --section=post-data --no-owner -f "$WORK/post-data.sql"
admin -c "DROP DATABASE IF EXISTS $CEILING WITH (FORCE)" -c "CREATE DATABASE $CEILING"
psql "$(url $CEILING)" -qX -v ON_ERROR_STOP=1 -f "$WORK/pre-data.sql" >/dev/null
workers=$(psql "$(url $CEILING)" -qXAt -c "SHOW max_parallel_maintenance_workers")
json_millis() { python3 -c 'import json,sys; print(round(json.load(sys.stdin)["millis"], 1))'; }

echo "seeding $EVENTS events (and their catalog) with seed-runner..." >&2
/usr/bin/time -f "%e %M" -o "$WORK/runner.time" "$RUNNER" --database-url "$(url seedbed_bench_runner)" \
  --only large_catalog --scale "events=$EVENTS" >/dev/null 2>"$WORK/runner.log"
read -r runner_s runner_kb <"$WORK/runner.time"
rows=0
for t in $TABLES; do
  n=$(psql "$(url seedbed_bench_runner)" -qXAt -c "SELECT count(*) FROM $t")
  rows=$((rows + n))
  psql "$(url seedbed_bench_runner)" -qX -c "\\copy $t TO '$WORK/$t.tsv'"
done

echo "loading the same $rows rows with psql \\copy..." >&2
{
  echo "BEGIN;"
  for t in $TABLES; do echo "\\copy $t FROM '$WORK/$t.tsv'"; done
  echo "COMMIT;"
} >"$WORK/load.sql"
/usr/bin/time -f "%e %M" -o "$WORK/psql.time" psql "$(url seedbed_bench_psql)" -qX -v ON_ERROR_STOP=1 -f "$WORK/load.sql"
read -r psql_s psql_kb <"$WORK/psql.time"

echo "loading the same rows into bare tables, then building the schema's post-data DDL..." >&2
{
  echo "BEGIN;"
  echo "SET LOCAL maintenance_work_mem = '256MB';"
  for t in $TABLES; do echo "\\copy $t FROM '$WORK/$t.tsv'"; done
  cat "$WORK/post-data.sql"
  echo "COMMIT;"
} >"$WORK/ceiling.sql"
/usr/bin/time -f "%e %M" -o "$WORK/ceiling.time" psql "$(url $CEILING)" -qX -v ON_ERROR_STOP=1 -f "$WORK/ceiling.sql" >/dev/null
read -r ceiling_s ceiling_kb <"$WORK/ceiling.time"

small_events=$((EVENTS / 100))
/usr/bin/time -f "%e %M" -o "$WORK/small.time" "$RUNNER" --database-url "$(url seedbed_bench_small)" \
  --only large_catalog --scale "events=$small_events" >/dev/null 2>&1
read -r _ small_kb <"$WORK/small.time"

scenarios_ms=$("$RUNNER" --database-url "$(url seedbed_bench_scenarios)" --json 2>/dev/null | json_millis)
noop_ms=$("$RUNNER" --database-url "$(url seedbed_bench_scenarios)" --json 2>/dev/null | json_millis)

large_noop_ms=$("$RUNNER" --database-url "$(url seedbed_bench_runner)" --only large_catalog \
  --scale "events=$EVENTS" --json 2>/dev/null | json_millis)

start=$(date +%s%N)
"$RUNNER" --database-url "$(url seedbed_bench_runner)" --cleanup --only large_catalog >/dev/null 2>&1
cleanup_ms=$(ms "$start")
left=$(psql "$(url seedbed_bench_runner)" -qXAt -c "SELECT count(*) FROM events")

start=$(date +%s%N)
"$RUNNER" --list >/dev/null
list_ms=$(ms "$start")

python3 - "$rows" "$runner_s" "$runner_kb" "$psql_s" "$psql_kb" "$small_events" "$small_kb" \
  "$scenarios_ms" "$noop_ms" "$cleanup_ms" "$left" "$list_ms" "$EVENTS" "$ceiling_s" "$ceiling_kb" \
  "$workers" "$large_noop_ms" <<'PY'
import sys
(rows, runner_s, runner_kb, psql_s, psql_kb, small_events, small_kb,
 scenarios_ms, noop_ms, cleanup_ms, left, list_ms, events, ceiling_s, ceiling_kb,
 workers, large_noop_ms) = sys.argv[1:]
rows, runner_s, psql_s, ceiling_s = int(rows), float(runner_s), float(psql_s), float(ceiling_s)
print(f"large_catalog: {int(events):,} events, {rows:,} rows in 11 tables")
print(f"{'':24}{'seconds':>10}{'rows/s':>12}{'peak MB':>10}")
print(f"{'seed-runner':24}{runner_s:>10.1f}{rows / runner_s:>12,.0f}{int(runner_kb) / 1024:>10.1f}")
psql_label = "psql \\copy (same rows)"
print(f"{psql_label:24}{psql_s:>10.1f}{rows / psql_s:>12,.0f}{int(psql_kb) / 1024:>10.1f}")
ceiling_label = "ceiling (bare + post-data)"
print(f"{ceiling_label:24}{ceiling_s:>10.1f}{rows / ceiling_s:>12,.0f}{int(ceiling_kb) / 1024:>10.1f}")
print(f"ratio to psql \\copy (psql seconds / seed-runner seconds): {psql_s / runner_s:.2f}   (target >= 2.5)")
print(f"ratio to the ceiling (ceiling seconds / seed-runner seconds): {ceiling_s / runner_s:.2f}   "
      f"(target >= 0.9)")
print(f"max_parallel_maintenance_workers: {workers}")
print(f"seed-runner peak memory at {int(small_events):,} events: {int(small_kb) / 1024:.1f} MB "
      f"(at {int(events):,}: {int(runner_kb) / 1024:.1f} MB; target < 64 MB)")
print(f"base + six scenarios on a fresh database: {scenarios_ms} ms after connecting (target < 100 ms)")
print(f"no-op re-run: {noop_ms} ms after connecting (target < 10 ms)")
print(f"no-op re-run of the large catalog: {float(large_noop_ms) / 1000:.1f} s after connecting")
print(f"cleanup of the large catalog: {int(cleanup_ms) / 1000:.1f} s ({left} events left)")
print(f"seed-runner --list: {list_ms} ms")
PY
