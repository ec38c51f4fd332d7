seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
}

seedbed::seed! {
    set festivals(depends_on = [place]);

    organizers {
        berlin_swing { name: "Berlin Swing", slug: "berlin-swing" }
    }
}

fn main() {}
