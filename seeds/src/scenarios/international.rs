//! `international_events`: currencies, time zones and venues on five continents.

use seedbed::{days_ago, days_from_now, scenario, seed};

use crate::base::{dance_styles, musicians, teachers};
use crate::base::{organizers as base_organizers, venues as base_venues};

/// Six events priced in six currencies (BRL, JPY, USD, GBP, AUD and EUR) at venues in Rio de
/// Janeiro, Tokyo, New York, London, Sydney and Berlin, each in its local time zone, with local
/// organizers.
#[scenario(depends_on = [base])]
pub fn international_events() -> seedbed::Seed {
    seed! {
        organizers {
            zouk_rio {
                name: "Zouk Rio Produções", slug: "zouk-rio-producoes", country: "BR",
                contact_email: "contato@zouk-rio.example", website_url: "https://zouk-rio.example", is_verified: true,
            }
            tokyo_salsa_association {
                name: "Tokyo Salsa Association", slug: "tokyo-salsa-association", country: "JP",
                contact_email: "info@tokyo-salsa.example", is_verified: true,
            }
            harlem_swing_society {
                name: "Harlem Swing Society", slug: "harlem-swing-society", country: "US",
                contact_email: "hello@harlem-swing.example", website_url: "https://harlem-swing.example", is_verified: true,
            }
            london_kizomba_collective {
                name: "London Kizomba Collective", slug: "london-kizomba-collective", country: "GB",
                contact_email: "hello@london-kizomba.example",
            }
            sydney_latin_dance {
                name: "Sydney Latin Dance Co.", slug: "sydney-latin-dance", country: "AU",
                contact_email: "gday@sydney-latin.example", is_verified: true,
            }
        }

        venues {
            rio_lapa_hall {
                name: "Espaço Lapa", slug: "espaco-lapa-rio",
                address: "Rua do Lavradio 100", postal_code: "20230-070",
                city: "Rio de Janeiro", region: "Rio de Janeiro", country: "BR",
                latitude: -22.912800, longitude: -43.181400,
                timezone: "America/Sao_Paulo", capacity: 800,
            }
            tokyo_shibuya_hall {
                name: "Shibuya Dance Hall", slug: "shibuya-dance-hall-tokyo",
                address: "2-21-1 Shibuya", postal_code: "150-0002",
                city: "Tokyo", region: "Tokyo", country: "JP",
                latitude: 35.659000, longitude: 139.703200,
                timezone: "Asia/Tokyo", capacity: 350,
            }
            new_york_harlem_ballroom {
                name: "Lenox Avenue Ballroom", slug: "lenox-avenue-ballroom-new-york",
                address: "2340 Frederick Douglass Blvd", postal_code: "10027",
                city: "New York", region: "New York", country: "US",
                latitude: 40.811300, longitude: -73.952200,
                timezone: "America/New_York", capacity: 1000,
            }
            london_camden_studios {
                name: "Camden Dance Works", slug: "camden-dance-works-london",
                address: "1 Chalk Farm Road", postal_code: "NW1 8AH",
                city: "London", region: "England", country: "GB",
                latitude: 51.541900, longitude: -0.148700,
                timezone: "Europe/London", capacity: 650,
            }
            sydney_surry_hills {
                name: "Surry Hills Dance Centre", slug: "surry-hills-dance-centre-sydney",
                address: "405 Crown Street", postal_code: "2010",
                city: "Sydney", region: "New South Wales", country: "AU",
                latitude: -33.886200, longitude: 151.212000,
                timezone: "Australia/Sydney", capacity: 300,
            }
        }

        events {
            rio_zouk_congress {
                organizer_id: organizers::zouk_rio, venue_id: venues::rio_lapa_hall,
                slug: "rio-zouk-congress", title: "Rio Zouk Congress",
                summary: "Brazilian zouk where it was born: workshops in Lapa, sunset socials on the beach.",
                status: "published",
                starts_at: days_from_now(90).at(21, 0), ends_at: days_from_now(94).at(5, 0),
                timezone: "America/Sao_Paulo", capacity: 800,
                registration_opens_at: days_ago(60), registration_deadline: days_from_now(85).at(23, 0),
                published_at: days_ago(60),
            }
            tokyo_salsa_festival {
                organizer_id: organizers::tokyo_salsa_association, venue_id: venues::tokyo_shibuya_hall,
                slug: "tokyo-salsa-festival", title: "Tokyo Salsa Festival",
                summary: "Japan's largest salsa weekend, with On2 bootcamps and a live timba night in Shibuya.",
                status: "published",
                starts_at: days_from_now(110).at(4, 0), ends_at: days_from_now(112).at(14, 0),
                timezone: "Asia/Tokyo", capacity: 350,
                registration_opens_at: days_ago(40), registration_deadline: days_from_now(105).at(14, 59),
                published_at: days_ago(40),
            }
            harlem_lindy_exchange {
                organizer_id: organizers::harlem_swing_society, venue_id: venues::new_york_harlem_ballroom,
                slug: "harlem-lindy-exchange", title: "Harlem Lindy Exchange",
                summary: "Lindy hop back home in Harlem: four nights of big bands, a Savoy-style battle and a Sunday jam.",
                status: "published",
                starts_at: days_from_now(70).at(23, 0), ends_at: days_from_now(74).at(4, 0),
                timezone: "America/New_York", capacity: 1000,
                registration_opens_at: days_ago(75), registration_deadline: days_from_now(68).at(3, 59),
                published_at: days_ago(75),
            }
            london_kizomba_weekender {
                organizer_id: organizers::london_kizomba_collective, venue_id: venues::london_camden_studios,
                slug: "london-kizomba-weekender", title: "London Kizomba Weekender",
                summary: "Kizomba, semba and urban kiz in Camden, with DJs from Lisbon and Luanda.",
                status: "published",
                starts_at: days_from_now(55).at(18, 0), ends_at: days_from_now(57).at(23, 0),
                timezone: "Europe/London", capacity: 650,
                registration_opens_at: days_ago(50), registration_deadline: days_from_now(53).at(22, 59),
                published_at: days_ago(50),
            }
            sydney_bachata_festival {
                organizer_id: organizers::sydney_latin_dance, venue_id: venues::sydney_surry_hills,
                slug: "sydney-bachata-festival", title: "Sydney Bachata Festival",
                summary: "Bachata under the southern summer sky, with a harbour cruise social.",
                status: "published",
                starts_at: days_from_now(130).at(7, 0), ends_at: days_from_now(132).at(13, 0),
                timezone: "Australia/Sydney", capacity: 300,
                registration_opens_at: days_ago(30), registration_deadline: days_from_now(125).at(12, 59),
                published_at: days_ago(30),
            }
            berlin_tango_festival {
                organizer_id: base_organizers::ritmo_berlin, venue_id: base_venues::tanzhaus_berlin,
                slug: "berlin-international-tango-festival", title: "Berlin International Tango Festival",
                summary: "Milongas, workshops and an orquesta típica from Buenos Aires, on the banks of the Spree.",
                status: "published",
                starts_at: days_from_now(85).at(16, 0), ends_at: days_from_now(88).at(1, 0),
                timezone: "Europe/Berlin", capacity: 450,
                registration_opens_at: days_ago(35), registration_deadline: days_from_now(80).at(21, 59),
                published_at: days_ago(35),
            }
        }

        event_dance_styles {
            _ { event_id: events::rio_zouk_congress, dance_style_id: dance_styles::brazilian_zouk, is_primary: true }
            _ { event_id: events::rio_zouk_congress, dance_style_id: dance_styles::forro }
            _ { event_id: events::tokyo_salsa_festival, dance_style_id: dance_styles::salsa, is_primary: true }
            _ { event_id: events::tokyo_salsa_festival, dance_style_id: dance_styles::salsa_on2 }
            _ { event_id: events::harlem_lindy_exchange, dance_style_id: dance_styles::lindy_hop, is_primary: true }
            _ { event_id: events::london_kizomba_weekender, dance_style_id: dance_styles::kizomba, is_primary: true }
            _ { event_id: events::london_kizomba_weekender, dance_style_id: dance_styles::urban_kiz }
            _ { event_id: events::sydney_bachata_festival, dance_style_id: dance_styles::bachata, is_primary: true }
            _ { event_id: events::berlin_tango_festival, dance_style_id: dance_styles::argentine_tango, is_primary: true }
        }

        event_teachers {
            _ { event_id: events::rio_zouk_congress, teacher_id: teachers::rafael_costa, is_headliner: true, sort_order: 1 }
            _ { event_id: events::tokyo_salsa_festival, teacher_id: teachers::carlos_mendez, is_headliner: true, sort_order: 1 }
            _ { event_id: events::harlem_lindy_exchange, teacher_id: teachers::julie_moreau, sort_order: 1 }
            _ { event_id: events::london_kizomba_weekender, teacher_id: teachers::ana_ferreira, is_headliner: true, sort_order: 1 }
        }

        event_musicians {
            _ { event_id: events::rio_zouk_congress, musician_id: musicians::dj_marina_alves, is_headliner: true, sort_order: 1 }
            _ { event_id: events::london_kizomba_weekender, musician_id: musicians::dj_nuno_lx, sort_order: 1 }
            _ { event_id: events::berlin_tango_festival, musician_id: musicians::trio_bandoneon_del_sur, is_headliner: true, sort_order: 1 }
        }

        pricing_tiers {
            rio_full_pass {
                event_id: events::rio_zouk_congress, name: "Passe Completo",
                price: 450.00, currency: "BRL", quantity: 600, sold: 212, sort_order: 1,
            }
            rio_vip_pass {
                event_id: events::rio_zouk_congress, name: "Passe VIP",
                description: "Full pass, beach party boat and a private class.",
                price: 690.00, currency: "BRL", quantity: 80, sold: 31, sort_order: 2,
            }
            tokyo_full_pass {
                event_id: events::tokyo_salsa_festival, name: "Full Pass",
                price: 18000, currency: "JPY", quantity: 300, sold: 97, sort_order: 1,
            }
            tokyo_party_pass {
                event_id: events::tokyo_salsa_festival, name: "Party Pass",
                price: 8500, currency: "JPY", quantity: 50, sold: 12, sort_order: 2,
            }
            harlem_full_pass {
                event_id: events::harlem_lindy_exchange, name: "Exchange Pass",
                price: 165.00, currency: "USD", quantity: 900, sold: 655, sort_order: 1,
            }
            harlem_night_pass {
                event_id: events::harlem_lindy_exchange, name: "Saturday Night Pass",
                price: 45.00, currency: "USD", quantity: 100, sold: 38, sort_order: 2,
            }
            london_full_pass {
                event_id: events::london_kizomba_weekender, name: "Weekend Pass",
                price: 95.00, currency: "GBP", quantity: 550, sold: 204, sort_order: 1,
            }
            london_party_pass {
                event_id: events::london_kizomba_weekender, name: "Party Pass",
                price: 40.00, currency: "GBP", quantity: 100, sold: 22, sort_order: 2,
            }
            sydney_full_pass {
                event_id: events::sydney_bachata_festival, name: "Full Pass",
                price: 220.00, currency: "AUD", quantity: 300, sold: 74, sort_order: 1,
            }
            berlin_tango_full_pass {
                event_id: events::berlin_tango_festival, name: "Festival Pass",
                price: 180.00, currency: "EUR", quantity: 400, sold: 129, sort_order: 1,
            }
        }
    }
}
