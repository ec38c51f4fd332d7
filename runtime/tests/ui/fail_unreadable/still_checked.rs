// After the folder's one error, the seeds are still checked against what could be read of it:
// a misspelt column is reported on its token.
use seedbed::seed;

seed! {
    set venues;
    venues { hall { name: "Hall" } }
}

seed! {
    set events(depends_on = [venues]);
    events { opening { venue_id: venues::hall, titel: "Opening" } }
}

fn main() {}
