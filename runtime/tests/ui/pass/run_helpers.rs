//! The run's helpers take whatever integer a loop gives (`usize` from `enumerate`, `i64`,
//! `u64`), dates take a time of day and a time zone inside `seed!` without an import, and a
//! scenario's own label works inside an expression (`Some(users::paula)`).

use seedbed::chrono::{DateTime, Utc};

/// Events of one organizer, on Lisbon's evenings.
#[seedbed::scenario]
fn evenings() -> seedbed::Seed {
    let nights = seedbed::scale("nights", 2_usize);
    let mut prices = seedbed::rng(format!("evenings/{nights}"));
    seedbed::seed! {
        users {
            paula { email: "paula@festivalscout.test", display_name: "Paula", password_hash: "x" }
        }
        organizers {
            lisbon { name: "Lisbon Nights", slug: "lisbon-nights", owner_user_id: Some(users::paula) }
        }
        venues {
            casa { name: "Casa", slug: "casa", city: "Lisboa", country: "PT" }
        }
        events {
            for (i, night) in (0..nights).enumerate() {
                _ {
                    organizer_id: organizers::lisbon,
                    venue_id: venues::casa,
                    slug: format!("night-{night}"),
                    title: "Night",
                    starts_at: seedbed::days_from_now(i).at(19, 0).in_tz("Europe/Lisbon"),
                    ends_at: seedbed::days_from_now(i as i64 + 1).at(2, 0).in_tz("Europe/Lisbon"),
                    published_at: seedbed::days_ago(30_i32 - night as i32),
                    timezone: "Europe/Lisbon",
                }
            }
        }
        pricing_tiers {
            for i in 0..nights {
                _ {
                    event_id: seedbed::generated_id("events", i),
                    name: "Pass",
                    price: seedbed::rand::Rng::random_range(&mut prices, 10..50_i32),
                    currency: "EUR",
                }
            }
        }
    }
}

fn main() {
    let ctx = seedbed::Context {
        clock: "2026-07-01T00:00:00Z".parse().unwrap(),
        ..Default::default()
    };
    // Rows are made as they are read: under the run's context, as the runner reads them.
    let (meta, rows) = ctx.sync_scope(|| {
        let events = evenings().tables.into_iter().find(|t| t.meta.name == "events").unwrap();
        (events.meta, events.rows.collect::<Vec<_>>())
    });
    let starts = meta.columns.iter().position(|c| c.name == "starts_at").unwrap() as u16;
    assert_eq!(rows.len(), 2);
    let at = rows[1].columns.iter().position(|&c| c == starts).unwrap();
    let second: DateTime<Utc> = "2026-07-02T18:00:00Z".parse().unwrap();
    assert_eq!(rows[1].values[at], seedbed::Value::Timestamptz(second));
}
