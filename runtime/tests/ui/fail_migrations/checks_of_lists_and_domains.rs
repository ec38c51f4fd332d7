// `kind` must be one of the listed values; `capacity` is a domain whose check wants it positive.
seedbed::seed! {
    set checked;

    venues {
        cave { name: "Cave", kind: "cellar" }
        hall { name: "Hall", kind: "hall", capacity: 0 }
    }
}

fn main() {}
