//! Recompiles the units when a migration is added or removed: `seed!` checks every row against
//! the migrations, and `include_str!` only tracks the files that already existed. Pins the
//! macros to this crate's own folder: the UI tests of `seedbed`, whose dev-dependency this crate
//! is, compile it with `SEEDBED_MIGRATIONS` pointing at their cases' folders.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rustc-env=SEEDBED_MIGRATIONS=migrations");
}
