seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE" }
        tanzhaus { name: "Tanzhaus Nord", slug: "tanzhaus-nord", city: "Hamburg", country: "DE" }
    }
}

fn main() {}
