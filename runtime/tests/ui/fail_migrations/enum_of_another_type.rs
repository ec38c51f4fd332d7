// An enum column takes the values of its own enum type only.
seedbed::enums!();

seedbed::seed! {
    set venues;

    venues {
        hall { name: "Hall", kind: "hall", status: CheckOutcome::Passed }
    }
}

fn main() {}
