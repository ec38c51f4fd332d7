//! Recompiles the units when a migration is added or removed: `seed!` checks every row against
//! the migrations, and `include_str!` only tracks the files that already existed.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
