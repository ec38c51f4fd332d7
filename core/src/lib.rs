//! What seedbed's compile-time and run-time sides must agree on: the schema model that SQL
//! migrations build (replayed from their DDL), the migration layouts seedbed reads, and the
//! "did you mean" suggestions both sides give.

pub mod layout;
pub mod schema;
pub mod snapshot;
pub mod suggest;
