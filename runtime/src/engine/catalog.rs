//! The live database's tables, keys and foreign keys, as apply and cleanup see them: what the
//! database says, not what the seeds were compiled against, so cleanup stays exact for rows
//! whose unit has since changed or disappeared. Each engine reads it from its own catalog
//! (PostgreSQL: [`crate::engine::postgres::catalog`]).

use std::collections::{BTreeMap, HashMap};

use crate::Error;
use crate::error::ApplyError;

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

impl ForeignKey {
    /// Whether deleting a referenced row deletes the rows pointing at it (`ON DELETE CASCADE`).
    pub fn cascades(&self) -> bool {
        self.on_delete == "c"
    }

    /// Whether deleting a referenced row sets the key of the rows pointing at it (`SET NULL`,
    /// `SET DEFAULT`).
    pub fn sets_on_delete(&self) -> bool {
        self.on_delete == "n" || self.on_delete == "d"
    }
}

impl TableInfo {
    /// The defaults of the columns a row may leave out, as one text: equal as long as a re-run
    /// would give those columns what it gave them when the rows were written.
    pub fn defaults(&self) -> String {
        let mut defaults: Vec<String> = self
            .omitted
            .iter()
            .map(|(column, omitted)| format!("{column}={omitted:?}"))
            .collect();
        defaults.sort();
        defaults.join("\u{1f}")
    }
}

impl Catalog {
    /// A catalog of `tables` and `foreign_keys`, as an engine reads them.
    pub fn new(tables: HashMap<String, TableInfo>, foreign_keys: Vec<ForeignKey>) -> Catalog {
        Catalog {
            tables,
            foreign_keys,
        }
    }

    /// The table called `name`, or [`ApplyError::MissingTable`](crate::error::ApplyError::MissingTable) (its migration is not applied).
    pub fn table(&self, name: &str) -> Result<&TableInfo, Error> {
        self.tables.get(name).ok_or_else(|| {
            Error::Apply(ApplyError::MissingTable {
                table: name.to_owned(),
            })
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
