//! seedbed: seed data and test scenarios for PostgreSQL, written in Rust and checked by the
//! compiler against your SQL migrations.
//!
//! You write rows in Rust with two macros: [`seed!`] declares a **seed set**, [`#[scenario]`]
//! a **test scenario**; both are *units*. At compile time the macros read your migrations
//! folder, replay its DDL into a model of the schema and check every row against it: tables,
//! columns, types, enum values, required columns, simple `CHECK`s, references between rows.
//! Each unit then registers itself in the binary that links it. At run time the `seed-runner`
//! command line ([`cli::main`]) or a test fixture ([`testing::Fixture`]) finds the units, puts
//! them in dependency order and applies them to PostgreSQL, each in a transaction, with a ledger
//! that makes a re-run a no-op and a cleanup exact.
//!
//! The examples on this page compile (and those without a database run) against the Festival
//! Scout schema of seedbed's repository: tables `venues`, `organizers`, `users`, `teachers`,
//! `events`, `pricing_tiers`, `reviews`, ... and enums such as `event_status`.
//!
//! [`#[scenario]`]: macro@scenario
//!
//! # Seed sets
//!
//! ```standalone_crate
//! use seedbed::seed;
//!
//! seed! {
//!     // The doc comment describes the unit (`seed-runner --list` shows it).
//!     /// Venues across Europe.
//!     set venues;                          // the unit's name: `seed-runner --only venues`
//!
//!     venues {                             // a table of the schema
//!         tanzhaus_berlin {                // a label: the row's stable identity
//!             name: "Tanzhaus Berlin",
//!             slug: "tanzhaus-berlin",
//!             city: "Berlin",
//!             country: "DE",
//!             capacity: 400,               // nullable and defaulted columns may be left out
//!         }
//!         _ { name: "Casa do Baile", slug: "casa-do-baile", city: "Lisboa", country: "PT" }
//!     }
//! }
//! # fn main() {
//! #     let registry = seedbed::select::Registry::discover().unwrap();
//! #     let unit = registry.get("venues").unwrap();
//! #     assert_eq!(unit.kind, seedbed::UnitKind::Set);
//! #     assert!(unit.description.starts_with("Venues across Europe."));
//! #     assert_eq!(unit.static_rows, Some(2));
//! #     assert_eq!(venues::ALL.len(), 1);
//! # }
//! ```
//!
//! A `seed!` at item level starts with `set NAME;` (its doc comment, if any, goes before `set`)
//! and holds one block per table. The grammar of both macros:
//!
//! ```text
//! seed!      := doc* "set" UNIT options? ";" table*      at item level: a seed set
//!             | table*                                    inside a #[scenario] function
//! scenario   := doc* "#[scenario" ("(" options ")")? "]" "fn" UNIT "()" "->" "Seed" BLOCK
//! options    := option ("," option)*
//! option     := "depends_on" "=" "[" UNIT,* "]"
//!             | "env" "=" "[" ENVIRONMENT,* "]"         development, test, staging, production
//!             | "explicit"
//! table      := TABLE "{" entry* "}"
//! entry      := row | "for" PATTERN "in" EXPR "{" entry* "}"
//! row        := (LABEL | "_") "{" (COLUMN ":" EXPR),* "}"
//! ```
//!
//! # Labels, keys and references
//!
//! A **labelled** row gets a primary key derived from its unit, table and label (a UUIDv5 for a
//! `uuid` key), so it is the same row on every run and a re-run finds it. The label also becomes
//! a constant in a module named after the table, next to the `seed!`: `venues::tanzhaus_berlin`,
//! typed by its table. Rows written `_` get keys from their position instead (ordered, so
//! generated rows load fast). `venues::ALL` lists a table's labelled rows, in the order written.
//! Tables whose key the database generates (`identity`, `serial`) take labels too: seedbed draws
//! their keys from the sequence and remembers them in the ledger. Rows of tables with a composite
//! key (join tables) are written `_`.
//!
//! A **reference** is a foreign key column given a label: `table::label` for a row of the same
//! `seed!`, and a Rust path to the constant for another unit's row. A reference to another unit
//! makes it a dependency (applied first) without a `depends_on`; rustc resolves the path, so an
//! IDE jumps to the row, and a row of the wrong table does not compile.
//!
//! ```standalone_crate
//! mod places {
//!     seedbed::seed! {
//!         /// Where festivals happen, and who runs them.
//!         set places;
//!
//!         users {
//!             carla { email: "carla@festivalscout.test", display_name: "Carla", password_hash: "x" }
//!         }
//!         organizers {
//!             // A row of another table of the same `seed!`: `table::label`.
//!             lisbon_kizomba { name: "Lisbon Kizomba", slug: "lisbon-kizomba", owner_user_id: users::carla }
//!         }
//!         venues {
//!             casa_do_baile { name: "Casa do Baile", slug: "casa-do-baile", city: "Lisboa", country: "PT" }
//!         }
//!         teachers {
//!             ana { name: "Ana Lima", slug: "ana-lima" }
//!             joao { name: "João Costa", slug: "joao-costa" }
//!         }
//!     }
//! }
//!
//! mod festivals {
//!     use crate::places::{organizers, teachers, venues};
//!
//!     seedbed::seed! {
//!         /// The Lisbon weekend and its line-up.
//!         set festivals;
//!
//!         events {
//!             kizomba_weekend {
//!                 // Rows of another unit: paths to its constants (here through the `use`).
//!                 organizer_id: organizers::lisbon_kizomba,
//!                 venue_id: venues::casa_do_baile,
//!                 slug: "lisbon-kizomba-weekend",
//!                 title: "Lisbon Kizomba Weekend",
//!                 status: "published",
//!                 starts_at: "2026-10-02T18:00:00Z",
//!                 ends_at: "2026-10-05T02:00:00Z",
//!                 timezone: "Europe/Lisbon",
//!             }
//!         }
//!         event_teachers {
//!             // `ALL`: every labelled row of a table, here another unit's.
//!             for (i, teacher) in teachers::ALL.iter().enumerate() {
//!                 _ { event_id: events::kizomba_weekend, teacher_id: *teacher, sort_order: i as i16 }
//!             }
//!         }
//!     }
//! }
//! # fn main() {
//! #     let registry = seedbed::select::Registry::discover().unwrap();
//! #     assert_eq!(registry.get("festivals").unwrap().dependencies(), ["places"]);
//! #     let order: Vec<_> = registry.select(None, "development").unwrap().iter().map(|u| u.name).collect();
//! #     assert_eq!(order, ["places", "festivals"]);
//! # }
//! ```
//!
//! # Values
//!
//! A value is a literal or any Rust expression.
//!
//! - **Literals** are checked by the macro against the column: its SQL type, length
//!   (`varchar(120)`, `char(2)`), enum values, and simple `CHECK` constraints (`rating BETWEEN 1
//!   AND 5`, `capacity > 0`). Strings are also accepted for types the server parses from text:
//!   `timestamptz`, `date`, `uuid`, `interval`, `inet`, `numeric`. Arrays are written `[...]`.
//! - **Expressions** are type-checked by rustc against the column: `i16` for `smallint`, `i32`
//!   for `integer`, `i64` for `bigint`, `&str`/`String` for text types and enums, `bool`,
//!   `f64` (or an integer) for `numeric`, `Uuid`, `chrono::DateTime<Utc>` for `timestamptz`,
//!   `NaiveDate` for `date`, `serde_json::Value` (from [`json!`]) for `json`/`jsonb`,
//!   `Vec`/arrays for array columns. The error names the column and the types it takes.
//! - **Nullable** columns may be left out, given `None`, a value, `Some(value)`, or any
//!   `Option` of a value. Defaulted columns may be left out; the database fills them.
//!
//! ```standalone_crate
//! use seedbed::{days_ago, days_from_now, json, seed};
//!
//! const HOME_CITY: Option<&str> = Some("Porto");
//!
//! seed! {
//!     /// Values of every kind.
//!     set values_tour;
//!
//!     users {
//!         paula {
//!             email: "paula@festivalscout.test",
//!             display_name: format!("Paula {}", "Power"),  // any expression of a text type
//!             password_hash: "x",
//!             role: "organizer",                           // an enum value, checked
//!             home_city: HOME_CITY,                        // an `Option`, for a nullable column
//!             home_country: "PT",                          // char(2): length checked
//!             bio: None,                                   // NULL
//!             email_verified_at: Some(days_ago(30)),       // the run's clock, see below
//!         }
//!     }
//!     user_preferences {
//!         _ {
//!             user_id: users::paula,
//!             preferred_skill_level: "intermediate",
//!             search_radius_km: 250,                       // CHECK (search_radius_km > 0)
//!             notification_settings: json!({ "digest": "weekly" }),
//!         }
//!     }
//!     organizers {
//!         porto_semba { name: "Porto Semba", slug: "porto-semba", owner_user_id: users::paula }
//!     }
//!     venues {
//!         armazem { name: "Armazém", slug: "armazem", city: "Porto", country: "PT", latitude: 41.1496 }
//!     }
//!     teachers {
//!         rui {
//!             name: "Rui",
//!             slug: "rui",
//!             specialties: ["semba", "kizomba"],                          // text[]
//!             teaching_since: "2011-09-01",                               // date, as text
//!         }
//!     }
//!     events {
//!         semba_nights {
//!             organizer_id: organizers::porto_semba,
//!             venue_id: venues::armazem,
//!             slug: "semba-nights",
//!             title: "Semba Nights",
//!             starts_at: days_from_now(30),
//!             ends_at: days_from_now(32),
//!             timezone: "Europe/Lisbon",
//!             capacity: Some(180),
//!         }
//!     }
//!     pricing_tiers {
//!         _ { event_id: events::semba_nights, name: "Full pass", price: 95.00, currency: "EUR" }
//!         _ { event_id: events::semba_nights, name: "Party pass", price: 0.5 * 90.0, currency: "EUR" }
//!     }
//! }
//! # fn main() {
//! #     let registry = seedbed::select::Registry::discover().unwrap();
//! #     assert_eq!(registry.get("values_tour").unwrap().static_rows, Some(8));
//! # }
//! ```
//!
//! ## Column types, literals and Rust types
//!
//! | column type | literal | Rust expression |
//! | --- | --- | --- |
//! | `smallint`, `integer`, `bigint` | `42` (range-checked) | `i16`, `i32`, `i64` (smaller integers fit too) |
//! | `numeric(p,s)` | `12.50` (digits kept), `"12.50"` | `f64`, `f32`, `i32`, `i64`, `u32`, `u64` |
//! | `real`, `double precision` | `1.5` | `f32`, `f64` |
//! | `text`, `varchar(n)`, `char(n)` | `"..."` (length-checked) | `&str`, `String`, `&String`, `char` |
//! | `boolean` | `true` | `bool` |
//! | `uuid` | `"..."` (parsed), a label | `Uuid`, a label constant |
//! | `date` | `"2026-05-01"` | `chrono::NaiveDate` (`days_from_now(3).date_naive()`) |
//! | `timestamp` | `"2026-05-01 19:00:00"` | `chrono::NaiveDateTime` |
//! | `timestamptz` | `"2026-05-01T19:00:00+01:00"` | `DateTime<Utc>` ([`now`], [`days_from_now`], [`days_ago`], `.at(h, m)`), `DateTime<FixedOffset>`, `DateTime<chrono_tz::Tz>` (`.in_tz(zone)`) |
//! | `time` | `"19:30"` | `chrono::NaiveTime` |
//! | `json`, `jsonb` | `"{...}"` | `serde_json::Value`, from [`json!`] |
//! | `bytea` | | `Vec<u8>`, `&[u8]` |
//! | an enum | `"published"` (checked against its labels) | its Rust enum from [`enums!()`](enums!) (`EventStatus::Published`), or a `&str` checked by the server |
//! | `T[]` | `["a", "b"]` | `Vec<T>`, `[T; N]`, `&[T]` of the element's Rust type |
//! | a nullable column | any of its type's, and `None` | the same, or an `Option` of it |
//! | `interval`, `inet`, other types | the type's text form | `&str`, `String` |
//!
//! ```standalone_crate
//! use seedbed::chrono::NaiveDate;
//! use seedbed::{days_from_now, json, seed};
//!
//! mod sql {
//!     seedbed::enums!(); // a Rust enum per enum type of the migrations
//! }
//! use sql::EventStatus;
//!
//! seed! {
//!     /// Each column type, as a literal and as an expression.
//!     set type_tour;
//!
//!     organizers { porto { name: "Porto Semba", slug: "porto-semba" } }
//!     venues {
//!         armazem {
//!             name: "Armazém", slug: "armazem", city: "Porto", country: "PT",
//!             latitude: 41.1496,                                  // numeric(9,6), a literal
//!             longitude: -8.61_f64,                               // numeric(9,6), an `f64`
//!         }
//!     }
//!     teachers {
//!         rui {
//!             name: "Rui", slug: "rui",
//!             specialties: ["semba", "kizomba"],                  // text[], a literal
//!             teaching_since: "2011-09-01",                       // date, a literal
//!         }
//!         ines {
//!             name: "Inês", slug: "ines",
//!             specialties: vec![String::from("zouk")],            // text[], a `Vec<String>`
//!             teaching_since: NaiveDate::from_ymd_opt(2015, 3, 1), // date, an `Option<NaiveDate>`
//!         }
//!     }
//!     events {
//!         semba_nights {
//!             organizer_id: organizers::porto,
//!             venue_id: venues::armazem,
//!             slug: "semba-nights",
//!             title: "Semba Nights",
//!             status: EventStatus::Published,                     // an enum, its Rust type
//!             starts_at: days_from_now(30).at(21, 0).in_tz("Europe/Lisbon"), // timestamptz
//!             ends_at: "2030-01-01T02:00:00Z",                    // timestamptz, a literal
//!             timezone: "Europe/Lisbon",
//!         }
//!     }
//!     event_sessions {
//!         _ {
//!             event_id: events::semba_nights,
//!             title: "Opening class",
//!             starts_at: days_from_now(30).at(19, 30),
//!             ends_at: days_from_now(30).at(20, 30),
//!         }
//!     }
//!     pricing_tiers {
//!         _ { event_id: events::semba_nights, name: "Full pass", price: 95.00, currency: "EUR" }
//!         _ { event_id: events::semba_nights, name: "Party pass", price: 45_i32, currency: "EUR" }
//!     }
//!     user_preferences {
//!         _ {
//!             user_id: seedbed::uuid::Uuid::nil(),
//!             notification_settings: json!({ "digest": "weekly" }), // jsonb, from `json!`
//!             privacy_settings: "{\"public\": false}",            // jsonb, a literal
//!         }
//!     }
//! }
//! # fn main() {
//! #     let registry = seedbed::select::Registry::discover().unwrap();
//! #     assert_eq!(registry.get("type_tour").unwrap().static_rows, Some(9));
//! # }
//! ```
//!
//! ## Join tables
//!
//! A table whose primary key is several columns (a join table such as `event_teachers`, keyed
//! by `(event_id, teacher_id)`) takes rows written `_`, not labels: the row is named by its key
//! columns, each given the row it joins. Nothing refers to such a row by a label; a table with a
//! foreign key to it gives the same rows to the columns of that key (a column that is not also
//! a foreign key of its own takes the row's key, `events::x.key()`).
//!
//! ```standalone_crate
//! seedbed::seed! {
//!     /// A weekend and its two teachers, joined.
//!     set lineup;
//!
//!     organizers { porto { name: "Porto Semba", slug: "porto-semba" } }
//!     venues { armazem { name: "Armazém", slug: "armazem", city: "Porto", country: "PT" } }
//!     teachers {
//!         ana { name: "Ana Lima", slug: "ana-lima" }
//!         joao { name: "João Costa", slug: "joao-costa" }
//!     }
//!     events {
//!         weekend {
//!             organizer_id: organizers::porto, venue_id: venues::armazem, slug: "weekend",
//!             title: "Weekend", starts_at: "2026-10-02T18:00:00Z", ends_at: "2026-10-04T02:00:00Z",
//!             timezone: "Europe/Lisbon",
//!         }
//!     }
//!     event_teachers {
//!         _ { event_id: events::weekend, teacher_id: teachers::ana, is_headliner: true }
//!         _ { event_id: events::weekend, teacher_id: teachers::joao }
//!     }
//! }
//! # fn main() {
//! #     assert_eq!(events::weekend.key(), seedbed::plan::label_key("lineup", "events", "weekend"));
//! # }
//! ```
//!
//! # Loops
//!
//! `for PATTERN in EXPR { rows }` repeats its rows for each item; loops nest, and the rows use
//! the loop's variables. Rows made in a loop are written `_` (a label must be unique). The
//! rows are produced while the unit is applied, streamed to the database (with `COPY` when there
//! are many), and never all held in memory, so a loop may make a million rows.
//!
//! ```standalone_crate
//! seedbed::seed! {
//!     /// A small and a large hall in each of three cities.
//!     set halls;
//!
//!     venues {
//!         for (city, country) in [("Lyon", "FR"), ("Gent", "BE"), ("Porto", "PT")] {
//!             for capacity in [80, 400] {
//!                 _ {
//!                     name: format!("{city} Hall {capacity}"),
//!                     slug: format!("{}-hall-{capacity}", city.to_lowercase()),
//!                     city: city,
//!                     country: country,
//!                     capacity: capacity,
//!                 }
//!             }
//!         }
//!     }
//! }
//! # fn main() {
//! #     let registry = seedbed::select::Registry::discover().unwrap();
//! #     let rows: usize = (registry.get("halls").unwrap().build)().tables.into_iter().map(|t| t.rows.count()).sum();
//! #     assert_eq!(rows, 6);
//! # }
//! ```
//!
//! A loop may walk data a scenario borrows from its own locals (`people.iter()`): the loop
//! takes the variables it uses, as a `move` closure does, and produces its rows from them after
//! the function has returned. A second loop over the same local is then rustc's "use of moved
//! value": clone the data for it before the `seed!`, or keep the data in a `static` or `const`.
//!
//! ```standalone_crate
//! /// Members from a list the scenario builds.
//! #[seedbed::scenario]
//! fn members() -> seedbed::Seed {
//!     let people: Vec<(String, &str)> = vec![("Ana".into(), "Porto"), ("Bo".into(), "Gent")];
//!     let again = people.clone(); // for a second loop
//!     seedbed::seed! {
//!         users {
//!             for (i, (name, city)) in people.iter().enumerate() {
//!                 _ {
//!                     email: format!("{}@festivalscout.test", name.to_lowercase()),
//!                     display_name: name,                      // a `&String`, copied
//!                     password_hash: "x",
//!                     home_city: *city,
//!                     created_at: seedbed::days_ago(i),        // a `usize`
//!                 }
//!             }
//!         }
//!         organizers {
//!             for (name, _) in &again {
//!                 _ { name: format!("{name}'s"), slug: name.to_lowercase() }
//!             }
//!         }
//!     }
//! }
//! # fn main() {
//! #     let rows: usize = members().tables.into_iter().map(|t| t.rows.count()).sum();
//! #     assert_eq!(rows, 4);
//! # }
//! ```
//!
//! # Scenarios
//!
//! A scenario is a function marked `#[scenario]` that returns the [`Seed`] its `seed!` blocks
//! build: plain Rust around them computes what the rows need, and several blocks can be
//! [merged](Seed::merge). It takes no arguments (the run's settings come from the functions
//! below). Its name is the function's, its description the doc comment. A scenario's labels
//! live in a module named after it (`power_user::users::paula`), and a path naming a table
//! that the block does not label is another unit's row.
//!
//! ```standalone_crate
//! use seedbed::{Seed, days_ago, scenario, seed};
//!
//! mod base {
//!     seedbed::seed! {
//!         /// Teachers everyone can follow.
//!         set base;
//!         teachers {
//!             ana { name: "Ana Lima", slug: "ana-lima" }
//!             joao { name: "João Costa", slug: "joao-costa" }
//!         }
//!     }
//! }
//!
//! /// A user who follows every teacher.
//! #[scenario(depends_on = [base])]
//! fn power_user() -> Seed {
//!     let follows = seed! {
//!         users {
//!             paula { email: "paula.power@festivalscout.test", display_name: "Paula Power", password_hash: "x" }
//!         }
//!         user_teacher_follows {
//!             for teacher in crate::base::teachers::ALL {
//!                 _ { user_id: users::paula, teacher_id: teacher, created_at: days_ago(3) }
//!             }
//!         }
//!     };
//!     let notes = seed! {
//!         notifications {
//!             _ { user_id: power_user::users::paula, kind: "system", title: "Welcome back" }
//!         }
//!     };
//!     follows.merge(notes)
//! }
//! # fn main() {
//! #     let registry = seedbed::select::Registry::discover().unwrap();
//! #     let unit = registry.get("power_user").unwrap();
//! #     assert_eq!(unit.kind, seedbed::UnitKind::Scenario);
//! #     assert_eq!(unit.description, "A user who follows every teacher.");
//! #     let rows: usize = power_user().tables.into_iter().map(|t| t.rows.count()).sum();
//! #     assert_eq!(rows, 1 + 2 + 1);
//! # }
//! ```
//!
//! # Dependencies, environments, explicit units
//!
//! Sets take options in parentheses after their name, scenarios in the attribute:
//!
//! - `depends_on = [a, b]`: units applied before this one (and with it, when it is named with
//!   `--only`). References to another unit's rows add it by themselves. Names are checked at
//!   compile time against the units of the crate; a cycle is a compile error.
//! - `env = [development, test, staging, production]`: where the unit may run; by default
//!   `development` and `test`. Only units that name `production` ever run there.
//! - `explicit`: applied only when named (`seed-runner --only NAME`, [`Fixture::units`]), never
//!   by a run that applies everything: for load-test data, or a scenario that would get in the
//!   way of others.
//!
//! ```standalone_crate
//! # fn main() {}
//! seedbed::seed! {
//!     /// Dance styles: reference data, in production too.
//!     set dance_styles(env = [development, test, staging, production]);
//!     dance_styles { kizomba { name: "Kizomba", slug: "kizomba" } }
//! }
//!
//! /// Ten thousand users for load tests: only with `--only crowd`.
//! #[seedbed::scenario(depends_on = [dance_styles], explicit)]
//! fn crowd() -> seedbed::Seed {
//!     seedbed::seed! {
//!         users {
//!             for i in 0..10_000 {
//!                 _ { email: format!("dancer{i}@example.com"), display_name: format!("Dancer {i}"), password_hash: "x" }
//!             }
//!         }
//!     }
//! }
//! ```
//!
//! # The run's context
//!
//! Rows are built when a unit is applied, under the run's [`Context`], which seed code reads:
//!
//! - [`now() -> DateTime<Utc>`](now()): the run's clock, today at 00:00 UTC unless `--clock
//!   2026-05-01` pins it (so a re-run on the same day changes nothing).
//! - [`days_from_now(days: impl AnyInt) -> DateTime<Utc>`](days_from_now) and
//!   [`days_ago(days: impl AnyInt) -> DateTime<Utc>`](days_ago): midnight UTC of the run's day
//!   plus or minus `days` (negative goes the other way). [`WallClock`] adds the time of day and
//!   the time zone: `days_from_now(3).at(19, 0)` is 19:00 UTC, and
//!   `days_from_now(3).at(19, 0).in_tz("Europe/Lisbon")` 19:00 on Lisbon's clocks (18:00 UTC in
//!   summer, 19:00 in winter); `seed!` values have it without an import.
//! - [`scale(name: &str, default: impl AnyInt) -> u64`](scale): a size, `default` unless
//!   `--scale events=N` says otherwise.
//! - [`rng(stream: impl AsRef<str>) -> ChaCha8Rng`](rng): a generator seeded by `--random-seed`
//!   and the stream's name, for reproducible fake data (with the re-exported [`fake`] and
//!   [`rand`]).
//! - [`generated_id(table: &str, ordinal: impl AnyInt) -> Uuid`](generated_id): the key of the
//!   `ordinal`-th `_` row of a table in this unit, so generated rows can point at each other.
//!
//! [`AnyInt`] is any primitive integer type: a loop's `u64`, an `enumerate()`'s `usize`, an
//! `i32`, without casts.
//!
//! ```standalone_crate
//! use seedbed::fake::Fake;
//! use seedbed::fake::faker::company::en::CompanyName;
//! use seedbed::rand::Rng;
//! use seedbed::{Seed, days_from_now, generated_id, scale, scenario, seed};
//!
//! /// A generated catalog for load tests: `seed-runner --only catalog --scale events=100000`.
//! #[scenario(explicit)]
//! fn catalog() -> Seed {
//!     let events = scale("events", 100);
//!     let organizers = events / 10 + 1;
//!     // One generator per table, so one table's draws never shift another's.
//!     let mut names = seedbed::rng("catalog/organizers");
//!     let mut sizes = seedbed::rng("catalog/events");
//!     seed! {
//!         organizers {
//!             for i in 0..organizers {
//!                 _ { name: CompanyName().fake_with_rng::<String, _>(&mut names), slug: format!("org-{i}") }
//!             }
//!         }
//!         venues {
//!             main_hall { name: "Main Hall", slug: "main-hall", city: "Berlin", country: "DE" }
//!         }
//!         events {
//!             for i in 0..events {
//!                 _ {
//!                     organizer_id: generated_id("organizers", i % organizers),
//!                     venue_id: venues::main_hall,
//!                     slug: format!("event-{i}"),
//!                     title: format!("Event {i}"),
//!                     starts_at: days_from_now(i % 365),
//!                     ends_at: days_from_now(i % 365 + 2),
//!                     timezone: "Europe/Berlin",
//!                     capacity: sizes.random_range(50..500_i32),
//!                 }
//!             }
//!         }
//!     }
//! }
//! # fn main() {
//! #     let ctx = seedbed::Context { scale: [("events".to_owned(), 20)].into(), ..Default::default() };
//! #     let rows: usize = ctx.sync_scope(|| catalog().tables.into_iter().map(|t| t.rows.count()).sum());
//! #     assert_eq!(rows, 3 + 1 + 20);
//! # }
//! ```
//!
//! # Mistakes the compiler catches
//!
//! Each mistake is a compile error on the offending token, and one compile reports them all.
//! A misspelt column (or table) gets the nearest name:
//!
//! ```compile_fail
//! seedbed::seed! {
//!     set places;
//!     venues {
//!         // error: unknown column `capacty` in table `venues`; did you mean `capacity`?
//!         tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE", capacty: 400 }
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! A literal of the wrong type:
//!
//! ```compile_fail
//! seedbed::seed! {
//!     set places;
//!     venues {
//!         // error: column `capacity` of `venues` is `integer`: expected an integer, found a string
//!         tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE", capacity: "400" }
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! An expression of the wrong type (rustc's error, worded by seedbed):
//!
//! ```compile_fail,E0277
//! seedbed::seed! {
//!     set places;
//!     venues {
//!         // error[E0277]: column `capacity` of `venues` is `integer`: `String` is not a value for it
//!         tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE", capacity: 400.to_string() }
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! A value that is not one of the enum's:
//!
//! ```compile_fail
//! seedbed::seed! {
//!     set accounts;
//!     users {
//!         paula {
//!             email: "paula@festivalscout.test",
//!             display_name: "Paula",
//!             password_hash: "x",
//!             // error: column `role` of `users` is `user_role`: `moderator` is not a value of
//!             // enum `user_role`; expected one of `user`, `organizer`, `admin`
//!             role: "moderator",
//!         }
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! A required column left out:
//!
//! ```compile_fail
//! seedbed::seed! {
//!     set places;
//!     venues {
//!         // error: missing required columns `slug`, `city`, `country` of table `venues`
//!         // (NOT NULL, no default)
//!         tanzhaus { name: "Tanzhaus" }
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! A reference to a row of the wrong table, in the same `seed!`:
//!
//! ```compile_fail
//! seedbed::seed! {
//!     set catalog;
//!     venues { tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" } }
//!     organizers { berlin_swing { name: "Berlin Swing", slug: "berlin-swing" } }
//!     events {
//!         lindy_shock {
//!             organizer_id: organizers::berlin_swing,
//!             // error: column `venue_id` of `events` references `venues`, but
//!             // `organizers::berlin_swing` is a row of `organizers`
//!             venue_id: organizers::berlin_swing,
//!             slug: "lindy-shock",
//!             title: "Lindy Shock",
//!             starts_at: "2026-10-01T18:00:00Z",
//!             ends_at: "2026-10-05T02:00:00Z",
//!             timezone: "Europe/Berlin",
//!         }
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! and in another unit, where rustc checks the type of the label constant:
//!
//! ```compile_fail,E0277
//! mod people {
//!     seedbed::seed! {
//!         set people;
//!         organizers { berlin_swing { name: "Berlin Swing", slug: "berlin-swing" } }
//!         teachers { alma { name: "Alma", slug: "alma" } }
//!     }
//! }
//!
//! seedbed::seed! {
//!     set festivals;
//!     venues { tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" } }
//!     events {
//!         lindy_shock {
//!             organizer_id: crate::people::organizers::berlin_swing,
//!             // error[E0277]: column `venue_id` of `events` references `venues`: the value is
//!             // not a row of `venues`
//!             venue_id: crate::people::teachers::alma,
//!             slug: "lindy-shock",
//!             title: "Lindy Shock",
//!             starts_at: "2026-10-01T18:00:00Z",
//!             ends_at: "2026-10-05T02:00:00Z",
//!             timezone: "Europe/Berlin",
//!         }
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! The same goes for an unknown table, a value too long for its `varchar`, a literal that breaks
//! a `CHECK`, a label used twice, a label inside a loop, two rows with the same value in a
//! unique column, `None` for a `NOT NULL` column, an unknown unit in `depends_on`, a dependency
//! cycle, an unknown environment, and a scenario with arguments.
//!
//! # Where the macros find the migrations
//!
//! In the nearest `migrations/` folder at or above the `Cargo.toml` of the crate being
//! compiled; or, when the environment variable `SEEDBED_MIGRATIONS` is set, in that folder,
//! relative to the crate's `Cargo.toml` (set it in `.cargo/config.toml` under `[env]`). The
//! files are sqlx's: `<version>_<name>.up.sql` with an optional `.down.sql`, or
//! `<version>_<name>.sql`, applied in version order. Every migration read is a dependency of the
//! compiled crate, so editing one recompiles the seeds; a *new* file is only noticed by cargo
//! through a build script, `fn main() { println!("cargo:rerun-if-changed=migrations"); }`.
//! [`migrations!()`](migrations!) embeds the same folder in the binary, for `seed-runner migrate`
//! and fixtures.
//!
//! # Applying seeds
//!
//! The modules follow the pipeline (ARCHITECTURE.md at the repository's root describes it):
//!
//! - [`plan`]: what the macros generate, the units and their rows.
//! - [`select`]: the [`Registry`](select::Registry) of every unit, and the dependency order.
//! - [`run`]: a run against one database: the lock, the guards, then apply, status or cleanup.
//! - [`cli`]: the `seed-runner` command line, one line of `main`:
//!   `seedbed::cli::main(MIGRATIONS)`.
//! - [`testing`]: scenarios in tests. [`#[seedbed::test]`](macro@test) runs an `async fn` with
//!   a database of its own, a copy of a template of the crate's migrations and the units named,
//!   handed over from clones made ahead, dropped when the test passes and kept when it fails.
//!   Underneath, [`Fixture::database()`](testing::Fixture::database) returns a
//!   [`testing::TestDatabase`], which [connects](testing::TestDatabase::connect) (an
//!   `sqlx::PgPool`), [names](testing::TestDatabase::name) its database, and is
//!   [dropped](testing::TestDatabase::drop) at the end of the test.
//!
//! ```no_run
//! use seedbed::testing::{Fixture, TestDatabase};
//!
//! static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();
//!
//! #[seedbed::test(units = [venues], clock = "2026-05-01")]
//! async fn venues_are_there(pool: sqlx::PgPool) -> Result<(), sqlx::Error> {
//!     let venues: i64 = sqlx::query_scalar("SELECT count(*) FROM venues").fetch_one(&pool).await?;
//!     assert!(venues > 0);
//!     Ok(())
//! }
//!
//! async fn venues_by_hand() -> Result<(), seedbed::Error> {
//!     let db: TestDatabase = Fixture::new(MIGRATIONS).units(&["venues"]).database().await?;
//!     let pool: sqlx::PgPool = db.connect().await?;
//!     // ... query the seeded database ...
//!     pool.close().await;
//!     db.drop().await
//! }
//! ```
//! - [`database`], [`local_cluster`], [`ledger`], [`catalog`], [`snapshot`],
//!   [`migrations`](mod@migrations): PostgreSQL (connecting, the throwaway local cluster, the
//!   ledger's tables, the live catalog, the schema snapshot) and embedded migrations.
//!
//! [`Fixture::units`]: testing::Fixture::units

pub use seedbed_macros::*;

pub mod cli;
mod engine;
pub mod error;
pub mod migrations;
pub mod plan;
pub mod run;
pub mod select;
pub mod testing;

// The PostgreSQL modules under their public names.
pub use engine::catalog;
pub use engine::postgres::{connect as database, ledger, local_cluster, snapshot, sql};

/// Re-exported so that a seeds crate needs no other dependency for dates, keys and fake data.
pub use {chrono, chrono_tz, fake, rand, uuid};

pub use error::Error;
pub use plan::context::{
    Context, days_ago, days_from_now, generated_id, now, random_seed, rng, scale,
};
pub use plan::int::AnyInt;
pub use plan::value::Value;
pub use plan::wall_clock::{WallClock, Zone};
pub use plan::{RowRef, Seed, Unit, UnitKind};
pub use serde_json::json;

/// What the code generated by `seed!` and `#[scenario]` refers to. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::plan::encode::{Encode, SqlEnum, sql};
    pub use crate::plan::value::Value;
    pub use crate::plan::wall_clock::WallClock;
    pub use crate::plan::*;
    pub use inventory;
    pub use serde_json;
    pub use uuid::Uuid;
}
