seedbed::seed! {
    set places;

    venue {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
}

fn main() {}
