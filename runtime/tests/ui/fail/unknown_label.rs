seedbed::seed! {
    set catalog;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
    organizers {
        berlin_swing { name: "Berlin Swing", slug: "berlin-swing" }
    }
    events {
        lindy_shock {
            organizer_id: organizers::berlin_swing,
            venue_id: venues::tanzhaus_berlin,
            slug: "lindy-shock",
            title: "Lindy Shock",
            starts_at: "2026-10-01T18:00:00Z",
            ends_at: "2026-10-05T02:00:00Z",
            timezone: "Europe/Berlin",
        }
    }
}

fn main() {}
