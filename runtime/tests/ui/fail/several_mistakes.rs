seedbed::seed! {
    set catalog;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "Germany", capacty: 400 }
        halle { name: "Halle", slug: "halle", city: "Köln", country: "DE", capacity: -3 }
    }
    organizers {
        berlin_swing { name: "Berlin Swing", slug: "berlin-swing", is_verified: "yes" }
    }
    reviews {
        _ { user_id: seedbed::uuid::Uuid::nil(), event_id: seedbed::uuid::Uuid::nil(), rating: 0 }
    }
}

fn main() {}
