//! Times relative to the run's clock (`seedbed::now()`, pinned with `seed-runner --clock`), so
//! upcoming events stay upcoming whenever the seeds run and a pinned clock gives the same rows.

use seedbed::chrono::{DateTime, NaiveTime, TimeDelta, Utc};

/// `days` days after the run's day (before it when negative), at `hour:minute` UTC.
///
/// Festival times are written in UTC: an evening start in Berlin (19:00 CEST) is `17, 0`.
pub fn day_at(days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
    (seedbed::now().date_naive() + TimeDelta::days(days))
        .and_time(time)
        .and_utc()
}
