//! Festival Scout's seed data and test scenarios, written with seedbed.

pub mod base;

/// The Festival Scout migrations, embedded.
pub static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();
