//! The live database's tables, keys and foreign keys, read from `pg_catalog`.
//!
//! Apply and cleanup work from what the database says, not from what the seeds were compiled
//! against, so cleanup stays exact for rows whose unit has since changed or disappeared.

use std::collections::{BTreeMap, HashMap};

use sqlx::PgConnection;

use crate::Error;
use crate::engine::postgres::sql::ident;

/// The tables of the current schema.
#[derive(Debug, Default)]
pub struct Catalog {
    tables: HashMap<String, TableInfo>,
    /// Every foreign key between tables of the current schema.
    pub foreign_keys: Vec<ForeignKey>,
}

/// One table of the live database: its columns' types and its primary key.
#[derive(Debug, Default)]
pub struct TableInfo {
    /// Column name to type without modifiers (`numeric`, `character varying`, `text[]`), the
    /// type text values are cast to; the column's own modifiers then apply on assignment.
    pub columns: HashMap<String, String>,
    /// Primary key columns with their types, in key order.
    pub primary_key: Vec<(String, String)>,
    /// What each column gets when a row leaves it out.
    pub omitted: HashMap<String, Omitted>,
}

/// What a column left out of a row gets, so that a re-run gives the row what a fresh apply does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Omitted {
    /// Its default, a constant (`None`: no default, so NULL): a re-run resets the column to it.
    Constant(Option<String>),
    /// A default that differs from one evaluation to the next (`now()`, `nextval(...)`, any
    /// function call), an identity or a generated column: the database fills it once, at insert.
    FilledAtInsert,
}

impl Omitted {
    /// Classifies a column by its default expression (`pg_get_expr`) and whether it is an
    /// identity or generated column.
    ///
    /// ```
    /// use seedbed::catalog::Omitted;
    ///
    /// assert_eq!(Omitted::of(None, false), Omitted::Constant(None));
    /// assert_eq!(Omitted::of(Some("'draft'::event_status"), false), Omitted::Constant(Some("'draft'::event_status".into())));
    /// assert_eq!(Omitted::of(Some("(0)::numeric"), false), Omitted::Constant(Some("(0)::numeric".into())));
    /// assert_eq!(Omitted::of(Some("'f(x)'::text"), false), Omitted::Constant(Some("'f(x)'::text".into())));
    /// assert_eq!(Omitted::of(Some("now()"), false), Omitted::FilledAtInsert);
    /// assert_eq!(Omitted::of(Some("CURRENT_TIMESTAMP"), false), Omitted::FilledAtInsert);
    /// assert_eq!(Omitted::of(Some("nextval('t_id_seq'::regclass)"), false), Omitted::FilledAtInsert);
    /// assert_eq!(Omitted::of(None, true), Omitted::FilledAtInsert);
    /// ```
    pub fn of(default: Option<&str>, identity_or_generated: bool) -> Omitted {
        if identity_or_generated {
            return Omitted::FilledAtInsert;
        }
        let Some(expr) = default else {
            return Omitted::Constant(None);
        };
        // A function call (a name right before `(`, outside quotes) may give another value on
        // each call; so may the SQL value functions. Immutable calls are kept too: harmless.
        let mut quoted = false;
        let mut previous = ' ';
        let mut calls = false;
        for c in expr.chars() {
            if c == '\'' {
                quoted = !quoted;
            } else if !quoted && c == '(' && (previous.is_alphanumeric() || previous == '_') {
                calls = true;
            }
            previous = c;
        }
        let upper = expr.to_ascii_uppercase();
        if calls || upper.contains("CURRENT_") || upper.contains("LOCALTIME") {
            Omitted::FilledAtInsert
        } else {
            Omitted::Constant(Some(expr.to_owned()))
        }
    }
}

/// A foreign key constraint between two tables of the current schema.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing table.
    pub table: String,
    /// The referencing columns, in constraint order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns, matching `columns` one for one.
    pub ref_columns: Vec<String>,
    /// `pg_constraint.confdeltype`: a no action, r restrict, c cascade, n set null, d set default.
    pub on_delete: String,
    /// Checked at commit when deferred: it does not constrain the order of inserts, as every
    /// unit's transaction defers what can be deferred.
    pub deferrable: bool,
}

impl Catalog {
    /// Reads the tables, primary keys and foreign keys of every user schema; tables outside
    /// `current_schema()` are named `schema.table`, as the macros name them.
    pub async fn load(conn: &mut PgConnection) -> Result<Catalog, Error> {
        let columns: Vec<(String, String, String, Option<String>, bool)> = sqlx::query_as(
            // Character types are cast to text: an explicit cast to char(n) would truncate,
            // while assignment to the column checks the length.
            "SELECT CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE n.nspname || '.' || c.relname END, a.attname::text,
                    CASE WHEN a.atttypid IN ('bpchar'::regtype, 'varchar'::regtype) THEN 'text'
                         ELSE format_type(a.atttypid, NULL) END,
                    pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' OR a.attgenerated <> ''
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'seedbed')
               AND n.nspname NOT LIKE 'pg\\_%' AND c.relkind IN ('r', 'p')
               AND a.attnum > 0 AND NOT a.attisdropped",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the table columns", &e))?;
        let keys: Vec<(String, String)> = sqlx::query_as(
            "SELECT CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE n.nspname || '.' || c.relname END, a.attname::text
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
             WHERE i.indisprimary AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'seedbed')
               AND n.nspname NOT LIKE 'pg\\_%'
             ORDER BY c.relname, k.ord",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the primary keys", &e))?;
        let foreign_keys: Vec<ForeignKey> = sqlx::query_as(
            "SELECT con.conname::text AS name, CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE n.nspname || '.' || c.relname END AS \"table\",
                    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)
                        AS columns,
                    CASE WHEN rn.nspname = current_schema() THEN r.relname::text ELSE rn.nspname || '.' || r.relname END AS ref_table,
                    ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)
                        AS ref_columns,
                    con.confdeltype::text AS on_delete,
                    con.condeferrable AS deferrable
             FROM pg_constraint con
             JOIN pg_class c ON c.oid = con.conrelid
             JOIN pg_class r ON r.oid = con.confrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_namespace rn ON rn.oid = r.relnamespace
             WHERE con.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'seedbed')
               AND n.nspname NOT LIKE 'pg\\_%'
             ORDER BY c.relname, con.conname",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| Error::database("reading the foreign keys", &e))?;

        let mut tables: HashMap<String, TableInfo> = HashMap::new();
        for (table, column, ty, default, filled) in columns {
            let info = tables.entry(table).or_default();
            let omitted = Omitted::of(default.as_deref(), filled);
            info.omitted.insert(column.clone(), omitted);
            info.columns.insert(column, ty);
        }
        for (table, column) in keys {
            if let Some(info) = tables.get_mut(&table) {
                let ty = info.columns.get(&column).cloned().unwrap_or_default();
                info.primary_key.push((column, ty));
            }
        }
        Ok(Catalog {
            tables,
            foreign_keys,
        })
    }

    /// The table called `name`, or [`Error::MissingTable`] (its migration is not applied).
    pub fn table(&self, name: &str) -> Result<&TableInfo, Error> {
        self.tables.get(name).ok_or_else(|| Error::MissingTable {
            table: name.to_owned(),
        })
    }

    /// `tables` ordered so that referenced tables come before the tables that reference them.
    /// Deferrable keys do not count (they are checked at commit); a cycle left among the others
    /// (possible only with nullable keys) is broken by name.
    ///
    /// ```
    /// use seedbed::catalog::{Catalog, ForeignKey};
    ///
    /// let fk = |table: &str, ref_table: &str| ForeignKey {
    ///     name: format!("{table}_{ref_table}_fkey"),
    ///     table: table.into(),
    ///     columns: vec![format!("{ref_table}_id")],
    ///     ref_table: ref_table.into(),
    ///     ref_columns: vec!["id".into()],
    ///     on_delete: "a".into(),
    ///     deferrable: false,
    /// };
    /// let mut catalog = Catalog::default();
    /// catalog.foreign_keys = vec![fk("events", "venues"), fk("reviews", "events")];
    /// assert_eq!(
    ///     catalog.insert_order(&["reviews", "events", "venues"]),
    ///     ["venues", "events", "reviews"]
    /// );
    /// ```
    pub fn insert_order<'a>(&self, tables: &[&'a str]) -> Vec<&'a str> {
        let mut needs: BTreeMap<&'a str, Vec<&'a str>> =
            tables.iter().map(|t| (*t, Vec::new())).collect();
        for fk in self.foreign_keys.iter().filter(|fk| !fk.deferrable) {
            if let (Some(&table), Some(&target)) = (
                tables.iter().find(|t| **t == fk.table),
                tables.iter().find(|t| **t == fk.ref_table),
            ) {
                needs.entry(table).or_default().push(target);
            }
        }
        loop {
            match crate::select::order::topological(&needs) {
                Ok(order) => return order,
                // Drop one edge of the cycle and try again.
                Err(cycle) => {
                    if let Some(deps) = needs.get_mut(cycle[0]) {
                        deps.retain(|d| *d != cycle[1]);
                    }
                }
            }
        }
    }
}

impl TableInfo {
    /// A condition that holds for rows whose key is among the ledger keys `keys` selects
    /// (`SELECT key FROM seedbed.ledger_rows WHERE ...`). A single-column key is compared in
    /// its own type, so the primary key index serves the look-up.
    pub(crate) fn key_in(&self, table: &str, keys: &str) -> String {
        match self.primary_key.as_slice() {
            [(name, ty)] => format!(
                "{}.{} IN (SELECT key::{ty} FROM ({keys}) AS k)",
                ident(table),
                ident(name)
            ),
            _ => format!(
                "{} IN ({keys})",
                self.key_text(|c| format!("{}.{}", ident(table), ident(c)))
            ),
        }
    }

    /// The SQL text of a row's key over columns prefixed by `prefix` (`""`, `"t."`), as stored
    /// in the ledger: the key column's text, or the row of key columns as text.
    pub fn key_text(&self, column: impl Fn(&str) -> String) -> String {
        match self.primary_key.as_slice() {
            [(name, _)] => format!("({})::text", column(name)),
            many => {
                let parts: Vec<String> = many.iter().map(|(name, _)| column(name)).collect();
                format!("ROW({})::text", parts.join(", "))
            }
        }
    }
}
