//! The six test scenarios of the Festival Scout seeding guide, each applied on top of the base
//! data (`seed-runner --only power_user` applies `base` first).
//!
//! The labelled rows of a scenario live in a module named after it, e.g.
//! `crate::scenarios::power_user::users::paula_ramos`.

mod engagement;
mod inbox;
mod international;
mod lifecycle;
mod personalization;
mod ticketing;

pub use engagement::*;
pub use inbox::*;
pub use international::*;
pub use lifecycle::*;
pub use personalization::*;
pub use ticketing::*;
