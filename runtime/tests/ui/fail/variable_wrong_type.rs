const BIG: bool = true;

seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE", capacity: BIG }
    }
}

fn main() {}
