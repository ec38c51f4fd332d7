// A view and a partition cannot be seeded: the errors say what to seed instead.
seedbed::seed! {
    set wrong_targets;

    big_venues {
        arena { name: "Arena", kind: "hall" }
    }
    visits_2026 {
        _ { venue_id: "00000000-0000-0000-0000-000000000000", day: "2026-05-01" }
    }
}

fn main() {}
