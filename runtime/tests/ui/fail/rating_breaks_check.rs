seedbed::seed! {
    set opinions;

    reviews {
        _ {
            user_id: seedbed::uuid::Uuid::nil(),
            event_id: seedbed::uuid::Uuid::nil(),
            rating: 6,
        }
    }
}

fn main() {}
