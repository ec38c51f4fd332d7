//! A large generated catalog, to test Festival Scout under realistic volume.
//!
//! `seed-runner --only large_catalog --scale events=1000000` streams a million events with
//! their lineups, pricing tiers, saves and attendances. Every other table grows in proportion
//! to `events` (default 1,000). Values come from ChaCha generators seeded with the run's
//! `--random-seed`, so the same seed and scale give the same rows on every machine.

use seedbed::chrono::Duration;
use seedbed::fake::Fake;
use seedbed::fake::faker::company::en::CompanyName;
use seedbed::fake::faker::name::en::{FirstName, LastName};
use seedbed::rand::Rng;
use seedbed::{Seed, generated_id, scale, seed};

use crate::DEV_PASSWORD_HASH;

/// City, country, time zone and currency of the generated venues.
const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Berlin", "DE", "Europe/Berlin", "EUR"),
    ("Lisboa", "PT", "Europe/Lisbon", "EUR"),
    ("Barcelona", "ES", "Europe/Madrid", "EUR"),
    ("London", "GB", "Europe/London", "GBP"),
    ("New York", "US", "America/New_York", "USD"),
    ("Los Angeles", "US", "America/Los_Angeles", "USD"),
    ("Rio de Janeiro", "BR", "America/Sao_Paulo", "BRL"),
    ("Tokyo", "JP", "Asia/Tokyo", "JPY"),
    ("Kraków", "PL", "Europe/Warsaw", "PLN"),
    ("Melbourne", "AU", "Australia/Melbourne", "AUD"),
];

const STYLES: &[&str] = &[
    "salsa",
    "bachata",
    "kizomba",
    "zouk",
    "tango",
    "lindy hop",
    "west coast swing",
    "forró",
];

const FORMATS: &[&str] = &[
    "Festival",
    "Congress",
    "Weekender",
    "Marathon",
    "Bootcamp",
    "Social",
];

const ATTENDANCE: &[&str] = &["interested", "going", "attended", "cancelled", "waitlisted"];

/// Price of a full pass in each currency's units, so JPY is not priced like EUR.
fn base_price(currency: &str) -> f64 {
    match currency {
        "JPY" => 18_000.0,
        "BRL" => 600.0,
        "PLN" => 450.0,
        "AUD" => 220.0,
        _ => 140.0,
    }
}

/// A large generated catalog for performance tests: organizers, venues, teachers, musicians,
/// events with lineups and pricing tiers, users, saves and attendances. Sized by
/// `--scale events=N` (default 1000); the other tables follow in proportion. Applied only when
/// named: `seed-runner --only large_catalog`.
#[seedbed::scenario(explicit)]
fn large_catalog() -> Seed {
    let events = scale("events", 1_000);
    let organizers = events / 1_000 + 1;
    let venues = events / 100 + 1;
    let artists = events / 50 + 2;
    let users = events / 10 + 1;
    let now = seedbed::now();
    // One generator per table: each loop owns its own, and one table's draws never shift another's.
    let mut organizer_names = seedbed::rng("large_catalog/organizers");
    let mut teacher_names = seedbed::rng("large_catalog/teachers");
    let mut musician_names = seedbed::rng("large_catalog/musicians");
    let mut dates = seedbed::rng("large_catalog/events");
    let mut prices = seedbed::rng("large_catalog/pricing_tiers");
    let city = |i: u64| CITIES[(i % CITIES.len() as u64) as usize];
    let style = |i: u64| STYLES[(i % STYLES.len() as u64) as usize];

    let organizer_rows = seed! {
        organizers {
            for i in 0..organizers {
                _ {
                    name: CompanyName().fake_with_rng::<String, _>(&mut organizer_names),
                    slug: format!("catalog-organizer-{i}"),
                    country: city(i).1,
                    is_verified: i % 3 == 0,
                }
            }
        }
        venues {
            for i in 0..venues {
                _ {
                    name: format!("{} Dance Hall {}", city(i).0, i / CITIES.len() as u64 + 1),
                    slug: format!("catalog-venue-{i}"),
                    city: city(i).0,
                    country: city(i).1,
                    timezone: city(i).2,
                    capacity: 150 + (i % 40) as i32 * 50,
                }
            }
        }
    };
    let artist_rows = seed! {
        teachers {
            for i in 0..artists {
                _ {
                    name: format!(
                        "{} {}",
                        FirstName().fake_with_rng::<String, _>(&mut teacher_names),
                        LastName().fake_with_rng::<String, _>(&mut teacher_names)
                    ),
                    slug: format!("catalog-teacher-{i}"),
                    country: city(i).1,
                    specialties: vec![style(i), style(i + 3)],
                }
            }
        }
        musicians {
            for i in 0..artists {
                _ {
                    name: format!("{} {} Ensemble", city(i).0, LastName().fake_with_rng::<String, _>(&mut musician_names)),
                    slug: format!("catalog-musician-{i}"),
                    country: city(i).1,
                    is_band: true,
                    member_count: 3 + (i % 6) as i16,
                    genres: vec![style(i)],
                    instruments: vec!["congas", "piano", "trumpet"],
                }
            }
        }
        users {
            for i in 0..users {
                _ {
                    email: format!("catalog.user{i}@example.com"),
                    display_name: format!("Catalog User {i}"),
                    password_hash: DEV_PASSWORD_HASH,
                    home_country: city(i).1,
                }
            }
        }
    };
    let event_rows = seed! {
        events {
            for (i, starts_at) in (0..events).map(move |i| (i, now + Duration::days(dates.random_range(7..720)))) {
                _ {
                    organizer_id: generated_id("organizers", i % organizers),
                    venue_id: generated_id("venues", i % venues),
                    slug: format!("catalog-event-{i}"),
                    title: format!("{} {} {}", city(i % venues).0, style(i / 7), FORMATS[(i % FORMATS.len() as u64) as usize]),
                    status: if i % 10 == 0 { "draft" } else if i % 25 == 0 { "cancelled" } else { "published" },
                    starts_at: starts_at,
                    ends_at: starts_at + Duration::days(2 + (i % 3) as i64),
                    timezone: city(i % venues).2,
                    capacity: 100 + (i % 20) as i32 * 25,
                }
            }
        }
        event_teachers {
            for i in 0..events {
                _ { event_id: generated_id("events", i), teacher_id: generated_id("teachers", i % artists), is_headliner: true }
            }
        }
        event_musicians {
            for i in 0..events {
                _ { event_id: generated_id("events", i), musician_id: generated_id("musicians", i % artists) }
            }
        }
        pricing_tiers {
            for i in 0..events {
                _ {
                    event_id: generated_id("events", i),
                    name: "Early bird",
                    price: (base_price(city(i % venues).3) * prices.random_range(0.6..0.8)).round(),
                    currency: city(i % venues).3,
                    quantity: 50,
                    sort_order: 0,
                }
                _ {
                    event_id: generated_id("events", i),
                    name: "Full pass",
                    price: base_price(city(i % venues).3),
                    currency: city(i % venues).3,
                    quantity: 200,
                    sort_order: 1,
                }
            }
        }
        event_saves {
            for i in 0..events / 2 {
                _ { user_id: generated_id("users", i % users), event_id: generated_id("events", i) }
            }
        }
        event_attendances {
            for i in 0..events / 2 {
                _ {
                    user_id: generated_id("users", (i * 7) % users),
                    event_id: generated_id("events", i),
                    status: ATTENDANCE[(i % ATTENDANCE.len() as u64) as usize],
                }
            }
        }
    };
    organizer_rows.merge(artist_rows).merge(event_rows)
}
