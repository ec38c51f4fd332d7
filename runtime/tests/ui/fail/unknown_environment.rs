seedbed::seed! {
    set places(env = [development, testing]);

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
    }
}

fn main() {}
