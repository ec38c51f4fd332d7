//! `seed-runner schema snapshot`: the schema model read from a migrated database's
//! `pg_catalog`, written next to the migrations for the tables the macros' replay cannot
//! follow (see `seedbed_core::snapshot`).

use seedbed_core::schema::{Column, Domain, ForeignKey, Generation, Schema, Table, UniqueIndex};
use sqlx::PgConnection;

use crate::error::Error;

/// The migrators' own bookkeeping tables, which no seed writes.
const BOOKKEEPING: &[&str] = &[
    "_sqlx_migrations",
    "__diesel_schema_migrations",
    "refinery_schema_history",
];

/// The schemas that hold the application's objects.
const USER_SCHEMAS: &str =
    "n.nspname NOT IN ('pg_catalog', 'information_schema', 'seedbed', 'pg_toast')
    AND n.nspname NOT LIKE 'pg\\_temp%' AND n.nspname NOT LIKE 'pg\\_toast%'";

/// The name of a relation or type as the model spells it, bare in `public`: SQL over the
/// namespace alias `ns` and the name column `name`.
fn name_of(ns: &str, name: &str) -> String {
    format!("CASE WHEN {ns}.nspname = 'public' THEN {name} ELSE {ns}.nspname || '.' || {name} END")
}

fn unreadable(what: &str, e: String) -> Error {
    Error::SnapshotUnreadable {
        what: what.to_owned(),
        reason: e,
    }
}

/// Reads the model of the connection's database: tables, columns and their types,
/// nullability, defaults, identity and generated columns, keys, uniques, foreign keys with
/// deferrability, simple checks, enums, domains, composite types and views.
pub async fn read(conn: &mut PgConnection) -> Result<Schema, Error> {
    // The model's names assume the default search path: `public` types print bare.
    sqlx::query("SET search_path TO public")
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::database("setting the search path", &e))?;
    let mut schema = Schema::default();
    read_types(conn, &mut schema).await?;
    read_tables(conn, &mut schema).await?;
    read_constraints(conn, &mut schema).await?;
    Ok(schema)
}

async fn read_types(conn: &mut PgConnection, schema: &mut Schema) -> Result<(), Error> {
    let enums: Vec<(String, Vec<String>)> = sqlx::query_as(&format!(
        "SELECT {}, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE {USER_SCHEMAS} GROUP BY 1",
        name_of("n", "t.typname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the enum types", &e))?;
    schema.enums.extend(enums);

    let composites: Vec<(String, Vec<String>, Vec<String>)> = sqlx::query_as(&format!(
        "SELECT {},
                ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.typrelid
                      AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                      WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                      ORDER BY a.attnum)
         FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid
         JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.typtype = 'c' AND c.relkind = 'c' AND {USER_SCHEMAS}",
        name_of("n", "t.typname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the composite types", &e))?;
    // Composite types first with no attributes, so that their attributes may use each other.
    for (name, _, _) in &composites {
        schema.composites.insert(name.clone(), Vec::new());
    }

    let domains: Vec<DomainRow> = sqlx::query_as(&format!(
        "SELECT {}, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
                    ARRAY(SELECT c.conname::text FROM pg_constraint c
                          WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
                    ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                          WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typtype = 'd' AND {USER_SCHEMAS}",
        name_of("n", "t.typname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the domains", &e))?;
    for (name, base, not_null, default, check_names, checks) in domains {
        let base = schema
            .parse_type(&base)
            .map_err(|e| unreadable(&format!("domain `{name}`"), e))?;
        let checks = check_names
            .iter()
            .zip(&checks)
            .map(|(check, definition)| {
                schema
                    .dialect
                    .check_from_definition(&["value"], check, definition)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unreadable(&format!("domain `{name}`"), e))?;
        let domain = Domain {
            base,
            not_null,
            default,
            checks,
        };
        schema.domains.insert(name, domain);
    }
    for (name, attributes, types) in composites {
        let attributes = attributes
            .into_iter()
            .zip(&types)
            .map(|(a, ty)| Ok((a, schema.parse_type(ty)?)))
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| unreadable(&format!("composite type `{name}`"), e))?;
        schema.composites.insert(name, attributes);
    }
    Ok(())
}

/// A domain: name, base type, not null, default, check names, check definitions.
type DomainRow = (
    String,
    String,
    bool,
    Option<String>,
    Vec<String>,
    Vec<String>,
);

type ColumnRow = (String, String, String, bool, Option<String>, String, String);

async fn read_tables(conn: &mut PgConnection, schema: &mut Schema) -> Result<(), Error> {
    let relations: Vec<(String, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT {}, c.relkind::text,
                (SELECT {} FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                 JOIN pg_namespace pn ON pn.oid = p.relnamespace
                 WHERE i.inhrelid = c.oid AND c.relispartition)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {USER_SCHEMAS}",
        name_of("n", "c.relname"),
        name_of("pn", "p.relname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the tables", &e))?;
    for (name, kind, parent) in relations {
        if kind == "v" || kind == "m" {
            schema.views.insert(name);
            continue;
        }
        if BOOKKEEPING.contains(&name.as_str()) {
            continue;
        }
        let mut table = Table::new(name.clone());
        table.partition_of = parent;
        schema.tables.insert(name, table);
    }

    let columns: Vec<ColumnRow> = sqlx::query_as(&format!(
        "SELECT {}, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {USER_SCHEMAS}
         ORDER BY 1, a.attnum",
        name_of("n", "c.relname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the columns", &e))?;
    for (table, name, ty, not_null, default, identity, generated) in columns {
        let ty = schema
            .parse_type(&ty)
            .map_err(|e| unreadable(&format!("column `{table}.{name}`"), e))?;
        let generation = match (identity.as_str(), generated.as_str()) {
            ("a", _) => Some(Generation::Identity { always: true }),
            ("d", _) => Some(Generation::Identity { always: false }),
            (_, "s") => Some(Generation::Stored),
            _ if default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval(")) =>
            {
                Some(Generation::Sequence)
            }
            _ => None,
        };
        let column = Column {
            name,
            ty,
            nullable: !not_null,
            // A stored generated column's expression is no default.
            default: default.filter(|_| generation != Some(Generation::Stored)),
            generated: generation.is_some(),
            generation,
        };
        if let Some(t) = schema.tables.get_mut(&table) {
            t.columns.push(column);
        }
    }
    Ok(())
}

type ConstraintRow = (
    String,
    String,
    String,
    Vec<String>,
    Option<String>,
    Vec<String>,
    String,
    bool,
    bool,
    String,
);

async fn read_constraints(conn: &mut PgConnection, schema: &mut Schema) -> Result<(), Error> {
    let constraints: Vec<ConstraintRow> = sqlx::query_as(&format!(
        "SELECT {}, con.conname::text, con.contype::text,
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o),
                CASE WHEN con.contype = 'f' THEN {} END,
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o),
                con.confdeltype::text, con.condeferrable, con.condeferred,
                pg_get_constraintdef(con.oid)
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class r ON r.oid = con.confrelid
         LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
         WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relkind IN ('r', 'p') AND {USER_SCHEMAS}
         ORDER BY 1, con.conname",
        name_of("n", "c.relname"),
        name_of("rn", "r.relname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the constraints", &e))?;
    for row in constraints {
        let (
            table,
            name,
            kind,
            columns,
            ref_table,
            ref_columns,
            on_delete,
            deferrable,
            deferred,
            definition,
        ) = row;
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        match kind.as_str() {
            "p" => {
                t.primary_key = columns;
                t.primary_key_name = Some(name);
            }
            "u" => {
                t.unique.push(columns.clone());
                t.unique_names.insert(name, columns);
            }
            "f" => t.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns,
                ref_table: ref_table.unwrap_or_default(),
                ref_columns,
                on_delete: match on_delete.as_str() {
                    "c" => Some("CASCADE".to_owned()),
                    "n" => Some("SET NULL".to_owned()),
                    "d" => Some("SET DEFAULT".to_owned()),
                    "r" => Some("RESTRICT".to_owned()),
                    _ => None,
                },
                deferrable,
                initially_deferred: deferred,
            }),
            "c" => {
                let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
                let check = schema
                    .dialect
                    .check_from_definition(&names, &name, &definition)
                    .map_err(|e| unreadable(&format!("check `{name}` of `{table}`"), e))?;
                t.checks.push(check);
            }
            _ => {
                t.other_constraints.insert(name);
            }
        }
    }

    // Unique indexes on plain columns for all rows that no constraint owns.
    let indexes: Vec<(String, String, Vec<String>)> = sqlx::query_as(&format!(
        "SELECT {}, {}, ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL AND i.indexprs IS NULL
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
           AND {USER_SCHEMAS}",
        name_of("n", "ic.relname"),
        name_of("n", "c.relname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the unique indexes", &e))?;
    for (name, table, columns) in indexes {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.unique.push(columns.clone());
            schema
                .unique_indexes
                .insert(name, UniqueIndex { table, columns });
        }
    }
    // Every other index no constraint owns and no partitioned parent made; an expression
    // column by its function's name (or `expr`), as PostgreSQL names indexes.
    let others: Vec<(String, String, Vec<String>)> = sqlx::query_as(&format!(
        "SELECT {}, {}, ARRAY(
                    SELECT CASE WHEN k.n <> 0 THEN a.attname::text
                                ELSE coalesce(substring(pg_get_indexdef(i.indexrelid, k.o::int, false)
                                                        FROM '^([a-z_][a-z0-9_]*)\\('), 'expr') END
                    FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                    WHERE k.o <= i.indnkeyatts ORDER BY k.o)
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE NOT (i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL)
           AND NOT i.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
           AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
           AND {USER_SCHEMAS}",
        name_of("n", "ic.relname"),
        name_of("n", "c.relname")
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| Error::database("reading the indexes", &e))?;
    for (name, table, columns) in others {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.indexes.insert(name, columns);
        }
    }
    Ok(())
}
