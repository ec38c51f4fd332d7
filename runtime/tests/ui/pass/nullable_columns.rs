//! A nullable column left out, given `None`, a value, `Some(value)` or an `Option` variable.

const NO_CAPACITY: Option<i32> = None;
const SOME_REGION: Option<&str> = Some("Brandenburg");

seedbed::seed! {
    set places;

    venues {
        left_out { name: "A", slug: "a", city: "Berlin", country: "DE" }
        none { name: "B", slug: "b", city: "Berlin", country: "DE", capacity: None, region: None }
        value { name: "C", slug: "c", city: "Berlin", country: "DE", capacity: 100, region: "Mitte" }
        some { name: "D", slug: "d", city: "Berlin", country: "DE", capacity: Some(100), region: Some(String::from("Mitte")) }
        option { name: "E", slug: "e", city: "Berlin", country: "DE", capacity: NO_CAPACITY, region: SOME_REGION }
    }
    organizers {
        // A nullable foreign key: `None`, or an `Option` of a row.
        _ { name: "F", slug: "f", owner_user_id: None }
        _ { name: "G", slug: "g", owner_user_id: None::<seedbed::uuid::Uuid> }
    }
}

fn main() {
    let registry = seedbed::select::Registry::discover().unwrap();
    let seed = (registry.get("places").unwrap().build)();
    let venues = seed
        .tables
        .into_iter()
        .find(|t| t.meta.name == "venues")
        .unwrap();
    let rows: Vec<_> = venues.rows.collect();
    assert_eq!(rows.len(), 5);
    // The left-out columns are not sent; `None` is.
    assert!(rows[0].values.len() < rows[1].values.len());
    assert!(rows[1].values.contains(&seedbed::Value::Null));
}
