# Shared by the seeding benchmarks (sourced): the server, the large catalog's tables, the
# release seed-runner, and small helpers.
ADMIN=${SEEDBED_TEST_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}
ADMIN=${ADMIN%/}
TABLES="organizers venues users teachers musicians events event_teachers event_musicians pricing_tiers event_saves event_attendances"
cargo build --release -q -p festival-seeds
RUNNER=${CARGO_TARGET_DIR:-$PWD/target}/release/seed-runner

url() { echo "$ADMIN/$1"; }
admin() { psql "$(url postgres)" -qX -v ON_ERROR_STOP=1 "$@" >/dev/null 2>&1; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
