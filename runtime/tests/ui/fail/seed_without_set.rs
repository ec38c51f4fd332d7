seedbed::seed! {
    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
}

fn main() {}
