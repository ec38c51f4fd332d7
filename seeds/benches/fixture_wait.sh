#!/usr/bin/env bash
# The fixture_wait benchmark on a throwaway local cluster tuned for tests (fsync, full_page_writes
# and synchronous_commit off: a crash loses nothing a test needs), then on the server of
# SEEDBED_TEST_ADMIN_URL (default postgres://postgres@127.0.0.1:5432) as it is.
#
#     bash seeds/benches/fixture_wait.sh [TESTS [BODY_MS]]
#
# Needs initdb and pg_ctl on PATH (or in PG_BINDIR). As root, the cluster runs as `postgres`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bindir=${PG_BINDIR:-$(dirname "$(command -v pg_ctl)")}
dir=$(mktemp -d /tmp/seedbed-bench-pg.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
as_owner=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as_owner=(runuser -u postgres --)
fi
stop() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" >/dev/null

cargo build --release -p festival-seeds --bench fixture_wait >/dev/null 2>&1
echo "== local throwaway cluster (port $port)"
SEEDBED_TEST_ADMIN_URL="postgres://postgres@127.0.0.1:$port" \
    cargo bench -q -p festival-seeds --bench fixture_wait -- "$@"
echo
echo "== ${SEEDBED_TEST_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}, as it is"
cargo bench -q -p festival-seeds --bench fixture_wait -- "$@"
