//! Selecting what runs: the registry of every unit the binary holds, and the dependency order
//! of a selection.

pub mod error;
pub mod order;
pub mod registry;

pub use registry::Registry;
