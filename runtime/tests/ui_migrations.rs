//! Migrations as real projects write them (extension types, domains, a view, a partitioned
//! table, a `CREATE TABLE ... AS`): what compiles, and the errors on what cannot. The macros
//! read `SEEDBED_MIGRATIONS` per process, so these cases have a test binary (and trybuild run)
//! of their own. Regenerate with `TRYBUILD=overwrite cargo test -p seedbed --test ui_migrations`.

#[path = "ui/support.rs"]
mod support;

#[test]
fn ui_migrations() {
    let migrations = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/ui/real_world_migrations"
    );
    if !support::in_migrations_env(migrations, "ui_migrations") {
        return;
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail_migrations/*.rs");
    t.pass("tests/ui/pass_migrations/*.rs");
}
