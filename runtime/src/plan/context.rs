//! The run's context as seen by seed code: its clock, scale and random seed.
//!
//! Seeds read it through [`now`], [`scale`] and [`random_seed`] while their rows are produced. The
//! runner installs one per run (task-local, so parallel runs in one process do not mix); outside a
//! run the defaults apply.
//!
//! Rows are built when a unit is applied, not when the program starts, so these functions called
//! in a `seed!` value, a loop bound or a scenario's body see the run's `--clock`, `--scale` and
//! `--random-seed`. The defaults are chosen so that two runs on the same day build the same
//! rows: the clock is today at 00:00 UTC, not the current instant.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};

use crate::plan::int::AnyInt;

/// Clock, scale and random seed of one run.
///
/// [`Context::sync_scope`] and [`Context::scope`] make one visible to the seed code they call,
/// which is how a test can look at what a unit builds under given settings:
///
/// ```
/// use seedbed::Context;
///
/// let ctx = Context {
///     clock: "2026-05-01T00:00:00Z".parse().unwrap(),
///     scale: [("events".to_owned(), 3)].into(),
///     random_seed: 42,
/// };
/// ctx.sync_scope(|| {
///     assert_eq!(seedbed::days_from_now(30).to_rfc3339(), "2026-05-31T00:00:00+00:00");
///     assert_eq!(seedbed::scale("events", 1000), 3);
///     assert_eq!(seedbed::scale("users", 1000), 1000);
///     assert_eq!(seedbed::random_seed(), 42);
/// });
/// // Outside a scope, the defaults.
/// assert_eq!(seedbed::scale("events", 1000), 1000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Context {
    /// "Now" for the seeds. Defaults to the start of the current UTC day, so that runs on the
    /// same day produce the same rows and a re-run is a no-op.
    pub clock: DateTime<Utc>,
    /// Sizes of generated data by name, e.g. `events = 1000000`.
    pub scale: BTreeMap<String, u64>,
    /// Seed of the random generators of generated data.
    pub random_seed: u64,
}

/// The default random seed: the same rows on every machine unless told otherwise.
pub const DEFAULT_RANDOM_SEED: u64 = 0x05EE_DBED;

impl Default for Context {
    fn default() -> Self {
        Context {
            clock: start_of_today(),
            scale: BTreeMap::new(),
            random_seed: DEFAULT_RANDOM_SEED,
        }
    }
}

fn start_of_today() -> DateTime<Utc> {
    Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc()
}

tokio::task_local! {
    static CONTEXT: Arc<Context>;
    /// The unit whose rows are being built, for [`generated_id`].
    static UNIT: &'static str;
}

impl Context {
    /// Runs `future` with this context visible to the seed code it calls (a tokio task-local:
    /// other tasks keep their own).
    pub async fn scope<F: Future>(self, future: F) -> F::Output {
        CONTEXT.scope(Arc::new(self), future).await
    }

    /// Runs `f` with this context visible to the seed code it calls.
    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        CONTEXT.sync_scope(Arc::new(self), f)
    }

    /// Runs `f` with this context, building the rows of `unit`.
    pub(crate) fn sync_scope_unit<R>(
        self: &Arc<Self>,
        unit: &'static str,
        f: impl FnOnce() -> R,
    ) -> R {
        CONTEXT.sync_scope(Arc::clone(self), || UNIT.sync_scope(unit, f))
    }

    fn with<R>(f: impl Fn(&Context) -> R) -> R {
        CONTEXT
            .try_with(|c| f(c))
            .unwrap_or_else(|_| f(&Context::default()))
    }
}

/// The unit whose seed code is running on this thread, if any.
pub(crate) fn current_unit() -> Option<&'static str> {
    UNIT.try_with(|u| *u).ok()
}

/// The run's clock ("now" for seed data): the start of today (UTC) unless pinned with
/// `seed-runner --clock`. Use it, not `Utc::now()`, so that a re-run on the same day builds the
/// same rows and changes nothing.
///
/// ```
/// let start = seedbed::now() + chrono::Duration::days(30);
/// assert!(start > chrono::Utc::now());
/// ```
pub fn now() -> DateTime<Utc> {
    Context::with(|c| c.clock)
}

/// `days` days after the run's clock (before it when negative): upcoming events stay upcoming
/// whenever the seeds run. The clock is midnight UTC of the run's day, so this is midnight UTC
/// too; [`.at(19, 0)`](crate::WallClock::at) sets the time of day and
/// [`.in_tz("Europe/Lisbon")`](crate::WallClock::in_tz) reads it in a time zone. Any integer
/// type does for `days`.
///
/// ```
/// let starts_at = seedbed::days_from_now(30);
/// assert_eq!(starts_at - seedbed::now(), chrono::Duration::days(30));
/// assert_eq!(seedbed::days_from_now(-3), seedbed::days_ago(3));
/// let i: usize = 2;
/// assert!(seedbed::days_from_now(i) > seedbed::now());
/// ```
pub fn days_from_now(days: impl AnyInt) -> DateTime<Utc> {
    shifted(days.to_i64())
}

/// `days` days before the run's clock (after it when negative): past events, reviews, sign-ups.
/// Midnight UTC of that day, as [`days_from_now`].
///
/// ```
/// let signed_up = seedbed::days_ago(3);
/// assert_eq!(seedbed::now() - signed_up, chrono::Duration::days(3));
/// assert_eq!(signed_up.format("%H:%M").to_string(), "00:00");
/// ```
pub fn days_ago(days: impl AnyInt) -> DateTime<Utc> {
    shifted(days.to_i64().saturating_neg())
}

/// The run's clock moved by `days`, held at the ends of the representable range.
fn shifted(days: i64) -> DateTime<Utc> {
    let late = days > 0;
    TimeDelta::try_days(days)
        .and_then(|delta| now().checked_add_signed(delta))
        .unwrap_or(if late {
            DateTime::<Utc>::MAX_UTC
        } else {
            DateTime::<Utc>::MIN_UTC
        })
}

/// The size called `name` for this run (`--scale name=N`), or `default`.
///
/// Loops that generate rows take their length from it, so one seed serves a quick development
/// run and a million-row load test:
///
/// ```standalone_crate
/// # fn main() {}
/// seedbed::seed! {
///     /// Generated users; `--scale users=100000` for a load test.
///     set crowd;
///
///     users {
///         for i in 0..seedbed::scale("users", 50) {
///             _ {
///                 email: format!("dancer{i}@example.com"),
///                 display_name: format!("Dancer {i}"),
///                 password_hash: "x",
///             }
///         }
///     }
/// }
/// ```
pub fn scale(name: &str, default: impl AnyInt) -> u64 {
    // A negative default is no size: none.
    let default = u64::try_from(default.to_i64()).unwrap_or(0);
    SCALES_ASKED.with_borrow_mut(|asked| {
        if let Some(asked) = asked {
            asked.entry(name.to_owned()).or_insert(default);
        }
    });
    Context::with(|c| c.scale.get(name).copied().unwrap_or(default))
}

thread_local! {
    /// While [`scale_names`] looks, the names `scale` was asked for, with their defaults.
    static SCALES_ASKED: std::cell::RefCell<Option<BTreeMap<String, u64>>> =
        const { std::cell::RefCell::new(None) };
}

/// The scale names each unit reads, with the default it gives: found by building the unit
/// and taking the first row of each table (loop bounds are read then), so that `--scale`
/// can refuse a name no unit reads.
pub fn scale_names<'a>(
    units: impl IntoIterator<Item = &'a crate::plan::Unit>,
) -> BTreeMap<String, (u64, Vec<&'static str>)> {
    let context = Arc::new(Context::default());
    let mut names: BTreeMap<String, (u64, Vec<&'static str>)> = BTreeMap::new();
    for unit in units {
        SCALES_ASKED.set(Some(BTreeMap::new()));
        context.sync_scope_unit(unit.name, || {
            for mut table in (unit.build)().tables {
                let _ = table.rows.next();
            }
        });
        for (name, default) in SCALES_ASKED.take().unwrap_or_default() {
            names
                .entry(name)
                .or_insert((default, Vec::new()))
                .1
                .push(unit.name);
        }
    }
    names
}

/// The random seed of this run (`--random-seed`); [`rng`] derives its generators from it.
pub fn random_seed() -> u64 {
    Context::with(|c| c.random_seed)
}

/// A random generator for generated data, seeded from the run's random seed and `stream`: the
/// same seed gives the same values on every machine (ChaCha8 is portable), and separate
/// streams keep one table's values independent of how many another draws.
///
/// Reproducible values matter beyond taste: a unit whose rows change between runs is rewritten
/// on every run. Use it with the re-exported [`rand`](crate::rand) and [`fake`](crate::fake):
///
/// ```
/// use seedbed::fake::Fake;
/// use seedbed::fake::faker::name::en::Name;
/// use seedbed::rand::Rng;
///
/// let mut rng = seedbed::rng("users");
/// let name: String = Name().fake_with_rng(&mut rng);
/// let capacity: i32 = rng.random_range(50..500);
///
/// // The same stream and random seed give the same values.
/// let mut again = seedbed::rng("users");
/// assert_eq!(Name().fake_with_rng::<String, _>(&mut again), name);
/// assert_eq!(again.random_range(50..500), capacity);
/// ```
pub fn rng(stream: impl AsRef<str>) -> rand_chacha::ChaCha8Rng {
    use rand::SeedableRng;
    let key = crate::plan::label_key("rng", stream.as_ref(), &random_seed().to_string());
    rand_chacha::ChaCha8Rng::from_seed(
        *key.as_u128()
            .to_le_bytes()
            .repeat(2)
            .first_chunk()
            .unwrap_or(&[0; 32]),
    )
}

/// The key seedbed gives the `ordinal`-th anonymous row of `table` in the unit being built,
/// so generated rows can reference each other: `event_id: seedbed::generated_id("events", i)`.
///
/// Ordinals count the `_` rows of the table in the unit from 0, in the order they are written
/// (loops included). The key depends on the unit, so call it while the unit's rows are built
/// (in a `seed!` value), not ahead of time.
///
/// ```standalone_crate
/// # fn main() {}
/// seedbed::seed! {
///     /// Generated users, each with a preferences row pointing at them.
///     set crowd_preferences;
///
///     users {
///         for i in 0..10 {
///             _ { email: format!("u{i}@example.com"), display_name: "Dancer", password_hash: "x" }
///         }
///     }
///     user_preferences {
///         for i in 0..10 {
///             _ { user_id: seedbed::generated_id("users", i), preferred_currency: "EUR" }
///         }
///     }
/// }
/// ```
pub fn generated_id(table: &str, ordinal: impl AnyInt) -> uuid::Uuid {
    let unit = UNIT.try_with(|u| *u).unwrap_or_default();
    // A negative ordinal names no row: the key of none, which the insert's foreign key refuses.
    let ordinal = u64::try_from(ordinal.to_i64()).unwrap_or(u64::MAX);
    crate::plan::ordinal_key(crate::plan::ordinal_prefix(unit, table), ordinal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_context_is_seen_and_defaults_apply_outside() {
        let clock = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let ctx = Context {
            clock,
            scale: [("events".to_owned(), 7)].into(),
            random_seed: 1,
        };
        ctx.sync_scope(|| {
            assert_eq!(now(), clock);
            assert_eq!(scale("events", 10), 7);
            assert_eq!(scale("users", 10), 10);
            assert_eq!(random_seed(), 1);
        });
        assert_eq!(random_seed(), DEFAULT_RANDOM_SEED);
        assert_eq!(now(), start_of_today());
    }
}
