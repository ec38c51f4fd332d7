seedbed::seed! {
    set places;

    venues {
        tanzhaus {
            name: "Tanzhaus",
            slug: "tanzhaus",
            city: "Berlin",
            country: "DE",
            capacity: String::from("400"),
        }
    }
}

fn main() {}
