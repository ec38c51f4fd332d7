//! The units of seedbed's PostgreSQL tests (`runtime/tests/postgres`), checked against the small
//! schema in `migrations/` next to this crate's manifest: the macros look for the nearest
//! `migrations/` at or above the crate that calls them, so these units live in a crate of their
//! own instead of in the test files (whose crate, `seedbed`, sits under Festival Scout's folder).

/// The migrations of the tests' schema, embedded.
pub static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();

pub mod t_venues {
    seedbed::seed! {
        /// Runner tests: an organizer and two venues.
        set t_venues;

        organizers {
            runner_org { name: "Runner Org", slug: "runner-org" }
        }
        venues {
            hall_a { name: "Runner Hall A", slug: "runner-hall-a", city: "Berlin", country: "DE" }
            hall_b {
                name: "Runner Hall B", slug: "runner-hall-b", city: "Lisboa", country: "PT",
                capacity: 300,
            }
        }
    }
}

/// Runner tests: `scale("n", 2)` events at the venues of `t_venues`, their titles marked with
/// `scale("v", 1)`, so that a run with another scale is a changed definition.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_events() -> seedbed::Seed {
    seedbed::seed! {
        events {
            for i in 0..seedbed::scale("n", 2) {
                _ {
                    organizer_id: t_venues::organizers::runner_org,
                    venue_id: if i % 2 == 0 { t_venues::venues::hall_a } else { t_venues::venues::hall_b },
                    slug: format!("runner-event-{i}"),
                    title: format!("Runner event {i}, version {}", seedbed::scale("v", 1)),
                    starts_at: seedbed::days_from_now(10 + i),
                    ends_at: seedbed::days_from_now(11 + i),
                    timezone: "Europe/Berlin",
                }
            }
        }
    }
}

/// Runner tests: seed code that panics (when `scale("boom", 0)` is set) in a row built in memory.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_panics() -> seedbed::Seed {
    seedbed::seed! {
        venues {
            doomed { name: doomed_name(), slug: "runner-doomed", city: "Porto", country: "PT", capacity: 10 }
        }
    }
}

fn doomed_name() -> String {
    if seedbed::scale("boom", 0) > 0 {
        panic!("no name for the doomed venue");
    }
    "Doomed".to_owned()
}

/// Runner tests: seed code that panics (when `scale("boom", 0)` is set) in the third row of a
/// streamed table, after two rows went out.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_panics_streamed() -> seedbed::Seed {
    seedbed::seed! {
        events {
            for i in 0..3 {
                _ {
                    organizer_id: t_venues::organizers::runner_org,
                    venue_id: t_venues::venues::hall_a,
                    slug: doomed_slug(i),
                    title: "Doomed",
                    starts_at: seedbed::days_from_now(10),
                    ends_at: seedbed::days_from_now(11),
                    timezone: "Europe/Berlin",
                }
            }
        }
    }
}

fn doomed_slug(i: u64) -> String {
    if i == 2 && seedbed::scale("boom", 0) > 0 {
        panic!("row {i} cannot be built");
    }
    format!("runner-doomed-{i}")
}

/// Runner tests: an event that ends before it starts, which only the server's CHECK sees.
#[seedbed::scenario(depends_on = [t_venues])]
fn t_backwards() -> seedbed::Seed {
    seedbed::seed! {
        events {
            backwards {
                organizer_id: t_venues::organizers::runner_org,
                venue_id: t_venues::venues::hall_a,
                slug: "runner-backwards",
                title: "Ends before it starts",
                starts_at: seedbed::days_from_now(5),
                ends_at: seedbed::days_from_now(4),
                timezone: "UTC",
            }
        }
    }
}

pub mod t_styles {
    seedbed::seed! {
        /// Runner tests: reference data allowed in production.
        set t_styles(env = [production, staging, development, test]);

        dance_styles {
            runner_style { name: "Runner Style", slug: "runner-style" }
        }
    }
}

/// Runner tests: `scale("n", 2)` generated events, each tagged with the style of `t_styles`.
#[seedbed::scenario(depends_on = [t_venues, t_styles])]
fn t_tagged() -> seedbed::Seed {
    seedbed::seed! {
        events {
            for i in 0..seedbed::scale("n", 2) {
                _ {
                    organizer_id: t_venues::organizers::runner_org,
                    venue_id: t_venues::venues::hall_a,
                    slug: format!("runner-tagged-{i}"),
                    title: format!("Tagged event {i}"),
                    starts_at: seedbed::days_from_now(20 + i),
                    ends_at: seedbed::days_from_now(21 + i),
                    timezone: "UTC",
                }
            }
        }
        event_dance_styles {
            for i in 0..seedbed::scale("n", 2) {
                _ {
                    event_id: seedbed::generated_id("events", i),
                    dance_style_id: t_styles::dance_styles::runner_style,
                }
            }
        }
    }
}

/// Runner tests: generated venues and organizers, written in that order (not the order of
/// their names, nor one the foreign keys impose).
#[seedbed::scenario]
fn t_generated() -> seedbed::Seed {
    seedbed::seed! {
        venues {
            for i in 0..seedbed::scale("n", 2) {
                _ { name: format!("Generated hall {i}"), slug: format!("runner-gen-hall-{i}"), city: "Oslo", country: "NO" }
            }
        }
        organizers {
            for i in 0..seedbed::scale("n", 2) {
                _ { name: format!("Generated org {i}"), slug: format!("runner-gen-org-{i}") }
            }
        }
    }
}

/// Runner tests: venues whose rows differ between runs the way they do when a seed's source is
/// edited: only the first `scale("n", 2)` of `edit_0` .. `edit_4`, their names marked with
/// `scale("v", 1)`. Without loops, it is applied with upserts, not streamed.
#[seedbed::scenario]
fn t_edited() -> seedbed::Seed {
    let mut seed = seedbed::seed! {
        venues {
            edit_0 { name: edited_name(0), slug: "runner-edit-0", city: "Berlin", country: "DE" }
            edit_1 { name: edited_name(1), slug: "runner-edit-1", city: "Berlin", country: "DE" }
            edit_2 { name: edited_name(2), slug: "runner-edit-2", city: "Berlin", country: "DE" }
            edit_3 { name: edited_name(3), slug: "runner-edit-3", city: "Berlin", country: "DE" }
            edit_4 { name: edited_name(4), slug: "runner-edit-4", city: "Berlin", country: "DE" }
        }
    };
    let n = seedbed::scale("n", 2) as usize;
    for table in &mut seed.tables {
        let rows = std::mem::replace(&mut table.rows, Box::new(std::iter::empty()));
        table.rows = Box::new(rows.take(n));
    }
    seed
}

fn edited_name(i: u32) -> String {
    format!("Edited {i}, version {}", seedbed::scale("v", 1))
}

/// Runner tests: an event whose status, given by an expression, is no `event_status`.
#[seedbed::scenario(depends_on = [t_venues], explicit)]
fn t_bad_status() -> seedbed::Seed {
    let status = ["published", "publishd"][seedbed::scale("bad", 1) as usize];
    seedbed::seed! {
        events {
            typo {
                organizer_id: t_venues::organizers::runner_org,
                venue_id: t_venues::venues::hall_a,
                slug: "runner-typo",
                title: "A typo in the status",
                status: status,
                starts_at: seedbed::days_from_now(5),
                ends_at: seedbed::days_from_now(6),
                timezone: "UTC",
            }
        }
    }
}

/// Runner tests: `scale("n", 12000)` events, enough for their table to be loaded bare and its
/// keys and indexes built after the rows are in; with `scale("dup", i)`, event `i` takes the
/// slug of event 0, which the unique constraint on slugs refuses; with `scale("dangling", i)`,
/// event `i` is at a venue that does not exist, which the foreign key refuses.
#[seedbed::scenario(depends_on = [t_venues], explicit)]
fn t_bulk_events() -> seedbed::Seed {
    let dup = seedbed::scale("dup", 0);
    let dangling = seedbed::scale("dangling", 0);
    seedbed::seed! {
        events {
            for i in 0..seedbed::scale("n", 12_000) {
                _ {
                    organizer_id: t_venues::organizers::runner_org,
                    venue_id: if dangling > 0 && i == dangling {
                        seedbed::generated_id("venues", 0)
                    } else if i % 2 == 0 {
                        t_venues::venues::hall_a.key()
                    } else {
                        t_venues::venues::hall_b.key()
                    },
                    slug: format!("bulk-event-{}", if dup > 0 && i == dup { 0 } else { i }),
                    title: format!("Bulk event {i}"),
                    starts_at: seedbed::days_from_now(10 + i % 300),
                    ends_at: seedbed::days_from_now(11 + i % 300),
                    timezone: "Europe/Berlin",
                }
            }
        }
    }
}
