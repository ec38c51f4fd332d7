//! The environments a database is seeded for, in the order of increasing care: the one list the
//! macros check `env = [...]` against and the runtime checks `--env` and the stamp against.

/// The environments, by name.
pub const NAMES: &[&str] = &[DEVELOPMENT, TEST, STAGING, PRODUCTION];

/// Where `--reset` and every shortcut are allowed.
pub const DEVELOPMENT: &str = "development";
/// Test databases (fixtures, CI).
pub const TEST: &str = "test";
/// A copy of production.
pub const STAGING: &str = "staging";
/// The database whose data must not be lost: destructive commands and leaving it need an
/// override.
pub const PRODUCTION: &str = "production";

/// The environments of a unit that names none.
pub const DEFAULT: &[&str] = &[DEVELOPMENT, TEST];

/// Whether `name` is one of [`NAMES`].
///
/// ```
/// assert!(seedbed_core::environment::is_known("staging"));
/// assert!(!seedbed_core::environment::is_known("prod"));
/// ```
pub fn is_known(name: &str) -> bool {
    NAMES.contains(&name)
}

/// The short name tables print (`dev`, `prod`).
pub fn short(name: &str) -> &str {
    match name {
        DEVELOPMENT => "dev",
        PRODUCTION => "prod",
        other => other,
    }
}
