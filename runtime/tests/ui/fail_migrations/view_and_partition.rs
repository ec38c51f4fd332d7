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


// A misspelt label of a table in another schema gets the same suggestion as any other.
seedbed::seed! {
    set inspections;

    audit::checks {
        spring { venue_id: "00000000-0000-0000-0000-000000000000", passed: true }
    }
    check_photos {
        _ { check_id: audit::checks::sprin, url: "https://example.com/spring.jpg" }
    }
}

fn main() {}
