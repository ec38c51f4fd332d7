#!/usr/bin/env bash
# Does a second connection pay for a bulk load? (issue 14, item 2)
#
#   bash seeds/benches/parallel_load.sh [EVENTS]        (default 200000)
#
# Seeds `large_catalog` with seed-runner, exports its rows, and loads them into bare tables (the
# schema's pre-data DDL: no keys, indexes or foreign keys, as seed-runner's bare load) twice on
# fresh databases: once in one session, tables one after another, and once split over two
# sessions that load in parallel (tables balanced by size, each session its own transaction).
# Prints both times and the gain: the most a second connection could give the load itself,
# before any of what atomicity would cost it (a pending ledger entry, removal of a failed
# attempt's rows). Drops its databases at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
. seeds/benches/catalog_common.sh

EVENTS=${1:-200000}
DBS="seedbed_par_source seedbed_par_one seedbed_par_two"

WORK=$(mktemp -d /tmp/seedbed-par.XXXXXX)
chmod 755 "$WORK"
finish() {
  for db in $DBS; do admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
  rm -rf "$WORK"
}
trap finish EXIT

for db in $DBS; do admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"; done
"$RUNNER" migrate --database-url "$(url seedbed_par_source)" >/dev/null 2>&1
echo "seeding $EVENTS events with seed-runner and exporting them..." >&2
"$RUNNER" --database-url "$(url seedbed_par_source)" --only large_catalog \
  --scale "events=$EVENTS" >/dev/null 2>&1
pg_dump "$(url seedbed_par_source)" --section=pre-data --no-owner -T '_sqlx*' -N seedbed \
  -f "$WORK/pre-data.sql"
for t in $TABLES; do
  psql "$(url seedbed_par_source)" -qX -c "\\copy $t TO '$WORK/$t.tsv'"
done
for db in seedbed_par_one seedbed_par_two; do
  psql "$(url $db)" -qX -v ON_ERROR_STOP=1 -f "$WORK/pre-data.sql" >/dev/null
done

# Two halves of about the same bytes: the largest table first to the lighter half.
read -r -a halves < <(
  for t in $TABLES; do echo "$(stat -c %s "$WORK/$t.tsv") $t"; done | sort -rn | python3 -c '
import sys
halves = [[0, []], [0, []]]
for line in sys.stdin:
    size, table = line.split()
    lighter = min(halves, key=lambda h: h[0])
    lighter[0] += int(size)
    lighter[1].append(table)
print(",".join(halves[0][1]), ",".join(halves[1][1]))'
)
script() {
  echo "BEGIN;"
  for t in ${1//,/ }; do echo "\\copy $t FROM '$WORK/$t.tsv'"; done
  echo "COMMIT;"
}
rows=$(cat "$WORK"/*.tsv | wc -l)

script "${TABLES// /,}" >"$WORK/one.sql"
start=$(date +%s%N)
psql "$(url seedbed_par_one)" -qX -v ON_ERROR_STOP=1 -f "$WORK/one.sql"
one_ms=$(ms "$start")

script "${halves[0]}" >"$WORK/a.sql"
script "${halves[1]}" >"$WORK/b.sql"
start=$(date +%s%N)
psql "$(url seedbed_par_two)" -qX -v ON_ERROR_STOP=1 -f "$WORK/a.sql" &
psql "$(url seedbed_par_two)" -qX -v ON_ERROR_STOP=1 -f "$WORK/b.sql"
wait
two_ms=$(ms "$start")

echo "$rows rows into bare tables ($EVENTS events), $(nproc) cores:"
echo "  one session:  $one_ms ms"
echo "  two sessions: $two_ms ms   (${halves[0]} | ${halves[1]})"
python3 -c "print(f'  gain: {$one_ms / $two_ms:.2f}x')"
