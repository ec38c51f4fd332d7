//! A time zone name written as a literal is checked at compile time.

seedbed::seed! {
    set places;

    organizers {
        lisbon { name: "Lisbon Kizomba", slug: "lisbon-kizomba" }
    }
    venues {
        casa { name: "Casa", slug: "casa", city: "Lisboa", country: "PT" }
    }
    events {
        weekend {
            organizer_id: organizers::lisbon,
            venue_id: venues::casa,
            slug: "weekend",
            title: "Weekend",
            starts_at: seedbed::days_from_now(3).at(19, 0).in_tz("Europe/Lisbn"),
            ends_at: seedbed::days_from_now(5).in_tz("Europe/Lisbon"),
            timezone: "Europe/Lisbon",
        }
    }
}

fn main() {}
