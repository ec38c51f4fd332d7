seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE", capacity: "400" }
    }
}

fn main() {}
