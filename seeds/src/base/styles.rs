//! Dance styles: reference data that production needs too.

use seedbed::seed;

seed! {
    /// Dance styles and their sub-styles (salsa on2 under salsa, ...): reference data, applied
    /// in every environment, production included.
    set dance_styles(env = [production, staging, development, test]);

    dance_styles {
        salsa {
            name: "Salsa",
            slug: "salsa",
            description: "Partner dance from the Caribbean and New York, danced to salsa music in eight counts.",
        }
        salsa_on1 {
            name: "Salsa On1 (LA style)",
            slug: "salsa-on1",
            parent_style_id: dance_styles::salsa,
            description: "Linear salsa breaking on the first beat, with the flashy turn patterns of Los Angeles.",
        }
        salsa_on2 {
            name: "Salsa On2 (New York style)",
            slug: "salsa-on2",
            parent_style_id: dance_styles::salsa,
            description: "Linear salsa breaking on the second beat, smooth and close to the congas.",
        }
        cuban_salsa {
            name: "Cuban Salsa (Casino)",
            slug: "cuban-salsa",
            parent_style_id: dance_styles::salsa,
            description: "Circular salsa from Havana, danced in couples or in a rueda de casino.",
        }
        bachata {
            name: "Bachata",
            slug: "bachata",
            description: "Partner dance from the Dominican Republic: four steps with a tap or hip accent.",
        }
        dominican_bachata {
            name: "Dominican Bachata",
            slug: "dominican-bachata",
            parent_style_id: dance_styles::bachata,
            description: "The original bachata: fast footwork, syncopations and a close embrace.",
        }
        sensual_bachata {
            name: "Sensual Bachata",
            slug: "sensual-bachata",
            parent_style_id: dance_styles::bachata,
            description: "Bachata from Spain with body waves, head movements and slow lyrical moments.",
        }
        kizomba {
            name: "Kizomba",
            slug: "kizomba",
            description: "Smooth Angolan partner dance in a close embrace, led through the torso.",
        }
        semba {
            name: "Semba",
            slug: "semba",
            parent_style_id: dance_styles::kizomba,
            description: "The fast, playful Angolan ancestor of kizomba, full of tricks and laughter.",
        }
        urban_kiz {
            name: "Urban Kiz",
            slug: "urban-kiz",
            parent_style_id: dance_styles::kizomba,
            description: "Kizomba from the Paris scene: linear, with freezes and tarraxo-inspired musicality.",
        }
        brazilian_zouk {
            name: "Brazilian Zouk",
            slug: "brazilian-zouk",
            description: "Brazilian partner dance born from lambada, known for flowing head movements.",
        }
        forro {
            name: "Forró",
            slug: "forro",
            description: "Partner dance from the north-east of Brazil, danced to accordion, zabumba and triangle.",
        }
        west_coast_swing {
            name: "West Coast Swing",
            slug: "west-coast-swing",
            description: "Slotted swing dance from California, danced to blues, pop and R&B.",
        }
        lindy_hop {
            name: "Lindy Hop",
            slug: "lindy-hop",
            description: "Swing dance from Harlem's Savoy Ballroom in the 1930s, with swingouts and aerials.",
        }
        balboa {
            name: "Balboa",
            slug: "balboa",
            description: "Close-embrace swing dance from Southern California for fast tempos.",
        }
        argentine_tango {
            name: "Argentine Tango",
            slug: "argentine-tango",
            description: "Improvised partner dance from Buenos Aires, danced at milongas to tango, vals and milonga.",
        }
    }
}
