//! What seedbed's compile-time and run-time sides must agree on: the schema model that SQL
//! migrations build (replayed from their DDL), the migration layouts seedbed reads, and the
//! "did you mean" suggestions both sides give, row identity and the environments.

pub mod diff;
pub mod environment;
pub mod identity;
pub mod layout;
mod scaffold;
pub use scaffold::new_migration;
mod load;
pub mod schema;
pub mod snapshot;
pub mod suggest;

/// Identifies the code that builds schema models: a model cached by one version of it is not
/// used by another.
pub const MODEL_VERSION: &str = env!("SEEDBED_CORE_SOURCE_HASH");
