/// A venue sized by the caller.
#[seedbed::scenario]
fn big_venue(capacity: i32) -> seedbed::Seed {
    seedbed::seed! {
        venues {
            big { name: "Big", slug: "big", city: "Berlin", country: "DE", capacity: capacity }
        }
    }
}

fn main() {}
