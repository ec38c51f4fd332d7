//! Expansion tests: `seed::expand` and `scenario::expand` on token streams, checked against a
//! small schema of their own ([`SCHEMA`], given inline), asserting the shape of the generated
//! code and the messages of mistakes. The compiler's view of the same (spans, rustc's own
//! errors) is in `runtime/tests/ui`.

use std::path::Path;
use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ExprStruct, File, Item, ItemFn, ItemMacro, ItemMod, Stmt};

use crate::check::label_key;
use seedbed_core::schema::Schema;

/// The tables the expansions are checked against (a part of a festival app's schema).
const SCHEMA: &str = "
CREATE TYPE user_role AS ENUM ('user', 'organizer', 'admin');
CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    display_name varchar(100) NOT NULL,
    password_hash text NOT NULL,
    role user_role NOT NULL DEFAULT 'user'
);
CREATE TABLE organizers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    name text NOT NULL,
    slug varchar(120) NOT NULL UNIQUE
);
CREATE TABLE venues (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    city text NOT NULL,
    country char(2) NOT NULL,
    latitude numeric(9,6),
    capacity integer,
    CONSTRAINT venues_slug_key UNIQUE (slug),
    CONSTRAINT venues_capacity_positive CHECK (capacity > 0)
);
CREATE TABLE teachers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL
);
CREATE TABLE events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organizer_id uuid NOT NULL REFERENCES organizers (id),
    venue_id uuid NOT NULL REFERENCES venues (id),
    slug varchar(160) NOT NULL UNIQUE,
    title text NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    timezone text NOT NULL
);
CREATE TABLE reviews (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id),
    event_id uuid NOT NULL REFERENCES events (id),
    rating smallint NOT NULL,
    CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 5)
);
CREATE TABLE event_teachers (
    event_id uuid NOT NULL REFERENCES events (id),
    teacher_id uuid NOT NULL REFERENCES teachers (id),
    PRIMARY KEY (event_id, teacher_id)
);
CREATE TABLE user_teacher_follows (
    user_id uuid NOT NULL REFERENCES users (id),
    teacher_id uuid NOT NULL REFERENCES teachers (id),
    PRIMARY KEY (user_id, teacher_id)
);
";

/// Runs `expand` with [`SCHEMA`] as the schema the macros check against.
fn inline<T>(expand: impl FnOnce() -> T) -> T {
    let mut schema = Schema::default();
    schema.apply_sql(Path::new("inline.sql"), SCHEMA);
    assert!(schema.tainted.is_empty(), "{:?}", schema.tainted);
    schema.version = Some(20260101000000);
    crate::source::INLINE_SCHEMA.set(Some(Arc::new(schema)));
    expand()
}

fn parse(out: TokenStream) -> File {
    syn::parse2(out.clone()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn seed(input: TokenStream) -> File {
    parse(inline(|| crate::seed::expand(input)))
}

fn scenario(attr: TokenStream, item: TokenStream) -> File {
    parse(inline(|| crate::scenario::expand(attr, item)))
}

/// Tokens as text without spaces, for comparisons that do not care about layout.
fn text(tokens: impl quote::ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

fn macro_named<'f>(file: &'f File, name: &str) -> Vec<&'f ItemMacro> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == name) => {
                Some(m)
            }
            _ => None,
        })
        .collect()
}

/// The messages of the `compile_error!`s of an expansion, in order.
fn errors(file: &File) -> Vec<String> {
    macro_named(file, "compile_error")
        .into_iter()
        .map(|m| m.mac.parse_body::<syn::LitStr>().unwrap().value())
        .collect()
}

fn module<'f>(items: &'f [Item], name: &str) -> &'f [Item] {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == name => Some(items.as_slice()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no module `{name}`"))
}

/// The label constants of a module: name, type and value, as text.
fn consts(items: &[Item]) -> Vec<(String, String, String)> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Const(c) => Some((c.ident.to_string(), text(&c.ty), text(&c.expr))),
            _ => None,
        })
        .collect()
}

/// The `Unit { ... }` given to `inventory::submit!`.
fn registration(file: &File) -> ExprStruct {
    let [submit] = macro_named(file, "submit")[..] else {
        panic!("expected one registration")
    };
    submit.mac.parse_body().unwrap()
}

fn field(unit: &ExprStruct, name: &str) -> String {
    let value = unit
        .fields
        .iter()
        .find(|f| matches!(&f.member, syn::Member::Named(n) if n == name))
        .unwrap_or_else(|| panic!("no field `{name}`"));
    text(&value.expr)
}

fn function<'f>(file: &'f File, name: &str) -> &'f ItemFn {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no function `{name}`"))
}

/// Names of the traits a build function declares: one per column given an expression.
fn column_traits(build: &ItemFn) -> Vec<String> {
    build
        .block
        .stmts
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Item(Item::Trait(t)) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn places() -> File {
    seed(quote! {
        /// Venues in Berlin.
        set places(depends_on = [styles], env = [production, development]);

        venues {
            tanzhaus { name: "Tanzhaus", slug: "tanzhaus", city: "Berlin", country: "DE", capacity: CAP }
            halle { name: "Halle", slug: "halle", city: "Berlin", country: "DE", capacity: CAP * 2 }
            _ { name: format!("Hall {}", 3), slug: "hall-3", city: "Berlin", country: "DE" }
        }
        organizers {
            berlin_swing { name: "Berlin Swing", slug: "berlin-swing" }
        }
    })
}

#[test]
fn labels_become_constants_keyed_by_uuidv5_of_unit_table_and_label() {
    let file = places();
    assert_eq!(errors(&file), Vec::<String>::new());
    let venues = module(&file.items, "venues");
    let row_ref = "::seedbed::RowRef<Venues>".to_owned();
    let key = |label| label_key("places", "venues", label);
    assert_eq!(
        consts(venues),
        [
            (
                "tanzhaus".to_owned(),
                row_ref.clone(),
                format!(
                    "::seedbed::RowRef::new(\"places\",\"venues\",\"tanzhaus\",{}u128)",
                    key("tanzhaus")
                )
            ),
            (
                "halle".to_owned(),
                row_ref.clone(),
                format!(
                    "::seedbed::RowRef::new(\"places\",\"venues\",\"halle\",{}u128)",
                    key("halle")
                )
            ),
            (
                "ALL".to_owned(),
                format!("&[{row_ref}]"),
                "&[tanzhaus,halle]".to_owned()
            ),
        ]
    );
    // The key is a version 5 uuid, and depends on each of unit, table and label.
    assert_eq!(uuid::Uuid::from_u128(key("tanzhaus")).get_version_num(), 5);
    assert_ne!(key("tanzhaus"), label_key("other", "venues", "tanzhaus"));
    assert_ne!(key("tanzhaus"), label_key("places", "events", "tanzhaus"));
    // The row carries the same key as its constant.
    let build = text(function(&file, "__seedbed_build_places"));
    assert!(build.contains(&format!("Uuid::from_u128({}u128)", key("tanzhaus"))));
    assert!(
        build.contains("__sb::Value::AutoKey"),
        "the `_` row: {build}"
    );
    assert_eq!(consts(module(&file.items, "organizers")).len(), 2);
}

#[test]
fn one_type_checking_trait_per_column_given_an_expression() {
    let file = places();
    let build = function(&file, "__seedbed_build_places");
    // `capacity` takes two expressions, `name` one; literal-only columns need no trait.
    assert_eq!(column_traits(build), ["venues__capacity", "venues__name"]);
    let build = text(build);
    assert!(build.contains("venues__capacity::encode(CAP*2)"), "{build}");
    assert!(
        build
            .contains("message=\"column`capacity`of`venues`is`integer`:`{Self}`isnotavalueforit\""),
        "{build}"
    );
    // Nullable: the marker admits `Option`s.
    assert!(
        build.contains("Encode<__sb::sql::Nullable<__sb::sql::Integer>>"),
        "{build}"
    );
    // Literals are encoded at compile time.
    assert!(build.contains("__sb::Value::str(\"Tanzhaus\")"), "{build}");
}

#[test]
fn table_metas_describe_the_tables_used() {
    let file = places();
    let build = text(function(&file, "__seedbed_build_places"));
    for table in ["VENUES", "ORGANIZERS"] {
        assert!(
            build.contains(&format!("static__SEEDBED_TABLE_{table}:__sb::TableMeta")),
            "{build}"
        );
    }
    // Every column of the table, in order, whether the rows give it or not.
    assert!(build.contains(
        "name:\"venues\",columns:&[__sb::ColumnMeta{name:\"id\"},__sb::ColumnMeta{name:\"name\"}"
    ));
    assert!(build.contains("__sb::ColumnMeta{name:\"latitude\"}"));
    assert!(build.contains("__sb::ColumnMeta{name:\"owner_user_id\"}"));
    assert!(build.contains("primary_key:&[0u16],generated_key:::core::option::Option::None"));
    assert!(build.contains(".table(&__SEEDBED_TABLE_VENUES,"));
}

#[test]
fn a_set_registers_its_name_docs_dependencies_environments_and_row_count() {
    let unit = registration(&places());
    assert_eq!(field(&unit, "name"), "\"places\"");
    assert_eq!(field(&unit, "kind"), "::seedbed::__private::UnitKind::Set");
    assert_eq!(field(&unit, "description"), "\"VenuesinBerlin.\"");
    assert_eq!(field(&unit, "depends_on"), "&[\"styles\"]");
    assert_eq!(
        field(&unit, "environments"),
        "&[\"production\",\"development\"]"
    );
    assert_eq!(
        field(&unit, "static_rows"),
        "::core::option::Option::Some(4u64)"
    );
    assert_eq!(field(&unit, "build"), "__seedbed_build_places");
    assert!(field(&unit, "schema_version").starts_with("::core::option::Option::Some("));
}

#[test]
fn loops_and_references_to_other_units() {
    let file = seed(quote! {
        set festivals;
        event_teachers {
            for teacher in crate::base::teachers::ALL {
                _ { event_id: crate::base::events::lindy_shock, teacher_id: *teacher }
            }
        }
    });
    assert_eq!(errors(&file), Vec::<String>::new());
    let unit = registration(&file);
    // Rows generated in a loop are not counted at compile time.
    assert_eq!(field(&unit, "static_rows"), "::core::option::Option::None");
    // The paths into other units are probed for the units they belong to.
    let references = field(&unit, "references");
    assert!(
        references.contains("Probe(&crate::base::teachers::ALL)"),
        "{references}"
    );
    assert!(
        references.contains("Probe(&crate::base::events::lindy_shock)"),
        "{references}"
    );
    // Unlabelled rows only: no label module.
    assert!(!file.items.iter().any(|i| matches!(i, Item::Mod(_))));
    let build = function(&file, "__seedbed_build_festivals");
    assert_eq!(
        column_traits(build),
        ["event_teachers__event_id", "event_teachers__teacher_id"]
    );
    let build = text(build);
    assert!(
        build.contains("references`teachers`:`{Self}`isnotarowof`teachers`"),
        "{build}"
    );
    assert!(build.contains("Encode<__sb::sql::Ref<"), "{build}");
}

#[test]
fn a_scenario_registers_its_function_and_keeps_its_labels_in_a_module() {
    let file = scenario(
        quote!(depends_on = [base], env = [test]),
        quote! {
            /// A user who follows every teacher.
            fn power_user() -> seedbed::Seed {
                seedbed::seed! {
                    users {
                        paula { email: "paula@festivalscout.test", display_name: "Paula", password_hash: "x" }
                    }
                    user_teacher_follows {
                        for &teacher in crate::base::teachers::ALL {
                            _ { user_id: users::paula, teacher_id: teacher }
                        }
                    }
                }
            }
        },
    );
    assert_eq!(errors(&file), Vec::<String>::new());
    let labels = module(module(&file.items, "power_user"), "users");
    assert_eq!(consts(labels)[0].0, "paula");
    assert!(consts(labels)[0].2.contains(&format!(
        "\"power_user\",\"users\",\"paula\",{}u128",
        label_key("power_user", "users", "paula")
    )));
    let unit = registration(&file);
    assert_eq!(
        field(&unit, "kind"),
        "::seedbed::__private::UnitKind::Scenario"
    );
    assert_eq!(field(&unit, "name"), "\"power_user\"");
    assert_eq!(
        field(&unit, "description"),
        "\"Auserwhofollowseveryteacher.\""
    );
    assert_eq!(field(&unit, "depends_on"), "&[\"base\"]");
    assert_eq!(field(&unit, "environments"), "&[\"test\"]");
    assert_eq!(field(&unit, "build"), "power_user");
    // The `seed!` block of the function is replaced by its expansion; a reference to a label
    // of the same block is resolved to its key.
    let body = text(&function(&file, "power_user").block);
    assert!(body.contains("__SEEDBED_TABLE_USERS"), "{body}");
    assert!(
        body.contains(&format!(
            "Uuid::from_u128({}u128)",
            label_key("power_user", "users", "paula")
        )),
        "{body}"
    );
}

#[test]
fn mistakes_are_reported_with_the_expected_name() {
    let cases = [
        (
            quote!(set s; venue { _ { name: "x" } }),
            "unknown table `venue`; did you mean `venues`?",
        ),
        (
            quote!(set s; venues { _ { name: "x", slug: "x", city: "x", country: "DE", capacty: 1 } }),
            "unknown column `capacty` in table `venues`; did you mean `capacity`?",
        ),
        (
            quote!(set s; venues { _ { name: "x" } }),
            "missing required columns `slug`, `city`, `country` of table `venues` (NOT NULL, no default)",
        ),
        (
            quote!(set s; users { _ { email: "a@b.test", display_name: "a", password_hash: "x", role: "root" } }),
            "column `role` of `users` is `user_role`: `root` is not a value of enum `user_role`; expected one of `user`, `organizer`, `admin`",
        ),
        (
            quote!(set s; venues { _ { name: "x", slug: "x", city: "x", country: "DE", capacity: "big" } }),
            "column `capacity` of `venues` is `integer`: expected an integer, found a string",
        ),
        (
            quote!(set s(env = [prod]); venues {}),
            "unknown environment `prod`: expected one of `development`, `test`, `staging`, `production`; did you mean `production`?",
        ),
        (
            quote!(venues {}),
            "`seed!` without `set name;` builds the rows of a scenario: use it inside a `#[scenario]` function, or start with `set name;` to declare a seed set",
        ),
        (
            quote!(set s; venues { for i in 0..2 { hall { name: "x", slug: "x", city: "x", country: "DE" } } }),
            "rows generated in a loop cannot have a label (`hall`); write `_` instead",
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(errors(&seed(input)), [expected]);
    }
}

#[test]
fn one_mistake_does_not_cascade_and_every_mistake_is_reported() {
    // A misspelt column is not also a missing one, and the row keeps its label constant.
    let file = seed(quote! {
        set places;
        venues { tanzhaus { nme: "Tanzhaus", slug: "t", city: "Berlin", country: "DE" } }
    });
    assert_eq!(
        errors(&file),
        ["unknown column `nme` in table `venues`; did you mean `name`?"]
    );
    assert_eq!(consts(module(&file.items, "venues"))[0].0, "tanzhaus");
    registration(&file);

    // A misspelling with no near name may have been meant for any column: nothing is missing.
    let file = seed(quote! {
        set places;
        venues { tanzhaus { xyzzy: "Tanzhaus", slug: "t", city: "Berlin", country: "DE" } }
    });
    assert_eq!(errors(&file), ["unknown column `xyzzy` in table `venues`"]);

    // Several mistakes, one compile.
    let file = seed(quote! {
        set places;
        venues {
            tanzhaus { name: "T", slug: "t", city: "Berlin", country: "Germany" }
            tanzhaus { name: "U", slug: "t", city: "Berlin", country: "DE", capacity: 0 }
        }
        reviews { _ { user_id: x, event_id: y, rating: 6 } }
    });
    assert_eq!(
        errors(&file),
        [
            "label `tanzhaus` is used twice in table `venues`",
            "column `country` of `venues` is `char(2)`: the string has 7 characters, more than 2",
            "column `capacity` of `venues`: 0 breaks the check `venues_capacity_positive`, `CHECK (capacity > 0)`",
            "duplicate value for unique column `slug` of `venues`: row `tanzhaus` has the same",
            "column `rating` of `reviews`: 6 breaks the check `reviews_rating_range`, `CHECK (rating BETWEEN 1 AND 5)`",
        ]
    );
    // The label used twice still makes one constant, so rustc adds no error of its own.
    assert_eq!(consts(module(&file.items, "venues")).len(), 2);
}

#[test]
fn references_within_a_seed_are_checked_by_the_macro() {
    let events = |venue: TokenStream| {
        errors(&seed(quote! {
            set catalog;
            venues { tanzhaus { name: "T", slug: "t", city: "Berlin", country: "DE" } }
            organizers { swing { name: "S", slug: "s" } }
            events {
                _ {
                    organizer_id: organizers::swing, venue_id: #venue, slug: "e", title: "E",
                    starts_at: "2026-10-01T18:00:00Z", ends_at: "2026-10-02T18:00:00Z",
                    timezone: "Europe/Berlin",
                }
            }
        }))
    };
    assert_eq!(events(quote!(venues::tanzhaus)), Vec::<String>::new());
    assert_eq!(
        events(quote!(venues::tanzhau)),
        ["no row labelled `tanzhau` in table `venues`; did you mean `tanzhaus`?"]
    );
    assert_eq!(
        events(quote!(organizers::swing)),
        [
            "column `venue_id` of `events` references `venues`, but `organizers::swing` is a row of `organizers`"
        ]
    );
}

#[test]
fn a_scenario_with_arguments_is_an_error_and_is_not_registered() {
    let file = scenario(
        TokenStream::new(),
        quote! {
            fn sized(n: u32) -> seedbed::Seed {
                seedbed::seed! { venues {} }
            }
        },
    );
    assert_eq!(
        errors(&file),
        [
            "a scenario takes no arguments: read the run's clock and sizes with `seedbed::now()` and `seedbed::scale()`"
        ]
    );
    assert!(macro_named(&file, "submit").is_empty());
    function(&file, "sized");
}

fn test_attr(attr: TokenStream, item: TokenStream) -> String {
    text(crate::test_attr::expand(attr, item))
}

#[test]
fn a_test_is_a_plain_test_calling_a_runner_built_in_every_build() {
    let out = test_attr(
        quote!(
            units = [power_user],
            clock = "2026-05-01",
            scale = [events = 3],
            read_only
        ),
        quote!(
            #[ignore]
            async fn t(pool: PgPool, db: &TestDatabase) -> anyhow::Result<()> {
                Ok(())
            }
        ),
    );
    let test = out.find("#[::core::prelude::v1::test]").unwrap();
    assert!(out[..test].contains("#[ignore]"), "{out}");
    assert!(
        out.contains("fnt()->anyhow::Result<()>{__seedbed_test_t()}"),
        "{out}"
    );
    assert!(out.contains("#[allow(dead_code,non_snake_case)]"), "{out}");
    assert!(out.contains(".units(&[\"power_user\"])"), "{out}");
    // 2026-05-01T00:00:00Z, checked and converted at compile time.
    assert!(out.contains("Some(1777593600i64)"), "{out}");
    assert!(out.contains("&[(\"events\",3u64)]"), "{out}");
    assert!(out.contains("Mode::ReadOnly"), "{out}");
    assert!(out.contains("<PgPoolas::seedbed::testing::TestArgument>::take(&__seedbed_db)"));
    assert!(out.contains("&*__seedbed_db"), "{out}");
    assert!(out.contains("::seedbed::migrations!()"), "{out}");
}

#[test]
fn no_units_named_is_every_unit_and_an_empty_list_is_none() {
    let item = quote!(
        async fn t(pool: PgPool) {}
    );
    let every = test_attr(quote!(), item.clone());
    assert!(!every.contains(".units("), "{every}");
    let none = test_attr(quote!(units = []), item);
    assert!(none.contains(".units(&[])"), "{none}");
}

#[test]
fn misuse_of_the_test_attribute_is_an_error() {
    let item = quote!(
        async fn t(pool: PgPool) {}
    );
    for (attr, message) in [
        (
            quote!(read_only, rollback),
            "`read_only` and `rollback` do not go together",
        ),
        (
            quote!(random_seed = 1, random_seed = 2),
            "`random_seed` given twice",
        ),
        (quote!(scale = [events = -1]), "invalid digit"),
        (
            quote!(rollback),
            "a `rollback` test runs in one transaction",
        ),
        (quote!(clock = "yesterday"), "`yesterday` is not a date"),
    ] {
        let out = crate::test_attr::expand(attr, item.clone()).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains(message), "{message}: {out}");
    }
    let generic = crate::test_attr::expand(
        quote!(),
        quote!(
            async fn t<T>(x: T) {}
        ),
    )
    .to_string();
    assert!(generic.contains("takes no generic parameters"), "{generic}");
}

#[test]
fn a_test_names_its_migrations_or_a_folder_of_them() {
    let item = quote!(
        async fn t(pool: PgPool) {}
    );
    let value = test_attr(quote!(migrations = my_seeds::MIGRATIONS), item.clone());
    assert!(
        value.contains("Fixture::new(my_seeds::MIGRATIONS)"),
        "{value}"
    );
    let folder = test_attr(quote!(migrations = "db/migrations"), item);
    assert!(
        folder.contains("::seedbed::migrations!(\"db/migrations\")"),
        "{folder}"
    );
}
