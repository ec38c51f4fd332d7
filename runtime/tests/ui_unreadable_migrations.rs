//! A migrations folder the loader refuses as a whole (two migrations with one version): the
//! error is reported once for the crate. The macros read `SEEDBED_MIGRATIONS` per process, so
//! this case has a test binary of its own. Regenerate with
//! `TRYBUILD=overwrite cargo test -p seedbed --test ui_unreadable_migrations`.

#[path = "ui/support.rs"]
mod support;

#[test]
fn ui_unreadable_migrations() {
    let migrations = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/ui/unreadable_migrations"
    );
    if !support::in_migrations_env(migrations, "ui_unreadable_migrations") {
        return;
    }
    trybuild::TestCases::new().compile_fail("tests/ui/fail_unreadable/*.rs");
}
