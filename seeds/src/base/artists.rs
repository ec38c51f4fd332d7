//! Teachers and musicians, with their social links.

use seedbed::seed;

seed! {
    /// Six teachers with their specialties and social media links.
    set teachers;

    teachers {
        carlos_mendez {
            name: "Carlos Méndez",
            slug: "carlos-mendez",
            bio: "Madrid-based On2 dancer and three-time European salsa cabaret finalist, known for clean shines and musical partnerwork.",
            photo_url: "https://images.festivalscout.test/teachers/carlos-mendez.jpg",
            home_city: "Madrid",
            country: "ES",
            specialties: ["salsa on2", "bachata", "shines"],
            teaching_since: "2008-09-01",
            is_verified: true,
        }
        ana_ferreira {
            name: "Ana Ferreira",
            slug: "ana-ferreira",
            bio: "Lisbon teacher of kizomba and semba who learned in the family kitchens of Luanda; famous for her follower technique bootcamps.",
            photo_url: "https://images.festivalscout.test/teachers/ana-ferreira.jpg",
            home_city: "Lisboa",
            country: "PT",
            specialties: ["kizomba", "semba", "urban kiz"],
            teaching_since: "2011-01-15",
            is_verified: true,
        }
        marco_bellini {
            name: "Marco Bellini",
            slug: "marco-bellini",
            bio: "Rimini's rueda caller and Cuban salsa teacher, with twenty years of socials on the Adriatic riviera.",
            photo_url: "https://images.festivalscout.test/teachers/marco-bellini.jpg",
            home_city: "Rimini",
            country: "IT",
            specialties: ["cuban salsa", "rueda de casino", "salsa on1"],
            teaching_since: "2004-10-01",
            is_verified: true,
        }
        lena_hoffmann {
            name: "Lena Hoffmann",
            slug: "lena-hoffmann",
            bio: "Berlin West Coast Swing champion and blues teacher who loves slow, groovy music and connection drills.",
            photo_url: "https://images.festivalscout.test/teachers/lena-hoffmann.jpg",
            home_city: "Berlin",
            country: "DE",
            specialties: ["west coast swing", "blues"],
            teaching_since: "2014-03-01",
            is_verified: true,
        }
        julie_moreau {
            name: "Julie Moreau",
            slug: "julie-moreau",
            bio: "Parisian lindy hopper and balboa dancer, resident teacher at the Tuesday swing social in Belleville.",
            photo_url: "https://images.festivalscout.test/teachers/julie-moreau.jpg",
            home_city: "Paris",
            country: "FR",
            specialties: ["lindy hop", "balboa", "solo jazz"],
            teaching_since: "2012-09-15",
            is_verified: false,
        }
        rafael_costa {
            name: "Rafael Costa",
            slug: "rafael-costa",
            bio: "Brazilian zouk teacher from Rio de Janeiro who tours Europe every summer; also teaches forró pé-de-serra.",
            photo_url: "https://images.festivalscout.test/teachers/rafael-costa.jpg",
            home_city: "Rio de Janeiro",
            country: "BR",
            specialties: ["brazilian zouk", "forró"],
            teaching_since: "2009-02-01",
            is_verified: true,
        }
    }

    teacher_social_links {
        _ { teacher_id: teachers::carlos_mendez, platform: "instagram", url: "https://www.instagram.com/carlosmendez.on2", handle: "carlosmendez.on2" }
        _ { teacher_id: teachers::carlos_mendez, platform: "youtube", url: "https://www.youtube.com/@carlosmendezsalsa", handle: "@carlosmendezsalsa" }
        _ { teacher_id: teachers::ana_ferreira, platform: "instagram", url: "https://www.instagram.com/ana.ferreira.kizomba", handle: "ana.ferreira.kizomba" }
        _ { teacher_id: teachers::ana_ferreira, platform: "facebook", url: "https://www.facebook.com/anaferreirakizomba" }
        _ { teacher_id: teachers::ana_ferreira, platform: "tiktok", url: "https://www.tiktok.com/@anakizomba", handle: "@anakizomba" }
        _ { teacher_id: teachers::marco_bellini, platform: "instagram", url: "https://www.instagram.com/marcobellini.rueda", handle: "marcobellini.rueda" }
        _ { teacher_id: teachers::marco_bellini, platform: "website", url: "https://marcobellini.example" }
        _ { teacher_id: teachers::lena_hoffmann, platform: "instagram", url: "https://www.instagram.com/lena.wcs", handle: "lena.wcs" }
        _ { teacher_id: teachers::lena_hoffmann, platform: "youtube", url: "https://www.youtube.com/@lenahoffmannwcs", handle: "@lenahoffmannwcs" }
        _ { teacher_id: teachers::julie_moreau, platform: "instagram", url: "https://www.instagram.com/julie.swingout", handle: "julie.swingout" }
        _ { teacher_id: teachers::julie_moreau, platform: "website", url: "https://juliemoreau-swing.example" }
        _ { teacher_id: teachers::rafael_costa, platform: "instagram", url: "https://www.instagram.com/rafaelcosta.zouk", handle: "rafaelcosta.zouk" }
        _ { teacher_id: teachers::rafael_costa, platform: "youtube", url: "https://www.youtube.com/@rafaelcostazouk", handle: "@rafaelcostazouk" }
        _ { teacher_id: teachers::rafael_costa, platform: "tiktok", url: "https://www.tiktok.com/@rafazouk", handle: "@rafazouk" }
    }
}

seed! {
    /// Six musicians and bands with their genres, instruments and links.
    set musicians;

    musicians {
        orquesta_la_moderna {
            name: "Orquesta La Moderna",
            slug: "orquesta-la-moderna",
            bio: "Eleven-piece salsa and timba orchestra from Madrid, with a horn section that never sits down.",
            photo_url: "https://images.festivalscout.test/musicians/orquesta-la-moderna.jpg",
            home_city: "Madrid",
            country: "ES",
            is_band: true,
            member_count: 11,
            genres: ["salsa", "timba", "son cubano"],
            instruments: ["piano", "bass", "congas", "timbales", "bongó", "trumpet", "trombone", "vocals"],
            is_verified: true,
        }
        los_hermanos_del_cibao {
            name: "Los Hermanos del Cibao",
            slug: "los-hermanos-del-cibao",
            bio: "Bachata quintet from Santiago de los Caballeros playing the guitar-led bachata of the 1990s.",
            photo_url: "https://images.festivalscout.test/musicians/los-hermanos-del-cibao.jpg",
            home_city: "Santiago de los Caballeros",
            country: "DO",
            is_band: true,
            member_count: 5,
            genres: ["bachata", "merengue"],
            instruments: ["requinto guitar", "rhythm guitar", "bass", "bongó", "güira"],
            is_verified: true,
        }
        dj_nuno_lx {
            name: "DJ Nuno LX",
            slug: "dj-nuno-lx",
            bio: "Lisbon DJ mixing classic kizomba, semba and ghetto zouk; resident at Casa do Baile.",
            photo_url: "https://images.festivalscout.test/musicians/dj-nuno-lx.jpg",
            home_city: "Lisboa",
            country: "PT",
            genres: ["kizomba", "semba", "ghetto zouk"],
            instruments: ["turntables", "controller"],
            is_verified: true,
        }
        hot_club_de_belleville {
            name: "Hot Club de Belleville",
            slug: "hot-club-de-belleville",
            bio: "Swing quintet from Paris playing Ellington, Basie and Django for dancers, at dancers' tempos.",
            photo_url: "https://images.festivalscout.test/musicians/hot-club-de-belleville.jpg",
            home_city: "Paris",
            country: "FR",
            is_band: true,
            member_count: 5,
            genres: ["swing", "jazz manouche"],
            instruments: ["clarinet", "guitar", "double bass", "drums", "trumpet"],
        }
        trio_bandoneon_del_sur {
            name: "Trío Bandoneón del Sur",
            slug: "trio-bandoneon-del-sur",
            bio: "Tango trio from Buenos Aires playing the golden-age repertoire of Di Sarli and Troilo for milongas.",
            photo_url: "https://images.festivalscout.test/musicians/trio-bandoneon-del-sur.jpg",
            home_city: "Buenos Aires",
            country: "AR",
            is_band: true,
            member_count: 3,
            genres: ["tango", "vals", "milonga"],
            instruments: ["bandoneon", "violin", "piano"],
            is_verified: true,
        }
        dj_marina_alves {
            name: "DJ Marina Alves",
            slug: "dj-marina-alves",
            bio: "Rio de Janeiro zouk DJ known for R&B remixes and long, flowing sets.",
            photo_url: "https://images.festivalscout.test/musicians/dj-marina-alves.jpg",
            home_city: "Rio de Janeiro",
            country: "BR",
            genres: ["brazilian zouk", "r&b", "lambada"],
            instruments: ["controller"],
        }
    }

    musician_social_links {
        _ { musician_id: musicians::orquesta_la_moderna, platform: "spotify", url: "https://open.spotify.com/artist/orquestalamoderna" }
        _ { musician_id: musicians::orquesta_la_moderna, platform: "instagram", url: "https://www.instagram.com/orquestalamoderna", handle: "orquestalamoderna" }
        _ { musician_id: musicians::los_hermanos_del_cibao, platform: "youtube", url: "https://www.youtube.com/@hermanosdelcibao", handle: "@hermanosdelcibao" }
        _ { musician_id: musicians::los_hermanos_del_cibao, platform: "spotify", url: "https://open.spotify.com/artist/hermanosdelcibao" }
        _ { musician_id: musicians::dj_nuno_lx, platform: "soundcloud", url: "https://soundcloud.com/djnunolx", handle: "djnunolx" }
        _ { musician_id: musicians::dj_nuno_lx, platform: "instagram", url: "https://www.instagram.com/djnunolx", handle: "djnunolx" }
        _ { musician_id: musicians::hot_club_de_belleville, platform: "bandcamp", url: "https://hotclubdebelleville.bandcamp.com" }
        _ { musician_id: musicians::hot_club_de_belleville, platform: "website", url: "https://hotclubdebelleville.example" }
        _ { musician_id: musicians::trio_bandoneon_del_sur, platform: "spotify", url: "https://open.spotify.com/artist/triobandoneondelsur" }
        _ { musician_id: musicians::trio_bandoneon_del_sur, platform: "youtube", url: "https://www.youtube.com/@triobandoneondelsur", handle: "@triobandoneondelsur" }
        _ { musician_id: musicians::dj_marina_alves, platform: "soundcloud", url: "https://soundcloud.com/djmarinaalves", handle: "djmarinaalves" }
        _ { musician_id: musicians::dj_marina_alves, platform: "instagram", url: "https://www.instagram.com/djmarinaalves", handle: "djmarinaalves" }
    }
}
