seedbed::enums!();

// Extension types, domains, composite types, money and tsvector take their text form (literals
// or `&str`/`String` expressions); rows of a partitioned table go to its parent.
seedbed::seed! {
    set venues;

    venues {
        tanzhaus {
            name: "Tanzhaus",
            kind: "club",
            capacity: 400,
            address: "(\"Erkrather Str. 30\",Düsseldorf)",
            entry_fee: "12.50",
            search: format!("{} {}", "tanz", "haus"),
        }
        park {
            name: String::from("Park"),
            kind: "outdoor",
            capacity: 2000 + 1,
            // A value of the Rust enum `seedbed::enums!()` made for `venue_status`.
            status: if 2 > 1 { VenueStatus::InReview } else { VenueStatus::Open },
            mood: Some(Mood::Wild),
        }
        quiet { name: "Quiet", kind: "club", capacity: 20, mood: Mood::Calm }
    }
    visits {
        _ { venue_id: venues::tanzhaus, day: "2026-05-01" }
    }
}


// A table of another schema is named `schema::table`, and so are its labels.
seedbed::seed! {
    set inspections(depends_on = [venues]);

    audit::checks {
        spring { venue_id: venues::tanzhaus, passed: true }
    }
    check_photos {
        _ { check_id: audit::checks::spring, url: "https://example.com/spring.jpg" }
    }
}

fn main() {
    assert_eq!(VenueStatus::InReview.label(), "in-review");
    assert_eq!(VenueStatus::ALL.len(), 3);
    assert_eq!(CheckOutcome::Failed.to_string(), "failed");
}
