seedbed::seed! {
    set places;

    venues {
        tanzhaus { nme: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
}

fn main() {}
