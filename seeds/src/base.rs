//! The base data: what every development and test database starts from.
//!
//! Each part is a seed set of its own, so `seed-runner --only venues` applies the venues (and
//! what they depend on) alone; the set `base` depends on every part and so applies them all.
//! Rows of one part are reached from others through their labels, e.g.
//! `crate::base::venues::tanzhaus_berlin` or `crate::base::teachers::ALL`.
//!
//! | set            | tables                                                                 |
//! |----------------|------------------------------------------------------------------------|
//! | `dance_styles` | dance_styles (also in production and staging: reference data)          |
//! | `organizers`   | organizers                                                             |
//! | `venues`       | venues: six venues in six countries                                    |
//! | `teachers`     | teachers, teacher_social_links                                         |
//! | `musicians`    | musicians, musician_social_links                                       |
//! | `events`       | event_series, events, event_dance_styles, event_teachers, event_musicians, pricing_tiers, event_sessions |
//! | `users`        | users, user_preferences, user_dance_styles: three test accounts        |
//! | `follows`      | user_teacher_follows, user_musician_follows                            |

use seedbed::seed;

// Files are named by theme, not by table: `seed!` creates a module per table it writes
// (`venues`, `teachers`, ...), re-exported here as `crate::base::<table>`.
mod artists;
mod community;
mod places;
mod programme;
mod styles;

pub use artists::*;
pub use community::*;
pub use places::*;
pub use programme::*;
pub use styles::*;

seed! {
    /// All the base data: dance styles, organizers, venues, teachers, musicians, events, test
    /// users and their follows.
    set base(depends_on = [dance_styles, organizers, venues, teachers, musicians, events, users, follows]);
}
