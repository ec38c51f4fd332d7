//! The compile-error suite of `seed!` and `#[scenario]`: one case per diagnostic under
//! `ui/fail`, each with the `.stderr` a user sees, and cases under `ui/pass` that must compile.
//! An unreadable migrations folder is in `ui_migrations.rs`.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p seedbed --test ui`, and
//! read every one before committing it.

#[path = "ui/support.rs"]
mod support;

#[test]
fn ui() {
    // trybuild builds the cases in a project of its own under target/: point the macros at the
    // Festival Scout migrations wherever that project is.
    let migrations = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
    if !support::in_migrations_env(migrations, "ui") {
        return;
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
