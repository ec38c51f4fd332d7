#!/bin/sh
# Compile cost of `seed!` against a large migrations folder: `cargo build` (debug) of a crate
# holding N seed sets of one row each, checked against crates.io's 285 diesel migrations from
# the corpus, against the same crate with no seed set. The schema model is built once per
# compilation and kept in the crate's OUT_DIR between builds, so a rebuild with unchanged
# migrations pays for the N macro calls only.
#
#   core/benches/compile_cost.sh [SETS] [RUNS]      (defaults: 100 sets, 3 runs)
set -eu
sets=${1:-100}
runs=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${SEEDBED_BENCH_DIR:-/tmp/seedbed-compile-cost}
export SEEDBED_MIGRATIONS="$root/core/tests/corpus/crates-io/migrations"
count=$(find "$SEEDBED_MIGRATIONS" -name up.sql | wc -l)

mkdir -p "$dir/src"
cat >"$dir/Cargo.toml" <<TOML
[package]
name = "seedbed-compile-cost"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
seedbed = { path = "$root/runtime" }

[workspace]
TOML
[ -f "$dir/Cargo.lock" ] || cp "$root/Cargo.lock" "$dir/Cargo.lock"
# The build script the README asks for: it reruns on new migrations, and gives the crate the
# OUT_DIR where the macros keep the schema model between builds.
cat >"$dir/build.rs" <<'RS'
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=SEEDBED_MIGRATIONS");
}
RS

write() { # $1: number of seed sets
    {
        i=0
        while [ "$i" -lt "$1" ]; do
            echo "mod s$i { seedbed::seed! { set keywords_$i; keywords { _ { keyword: \"keyword-$i\", crates_cnt: $i, created_at: \"2026-01-01 00:00:00\" } } } }"
            i=$((i + 1))
        done
        echo 'fn main() {}'
    } >"$dir/src/main.rs"
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

result=""
for n in 0 "$sets"; do
    write "$n"
    # Untimed: dependencies (seedbed itself may have changed since the last run).
    cargo build --quiet --manifest-path "$dir/Cargo.toml"
    times=""
    run=1
    while [ "$run" -le "$runs" ]; do
        touch "$dir/src/main.rs"
        start=$(date +%s.%N)
        cargo build --quiet --manifest-path "$dir/Cargo.toml"
        end=$(date +%s.%N)
        times="$times $(awk "BEGIN { printf \"%.2f\", $end - $start }")"
        run=$((run + 1))
    done
    echo "$n seed sets against $count migrations:$times s"
    result="$result $(echo "$times" | median)"
done
echo "$result" | awk -v n="$sets" '{ printf "added by %d seed sets (medians): %.2f s (target <= 2 s)\n", n, $2 - $1 }'
