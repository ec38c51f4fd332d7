//! The runner against a real PostgreSQL: idempotence, change propagation, large units loaded
//! into bare tables, exact and blocked cleanup, concurrency, the guards, pending migrations,
//! drift, the ledger, and the errors that name what the server refused.
//!
//! Every test works in a fresh database of its own (`SEEDBED_TEST_ADMIN_URL`, default
//! `postgres://postgres@127.0.0.1:5432`), dropped at the end, on failure too, migrated with the
//! small schema of `units/migrations`. The units (`t_venues`, `t_events`, ...) are in
//! the crate in `units/`, `seedbed-test-units`, checked against that schema; the command line is
//! tested with Festival Scout's binary in `seeds/tests/runner.rs`.

mod apply;
mod bulk;
mod change;
mod cleanup;
mod concurrency;
mod drift;
mod guards;
mod ledger;
mod migrations;
mod pairs;
mod panics;
mod server_errors;
mod status;
mod support;
mod values;
