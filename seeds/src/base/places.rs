//! Who organizes the festivals, and where they happen.

use seedbed::seed;

seed! {
    /// Festival organizers, one per host country.
    set organizers;

    organizers {
        ritmo_berlin {
            name: "Ritmo Berlin e.V.",
            slug: "ritmo-berlin",
            description: "Non-profit association running Berlin's Latin and swing socials since 2009.",
            contact_email: "info@ritmo-berlin.example",
            website_url: "https://ritmo-berlin.example",
            country: "DE",
            is_verified: true,
        }
        kizomba_lisboa {
            name: "Kizomba Lisboa Produções",
            slug: "kizomba-lisboa",
            description: "Kizomba and semba festivals and weekly socials in Lisbon.",
            contact_email: "geral@kizomba-lisboa.example",
            website_url: "https://kizomba-lisboa.example",
            country: "PT",
            is_verified: true,
        }
        baila_madrid {
            name: "Baila Madrid Producciones",
            slug: "baila-madrid",
            description: "Salsa and bachata congresses in Madrid.",
            contact_email: "hola@baila-madrid.example",
            website_url: "https://baila-madrid.example",
            country: "ES",
            is_verified: true,
        }
        paris_swing_connection {
            name: "Paris Swing Connection",
            slug: "paris-swing-connection",
            description: "Lindy hop and balboa weekends with live bands in Paris.",
            contact_email: "bonjour@paris-swing.example",
            website_url: "https://paris-swing.example",
            country: "FR",
            is_verified: true,
        }
        riviera_latin_events {
            name: "Riviera Latin Events S.r.l.",
            slug: "riviera-latin-events",
            description: "Organizers of the Rimini Summer Salsa Festival on the Adriatic coast.",
            contact_email: "info@riviera-latin.example",
            website_url: "https://riviera-latin.example",
            country: "IT",
            is_verified: true,
        }
        taniec_krakow {
            name: "Taniec Kraków",
            slug: "taniec-krakow",
            description: "Zouk and tango marathons in Kraków.",
            contact_email: "kontakt@taniec-krakow.example",
            country: "PL",
            is_verified: false,
        }
    }
}

seed! {
    /// Six venues in six countries, with addresses, coordinates, time zones and capacities.
    set venues;

    venues {
        tanzhaus_berlin {
            name: "Tanzhaus Spreeufer",
            slug: "tanzhaus-spreeufer-berlin",
            description: "Former riverside warehouse with a sprung wooden floor and a terrace on the Spree.",
            address: "Köpenicker Straße 76",
            postal_code: "10179",
            city: "Berlin",
            region: "Berlin",
            country: "DE",
            latitude: 52.509700,
            longitude: 13.421900,
            timezone: "Europe/Berlin",
            capacity: 450,
            website_url: "https://tanzhaus-spreeufer.example",
        }
        casa_do_baile_lisboa {
            name: "Casa do Baile",
            slug: "casa-do-baile-lisboa",
            description: "Dance hall in Santos with two studios and a rooftop bar over the Tagus.",
            address: "Rua das Janelas Verdes 42",
            postal_code: "1200-692",
            city: "Lisboa",
            region: "Lisboa",
            country: "PT",
            latitude: 38.705600,
            longitude: -9.160300,
            timezone: "Europe/Lisbon",
            capacity: 280,
        }
        sala_ritmo_madrid {
            name: "Sala Ritmo",
            slug: "sala-ritmo-madrid",
            description: "Concert hall in Malasaña with a main stage and three workshop rooms.",
            address: "Calle de Fuencarral 142",
            postal_code: "28010",
            city: "Madrid",
            region: "Comunidad de Madrid",
            country: "ES",
            latitude: 40.430500,
            longitude: -3.702100,
            timezone: "Europe/Madrid",
            capacity: 900,
        }
        pavillon_swing_paris {
            name: "Le Pavillon du Swing",
            slug: "pavillon-du-swing-paris",
            description: "Art-deco ballroom in Belleville, home of Paris's Tuesday night swing social.",
            address: "12 Rue des Cascades",
            postal_code: "75020",
            city: "Paris",
            region: "Île-de-France",
            country: "FR",
            latitude: 48.871300,
            longitude: 2.389400,
            timezone: "Europe/Paris",
            capacity: 600,
            website_url: "https://pavillon-du-swing.example",
        }
        centro_congressi_rimini {
            name: "Centro Congressi Riviera",
            slug: "centro-congressi-riviera-rimini",
            description: "Congress centre by the exhibition grounds, with six halls and a 2,500 m² ballroom.",
            address: "Via della Fiera 23",
            postal_code: "47923",
            city: "Rimini",
            region: "Emilia-Romagna",
            country: "IT",
            latitude: 44.054300,
            longitude: 12.586500,
            timezone: "Europe/Rome",
            capacity: 2500,
        }
        hala_wisla_krakow {
            name: "Hala Wisła",
            slug: "hala-wisla-krakow",
            description: "Sports hall on the Vistula turned dance venue, ten minutes' walk from Wawel.",
            address: "ul. Marii Konopnickiej 28",
            postal_code: "30-302",
            city: "Kraków",
            region: "Małopolskie",
            country: "PL",
            latitude: 50.048400,
            longitude: 19.932000,
            timezone: "Europe/Warsaw",
            capacity: 700,
        }
    }
}
