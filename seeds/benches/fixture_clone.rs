//! How long a test waits for its database: the template build once, then a clone per test.
//!
//!     cargo bench -p festival-seeds --bench fixture_clone
//!
//! Prints the time to build the template for base plus the six scenarios, and the time of each
//! of 20 clones (min, median, max). Needs the PostgreSQL of `SEEDBED_TEST_ADMIN_URL`.

use std::time::{Duration, Instant};

use festival_seeds::MIGRATIONS;
use seedbed::testing::Fixture;

const CLONES: usize = 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let fixture = Fixture::new(MIGRATIONS).units(&[
        "power_user",
        "complex_event",
        "high_engagement",
        "event_lifecycle",
        "international_events",
        "notifications",
    ]);
    let started = Instant::now();
    let first = fixture.database().await?;
    let template = started.elapsed();
    first.drop().await?;

    let mut clones: Vec<Duration> = Vec::with_capacity(CLONES);
    for _ in 0..CLONES {
        let started = Instant::now();
        let db = fixture.database().await?;
        clones.push(started.elapsed());
        db.drop().await?;
    }
    clones.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "fixture: base + six scenarios (template {})",
        fixture.template_name()?
    );
    println!(
        "first database (template built if missing, then cloned): {:.1} ms",
        ms(template)
    );
    println!(
        "clones: {CLONES}, min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(clones[0]),
        ms(clones[CLONES / 2]),
        ms(clones[CLONES - 1])
    );
    Ok(())
}
