//! Times of day and time zones for the run's dates: `days_from_now(3).at(19, 0)` is 19:00 UTC
//! three days after the run's day, and `.in_tz("Europe/Lisbon")` reads that date and time on
//! Lisbon's clocks, summer time included (an event at 19:00 in Lisbon starts at 18:00 UTC in
//! July and at 19:00 UTC in January).
//!
//! `seed!` brings [`WallClock`] into scope for its values; elsewhere, `use seedbed::WallClock`.

use chrono::{DateTime, LocalResult, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;

/// Sets the time of day of a date, or reads its date and time in a time zone.
///
/// ```
/// use seedbed::WallClock;
///
/// let ctx = seedbed::Context { clock: "2026-06-28T00:00:00Z".parse().unwrap(), ..Default::default() };
/// ctx.sync_scope(|| {
///     // The run's day plus 3, at 19:00 UTC.
///     assert_eq!(seedbed::days_from_now(3).at(19, 0).to_rfc3339(), "2026-07-01T19:00:00+00:00");
///     // At 19:00 on Lisbon's clocks (summer time, UTC+1): 18:00 UTC.
///     let lisbon = seedbed::days_from_now(3).at(19, 0).in_tz("Europe/Lisbon");
///     assert_eq!(lisbon.to_utc().to_rfc3339(), "2026-07-01T18:00:00+00:00");
///     // The same, in the other order.
///     assert_eq!(seedbed::days_from_now(3).in_tz("Europe/Lisbon").at(19, 0), lisbon);
/// });
/// ```
pub trait WallClock: Sized {
    /// The same date at `hour:minute` on this value's clock (UTC for `days_from_now`, the time
    /// zone's after [`in_tz`](WallClock::in_tz)). Hours past 23 run into the next day, as on a
    /// timetable: `.at(25, 30)` is 01:30 the day after.
    fn at(self, hour: u32, minute: u32) -> Self;

    /// The same date and time of day on the clocks of `zone`, an IANA name (`"Europe/Lisbon"`)
    /// or a [`chrono_tz::Tz`]. A time that the zone's clocks skip (the hour lost in spring) or
    /// show twice (the hour repeated in autumn) is read as PostgreSQL reads it: with the
    /// offset in force before the change, and as standard time.
    ///
    /// # Panics
    ///
    /// When `zone` names no time zone. `seed!` checks a name written as a literal at compile
    /// time.
    fn in_tz(self, zone: impl Zone) -> DateTime<Tz>;
}

impl<Z: TimeZone> WallClock for DateTime<Z> {
    fn at(self, hour: u32, minute: u32) -> Self {
        let local = self.naive_local().date().and_time(NaiveTime::MIN)
            + TimeDelta::hours(hour.into())
            + TimeDelta::minutes(minute.into());
        resolve(&self.timezone(), local)
    }

    fn in_tz(self, zone: impl Zone) -> DateTime<Tz> {
        resolve(&zone.tz(), self.naive_local())
    }
}

/// A time zone as [`WallClock::in_tz`] takes it: a name or a `chrono_tz::Tz`.
pub trait Zone {
    fn tz(self) -> Tz;
}

impl Zone for Tz {
    fn tz(self) -> Tz {
        self
    }
}

impl Zone for &str {
    fn tz(self) -> Tz {
        self.parse().unwrap_or_else(|_| {
            panic!("`{self}` is no time zone: expected an IANA name such as `Europe/Lisbon`")
        })
    }
}

/// The instant that the clocks of `zone` show as `local`, as PostgreSQL finds it.
fn resolve<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> DateTime<Z> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => at,
        // Shown twice: PostgreSQL takes standard time, the later of the two.
        LocalResult::Ambiguous(_, later) => later,
        // Skipped: read with the offset of the day before, which is in force until the change.
        LocalResult::None => {
            let before = zone
                .offset_from_utc_datetime(&(local - TimeDelta::days(1)))
                .fix();
            zone.from_utc_datetime(&(local - before))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    /// Values from PostgreSQL 15: `SELECT '2026-03-29 01:30'::timestamp AT TIME ZONE
    /// 'Europe/Lisbon'` and the like, with `timezone = 'UTC'`.
    #[test]
    fn lisbon_wall_clock_times_match_postgresql() {
        let cases = [
            ("2026-07-01T00:00:00Z", 19, "2026-07-01T18:00:00+00:00"), // summer, UTC+1
            ("2026-01-10T00:00:00Z", 19, "2026-01-10T19:00:00+00:00"), // winter, UTC
            ("2026-03-29T00:00:00Z", 1, "2026-03-29T01:00:00+00:00"),  // 01:00 skipped: 02:00 WEST
            ("2026-10-25T00:00:00Z", 1, "2026-10-25T01:00:00+00:00"),  // 01:00 twice: standard
        ];
        for (day, hour, expected) in cases {
            let at = utc(day).in_tz("Europe/Lisbon").at(hour, 0).to_utc();
            assert_eq!(at.to_rfc3339(), expected, "{day} at {hour}:00 in Lisbon");
        }
        let half_past = utc("2026-03-29T00:00:00Z").at(1, 30).in_tz("Europe/Lisbon");
        assert_eq!(half_past.to_utc().to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }

    #[test]
    fn hours_past_midnight_run_into_the_next_day() {
        assert_eq!(
            utc("2026-05-01T00:00:00Z").at(25, 30).to_rfc3339(),
            "2026-05-02T01:30:00+00:00"
        );
        assert_eq!(
            utc("2026-05-01T18:45:00Z").at(0, 0).to_rfc3339(),
            "2026-05-01T00:00:00+00:00"
        );
    }

    #[test]
    fn typed_zones_and_names_agree() {
        let day = utc("2026-12-01T00:00:00Z");
        assert_eq!(
            day.in_tz(chrono_tz::America::New_York),
            day.in_tz("America/New_York")
        );
        assert_eq!(
            day.at(20, 0).in_tz("Asia/Tokyo").to_utc().to_rfc3339(),
            "2026-12-01T11:00:00+00:00"
        );
    }

    #[test]
    #[should_panic(expected = "`Europe/Lisbn` is no time zone")]
    fn an_unknown_zone_is_named() {
        utc("2026-12-01T00:00:00Z").in_tz("Europe/Lisbn");
    }
}
