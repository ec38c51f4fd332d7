seedbed::seed! {
    set places;

    venues {
        tanzhaus { name: "Tanzhaus" }
    }
}

fn main() {}
