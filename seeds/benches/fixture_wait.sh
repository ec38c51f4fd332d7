#!/usr/bin/env bash
# The fixture_wait benchmark on the local test cluster (SEEDBED_TEST_ADMIN_URL=local: fsync,
# full_page_writes and synchronous_commit off, its data in /dev/shm unless
# SEEDBED_TEST_PG_MEMORY_DIR says otherwise), made afresh in a temporary folder and removed at
# the end, then on the server of SEEDBED_TEST_ADMIN_URL (default postgres://postgres@127.0.0.1:5432)
# as it is.
#
#     bash seeds/benches/fixture_wait.sh [TESTS [BODY_MS]]
#
# Needs initdb and pg_ctl (on PATH or where seedbed looks for them). As root, the cluster runs as
# `postgres`.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d /tmp/seedbed-bench-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as_owner=(runuser -u postgres --)
fi
stop() {
    if [ -f "$dir/test-pg/data/postmaster.pid" ]; then
        "${as_owner[@]}" "$(dirname "$(command -v pg_ctl)")/pg_ctl" -D "$dir/test-pg/data" \
            -m immediate stop >/dev/null 2>&1 || true
    fi
    # A cluster in memory: its data directory is a link to a folder in /dev/shm.
    if [ -L "$dir/test-pg/data" ]; then
        rm -rf "$(readlink "$dir/test-pg/data")"
    fi
    rm -rf "$dir"
}
trap stop EXIT

cargo build --release -p festival-seeds --bench fixture_wait >/dev/null 2>&1
echo "== the local test cluster (SEEDBED_TEST_ADMIN_URL=local, in $dir/test-pg)"
# The test cluster's folder is test-pg beside the development cluster's, here $dir/pg.
SEEDBED_LOCAL_PG_DIR="$dir/pg" SEEDBED_TEST_ADMIN_URL=local \
    cargo bench -q -p festival-seeds --bench fixture_wait -- "$@"
echo
echo "== ${SEEDBED_TEST_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}, as it is"
cargo bench -q -p festival-seeds --bench fixture_wait -- "$@"
