use std::path::{Path, PathBuf};

use super::dialect::Dialect;
use super::*;
use crate::layout::migration_files;
use crate::suggest::nearest;

/// Replays `sql`, which must taint nothing.
fn apply(schema: &mut Schema, sql: &str) {
    schema.apply_sql(Path::new("test.sql"), sql);
    if let Some((table, e)) = schema.tainted.iter().next() {
        panic!("{table}: {e}");
    }
}

fn schema(sql: &str) -> Schema {
    let mut schema = Schema::default();
    apply(&mut schema, sql);
    schema
}

/// Replays `sql`, which must taint a table, and gives the first reason.
fn error(sql: &str) -> LoadError {
    let mut schema = Schema::default();
    schema.apply_sql(Path::new("test.sql"), sql);
    let (_, e) = schema
        .tainted
        .into_iter()
        .next()
        .expect("the SQL should taint a table");
    e
}

fn column<'a>(schema: &'a Schema, table: &str, column: &str) -> &'a Column {
    schema
        .table(table)
        .unwrap_or_else(|| panic!("no table {table}"))
        .column(column)
        .unwrap_or_else(|| panic!("no column {table}.{column}"))
}

fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| c.to_string()).collect()
}

const USERS: &str = "CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL);";

/// A folder of its own under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str, files: &[(&str, &str)]) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("seedbed-schema-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, sql) in files {
            std::fs::write(dir.join(file), sql).unwrap();
        }
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn create_enum() {
    let s = schema("CREATE TYPE public.event_status AS ENUM ('draft', 'published', 'cancelled');");
    assert_eq!(
        s.enums["event_status"],
        names(&["draft", "published", "cancelled"])
    );
    let e =
        error("CREATE TYPE s AS ENUM ('a'); CREATE TABLE t (x s); CREATE TYPE s AS ENUM ('b');");
    assert_eq!(e.message, "type `s` already exists");
}

#[test]
fn alter_type_add_value() {
    let mut s = schema("CREATE TYPE s AS ENUM ('b', 'd');");
    apply(
        &mut s,
        "ALTER TYPE s ADD VALUE 'e';
         ALTER TYPE s ADD VALUE 'a' BEFORE 'b';
         ALTER TYPE s ADD VALUE IF NOT EXISTS 'c' AFTER 'b';
         ALTER TYPE s ADD VALUE IF NOT EXISTS 'a';",
    );
    assert_eq!(s.enums["s"], names(&["a", "b", "c", "d", "e"]));
    let e = error("CREATE TYPE s AS ENUM ('a'); CREATE TABLE t (x s); ALTER TYPE s ADD VALUE 'a';");
    assert_eq!(e.message, "enum label 'a' already exists in `s`");
    let e = error(
        "CREATE TYPE s AS ENUM ('draft'); CREATE TABLE t (x s[]); ALTER TYPE s ADD VALUE 'x' AFTER 'drafts';",
    );
    assert_eq!(
        e.message,
        "unknown enum label 'drafts'; did you mean `draft`?"
    );
}

#[test]
fn alter_type_rename_value() {
    let mut s = schema("CREATE TYPE s AS ENUM ('a', 'b');");
    apply(&mut s, "ALTER TYPE s RENAME VALUE 'a' TO 'z';");
    assert_eq!(s.enums["s"], names(&["z", "b"]));
    let e = error(
        "CREATE TYPE s AS ENUM ('a', 'b'); CREATE TABLE t (x s); ALTER TYPE s RENAME VALUE 'a' TO 'b';",
    );
    assert_eq!(e.message, "enum label 'b' already exists in `s`");
}

#[test]
fn alter_type_rename_to_follows_into_columns() {
    let mut s = schema(
        "CREATE TYPE mood AS ENUM ('ok');
         CREATE TABLE t (m mood, ms mood[]);",
    );
    apply(&mut s, "ALTER TYPE mood RENAME TO feeling;");
    assert!(!s.enums.contains_key("mood"));
    assert_eq!(s.enums["feeling"], names(&["ok"]));
    assert_eq!(column(&s, "t", "m").ty, SqlType::Enum("feeling".into()));
    assert_eq!(
        column(&s, "t", "ms").ty,
        SqlType::Array(Box::new(SqlType::Enum("feeling".into())))
    );
    // A type the model does not know is written as text; changing it taints its users.
    let e = error("CREATE TABLE t (x nope); ALTER TYPE nope ADD VALUE 'x';");
    assert_eq!(e.message, "unknown type `nope`");
}

#[test]
fn column_types() {
    let s = schema(
        "CREATE TYPE event_status AS ENUM ('draft');
         CREATE TABLE t (
             a int, b int4, c integer, d int2, e smallint, f int8, g bigint, h text,
             i varchar(120), j character varying(12), k varchar, l char(2), m character(3),
             n char, o bpchar, p numeric(10,2), q decimal, r numeric(5), s real, u float4,
             v double precision, w float8, x bool, y boolean, z timestamptz,
             aa timestamp with time zone, ab timestamp, ac timestamp without time zone,
             ad date, ae time, af interval, ag json, ah jsonb, ai bytea, aj inet, ak uuid,
             al text[], am int[][], an event_status, ao public.event_status[], ap float,
             aq timestamptz(3)
         );",
    );
    let t = s.table("t").unwrap();
    let sql_names: Vec<String> = t.columns.iter().map(|c| c.ty.sql_name()).collect();
    assert_eq!(
        sql_names,
        names(&[
            "integer",
            "integer",
            "integer",
            "smallint",
            "smallint",
            "bigint",
            "bigint",
            "text",
            "varchar(120)",
            "varchar(12)",
            "varchar",
            "char(2)",
            "char(3)",
            "char(1)",
            "bpchar",
            "numeric(10,2)",
            "numeric",
            "numeric(5,0)",
            "real",
            "real",
            "double precision",
            "double precision",
            "boolean",
            "boolean",
            "timestamptz",
            "timestamptz",
            "timestamp",
            "timestamp",
            "date",
            "time",
            "interval",
            "json",
            "jsonb",
            "bytea",
            "inet",
            "uuid",
            "text[]",
            "integer[]",
            "event_status",
            "event_status[]",
            "double precision",
            "timestamptz",
        ])
    );
    assert_eq!(column(&s, "t", "i").ty, SqlType::Varchar(Some(120)));
    assert_eq!(column(&s, "t", "p").ty, SqlType::Numeric(Some((10, 2))));
    assert_eq!(
        column(&s, "t", "an").ty,
        SqlType::Enum("event_status".into())
    );
}

#[test]
fn create_table_with_every_column_option() {
    let s = schema(&format!(
        "{USERS}
         CREATE TABLE IF NOT EXISTS public.\"Posts\" (
             id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
             Slug varchar(80) NOT NULL UNIQUE,
             \"Title\" text NULL COLLATE \"C\",
             author_id uuid CONSTRAINT posts_author REFERENCES users ON DELETE SET NULL DEFERRABLE,
             editor_id uuid REFERENCES users (id),
             rating int CONSTRAINT rating_range CHECK (rating BETWEEN 1 AND 5),
             score int CHECK (score >= 0),
             created_at timestamptz NOT NULL DEFAULT now()
         );
         CREATE TABLE IF NOT EXISTS \"Posts\" (other int);"
    ));
    let t = s.table("Posts").unwrap();
    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        [
            "id",
            "slug",
            "Title",
            "author_id",
            "editor_id",
            "rating",
            "score",
            "created_at"
        ]
    );
    let id = t.column("id").unwrap();
    assert!(!id.nullable);
    assert_eq!(id.default.as_deref(), Some("gen_random_uuid()"));
    assert!(!id.generated);
    assert_eq!(t.primary_key, names(&["id"]));
    assert_eq!(t.primary_key_name.as_deref(), Some("Posts_pkey"));
    assert!(!t.column("slug").unwrap().nullable);
    assert!(t.column("Title").unwrap().nullable);
    assert_eq!(t.unique, vec![names(&["slug"])]);
    assert_eq!(t.unique_names["Posts_slug_key"], names(&["slug"]));
    assert_eq!(
        t.foreign_keys,
        vec![
            ForeignKey {
                name: Some("posts_author".into()),
                columns: names(&["author_id"]),
                ref_table: "users".into(),
                ref_columns: names(&["id"]),
                on_delete: Some("SET NULL".into()),
                deferrable: true,
                initially_deferred: false,
            },
            ForeignKey {
                name: Some("Posts_editor_id_fkey".into()),
                columns: names(&["editor_id"]),
                ref_table: "users".into(),
                ref_columns: names(&["id"]),
                on_delete: None,
                deferrable: false,
                initially_deferred: false,
            },
        ]
    );
    assert_eq!(t.checks.len(), 2);
    assert_eq!(t.checks[0].name.as_deref(), Some("rating_range"));
    assert_eq!(t.checks[0].sql, "rating BETWEEN 1 AND 5");
    assert_eq!(t.checks[0].columns, names(&["rating"]));
    assert_eq!(t.checks[1].name.as_deref(), Some("Posts_score_check"));
    assert_eq!(
        t.checks[1].bounds,
        vec![Bound {
            column: "score".into(),
            op: CmpOp::GtEq,
            value: 0.0
        }]
    );
    let created_at = t.column("created_at").unwrap();
    assert_eq!(created_at.default.as_deref(), Some("now()"));
    assert_eq!(created_at.ty, SqlType::Timestamptz);
}

#[test]
fn table_level_constraints() {
    let s = schema(&format!(
        "{USERS}
         CREATE TABLE events (id uuid PRIMARY KEY, starts_at timestamptz, ends_at timestamptz);
         CREATE TABLE attendances (
             user_id uuid,
             event_id uuid,
             seat int,
             price numeric(10,2),
             PRIMARY KEY (user_id, event_id),
             UNIQUE (event_id, seat),
             CONSTRAINT attendances_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
             FOREIGN KEY (event_id) REFERENCES events DEFERRABLE INITIALLY DEFERRED,
             CONSTRAINT price_ok CHECK (price >= 0 AND price < 1000),
             CHECK (seat > 0),
             CHECK (seat <> price)
         );"
    ));
    let t = s.table("attendances").unwrap();
    assert_eq!(t.primary_key, names(&["user_id", "event_id"]));
    assert!(!t.column("user_id").unwrap().nullable);
    assert!(!t.column("event_id").unwrap().nullable);
    assert!(t.column("seat").unwrap().nullable);
    assert_eq!(t.unique, vec![names(&["event_id", "seat"])]);
    assert!(t.unique_names.contains_key("attendances_event_id_seat_key"));
    assert_eq!(t.foreign_keys[0].name.as_deref(), Some("attendances_user"));
    assert_eq!(t.foreign_keys[0].on_delete.as_deref(), Some("CASCADE"));
    let event_fk = &t.foreign_keys[1];
    assert_eq!(event_fk.name.as_deref(), Some("attendances_event_id_fkey"));
    assert_eq!(event_fk.ref_columns, names(&["id"]));
    assert!(event_fk.deferrable);
    let check_names: Vec<_> = t.checks.iter().map(|c| c.name.clone().unwrap()).collect();
    assert_eq!(
        check_names,
        ["price_ok", "attendances_seat_check", "attendances_check"]
    );
    assert_eq!(t.checks[0].bounds.len(), 2);
    assert!(t.checks[2].bounds.is_empty());
    assert_eq!(t.checks[2].columns, names(&["seat", "price"]));
}

#[test]
fn foreign_keys_must_point_at_a_key() {
    let e = error(&format!(
        "{USERS} CREATE TABLE t (email text REFERENCES users (email));"
    ));
    assert_eq!(
        e.message,
        "no primary key or unique constraint of table `users` matches (email)"
    );
    let e = error("CREATE TABLE t (user_id uuid REFERENCES userz);");
    assert_eq!(e.message, "unknown table `userz`");
    let e = error(&format!(
        "{USERS} CREATE TABLE t (user_id uuid REFERENCES users (idd));"
    ));
    assert_eq!(
        e.message,
        "table `users` has no column `idd`; did you mean `id`?"
    );
    let s = schema("CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree);");
    assert_eq!(s.table("tree").unwrap().foreign_keys[0].ref_table, "tree");
}

#[test]
fn identity_serial_and_generated_columns() {
    let s = schema(
        "CREATE TABLE t (
             a int GENERATED ALWAYS AS IDENTITY,
             b bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10),
             c serial PRIMARY KEY,
             d bigserial,
             e smallserial,
             f numeric GENERATED ALWAYS AS (a * 2) STORED,
             g int DEFAULT nextval('g_seq'),
             h int
         );",
    );
    let t = s.table("t").unwrap();
    let generation = |name: &str| t.column(name).unwrap().generation;
    assert_eq!(generation("a"), Some(Generation::Identity { always: true }));
    assert_eq!(
        generation("b"),
        Some(Generation::Identity { always: false })
    );
    assert_eq!(generation("c"), Some(Generation::Sequence));
    assert_eq!(generation("f"), Some(Generation::Stored));
    assert_eq!(generation("g"), Some(Generation::Sequence));
    assert_eq!(generation("h"), None);
    for name in ["a", "b", "c", "d", "e", "f", "g"] {
        assert!(t.column(name).unwrap().generated, "{name} is generated");
    }
    assert!(!t.column("h").unwrap().generated);
    for name in ["a", "b", "c", "d", "e"] {
        assert!(!t.column(name).unwrap().nullable, "{name} is NOT NULL");
    }
    assert!(t.column("f").unwrap().nullable);
    let c = t.column("c").unwrap();
    assert_eq!(c.ty, SqlType::Integer);
    assert_eq!(c.default.as_deref(), Some("nextval('t_c_seq'::regclass)"));
    assert_eq!(t.column("d").unwrap().ty, SqlType::BigInt);
    assert_eq!(t.column("e").unwrap().ty, SqlType::SmallInt);
}

#[test]
fn alter_table_add_column() {
    let mut s = schema(&format!("{USERS} CREATE TYPE r AS ENUM ('x');"));
    apply(
        &mut s,
        "ALTER TABLE users ADD COLUMN role r NOT NULL DEFAULT 'x';
         ALTER TABLE users ADD nickname varchar(30) UNIQUE, ADD COLUMN age int CHECK (age >= 18);
         ALTER TABLE users ADD COLUMN IF NOT EXISTS email int;
         ALTER TABLE IF EXISTS nope ADD COLUMN x int;",
    );
    let t = s.table("users").unwrap();
    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "email", "role", "nickname", "age"]);
    assert_eq!(t.column("email").unwrap().ty, SqlType::Text);
    let role = t.column("role").unwrap();
    assert_eq!(
        (&role.ty, role.nullable, role.default.as_deref()),
        (&SqlType::Enum("r".into()), false, Some("'x'"))
    );
    assert_eq!(t.unique, vec![names(&["nickname"])]);
    assert_eq!(t.checks[0].name.as_deref(), Some("users_age_check"));
    let e = error(&format!("{USERS} ALTER TABLE users ADD COLUMN email text;"));
    assert_eq!(e.message, "column `email` of table `users` already exists");
}

#[test]
fn alter_table_drop_column() {
    let mut s = schema(&format!(
        "{USERS}
         CREATE TABLE t (
             id int PRIMARY KEY,
             a int UNIQUE,
             b int CHECK (b > 0),
             c int,
             user_id uuid REFERENCES users,
             UNIQUE (a, c)
         );
         CREATE UNIQUE INDEX t_c_idx ON t (c);"
    ));
    apply(
        &mut s,
        "ALTER TABLE t DROP COLUMN b, DROP COLUMN IF EXISTS nope;
         ALTER TABLE t DROP c;
         ALTER TABLE t DROP COLUMN user_id CASCADE;",
    );
    let t = s.table("t").unwrap();
    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "a"]);
    assert!(t.checks.is_empty());
    assert_eq!(t.unique, vec![names(&["a"])]);
    assert_eq!(t.unique_names.keys().collect::<Vec<_>>(), ["t_a_key"]);
    assert!(t.foreign_keys.is_empty());
    assert!(s.unique_indexes.is_empty());
    let e = error(&format!("{USERS} ALTER TABLE users DROP COLUMN emial;"));
    assert_eq!(
        e.message,
        "table `users` has no column `emial`; did you mean `email`?"
    );
}

#[test]
fn dropping_a_referenced_column_needs_cascade() {
    let sql = format!("{USERS} CREATE TABLE t (user_id uuid REFERENCES users);");
    let e = error(&format!("{sql} ALTER TABLE users DROP COLUMN id;"));
    assert_eq!(
        e.message,
        "cannot drop column `id` of table `users`: foreign key `t_user_id_fkey` of table `t` depends on it (use CASCADE)"
    );
    let s = schema(&format!("{sql} ALTER TABLE users DROP COLUMN id CASCADE;"));
    assert!(s.table("t").unwrap().foreign_keys.is_empty());
    assert!(s.table("users").unwrap().primary_key.is_empty());
}

#[test]
fn alter_table_rename_column() {
    let mut s = schema(&format!(
        "{USERS}
         CREATE TABLE t (id uuid PRIMARY KEY REFERENCES users, score int CHECK (score BETWEEN 0 AND 10));
         CREATE UNIQUE INDEX t_score ON t (score);"
    ));
    apply(
        &mut s,
        "ALTER TABLE users RENAME COLUMN id TO user_id;
         ALTER TABLE t RENAME score TO points;",
    );
    assert_eq!(s.table("users").unwrap().primary_key, names(&["user_id"]));
    let t = s.table("t").unwrap();
    assert_eq!(t.foreign_keys[0].ref_columns, names(&["user_id"]));
    assert_eq!(t.checks[0].sql, "points BETWEEN 0 AND 10");
    assert_eq!(t.checks[0].columns, names(&["points"]));
    assert!(t.checks[0].bounds.iter().all(|b| b.column == "points"));
    assert_eq!(t.unique, vec![names(&["points"])]);
    assert_eq!(s.unique_indexes["t_score"].columns, names(&["points"]));
    let e = error(&format!(
        "{USERS} ALTER TABLE users RENAME COLUMN email TO id;"
    ));
    assert_eq!(e.message, "column `id` of table `users` already exists");
}

#[test]
fn alter_column_forms() {
    let mut s = schema(
        "CREATE TYPE level AS ENUM ('low');
         CREATE TABLE t (id int PRIMARY KEY, a int, b text NOT NULL, c int DEFAULT 1, d serial, e int NOT NULL);",
    );
    apply(
        &mut s,
        "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint;
         ALTER TABLE t ALTER COLUMN b SET DATA TYPE level USING b::level;
         ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b DROP NOT NULL;
         ALTER TABLE t ALTER a SET DEFAULT 5;
         ALTER TABLE t ALTER COLUMN c DROP DEFAULT;
         ALTER TABLE t ALTER COLUMN d DROP DEFAULT;
         ALTER TABLE t ALTER COLUMN e ADD GENERATED BY DEFAULT AS IDENTITY;",
    );
    let a = column(&s, "t", "a");
    assert_eq!(
        (&a.ty, a.nullable, a.default.as_deref()),
        (&SqlType::BigInt, false, Some("5"))
    );
    let b = column(&s, "t", "b");
    assert_eq!((&b.ty, b.nullable), (&SqlType::Enum("level".into()), true));
    assert_eq!(column(&s, "t", "c").default, None);
    let d = column(&s, "t", "d");
    assert_eq!((d.default.as_deref(), d.generated), (None, false));
    assert_eq!(
        column(&s, "t", "e").generation,
        Some(Generation::Identity { always: false })
    );

    let base = "CREATE TABLE t (id int PRIMARY KEY, a int);";
    let s = schema(&format!("{base} ALTER TABLE t ALTER COLUMN a TYPE money;"));
    assert_eq!(column(&s, "t", "a").ty, SqlType::Other("money".into()));
    let e = error(&format!(
        "{base} ALTER TABLE t ALTER COLUMN id DROP NOT NULL;"
    ));
    assert!(e.message.contains("primary key"), "{}", e.message);
    let e = error(&format!(
        "{base} ALTER TABLE t ALTER COLUMN b SET NOT NULL;"
    ));
    assert_eq!(e.message, "table `t` has no column `b`");
}

#[test]
fn add_and_drop_constraints() {
    let mut s = schema(&format!(
        "{USERS}
         CREATE TABLE t (id int, code text, user_id uuid, n int);
         ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (id);
         ALTER TABLE t ADD CONSTRAINT t_code UNIQUE (code), ADD UNIQUE (user_id, n);
         ALTER TABLE t ADD CONSTRAINT t_user FOREIGN KEY (user_id) REFERENCES users ON DELETE CASCADE;
         ALTER TABLE t ADD CONSTRAINT t_n CHECK (n BETWEEN 1 AND 3) NOT VALID;
         ALTER TABLE t ADD CHECK (n <> 2);"
    ));
    let t = s.table("t").unwrap();
    assert_eq!(t.primary_key, names(&["id"]));
    assert!(!t.column("id").unwrap().nullable);
    assert_eq!(t.unique, vec![names(&["code"]), names(&["user_id", "n"])]);
    assert_eq!(t.foreign_keys[0].name.as_deref(), Some("t_user"));
    assert_eq!(t.checks.len(), 2);
    apply(
        &mut s,
        "ALTER TABLE t DROP CONSTRAINT t_pk;
         ALTER TABLE t DROP CONSTRAINT t_code, DROP CONSTRAINT t_user_id_n_key;
         ALTER TABLE t DROP CONSTRAINT t_user;
         ALTER TABLE t DROP CONSTRAINT t_n_check;
         ALTER TABLE t DROP CONSTRAINT IF EXISTS nope;",
    );
    let t = s.table("t").unwrap();
    assert!(t.primary_key.is_empty() && t.primary_key_name.is_none());
    assert!(t.unique.is_empty() && t.unique_names.is_empty());
    assert!(t.foreign_keys.is_empty());
    let check_names: Vec<_> = t.checks.iter().map(|c| c.name.as_deref()).collect();
    assert_eq!(check_names, [Some("t_n")]);
    assert!(
        t.column("id").unwrap().nullable.eq(&false),
        "NOT NULL stays"
    );

    let e = error(
        "CREATE TABLE t (id int CONSTRAINT t_check CHECK (id > 0)); ALTER TABLE t DROP CONSTRAINT t_chek;",
    );
    assert_eq!(
        e.message,
        "table `t` has no constraint `t_chek`; did you mean `t_check`?"
    );
    let e = error("CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t ADD PRIMARY KEY (id);");
    assert_eq!(e.message, "table `t` already has a primary key");
    let e = error("CREATE TABLE t (id int CONSTRAINT c CHECK (id > 0), CONSTRAINT c UNIQUE (id));");
    assert_eq!(e.message, "constraint `c` of table `t` already exists");
}

#[test]
fn dropping_a_referenced_key_needs_cascade() {
    let sql = format!("{USERS} CREATE TABLE t (user_id uuid REFERENCES users);");
    let e = error(&format!(
        "{sql} ALTER TABLE users DROP CONSTRAINT users_pkey;"
    ));
    assert!(
        e.message.starts_with("cannot drop constraint `users_pkey`"),
        "{}",
        e.message
    );
    let s = schema(&format!(
        "{sql} ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;"
    ));
    assert!(s.table("t").unwrap().foreign_keys.is_empty());
}

#[test]
fn rename_and_exclude_constraints() {
    let s = schema(
        "CREATE TABLE t (id int PRIMARY KEY, room int);
         ALTER TABLE t ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =);
         ALTER TABLE t RENAME CONSTRAINT t_pkey TO t_key;
         ALTER TABLE t DROP CONSTRAINT no_overlap;",
    );
    let t = s.table("t").unwrap();
    assert_eq!(t.primary_key_name.as_deref(), Some("t_key"));
    assert!(t.other_constraints.is_empty());
}

#[test]
fn rename_table() {
    let mut s = schema(&format!(
        "{USERS}
         CREATE TABLE posts (id int PRIMARY KEY, user_id uuid REFERENCES users);
         CREATE UNIQUE INDEX users_email ON users (email);"
    ));
    apply(&mut s, "ALTER TABLE users RENAME TO accounts;");
    assert!(s.table("users").is_none());
    let accounts = s.table("accounts").unwrap();
    assert_eq!(accounts.name, "accounts");
    // Constraints keep their names, as in PostgreSQL.
    assert_eq!(accounts.primary_key_name.as_deref(), Some("users_pkey"));
    assert_eq!(
        s.table("posts").unwrap().foreign_keys[0].ref_table,
        "accounts"
    );
    assert_eq!(s.unique_indexes["users_email"].table, "accounts");
    let e = error(&format!(
        "{USERS} CREATE TABLE t (a int); ALTER TABLE t RENAME TO users;"
    ));
    assert_eq!(e.message, "table `users` already exists");
}

#[test]
fn drop_table() {
    let sql = format!("{USERS} CREATE TABLE posts (id int, user_id uuid REFERENCES users);");
    let e = error(&format!("{sql} DROP TABLE users;"));
    assert_eq!(
        e.message,
        "cannot drop table `users`: foreign key `posts_user_id_fkey` of table `posts` refers to it (use CASCADE)"
    );
    let s = schema(&format!("{sql} DROP TABLE IF EXISTS users, nope CASCADE;"));
    assert!(s.table("users").is_none());
    assert!(s.table("posts").unwrap().foreign_keys.is_empty());
    let s = schema(&format!("{sql} DROP TABLE posts, users;"));
    assert!(s.tables.is_empty());
    let e = error("DROP TABLE nope;");
    assert_eq!(e.message, "unknown table `nope`");
}

#[test]
fn drop_type() {
    let sql = "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE t (id int, m mood);";
    let e = error(&format!("{sql} DROP TYPE mood;"));
    assert_eq!(
        e.message,
        "cannot drop type `mood`: column `t.m` uses it (use CASCADE)"
    );
    let s = schema(&format!("{sql} DROP TYPE IF EXISTS mood, nope CASCADE;"));
    assert!(s.enums.is_empty());
    assert!(s.table("t").unwrap().column("m").is_none());
}

#[test]
fn unique_indexes() {
    let mut s = schema(&format!(
        "{USERS}
         CREATE UNIQUE INDEX users_email_idx ON users USING btree (email);
         CREATE UNIQUE INDEX users_lower_email ON users (lower(email));
         CREATE UNIQUE INDEX users_email_partial ON users (email) WHERE email <> '';
         CREATE UNIQUE INDEX ON users (id, email);
         CREATE INDEX users_email_plain ON users (email);"
    ));
    let t = s.table("users").unwrap();
    assert_eq!(t.unique, vec![names(&["email"]), names(&["id", "email"])]);
    assert_eq!(
        s.unique_indexes.keys().collect::<Vec<_>>(),
        ["users_email_idx", "users_id_email_idx"]
    );
    apply(
        &mut s,
        "ALTER INDEX users_email_idx RENAME TO users_email_unique;
         DROP INDEX users_email_unique;
         DROP INDEX CONCURRENTLY IF EXISTS users_id_email_idx;
         DROP INDEX users_email_plain;",
    );
    assert!(s.table("users").unwrap().unique.is_empty());
    assert!(s.unique_indexes.is_empty());
    // An index of a relation the model does not hold (a materialized view) changes no table.
    schema("CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a; CREATE UNIQUE INDEX i ON mv (a);");
    schema("CREATE UNIQUE INDEX i ON nope (a);");
}

#[test]
fn constraint_using_a_unique_index() {
    let s = schema(
        "CREATE TABLE t (id int, code text);
         CREATE UNIQUE INDEX t_id ON t (id);
         CREATE UNIQUE INDEX t_code ON t (code);
         ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_id;
         ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE USING INDEX t_code;",
    );
    let t = s.table("t").unwrap();
    assert_eq!(t.primary_key, names(&["id"]));
    assert!(!t.column("id").unwrap().nullable);
    assert_eq!(t.unique, vec![names(&["code"])]);
    assert_eq!(t.unique_names["t_code_key"], names(&["code"]));
    assert!(s.unique_indexes.is_empty());
}

#[test]
fn shape_neutral_statements_are_passed_over() {
    let s = schema(
        "BEGIN;
         SET search_path = public;
         CREATE EXTENSION IF NOT EXISTS pgcrypto;
         CREATE SCHEMA IF NOT EXISTS audit;
         CREATE TABLE t (id int PRIMARY KEY, updated_at timestamptz);
         CREATE INDEX t_updated_at_idx ON t (updated_at);
         CREATE INDEX CONCURRENTLY IF NOT EXISTS t_x ON t USING gin ((id::text) gin_trgm_ops);
         COMMENT ON TABLE t IS 'a table; with a semicolon';
         COMMENT ON COLUMN t.id IS 'it''s the key';
         CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$
         BEGIN
             NEW.updated_at = now(); -- a comment; with a semicolon
             RETURN NEW;
         END;
         $$ LANGUAGE plpgsql;
         CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;
         CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
         DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN CREATE TABLE hidden (a int); END IF; END $$;
         DO LANGUAGE plpgsql $do$ BEGIN PERFORM 1; END $do$;
         CREATE VIEW v AS SELECT id FROM t;
         CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
         GRANT SELECT ON t TO PUBLIC;
         REVOKE ALL ON t FROM PUBLIC;
         INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING;
         UPDATE t SET updated_at = now() WHERE id = 1;
         DELETE FROM t WHERE id = 2;
         SELECT set_config('search_path', '', false);
         CREATE POLICY p ON t USING (true);
         ALTER TABLE t ENABLE ROW LEVEL SECURITY;
         ALTER TABLE t OWNER TO postgres;
         /* a block comment; /* nested; */ still a comment */
         DROP VIEW v;
         DROP FUNCTION IF EXISTS f();
         COMMIT;",
    );
    let mut expected = schema(
        "CREATE TABLE t (id int PRIMARY KEY, updated_at timestamptz);
         CREATE TABLE hidden (a int);",
    );
    expected.views.insert("mv".into());
    expected.schemas.insert("audit".into());
    // Indexes change no shape, but the model keeps them for `schema diff`.
    let t = expected.tables.get_mut("t").unwrap();
    t.indexes
        .insert("t_updated_at_idx".into(), vec!["updated_at".into()]);
    t.indexes.insert("t_x".into(), vec!["id".into()]);
    assert_eq!(s, expected);
}

#[test]
fn tables_outside_public_keep_their_schema() {
    let s = schema(
        "CREATE SCHEMA audit;
         CREATE TABLE audit.log (id int PRIMARY KEY);
         CREATE TABLE public.entries (log_id int REFERENCES audit.log);",
    );
    assert!(s.table("audit.log").is_some());
    assert_eq!(
        s.table("entries").unwrap().foreign_keys[0].ref_table,
        "audit.log"
    );
    let s = schema(
        "CREATE SCHEMA audit; CREATE TABLE audit.log (id int); CREATE TYPE audit.kind AS ENUM ('a');
         CREATE TABLE kept (k audit.kind, n int); DROP SCHEMA audit CASCADE;",
    );
    assert!(s.table("audit.log").is_none() && !s.enums.contains_key("audit.kind"));
    assert_eq!(s.table("kept").unwrap().columns.len(), 1);
    let e = error("CREATE SCHEMA audit; CREATE TABLE audit.log (id int); DROP SCHEMA audit;");
    assert!(e.message.contains("not empty"), "{}", e.message);
    schema("CREATE TABLE log (id int); DROP SCHEMA IF EXISTS audit CASCADE;");
}

#[test]
fn replay_across_files_in_order() {
    let mut s = Schema::default();
    s.apply_sql(
        Path::new("1_init.sql"),
        "CREATE TABLE venues (id uuid PRIMARY KEY, name text NOT NULL);",
    );
    s.apply_sql(
        Path::new("2_more.sql"),
        "ALTER TABLE venues ADD COLUMN capacity int CHECK (capacity > 0);
         ALTER TABLE venues RENAME COLUMN name TO title;",
    );
    assert!(s.tainted.is_empty());
    let t = s.table("venues").unwrap();
    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "title", "capacity"]);
}

#[test]
fn a_statement_not_followed_taints_only_its_tables() {
    let mut s = schema(USERS);
    s.apply_sql(
        Path::new("2.sql"),
        "ALTER TABLE users ADD COLUMN age int; ALTER TABLE nope ADD COLUMN x int;",
    );
    assert!(column(&s, "users", "age").nullable);
    let taint = &s.tainted["nope"];
    assert_eq!(taint.message, "unknown table `nope`");
    assert_eq!((taint.file.as_path(), taint.line), (Path::new("2.sql"), 1));
    assert!(!s.tainted.contains_key("users"));
}

#[test]
fn load_orders_by_version_and_ignores_downs() {
    let dir = TempDir::new(
        "load",
        &[
            ("9_create.up.sql", "CREATE TABLE t (id int PRIMARY KEY);"),
            ("9_create.down.sql", "DROP TABLE t;"),
            ("10_alter.sql", "ALTER TABLE t ADD COLUMN name text;"),
            ("11_more.up.sql", "ALTER TABLE t ADD COLUMN extra int;"),
            ("11_more.down.sql", "ALTER TABLE t DROP COLUMN extra;"),
            ("README.md", "not a migration"),
            ("notes.sql", "not a migration either"),
        ],
    );
    let s = Schema::load(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let t = s.table("t").unwrap();
    let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "name", "extra"]);
    assert_eq!(s.version, Some(11));
    let files: Vec<&str> = s
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(files, ["9_create.up.sql", "10_alter.sql", "11_more.up.sql"]);
    assert!(s.files.iter().all(|f| f.is_absolute()));

    let migrations = migration_files(&dir.0).unwrap();
    let summary: Vec<_> = migrations
        .iter()
        .map(|m| (m.version, m.description.as_str(), m.down.is_some()))
        .collect();
    assert_eq!(
        summary,
        [
            (9, "create", true),
            (10, "alter", false),
            (11, "more", true)
        ]
    );
}

#[test]
fn load_errors_name_file_and_line() {
    let dir = TempDir::new(
        "errors",
        &[
            ("1_ok.sql", "CREATE TABLE t (id int);"),
            (
                "2_bad.sql",
                "-- a comment\nALTER TABLE t ADD COLUMN a int;\n\nALTER TABLE t\n  ADD COLUMN b int,\n  ADD COLUMN c int 42;\n",
            ),
        ],
    );
    let s = Schema::load(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        column(&s, "t", "a").nullable,
        "the statements before still apply"
    );
    let e = &s.tainted["t"];
    assert_eq!(e.file, dir.0.join("2_bad.sql"));
    assert_eq!(e.line, 4);
    assert!(
        e.message.starts_with("cannot read this statement: "),
        "{}",
        e.message
    );
    // sqlparser's own position is that of the file, not of the statement.
    assert!(e.message.contains("Line: 6"), "{}", e.message);
    assert!(
        e.to_string()
            .starts_with(&format!("{}:4: ", e.file.display()))
    );

    let duplicate = TempDir::new("duplicate", &[("1_a.sql", ""), ("01_b.sql", "")]);
    let e = Schema::load(&duplicate.0).unwrap_err();
    assert!(
        e.message.starts_with("version 1 is also used by"),
        "{}",
        e.message
    );

    let missing = Path::new("/nonexistent/seedbed/migrations");
    let e = Schema::load(missing).unwrap_err();
    assert_eq!(e.file, missing);
    assert_eq!(e.line, 0);
    assert!(e.message.starts_with("cannot read the migrations folder"));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/seedbed/migrations: cannot read")
    );
}

#[test]
fn statements_not_followed_taint_only_the_tables_they_name() {
    // The line is that of the column, not of the statement.
    let mut s = schema("CREATE TABLE other (id int PRIMARY KEY);");
    s.apply_sql(
        Path::new("t.sql"),
        "CREATE TABLE t (\n  id int,\n  m int REFERENCES nope\n);",
    );
    let e = &s.tainted["t"];
    assert_eq!((e.line, e.message.as_str()), (1, "unknown table `nope`"));
    assert!(!s.tainted.contains_key("other"));
    let e = error(&format!("{USERS}\nALTER TABLE user ADD COLUMN a int;"));
    assert_eq!(e.line, 2);
    assert_eq!(e.message, "unknown table `user`; did you mean `users`?");
    let e = error("CREATE TABLE t (a int); ALTER TABLE t ALTER COLUMN a DROP IDENTITY;");
    assert!(
        e.message.starts_with("cannot read this statement"),
        "{}",
        e.message
    );
    let e = error("CREATE TABLE p (a int); CREATE TABLE t (a int); ALTER TABLE t INHERIT p;");
    assert_eq!(
        e.message,
        "the schema loader does not support the ALTER TABLE operation `INHERIT p`"
    );
    let e = error("CREATE TABLE t AS SELECT 1 AS a;");
    assert!(e.message.contains("CREATE TABLE t AS"), "{}", e.message);
    // Neither a temporary table nor an index can change a seedable table.
    let s = schema(
        "CREATE TEMPORARY TABLE scratch AS SELECT 1 AS a;
         CREATE TABLE t (a int);
         CREATE UNIQUE INDEX i ON t ((a + 1));
         ALTER INDEX IF EXISTS i RENAME TO j;
         ALTER INDEX IF EXISTS missing RENAME TO k;",
    );
    assert!(s.table("scratch").is_none() && s.table("t").is_some());
    // An unguarded DO block: the tables its DDL names are in doubt, the others are not.
    let mut s = schema("CREATE TABLE a (id int); CREATE TABLE b (id int);");
    s.apply_sql(
        Path::new("do.sql"),
        "DO $$ BEGIN IF current_setting('app.flag') = 'on' THEN ALTER TABLE a ADD COLUMN x int; END IF; END $$;",
    );
    assert!(s.tainted.contains_key("a") && !s.tainted.contains_key("b"));
    // Guarded DDL (the idempotent idiom) is replayed.
    let s = schema(
        "DO $$ BEGIN CREATE TYPE mood AS ENUM ('ok', 'sad'); EXCEPTION WHEN duplicate_object THEN null; END $$;
         CREATE TABLE t (m mood);",
    );
    assert_eq!(column(&s, "t", "m").ty, SqlType::Enum("mood".into()));
}

#[test]
fn every_type_postgres_accepts_is_a_column_type() {
    let s = schema(
        "CREATE EXTENSION citext;
         CREATE TYPE address AS (street text, city text);
         CREATE DOMAIN positive AS integer NOT NULL CHECK (VALUE > 0);
         CREATE DOMAIN email AS citext;
         CREATE TABLE t (
             a money, b citext, c tsvector, d ltree, e address, f address[], g positive,
             h email, i int4range, j point, k time with time zone, l bit(8), m xml,
             n vector(3), o geometry(Point, 4326), p macaddr, q cidr, r hstore
         );",
    );
    let ty = |c| column(&s, "t", c).ty.clone();
    assert_eq!(ty("a"), SqlType::Other("money".into()));
    assert_eq!(ty("b"), SqlType::Other("citext".into()));
    assert_eq!(ty("e"), SqlType::Other("address".into()));
    assert_eq!(
        ty("f"),
        SqlType::Array(Box::new(SqlType::Other("address".into())))
    );
    assert_eq!(ty("g"), SqlType::Domain("positive".into()));
    assert_eq!(s.base_type(&ty("g")), &SqlType::Integer);
    assert!(s.domains["positive"].not_null);
    assert_eq!(s.domains["positive"].checks[0].bounds[0].value, 0.0);
    assert_eq!(ty("n"), SqlType::Other("vector(3)".into()));
    assert_eq!(ty("o"), SqlType::Other("geometry(Point,4326)".into()));
    assert_eq!(s.composites["address"].len(), 2);
    // Dropping a type with CASCADE drops its columns.
    let s = schema(
        "CREATE TYPE pair AS (a int, b int); CREATE TABLE t (id int, p pair); DROP TYPE pair CASCADE;",
    );
    assert_eq!(s.table("t").unwrap().columns.len(), 1);
}

#[test]
fn schemas_and_the_search_path() {
    let s = schema(
        "CREATE SCHEMA app;
         SET search_path TO app, public;
         CREATE TYPE kind AS ENUM ('a');
         CREATE TABLE items (id int PRIMARY KEY, k kind);
         CREATE TABLE public.notes (item_id int REFERENCES items);
         ALTER TABLE items ADD COLUMN name text;
         SET search_path = public;
         CREATE TABLE plain (id int);
         ALTER TABLE plain SET SCHEMA app;
         SET search_path TO app;
         RESET search_path;
         CREATE TABLE after_reset (id int);
         CREATE TABLE \"Mixed Case\" (\"Id\" int);",
    );
    assert_eq!(
        column(&s, "app.items", "k").ty,
        SqlType::Enum("app.kind".into())
    );
    assert!(column(&s, "app.items", "name").nullable);
    assert_eq!(
        s.table("notes").unwrap().foreign_keys[0].ref_table,
        "app.items"
    );
    assert!(s.table("app.plain").is_some() && s.table("plain").is_none());
    assert!(s.table("after_reset").is_some());
    assert!(column(&s, "Mixed Case", "Id").nullable);
}

#[test]
fn default_null_is_no_default_and_collations_are_passed_over() {
    let s = schema(
        "CREATE TABLE t (a uuid DEFAULT NULL, b text DEFAULT NULL::text, c int DEFAULT 0, d varchar);
         ALTER TABLE t ALTER d TYPE varchar COLLATE \"C\";
         ALTER TABLE t ALTER COLUMN c TYPE bigint, ALTER COLUMN b SET DEFAULT NULL;",
    );
    assert_eq!(column(&s, "t", "a").default, None);
    assert_eq!(column(&s, "t", "b").default, None);
    assert_eq!(column(&s, "t", "c").default.as_deref(), Some("0"));
    assert_eq!(column(&s, "t", "c").ty, SqlType::BigInt);
    assert_eq!(column(&s, "t", "d").ty, SqlType::Varchar(None));
}

#[test]
fn alter_constraint_changes_deferrability() {
    let s = schema(
        "CREATE TABLE a (id int PRIMARY KEY);
         CREATE TABLE b (a_id int CONSTRAINT b_a REFERENCES a);
         ALTER TABLE b ALTER CONSTRAINT b_a DEFERRABLE INITIALLY DEFERRED;",
    );
    let fk = &s.table("b").unwrap().foreign_keys[0];
    assert!(fk.deferrable && fk.initially_deferred);
    let s = schema(
        "CREATE TABLE a (id int PRIMARY KEY);
         CREATE TABLE b (a_id int CONSTRAINT b_a REFERENCES a DEFERRABLE INITIALLY DEFERRED);
         ALTER TABLE ONLY b ALTER CONSTRAINT b_a NOT DEFERRABLE;",
    );
    let fk = &s.table("b").unwrap().foreign_keys[0];
    assert!(!fk.deferrable && !fk.initially_deferred);
}

#[test]
fn partitions_inheritance_like_and_views() {
    let s = schema(
        "CREATE TABLE events (id int NOT NULL, at date NOT NULL, note text) PARTITION BY RANGE (at);
         CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
         CREATE TABLE base (id int NOT NULL, created timestamptz DEFAULT now(), CHECK (id > 0));
         CREATE TABLE child (extra text NOT NULL) INHERITS (base);
         CREATE TABLE copy (LIKE base INCLUDING DEFAULTS);
         CREATE TABLE bare (LIKE base);
         CREATE VIEW recent AS SELECT * FROM events;",
    );
    assert_eq!(
        s.table("events_2026").unwrap().partition_of.as_deref(),
        Some("events")
    );
    assert_eq!(s.table("events_2026").unwrap().columns.len(), 3);
    let child: Vec<&str> = s
        .table("child")
        .unwrap()
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(child, ["id", "created", "extra"]);
    assert_eq!(s.table("child").unwrap().checks.len(), 1);
    assert!(column(&s, "copy", "created").default.is_some());
    assert!(column(&s, "bare", "created").default.is_none());
    assert!(s.views.contains("recent"));
}

#[test]
fn statements_are_split_outside_quotes_and_comments() {
    let sql = "-- intro; still a comment\nSELECT 'a;b', \"c;d\", E'e\\';f';\n/* x; */ SELECT $tag$ ; $$ ; $tag$;\n  SELECT $1, a$b; SELECT 'é;'\n";
    let parts: Vec<(u64, u64, &str)> = split::statements(sql)
        .into_iter()
        .map(|s| (s.line, s.column, s.text))
        .collect();
    assert_eq!(
        parts,
        [
            (2, 1, "SELECT 'a;b', \"c;d\", E'e\\';f'"),
            (3, 10, "SELECT $tag$ ; $$ ; $tag$"),
            (4, 3, "SELECT $1, a$b"),
            (4, 19, "SELECT 'é;'"),
        ]
    );
    assert!(split::statements("  -- only a comment\n ; ;").is_empty());
}

#[test]
fn bounds_of_checks() {
    let s = schema(
        "CREATE TABLE t (
             a int CHECK (a BETWEEN -5 AND 5),
             b numeric CHECK (0.5 < b AND (b <= 10 AND b <> 3)),
             c int CHECK (c > 0 OR c IS NULL),
             d int CHECK (d NOT BETWEEN 1 AND 2),
             e int CHECK (e = +7 AND length('x') > 0 AND e > other_thing)
         );",
    );
    let t = s.table("t").unwrap();
    let bounds = |i: usize| -> Vec<(String, CmpOp, f64)> {
        t.checks[i]
            .bounds
            .iter()
            .map(|b| (b.column.clone(), b.op, b.value))
            .collect()
    };
    assert_eq!(
        bounds(0),
        [
            ("a".into(), CmpOp::GtEq, -5.0),
            ("a".into(), CmpOp::LtEq, 5.0)
        ]
    );
    assert_eq!(
        bounds(1),
        [
            ("b".into(), CmpOp::Gt, 0.5),
            ("b".into(), CmpOp::LtEq, 10.0),
            ("b".into(), CmpOp::NotEq, 3.0)
        ]
    );
    assert!(bounds(2).is_empty());
    assert!(bounds(3).is_empty());
    assert_eq!(bounds(4), [("e".into(), CmpOp::Eq, 7.0)]);
    assert_eq!(t.checks.len(), 5, "every check is recorded");
    let rating = &t.checks[0].bounds;
    assert!(rating.iter().all(|b| b.admits(0.0)));
    assert!(!rating.iter().all(|b| b.admits(6.0)));
}

#[test]
fn default_names_follow_postgres() {
    let long = "a".repeat(40);
    let column = "b".repeat(40);
    let taken = Default::default();
    let name = Dialect::POSTGRES.default_name(&long, &[&column], "key", &taken);
    assert_eq!(name.len(), 63);
    assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
    let taken = ["t_check", "t_check1"].into_iter().collect();
    assert_eq!(
        Dialect::POSTGRES.default_name("t", &[], "check", &taken),
        "t_check2"
    );
}

#[test]
fn renaming_inside_check_sql() {
    assert_eq!(
        names::rename_in_sql(
            Dialect::POSTGRES,
            "a > 0 AND t.a < \"a\" AND b = 'a'",
            "a",
            "Total"
        ),
        "\"Total\" > 0 AND t.\"Total\" < \"Total\" AND b = 'a'"
    );
    assert_eq!(
        names::rename_in_sql(Dialect::POSTGRES, "a > 0", "a", "order"),
        "\"order\" > 0"
    );
    assert_eq!(
        names::rename_in_sql(Dialect::POSTGRES, "a > 0", "a", "amount"),
        "amount > 0"
    );
}

#[test]
fn nearest_suggestions() {
    let tables = ["users", "venues", "events", "event_sessions", "reviews"];
    assert_eq!(nearest("user", tables), Some("users"));
    assert_eq!(nearest("venu", tables), Some("venues"));
    assert_eq!(nearest("evnets", tables), Some("events"));
    assert_eq!(nearest("Reviews", tables), Some("reviews"));
    assert_eq!(nearest("session", tables), Some("event_sessions"));
    assert_eq!(nearest("id", tables), None);
    assert_eq!(nearest("payments", tables), None);
    assert_eq!(nearest("x", []), None);
    assert_eq!(nearest("b", ["a"]), None);
    assert_eq!(nearest("nmae", ["id", "name"]), Some("name"));
}

#[test]
fn sql_names() {
    let cases = [
        (SqlType::Varchar(Some(120)), "varchar(120)"),
        (SqlType::Char(Some(2)), "char(2)"),
        (SqlType::Numeric(Some((10, 2))), "numeric(10,2)"),
        (SqlType::Array(Box::new(SqlType::Text)), "text[]"),
        (SqlType::Enum("event_status".into()), "event_status"),
        (SqlType::Double, "double precision"),
    ];
    for (ty, name) in cases {
        assert_eq!(ty.sql_name(), name);
    }
}

/// The Festival Scout migrations of this repository load, with the facts the seeds rely on.
#[test]
fn festival_scout_migrations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let s = Schema::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.tables.len() >= 20, "{} tables", s.tables.len());
    assert!(s.version.is_some());
    assert!(!s.files.is_empty());
    let status = column(&s, "events", "status");
    assert_eq!(status.ty, SqlType::Enum("event_status".into()));
    let reviews = s.table("reviews").unwrap();
    let rating: Vec<(CmpOp, f64)> = reviews
        .checks
        .iter()
        .flat_map(|c| &c.bounds)
        .filter(|b| b.column == "rating")
        .map(|b| (b.op, b.value))
        .collect();
    assert_eq!(rating, [(CmpOp::GtEq, 1.0), (CmpOp::LtEq, 5.0)]);
    let fk = &reviews.foreign_keys[0];
    assert_eq!(
        (fk.ref_table.as_str(), fk.ref_columns.as_slice()),
        ("users", &names(&["id"])[..])
    );
}

/// A dialect unlike PostgreSQL's: unquoted names fold to upper case (as the SQL standard
/// says), unqualified names live in `MAIN`, constraints are named `<table>_<label>`, and it
/// has a type name of its own for a sequence-backed column and for an address.
struct Upper;

impl dialect::DdlDialect for Upper {
    fn name(&self) -> &'static str {
        "upper (test)"
    }
    fn parser(&self) -> &dyn sqlparser::dialect::Dialect {
        &sqlparser::dialect::GenericDialect {}
    }
    fn fold(&self, unquoted: &str) -> String {
        unquoted.to_uppercase()
    }
    fn default_schema(&self) -> &'static str {
        "MAIN"
    }
    fn default_name(
        &self,
        table: &str,
        _columns: &[&str],
        label: &str,
        _taken: &BTreeSet<&str>,
    ) -> String {
        format!("{table}_{label}")
    }
    fn serial_type(&self, name: &str) -> Option<SqlType> {
        (name == "COUNTER").then_some(SqlType::BigInt)
    }
    fn named_type(&self, name: &str) -> Option<SqlType> {
        (name == "IPADDR").then_some(SqlType::Inet)
    }
}

#[test]
fn the_replay_follows_its_dialect() {
    let mut schema = Schema::new(Dialect::new(&Upper));
    schema.apply_sql(
        Path::new("m.sql"),
        "CREATE TABLE Venue (Id counter PRIMARY KEY, \"Name\" text NOT NULL, Addr ipaddr);
         CREATE TABLE main.Event (Id int PRIMARY KEY, Venue_Id bigint REFERENCES Venue (Id));
         ALTER TABLE Event ADD CONSTRAINT Positive CHECK (Venue_Id > 0);",
    );
    assert!(schema.tainted.is_empty(), "{:?}", schema.tainted);
    let venue = schema.table("VENUE").expect("folded to upper case");
    let columns: Vec<(&str, &SqlType)> = venue
        .columns
        .iter()
        .map(|c| (c.name.as_str(), &c.ty))
        .collect();
    assert_eq!(
        columns,
        [
            ("ID", &SqlType::BigInt),
            ("Name", &SqlType::Text),
            ("ADDR", &SqlType::Inet)
        ]
    );
    assert_eq!(venue.columns[0].generation, Some(Generation::Sequence));
    assert_eq!(venue.primary_key_name.as_deref(), Some("VENUE_pkey"));
    // `main.Event` is the default schema's, so unqualified like `Venue`.
    let event = schema.table("EVENT").expect("main is the default schema");
    assert_eq!(event.foreign_keys[0].ref_table, "VENUE");
    assert_eq!(event.foreign_keys[0].name.as_deref(), Some("EVENT_fkey"));
    assert_eq!(event.checks[0].name.as_deref(), Some("POSITIVE"));
    assert_eq!(event.checks[0].bounds[0].column, "VENUE_ID");
    // The same text under PostgreSQL's rules names other things.
    let mut postgres = Schema::default();
    postgres.apply_sql(
        Path::new("m.sql"),
        "CREATE TABLE Venue (Id serial PRIMARY KEY);",
    );
    assert!(postgres.table("venue").is_some() && postgres.table("VENUE").is_none());
}
