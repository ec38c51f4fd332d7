//! A migration the schema loader cannot read: the error names the file and the line. The macros
//! read `SEEDBED_MIGRATIONS` per process, so this case has a test binary (and trybuild run) of
//! its own. Regenerate with `TRYBUILD=overwrite cargo test -p seedbed --test ui_migrations`.

#[path = "ui/support.rs"]
mod support;

#[test]
fn ui_migrations() {
    let broken = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/broken_migrations");
    if !support::in_migrations_env(broken, "ui_migrations") {
        return;
    }
    trybuild::TestCases::new().compile_fail("tests/ui/fail_migrations/*.rs");
}
