seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus", capacity: 400 }
    }
}

fn main() {}
