//! Base data.

use seedbed::seed;

seed! {
    /// Dance styles: reference data production needs too.
    set dance_styles(env = [production, staging, development, test]);

    dance_styles {
        salsa { name: "Salsa", slug: "salsa", description: "Cuban and Puerto Rican partner dance" }
        salsa_on2 { name: "Salsa On2", slug: "salsa-on2", parent_style_id: dance_styles::salsa }
        bachata { name: "Bachata", slug: "bachata" }
    }
}

seed! {
    /// Venues.
    set venues;

    venues {
        tanzhaus_berlin {
            name: "Tanzhaus Berlin", slug: "tanzhaus-berlin", city: "Berlin", country: "DE",
            latitude: 52.520008, longitude: 13.404954, timezone: "Europe/Berlin", capacity: 400,
        }
        _ { name: "Casa do Baile", slug: "casa-do-baile", city: "Lisboa", country: "PT", capacity: Some(250) }
        for i in 0..3 {
            _ { name: format!("Hall {i}"), slug: format!("hall-{i}"), city: "Paris", country: "FR" }
        }
    }
}
