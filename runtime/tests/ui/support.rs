//! Shared by the UI test files `ui.rs` and `ui_migrations.rs`.

use std::process::Command;

/// Runs `test` of this test binary in a child process whose `SEEDBED_MIGRATIONS` is `dir`, unless
/// this process is that child; returns whether the caller is the child and should run the cases.
///
/// The macros read the variable when they expand, in the rustc that trybuild's cargo starts, so it
/// must be in this process's environment: the child gets it from `Command::env` (no `unsafe`
/// `set_var`, and no other test thread sees it).
pub fn in_migrations_env(dir: &str, test: &str) -> bool {
    if std::env::var("SEEDBED_MIGRATIONS").is_ok_and(|v| v == dir) {
        return true;
    }
    let status = Command::new(std::env::current_exe().unwrap())
        .env("SEEDBED_MIGRATIONS", dir)
        .args([test, "--exact", "--nocapture"])
        .status()
        .unwrap();
    assert!(status.success(), "the UI cases failed (see above)");
    false
}
