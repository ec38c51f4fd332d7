seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE", capacty: 400 }
    }
}

fn main() {}
