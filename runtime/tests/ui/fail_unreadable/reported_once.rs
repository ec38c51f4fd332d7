// A folder the loader refuses as a whole: its error stands once in the crate's output, not once
// per macro, and the rest of the crate gets no spurious error or warning.
use seedbed::seed;

mod kinds {
    seedbed::enums!();
}

use kinds::Mood;

seed! {
    set venues;
    venues { hall { name: "Hall", mood: Mood::Calm } }
}

seed! {
    set events(depends_on = [venues]);
    events { opening { venue_id: venues::hall, title: "Opening" } }
}

#[seedbed::scenario(depends_on = [events])]
fn crowded() -> seedbed::Seed {
    seed! {
        events { late { venue_id: venues::hall, title: "Late" } }
    }
}

static MIGRATIONS: seedbed::migrations::Migrations = seedbed::migrations!();

fn main() {
    let _ = &MIGRATIONS;
}
