pub use seedbed_macros::*;
