//! References within a unit, to another unit's labels, and over another unit's `ALL` in loops.

mod people {
    seedbed::seed! {
        /// Two teachers and an organizer.
        set people;

        users {
            owner { email: "owner@festivalscout.test", display_name: "Owner", password_hash: "x" }
        }
        organizers {
            // Within the unit: a label of another table of the same `seed!`.
            berlin_swing { name: "Berlin Swing", slug: "berlin-swing", owner_user_id: users::owner }
        }
        teachers {
            alma { name: "Alma", slug: "alma" }
            bo { name: "Bo", slug: "bo" }
        }
        dance_styles {
            lindy { name: "Lindy Hop", slug: "lindy-hop" }
            // A table referencing itself.
            solo_jazz { name: "Solo Jazz", slug: "solo-jazz", parent_style_id: dance_styles::lindy }
        }
    }
}

mod festivals {
    use crate::people;

    seedbed::seed! {
        set festivals(depends_on = [people]);

        venues {
            tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
        }
        events {
            lindy_shock {
                // Across units: another unit's label constant, by path.
                organizer_id: people::organizers::berlin_swing,
                venue_id: venues::tanzhaus,
                slug: "lindy-shock",
                title: "Lindy Shock",
                starts_at: "2026-10-01T18:00:00Z",
                ends_at: "2026-10-05T02:00:00Z",
                timezone: "Europe/Berlin",
            }
        }
        event_teachers {
            // `ALL` of another unit in a loop, with expressions of the loop variable.
            for (i, teacher) in people::teachers::ALL.iter().enumerate() {
                _ {
                    event_id: events::lindy_shock,
                    teacher_id: *teacher,
                    is_headliner: i == 0,
                    sort_order: i as i16,
                }
            }
        }
        event_images {
            for i in 0..3_i16 {
                for size in ["small", "large"] {
                    _ { event_id: events::lindy_shock, url: format!("https://example.com/{i}-{size}.jpg"), sort_order: i }
                }
            }
        }
    }
}

fn main() {
    let registry = seedbed::select::Registry::discover().unwrap();
    let festivals = registry.get("festivals").unwrap();
    // Declared, and found from the paths the rows use.
    assert_eq!(festivals.dependencies(), ["people"]);
    assert_eq!(festivals.static_rows, None);
    let rows: usize = (festivals.build)()
        .tables
        .into_iter()
        .map(|t| t.rows.count())
        .sum();
    assert_eq!(rows, 1 + 1 + 2 + 6);
    assert_eq!(people::teachers::ALL.len(), 2);
    assert_eq!(
        registry.get("people").unwrap().description,
        "Two teachers and an organizer."
    );
}
