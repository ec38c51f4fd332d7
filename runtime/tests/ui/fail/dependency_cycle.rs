mod places {
    seedbed::seed! {
        set places(depends_on = [organizers]);

        venues {
            tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
        }
    }
}

seedbed::seed! {
    set organizers(depends_on = [places]);

    organizers {
        berlin_swing { name: "Berlin Swing", slug: "berlin-swing" }
    }
}

fn main() {}
