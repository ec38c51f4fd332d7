//! Comparing two schema models: the one the seeds were compiled against (the migrations
//! replayed) and one read from a live database. What both must agree on, table by table:
//! columns (type, nullability, whether there is a default, whether the database generates the
//! value), the primary key, unique column sets, foreign keys, the number of checks, and the
//! enums. Default expressions are compared by presence only: the catalog prints them in its own
//! words.

use std::collections::BTreeSet;

use crate::schema::{Column, Schema, SqlType, Table};

/// Every difference between `compiled` and `live`, one sentence each, in table order. Tables
/// the replay could not follow (tainted) are left out of the comparison.
pub fn differences(compiled: &Schema, live: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    let names: BTreeSet<&String> = compiled.tables.keys().chain(live.tables.keys()).collect();
    for name in names {
        if compiled.tainted.contains_key(name) || live.tainted.contains_key(name) {
            continue;
        }
        match (compiled.tables.get(name), live.tables.get(name)) {
            (Some(_), None) => found.push(format!(
                "table `{name}` is in the migrations but not in the database"
            )),
            (None, Some(_)) => found.push(format!(
                "table `{name}` is in the database but not in the migrations"
            )),
            (Some(c), Some(l)) => table_differences(c, l, &mut found),
            (None, None) => {}
        }
    }
    let enums: BTreeSet<&String> = compiled.enums.keys().chain(live.enums.keys()).collect();
    for name in enums {
        match (compiled.enums.get(name), live.enums.get(name)) {
            (Some(c), Some(l)) if c != l => found.push(format!(
                "enum `{name}`: the migrations say ({}), the database ({})",
                c.join(", "),
                l.join(", ")
            )),
            (Some(_), None) => found.push(format!(
                "enum `{name}` is in the migrations but not in the database"
            )),
            (None, Some(_)) => found.push(format!(
                "enum `{name}` is in the database but not in the migrations"
            )),
            _ => {}
        }
    }
    found
}

fn table_differences(compiled: &Table, live: &Table, found: &mut Vec<String>) {
    let table = &compiled.name;
    for column in &compiled.columns {
        match live.column(&column.name) {
            None => found.push(format!(
                "column `{table}.{}` is in the migrations but not in the database",
                column.name
            )),
            Some(other) => column_differences(table, column, other, found),
        }
    }
    for column in &live.columns {
        if compiled.column(&column.name).is_none() {
            found.push(format!(
                "column `{table}.{}` ({}) is in the database but not in the migrations",
                column.name,
                column.ty.sql_name()
            ));
        }
    }
    if compiled.primary_key != live.primary_key {
        found.push(format!(
            "table `{table}`: primary key ({}) in the migrations, ({}) in the database",
            compiled.primary_key.join(", "),
            live.primary_key.join(", ")
        ));
    }
    let (c, l) = (unique_sets(compiled), unique_sets(live));
    for set in c.difference(&l) {
        found.push(format!(
            "table `{table}`: unique ({}) is in the migrations but not in the database",
            set.join(", ")
        ));
    }
    for set in l.difference(&c) {
        found.push(format!(
            "table `{table}`: unique ({}) is in the database but not in the migrations",
            set.join(", ")
        ));
    }
    let (c, l) = (references(compiled), references(live));
    for fk in c.difference(&l) {
        found.push(format!(
            "table `{table}`: foreign key {fk} is in the migrations but not in the database"
        ));
    }
    for fk in l.difference(&c) {
        found.push(format!(
            "table `{table}`: foreign key {fk} is in the database but not in the migrations"
        ));
    }
    for name in compiled.indexes.keys() {
        if !live.indexes.contains_key(name) {
            found.push(format!(
                "table `{table}`: index `{name}` is in the migrations but not in the database"
            ));
        }
    }
    for (name, columns) in &live.indexes {
        if !compiled.indexes.contains_key(name) {
            found.push(format!(
                "table `{table}`: index `{name}` ({}) is in the database but not in the migrations",
                columns.join(", ")
            ));
        }
    }
    if compiled.partition_of != live.partition_of {
        let says = |p: &Option<String>| {
            p.as_deref()
                .map_or("a table".to_owned(), |p| format!("a partition of `{p}`"))
        };
        found.push(format!(
            "table `{table}`: {} in the migrations, {} in the database",
            says(&compiled.partition_of),
            says(&live.partition_of)
        ));
    }
    if compiled.checks.len() != live.checks.len() {
        found.push(format!(
            "table `{table}`: {} checks in the migrations, {} in the database",
            compiled.checks.len(),
            live.checks.len()
        ));
    }
}

fn column_differences(table: &str, compiled: &Column, live: &Column, found: &mut Vec<String>) {
    let column = &compiled.name;
    if comparable(&compiled.ty) != comparable(&live.ty) {
        found.push(format!(
            "column `{table}.{column}`: {} in the migrations, {} in the database",
            compiled.ty.sql_name(),
            live.ty.sql_name()
        ));
    }
    if compiled.nullable != live.nullable {
        let says = |nullable: bool| if nullable { "nullable" } else { "NOT NULL" };
        found.push(format!(
            "column `{table}.{column}`: {} in the migrations, {} in the database",
            says(compiled.nullable),
            says(live.nullable)
        ));
    }
    if compiled.default.is_some() != live.default.is_some() {
        let says = |d: &Option<String>| {
            d.as_deref()
                .map_or("no default".to_owned(), |d| format!("default {d}"))
        };
        found.push(format!(
            "column `{table}.{column}`: {} in the migrations, {} in the database",
            says(&compiled.default),
            says(&live.default)
        ));
    }
    if compiled.generated != live.generated {
        let says = |g: bool| {
            if g {
                "generated by the database"
            } else {
                "given by the rows"
            }
        };
        found.push(format!(
            "column `{table}.{column}`: {} in the migrations, {} in the database",
            says(compiled.generated),
            says(live.generated)
        ));
    }
}

/// Types as both sides spell them: the catalog prints other types without the spaces a
/// migration may have.
fn comparable(ty: &SqlType) -> SqlType {
    match ty {
        SqlType::Other(name) => SqlType::Other(name.replace(' ', "")),
        other => other.clone(),
    }
}

fn unique_sets(table: &Table) -> BTreeSet<Vec<String>> {
    table
        .unique
        .iter()
        .map(|u| {
            let mut u = u.clone();
            u.sort();
            u
        })
        .collect()
}

/// Each foreign key as `(columns) → table (columns)`, with its deferrability.
fn references(table: &Table) -> BTreeSet<String> {
    table
        .foreign_keys
        .iter()
        .map(|fk| {
            let deferred = match (fk.deferrable, fk.initially_deferred) {
                (true, true) => " deferrable initially deferred",
                (true, false) => " deferrable",
                _ => "",
            };
            format!(
                "({}) → {} ({}){deferred}",
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn schema(sql: &str) -> Schema {
        let mut schema = Schema::default();
        schema.apply_sql(Path::new("test.sql"), sql);
        schema
    }

    const BASE: &str = "CREATE TYPE mood AS ENUM ('calm', 'wild');
        CREATE TABLE venues (id uuid PRIMARY KEY, name text NOT NULL, slug text UNIQUE);
        CREATE TABLE events (id uuid PRIMARY KEY, venue_id uuid REFERENCES venues (id),
                             capacity integer CHECK (capacity > 0), mood mood);
        CREATE INDEX ON events (mood);
        CREATE INDEX events_capacity_idx ON events (capacity) WHERE capacity > 100;";

    #[test]
    fn the_same_schema_has_no_difference() {
        assert_eq!(
            differences(&schema(BASE), &schema(BASE)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn every_kind_of_hand_edit_is_named() {
        let edited = format!(
            "{BASE}
            DROP INDEX events_mood_idx;
            CREATE INDEX by_hand ON venues (lower(name));
            ALTER TABLE venues ADD COLUMN notes text;
            ALTER TABLE venues ALTER COLUMN name DROP NOT NULL;
            ALTER TABLE events ALTER COLUMN capacity TYPE bigint;
            ALTER TABLE events DROP CONSTRAINT events_venue_id_fkey;
            ALTER TABLE venues DROP CONSTRAINT venues_slug_key;
            ALTER TYPE mood ADD VALUE 'sleepy';
            CREATE TABLE scratch (id int PRIMARY KEY);"
        );
        let found = differences(&schema(BASE), &schema(&edited));
        assert_eq!(
            found,
            [
                "column `events.capacity`: integer in the migrations, bigint in the database",
                "table `events`: foreign key (venue_id) → venues (id) is in the migrations but not in the database",
                "table `events`: index `events_mood_idx` is in the migrations but not in the database",
                "table `scratch` is in the database but not in the migrations",
                "column `venues.name`: NOT NULL in the migrations, nullable in the database",
                "column `venues.notes` (text) is in the database but not in the migrations",
                "table `venues`: unique (slug) is in the migrations but not in the database",
                "table `venues`: index `by_hand` (lower) is in the database but not in the migrations",
                "enum `mood`: the migrations say (calm, wild), the database (calm, wild, sleepy)",
            ]
        );
    }
}
