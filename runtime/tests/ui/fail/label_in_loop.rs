seedbed::seed! {
    set places;

    venues {
        for i in 0..3 {
            hall { name: format!("Hall {i}"), slug: format!("hall-{i}"), city: "Paris", country: "FR" }
        }
    }
}

fn main() {}
