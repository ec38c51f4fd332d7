mod people {
    seedbed::seed! {
        set people;

        organizers {
            berlin_swing { name: "Berlin Swing", slug: "berlin-swing" }
        }
    }
}

seedbed::seed! {
    set festivals(depends_on = [people]);

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
    events {
        lindy_shock {
            organizer_id: crate::people::organizers::berlin_swing,
            venue_id: crate::people::organizers::berlin_swing,
            slug: "lindy-shock",
            title: "Lindy Shock",
            starts_at: "2026-10-01T18:00:00Z",
            ends_at: "2026-10-05T02:00:00Z",
            timezone: "Europe/Berlin",
        }
    }
}

fn main() {}
