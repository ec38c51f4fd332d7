//! The festivals: eight events at the base venues, in every status, with their lineups, dance
//! styles, pricing tiers and a few sessions.
//!
//! Dates are relative to the run's clock, so upcoming events stay upcoming: published events
//! start 45 to 160 days after it, the completed one ended a month before it, the archived one
//! more than a year before.

use seedbed::{days_ago, days_from_now, seed};

use super::{dance_styles, musicians, organizers, teachers, venues};

seed! {
    /// Eight events at the base venues (published, draft, cancelled, completed, archived), with
    /// lineups, dance styles, pricing tiers and sessions.
    set events(depends_on = [organizers, venues, teachers, musicians, dance_styles]);

    event_series {
        rimini_summer_salsa {
            organizer_id: organizers::riviera_latin_events,
            name: "Rimini Summer Salsa Festival",
            slug: "rimini-summer-salsa-festival",
            description: "Five days of salsa, bachata and kizomba by the Adriatic, every summer since 2012.",
            website_url: "https://rimini-salsa.example",
        }
    }

    events {
        berlin_salsa_congress {
            organizer_id: organizers::ritmo_berlin,
            venue_id: venues::tanzhaus_berlin,
            slug: "berlin-salsa-bachata-congress",
            title: "Berlin Salsa & Bachata Congress",
            summary: "Three days of On2 and Cuban salsa workshops, bachata bootcamps and live orchestra nights by the Spree.",
            description: "Workshops from 11:00 to 18:00 in three rooms, shows at 22:00 and socials until 04:00. Orquesta La Moderna plays on Saturday night.",
            status: "published",
            starts_at: days_from_now(45).at(16, 0),
            ends_at: days_from_now(48).at(2, 0),
            timezone: "Europe/Berlin",
            capacity: 400,
            registration_opens_at: days_ago(90),
            registration_deadline: days_from_now(44).at(21, 59),
            cover_image_url: "https://images.festivalscout.test/events/berlin-salsa-bachata-congress.jpg",
            website_url: "https://ritmo-berlin.example/congress",
            view_count: 1843,
            published_at: days_ago(90),
            is_featured: true,
        }
        lisboa_kizomba_festival {
            organizer_id: organizers::kizomba_lisboa,
            venue_id: venues::casa_do_baile_lisboa,
            slug: "lisboa-kizomba-festival",
            title: "Lisboa Kizomba Festival",
            summary: "Kizomba, semba and urban kiz in the city where Europe's kizomba scene began.",
            status: "published",
            starts_at: days_from_now(75).at(17, 0),
            ends_at: days_from_now(78).at(3, 0),
            timezone: "Europe/Lisbon",
            capacity: 280,
            registration_opens_at: days_ago(60),
            registration_deadline: days_from_now(73).at(23, 0),
            view_count: 962,
            published_at: days_ago(60),
        }
        madrid_bachata_weekend {
            organizer_id: organizers::baila_madrid,
            venue_id: venues::sala_ritmo_madrid,
            slug: "madrid-bachata-weekend",
            title: "Madrid Bachata Weekend",
            summary: "Dominican and sensual bachata with live music from the Cibao valley.",
            status: "draft",
            starts_at: days_from_now(120).at(16, 0),
            ends_at: days_from_now(122).at(22, 0),
            timezone: "Europe/Madrid",
            capacity: 900,
        }
        paris_swing_weekend {
            organizer_id: organizers::paris_swing_connection,
            venue_id: venues::pavillon_swing_paris,
            slug: "paris-swing-weekend",
            title: "Paris Swing Weekend",
            summary: "Lindy hop and balboa classes by day, live swing bands in an art-deco ballroom by night.",
            status: "completed",
            starts_at: days_from_now(-30).at(17, 0),
            ends_at: days_from_now(-28).at(22, 0),
            timezone: "Europe/Paris",
            capacity: 600,
            registration_opens_at: days_ago(150),
            registration_deadline: days_from_now(-31).at(22, 0),
            view_count: 3120,
            published_at: days_ago(150),
        }
        rimini_salsa_festival {
            organizer_id: organizers::riviera_latin_events,
            venue_id: venues::centro_congressi_rimini,
            series_id: event_series::rimini_summer_salsa,
            edition: 14,
            slug: "rimini-summer-salsa-festival-14",
            title: "Rimini Summer Salsa Festival",
            summary: "Europe's biggest summer salsa festival: 40 artists, 5 rooms, beach parties and live orchestras.",
            status: "published",
            starts_at: days_from_now(160).at(12, 0),
            ends_at: days_from_now(164).at(3, 0),
            timezone: "Europe/Rome",
            capacity: 2500,
            registration_opens_at: days_ago(200),
            registration_deadline: days_from_now(158).at(21, 59),
            view_count: 8731,
            published_at: days_ago(200),
            is_featured: true,
        }
        krakow_zouk_marathon {
            organizer_id: organizers::taniec_krakow,
            venue_id: venues::hala_wisla_krakow,
            slug: "krakow-zouk-marathon",
            title: "Kraków Zouk Marathon",
            summary: "A weekend of non-stop Brazilian zouk socials with Rio's DJs.",
            status: "cancelled",
            starts_at: days_from_now(20).at(16, 0),
            ends_at: days_from_now(22).at(20, 0),
            timezone: "Europe/Warsaw",
            capacity: 700,
            registration_opens_at: days_ago(100),
            registration_deadline: days_from_now(18).at(21, 59),
            view_count: 411,
            published_at: days_ago(100),
            cancelled_at: days_ago(6),
            cancellation_reason: "Too few registrations to cover the venue; every ticket is refunded in full.",
        }
        berlin_westie_open {
            organizer_id: organizers::ritmo_berlin,
            venue_id: venues::tanzhaus_berlin,
            slug: "berlin-westie-open",
            title: "Berlin Westie Open",
            summary: "West Coast Swing competitions, Jack & Jill and late-night blues rooms.",
            status: "archived",
            starts_at: days_from_now(-400).at(15, 0),
            ends_at: days_from_now(-398).at(21, 0),
            timezone: "Europe/Berlin",
            capacity: 450,
            registration_opens_at: days_ago(520),
            registration_deadline: days_from_now(-402).at(21, 59),
            view_count: 2204,
            published_at: days_ago(520),
        }
        krakow_tango_marathon {
            organizer_id: organizers::taniec_krakow,
            venue_id: venues::hala_wisla_krakow,
            slug: "krakow-tango-marathon",
            title: "Kraków Tango Marathon",
            summary: "Three nights of milongas with a live orquesta típica, in the old town's shadow.",
            status: "published",
            starts_at: days_from_now(100).at(17, 0),
            ends_at: days_from_now(103).at(1, 0),
            timezone: "Europe/Warsaw",
            capacity: 300,
            registration_opens_at: days_ago(30),
            registration_deadline: days_from_now(95).at(21, 59),
            view_count: 388,
            published_at: days_ago(30),
        }
    }

    event_dance_styles {
        _ { event_id: events::berlin_salsa_congress, dance_style_id: dance_styles::salsa, is_primary: true }
        _ { event_id: events::berlin_salsa_congress, dance_style_id: dance_styles::salsa_on2 }
        _ { event_id: events::berlin_salsa_congress, dance_style_id: dance_styles::sensual_bachata }
        _ { event_id: events::lisboa_kizomba_festival, dance_style_id: dance_styles::kizomba, is_primary: true }
        _ { event_id: events::lisboa_kizomba_festival, dance_style_id: dance_styles::semba }
        _ { event_id: events::lisboa_kizomba_festival, dance_style_id: dance_styles::urban_kiz }
        _ { event_id: events::madrid_bachata_weekend, dance_style_id: dance_styles::bachata, is_primary: true }
        _ { event_id: events::madrid_bachata_weekend, dance_style_id: dance_styles::dominican_bachata }
        _ { event_id: events::madrid_bachata_weekend, dance_style_id: dance_styles::sensual_bachata }
        _ { event_id: events::paris_swing_weekend, dance_style_id: dance_styles::lindy_hop, is_primary: true }
        _ { event_id: events::paris_swing_weekend, dance_style_id: dance_styles::balboa }
        _ { event_id: events::rimini_salsa_festival, dance_style_id: dance_styles::salsa, is_primary: true }
        _ { event_id: events::rimini_salsa_festival, dance_style_id: dance_styles::cuban_salsa }
        _ { event_id: events::rimini_salsa_festival, dance_style_id: dance_styles::bachata }
        _ { event_id: events::rimini_salsa_festival, dance_style_id: dance_styles::kizomba }
        _ { event_id: events::krakow_zouk_marathon, dance_style_id: dance_styles::brazilian_zouk, is_primary: true }
        _ { event_id: events::berlin_westie_open, dance_style_id: dance_styles::west_coast_swing, is_primary: true }
        _ { event_id: events::krakow_tango_marathon, dance_style_id: dance_styles::argentine_tango, is_primary: true }
    }

    event_teachers {
        _ { event_id: events::berlin_salsa_congress, teacher_id: teachers::carlos_mendez, is_headliner: true, sort_order: 1 }
        _ { event_id: events::berlin_salsa_congress, teacher_id: teachers::marco_bellini, sort_order: 2 }
        _ { event_id: events::lisboa_kizomba_festival, teacher_id: teachers::ana_ferreira, is_headliner: true, sort_order: 1 }
        _ { event_id: events::madrid_bachata_weekend, teacher_id: teachers::carlos_mendez, is_headliner: true, sort_order: 1 }
        _ { event_id: events::paris_swing_weekend, teacher_id: teachers::julie_moreau, is_headliner: true, sort_order: 1 }
        _ { event_id: events::paris_swing_weekend, teacher_id: teachers::lena_hoffmann, sort_order: 2 }
        _ { event_id: events::rimini_salsa_festival, teacher_id: teachers::marco_bellini, is_headliner: true, sort_order: 1 }
        _ { event_id: events::rimini_salsa_festival, teacher_id: teachers::carlos_mendez, is_headliner: true, sort_order: 2 }
        _ { event_id: events::rimini_salsa_festival, teacher_id: teachers::ana_ferreira, sort_order: 3 }
        _ { event_id: events::krakow_zouk_marathon, teacher_id: teachers::rafael_costa, is_headliner: true, sort_order: 1 }
        _ { event_id: events::berlin_westie_open, teacher_id: teachers::lena_hoffmann, is_headliner: true, sort_order: 1 }
    }

    event_musicians {
        _ { event_id: events::berlin_salsa_congress, musician_id: musicians::orquesta_la_moderna, is_headliner: true, sort_order: 1 }
        _ { event_id: events::berlin_salsa_congress, musician_id: musicians::los_hermanos_del_cibao, sort_order: 2 }
        _ { event_id: events::lisboa_kizomba_festival, musician_id: musicians::dj_nuno_lx, is_headliner: true, sort_order: 1 }
        _ { event_id: events::madrid_bachata_weekend, musician_id: musicians::los_hermanos_del_cibao, is_headliner: true, sort_order: 1 }
        _ { event_id: events::paris_swing_weekend, musician_id: musicians::hot_club_de_belleville, is_headliner: true, sort_order: 1 }
        _ { event_id: events::rimini_salsa_festival, musician_id: musicians::orquesta_la_moderna, is_headliner: true, sort_order: 1 }
        _ { event_id: events::rimini_salsa_festival, musician_id: musicians::los_hermanos_del_cibao, sort_order: 2 }
        _ { event_id: events::rimini_salsa_festival, musician_id: musicians::dj_nuno_lx, sort_order: 3 }
        _ { event_id: events::krakow_zouk_marathon, musician_id: musicians::dj_marina_alves, is_headliner: true, sort_order: 1 }
        _ { event_id: events::krakow_tango_marathon, musician_id: musicians::trio_bandoneon_del_sur, is_headliner: true, sort_order: 1 }
    }

    pricing_tiers {
        berlin_early_bird {
            event_id: events::berlin_salsa_congress,
            name: "Early Bird Full Pass",
            description: "All workshops, shows and parties. Sold out.",
            price: 119.00, currency: "EUR", quantity: 100, sold: 100,
            sales_start: days_ago(90), sales_end: days_ago(30), sort_order: 1,
        }
        berlin_full_pass {
            event_id: events::berlin_salsa_congress,
            name: "Full Pass",
            description: "All workshops, shows and parties.",
            price: 149.00, currency: "EUR", quantity: 250, sold: 131,
            sales_start: days_ago(30), sales_end: days_from_now(44).at(21, 59), sort_order: 2,
        }
        berlin_party_pass {
            event_id: events::berlin_salsa_congress,
            name: "Party Pass",
            description: "The three night parties and shows, no workshops.",
            price: 69.00, currency: "EUR", quantity: 50, sold: 12,
            sales_start: days_ago(30), sales_end: days_from_now(44).at(21, 59), sort_order: 3,
        }
        lisboa_full_pass {
            event_id: events::lisboa_kizomba_festival,
            name: "Full Pass",
            price: 110.00, currency: "EUR", quantity: 220, sold: 64,
            sales_start: days_ago(60), sort_order: 1,
        }
        lisboa_saturday_pass {
            event_id: events::lisboa_kizomba_festival,
            name: "Saturday Pass",
            description: "Saturday workshops and the Saturday night party.",
            price: 45.00, currency: "EUR", quantity: 60, sold: 9,
            sales_start: days_ago(60), sort_order: 2,
        }
        madrid_full_pass {
            event_id: events::madrid_bachata_weekend,
            name: "Full Pass",
            price: 95.00, currency: "EUR", quantity: 600, sort_order: 1, is_active: false,
        }
        paris_full_pass {
            event_id: events::paris_swing_weekend,
            name: "Full Pass",
            price: 130.00, currency: "EUR", quantity: 500, sold: 488,
            sales_start: days_ago(150), sales_end: days_from_now(-31).at(22, 0), sort_order: 1,
        }
        paris_evening_pass {
            event_id: events::paris_swing_weekend,
            name: "Evening Pass",
            description: "Friday and Saturday night parties with live bands.",
            price: 40.00, currency: "EUR", quantity: 100, sold: 97,
            sales_start: days_ago(150), sales_end: days_from_now(-31).at(22, 0), sort_order: 2,
        }
        rimini_full_pass {
            event_id: events::rimini_salsa_festival,
            name: "Full Pass",
            price: 185.00, currency: "EUR", quantity: 2000, sold: 740,
            sales_start: days_ago(200), sales_end: days_from_now(158).at(21, 59), sort_order: 1,
        }
        rimini_vip_pass {
            event_id: events::rimini_salsa_festival,
            name: "VIP Pass",
            description: "Full pass with reserved seats at the shows and a private class with the headliners.",
            price: 290.00, currency: "EUR", quantity: 150, sold: 61,
            sales_start: days_ago(200), sales_end: days_from_now(158).at(21, 59), sort_order: 2,
        }
        rimini_hotel_package {
            event_id: events::rimini_salsa_festival,
            name: "Full Pass + 4 Nights Hotel",
            description: "Full pass and four nights in a sea-view double room, breakfast included (price per person).",
            price: 520.00, currency: "EUR", quantity: 300, sold: 118,
            sales_start: days_ago(200), sales_end: days_from_now(130).at(21, 59), sort_order: 3,
        }
        krakow_zouk_full_pass {
            event_id: events::krakow_zouk_marathon,
            name: "Marathon Pass",
            price: 420.00, currency: "PLN", quantity: 400, sold: 233,
            sales_start: days_ago(100), sales_end: days_ago(6), sort_order: 1, is_active: false,
        }
        berlin_westie_pass {
            event_id: events::berlin_westie_open,
            name: "Full Pass",
            price: 140.00, currency: "EUR", quantity: 350, sold: 341,
            sales_start: days_ago(520), sales_end: days_from_now(-402).at(21, 59), sort_order: 1,
        }
        krakow_tango_marathon_pass {
            event_id: events::krakow_tango_marathon,
            name: "Marathon Pass",
            description: "All three nights, with the live orquesta on Saturday.",
            price: 320.00, currency: "PLN", quantity: 250, sold: 88,
            sales_start: days_ago(30), sales_end: days_from_now(95).at(21, 59), sort_order: 1,
        }
        krakow_tango_single_night {
            event_id: events::krakow_tango_marathon,
            name: "Single Milonga",
            price: 90.00, currency: "PLN", quantity: 50, sold: 14,
            sales_start: days_ago(30), sales_end: days_from_now(95).at(21, 59), sort_order: 2,
        }
    }

    event_sessions {
        _ {
            event_id: events::berlin_salsa_congress,
            teacher_id: teachers::carlos_mendez,
            dance_style_id: dance_styles::salsa_on2,
            title: "On2 Shines and Body Movement",
            kind: "workshop", skill_level: "intermediate", location: "Studio 1",
            starts_at: days_from_now(46).at(10, 0), ends_at: days_from_now(46).at(11, 30), capacity: 120,
        }
        _ {
            event_id: events::berlin_salsa_congress,
            teacher_id: teachers::marco_bellini,
            dance_style_id: dance_styles::cuban_salsa,
            title: "Rueda de Casino for Everyone",
            kind: "workshop", skill_level: "beginner", location: "Studio 2",
            starts_at: days_from_now(46).at(12, 0), ends_at: days_from_now(46).at(13, 30), capacity: 80,
        }
        _ {
            event_id: events::berlin_salsa_congress,
            musician_id: musicians::orquesta_la_moderna,
            dance_style_id: dance_styles::salsa,
            title: "Saturday Night Live: Orquesta La Moderna",
            kind: "concert", location: "Main Hall",
            starts_at: days_from_now(46).at(21, 0), ends_at: days_from_now(46).at(23, 0),
        }
        _ {
            event_id: events::krakow_tango_marathon,
            musician_id: musicians::trio_bandoneon_del_sur,
            dance_style_id: dance_styles::argentine_tango,
            title: "Milonga with Trío Bandoneón del Sur",
            kind: "social", location: "Main Hall",
            starts_at: days_from_now(101).at(19, 0), ends_at: days_from_now(102).at(1, 0),
        }
    }
}
