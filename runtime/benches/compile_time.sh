#!/bin/sh
# Compile time of `seed!`: `cargo build` (debug) of a crate holding one seed set of N literal
# users (6 columns each, labelled), against the same crate with an empty set. The crate lives
# outside the repository, with its own target directory; only it is rebuilt between runs.
#
#   runtime/benches/compile_time.sh [ROWS] [RUNS]      (defaults: 1000 rows, 3 runs)
set -eu
rows=${1:-1000}
runs=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${SEEDBED_BENCH_DIR:-/tmp/seedbed-compile-bench}
export SEEDBED_MIGRATIONS="$root/migrations"

mkdir -p "$dir/src"
cat >"$dir/Cargo.toml" <<TOML
[package]
name = "seedbed-compile-bench"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
seedbed = { path = "$root/runtime" }

[workspace]
TOML
[ -f "$dir/Cargo.lock" ] || cp "$root/Cargo.lock" "$dir/Cargo.lock"

write() { # $1: number of rows
    {
        echo 'seedbed::seed! {'
        echo '    set users;'
        echo '    users {'
        i=0
        while [ "$i" -lt "$1" ]; do
            echo "        u$i { email: \"user$i@example.com\", display_name: \"User $i\", password_hash: \"x\", home_city: \"Berlin\", home_country: \"DE\", role: \"user\" }"
            i=$((i + 1))
        done
        echo '    }'
        echo '}'
        echo 'fn main() { println!("{}", users::ALL.len()); }'
    } >"$dir/src/main.rs"
}

for n in 0 "$rows"; do
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
    echo "$n rows:$times s"
done
