//! Every column type of the Festival Scout schema, each given a literal and an expression.

use seedbed::chrono::{NaiveDate, TimeZone, Utc};
use seedbed::uuid::Uuid;
use seedbed::{Value, json};

const CAPACITY: i32 = 400;

seedbed::seed! {
    /// One row per type family, twice: literals, then Rust expressions.
    set all_types;

    users {
        // uuid (a literal), text, varchar(100), enum, char(2), timestamptz (a literal)
        paula {
            email: "paula@festivalscout.test",
            display_name: "Paula",
            password_hash: "x",
            role: "admin",
            home_country: "DE",
            email_verified_at: "2025-01-01T10:00:00Z",
        }
        // uuid (an expression), String, enum and char(2) from expressions, timestamptz
        _ {
            id: Uuid::from_u128(7),
            email: format!("pablo@{}", "festivalscout.test"),
            display_name: String::from("Pablo"),
            password_hash: "x".to_owned(),
            role: ["user", "admin"][0],
            home_country: 'D'.to_string() + "E",
            email_verified_at: Utc.with_ymd_and_hms(2025, 1, 1, 10, 0, 0).unwrap(),
            last_login_at: seedbed::now(),
        }
    }
    user_preferences {
        // jsonb, integer, boolean, char(3), an enum that is nullable
        _ {
            user_id: users::paula,
            notification_settings: json!({ "reminders": true, "digest": "weekly" }),
            privacy_settings: "{}",
            search_radius_km: 50,
            email_notifications: false,
            preferred_currency: "EUR",
            preferred_skill_level: "advanced",
        }
    }
    venues {
        // numeric(9,6) from literals, integer from a constant
        tanzhaus {
            name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE",
            latitude: 52.520008, longitude: -13.4, capacity: CAPACITY,
        }
        // numeric from floats and integers
        _ {
            name: "Halle", slug: "halle", city: "Köln", country: "DE",
            latitude: 50.9_f64, longitude: 7_i32, capacity: CAPACITY * 2,
        }
    }
    teachers {
        // text[] and date, literals
        alma {
            name: "Alma", slug: "alma", specialties: ["lindy hop", "solo jazz"],
            teaching_since: "2010-05-01",
        }
        // text[] from a Vec and a slice, date from chrono
        _ {
            name: "Bo", slug: "bo", specialties: vec!["balboa".to_owned()],
            teaching_since: NaiveDate::from_ymd_opt(2015, 3, 1).unwrap(),
        }
        _ { name: "Cy", slug: "cy", specialties: &["shag"][..] }
    }
    musicians {
        // smallint, boolean, text[]
        trio { name: "Trio", slug: "trio", is_band: true, member_count: 3, genres: [] }
        _ { name: "Solo", slug: "solo", member_count: 1_i16, instruments: vec!["piano"] }
    }
    organizers {
        berlin_swing { name: "Berlin Swing", slug: "berlin-swing" }
    }
    events {
        // bigint, enum, timestamptz
        lindy_shock {
            organizer_id: organizers::berlin_swing,
            venue_id: venues::tanzhaus,
            slug: "lindy-shock",
            title: "Lindy Shock",
            status: "published",
            starts_at: "2026-10-01T18:00:00Z",
            ends_at: "2026-10-05T02:00:00Z",
            timezone: "Europe/Berlin",
            view_count: 9_000_000_000,
        }
        _ {
            organizer_id: organizers::berlin_swing,
            venue_id: venues::tanzhaus,
            slug: "lindy-shock-2027",
            title: "Lindy Shock 2027",
            status: String::from("draft"),
            starts_at: seedbed::days_from_now(30),
            ends_at: seedbed::days_from_now(34),
            timezone: "Europe/Berlin",
            view_count: 12_i64,
        }
    }
    pricing_tiers {
        // numeric(10,2) from a literal, a string and an expression
        _ { event_id: events::lindy_shock, name: "Early bird", price: 89.50, currency: "EUR" }
        _ { event_id: events::lindy_shock, name: "Regular", price: "119.00", currency: "EUR" }
        _ { event_id: events::lindy_shock, name: "Late", price: 100.0 + 39.0, currency: "EUR" }
    }
}

fn main() {
    let registry = seedbed::select::Registry::discover().unwrap();
    let unit = registry.get("all_types").unwrap();
    assert_eq!(
        unit.description,
        "One row per type family, twice: literals, then Rust expressions."
    );
    assert_eq!(unit.static_rows, Some(16));
    let seed = (unit.build)();
    let rows: usize = seed.tables.into_iter().map(|t| t.rows.count()).sum();
    assert_eq!(rows, 16);
    assert_eq!(
        users::paula.key(),
        seedbed::plan::label_key("all_types", "users", "paula")
    );
    let _: Value = Value::Json(json!([1, 2]));
}
