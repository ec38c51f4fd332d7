//! Constraints: primary keys, unique keys, foreign keys, checks, and what dropping them takes.

use sqlparser::ast::{
    CheckConstraint, DeferrableInitial, ForeignKeyConstraint, IndexColumn, TableConstraint,
};

use super::bounds::{allowed, bounds};
use super::dialect::Dialect;
use super::names::mentioned;
use super::replay::{Result, unknown, unknown_column, unknown_constraint};
use super::{Check, ForeignKey, Schema, Table};

impl Schema {
    pub(crate) fn add_constraint(
        &mut self,
        table: &str,
        constraint: &TableConstraint,
    ) -> Result<()> {
        let dialect = self.dialect;
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let columns = self.key_columns(table, &pk.columns)?;
                let t = self.table_mut(table)?;
                if !t.primary_key.is_empty() {
                    return Err(format!("table `{table}` already has a primary key"));
                }
                let name = t.new_constraint_name(
                    dialect,
                    pk.name.as_ref().map(|n| dialect.ident(n)),
                    &[],
                    "pkey",
                )?;
                for column in &columns {
                    t.column_mut(column).expect("checked above").nullable = false;
                }
                t.primary_key = columns;
                t.primary_key_name = Some(name);
            }
            TableConstraint::Unique(unique) => {
                let columns = self.key_columns(table, &unique.columns)?;
                let t = self.table_mut(table)?;
                let name = t.new_constraint_name(
                    dialect,
                    unique.name.as_ref().map(|n| dialect.ident(n)),
                    &columns,
                    "key",
                )?;
                t.unique.push(columns.clone());
                t.unique_names.insert(name, columns);
            }
            TableConstraint::ForeignKey(fk) => self.add_foreign_key(table, fk)?,
            TableConstraint::Check(check) => self.add_check(table, check)?,
            TableConstraint::Exclude(exclude) => {
                let columns: Vec<String> = exclude
                    .elements
                    .iter()
                    .filter_map(|e| dialect.plain_column(&e.column))
                    .collect();
                let t = self.table_mut(table)?;
                let name = t.new_constraint_name(
                    dialect,
                    exclude.name.as_ref().map(|n| dialect.ident(n)),
                    &columns,
                    "excl",
                )?;
                t.other_constraints.insert(name);
            }
            TableConstraint::PrimaryKeyUsingIndex(using)
            | TableConstraint::UniqueUsingIndex(using) => {
                let index_name = dialect.ident(&using.index_name);
                let index = match self.unique_indexes.get(&index_name) {
                    Some(index) if index.table == table => index.clone(),
                    _ => {
                        return Err(format!(
                            "`{index_name}` is no unique index on plain columns of table `{table}`"
                        ));
                    }
                };
                self.unique_indexes.remove(&index_name);
                let t = self.table_mut(table)?;
                // The index takes the constraint's name.
                let given = using.name.as_ref().map_or(index_name, |n| dialect.ident(n));
                let name = t.new_constraint_name(dialect, Some(given), &[], "")?;
                if let TableConstraint::PrimaryKeyUsingIndex(_) = constraint {
                    if !t.primary_key.is_empty() {
                        return Err(format!("table `{table}` already has a primary key"));
                    }
                    let at = t.unique.iter().position(|u| *u == index.columns);
                    t.unique.remove(at.expect("a unique index is in its table"));
                    for column in &index.columns {
                        t.column_mut(column)
                            .expect("indexes follow columns")
                            .nullable = false;
                    }
                    t.primary_key = index.columns;
                    t.primary_key_name = Some(name);
                } else {
                    t.unique_names.insert(name, index.columns);
                }
            }
            other => {
                return Err(format!(
                    "the schema loader does not support the constraint `{other}`"
                ));
            }
        }
        Ok(())
    }

    fn add_foreign_key(&mut self, table: &str, fk: &ForeignKeyConstraint) -> Result<()> {
        let dialect = self.dialect;
        let t = self.table_mut(table)?;
        let columns = dialect.idents(&fk.columns);
        if let Some(missing) = columns.iter().find(|c| t.column(c).is_none()) {
            return Err(unknown_column(t, missing));
        }
        let ref_table = self.relation(&fk.foreign_table)?;
        let Some(target) = self.tables.get(&ref_table) else {
            return Err(unknown("table", &ref_table, self.tables.keys()));
        };
        let ref_columns = match fk.referred_columns.as_slice() {
            [] if target.primary_key.is_empty() => {
                return Err(format!(
                    "table `{ref_table}` has no primary key to refer to"
                ));
            }
            [] => target.primary_key.clone(),
            referred => dialect.idents(referred),
        };
        if let Some(missing) = ref_columns.iter().find(|c| target.column(c).is_none()) {
            return Err(unknown_column(target, missing));
        }
        if columns.len() != ref_columns.len() {
            return Err(format!(
                "foreign key ({}) of table `{table}` names {} referenced columns",
                columns.join(", "),
                ref_columns.len()
            ));
        }
        let keys = std::iter::once(&target.primary_key).chain(&target.unique);
        if !keys.into_iter().any(|key| same_set(key, &ref_columns)) {
            return Err(format!(
                "no primary key or unique constraint of table `{ref_table}` matches ({})",
                ref_columns.join(", ")
            ));
        }
        let t = self.table_mut(table)?;
        let name = t.new_constraint_name(
            dialect,
            fk.name.as_ref().map(|n| dialect.ident(n)),
            &columns,
            "fkey",
        )?;
        let initially_deferred = fk
            .characteristics
            .and_then(|c| c.initially)
            .is_some_and(|i| i == DeferrableInitial::Deferred);
        t.foreign_keys.push(ForeignKey {
            name: Some(name),
            columns,
            ref_table,
            ref_columns,
            on_delete: fk.on_delete.map(|action| action.to_string()),
            // INITIALLY DEFERRED implies DEFERRABLE.
            deferrable: initially_deferred
                || fk
                    .characteristics
                    .and_then(|c| c.deferrable)
                    .unwrap_or(false),
            initially_deferred,
        });
        Ok(())
    }

    fn add_check(&mut self, table: &str, check: &CheckConstraint) -> Result<()> {
        let dialect = self.dialect;
        let t = self.table_mut(table)?;
        let sql = check.expr.to_string();
        let columns = mentioned(dialect, &sql, t.columns.iter().map(|c| c.name.as_str()));
        // PostgreSQL names a check after its column when it mentions exactly one.
        let name_columns = match columns.as_slice() {
            [one] => std::slice::from_ref(one),
            _ => &[],
        };
        let name = t.new_constraint_name(
            dialect,
            check.name.as_ref().map(|n| dialect.ident(n)),
            name_columns,
            "check",
        )?;
        let bounds = bounds(dialect, &check.expr)
            .into_iter()
            .filter(|b| t.column(&b.column).is_some())
            .collect();
        let allowed = allowed(dialect, &check.expr)
            .into_iter()
            .filter(|a| t.column(&a.column).is_some())
            .collect();
        t.checks.push(Check {
            name: Some(name),
            sql,
            bounds,
            allowed,
            columns,
        });
        Ok(())
    }

    pub(crate) fn drop_constraint(
        &mut self,
        table: &str,
        name: &str,
        if_exists: bool,
        cascade: bool,
    ) -> Result<()> {
        let t = self.table_mut(table)?;
        let what = format!("constraint `{name}` of table `{table}`");
        if t.primary_key_name.as_deref() == Some(name) {
            let key = t.primary_key.clone();
            self.release_key(table, &key, cascade, &what)?;
            let t = self.table_mut(table)?;
            t.primary_key.clear();
            t.primary_key_name = None;
        } else if let Some(key) = t.unique_names.get(name).cloned() {
            self.release_key(table, &key, cascade, &what)?;
            let t = self.table_mut(table)?;
            t.unique_names.remove(name);
            let at = t.unique.iter().position(|u| *u == key);
            t.unique.remove(at.expect("named keys are in `unique`"));
        } else if let Some(at) = t
            .foreign_keys
            .iter()
            .position(|fk| fk.name.as_deref() == Some(name))
        {
            t.foreign_keys.remove(at);
        } else if let Some(at) = t
            .checks
            .iter()
            .position(|c| c.name.as_deref() == Some(name))
        {
            t.checks.remove(at);
        } else if !t.other_constraints.remove(name) && !if_exists {
            return Err(unknown_constraint(t, name));
        }
        Ok(())
    }

    /// Before a key of `table` goes: the foreign keys that refer to it go too with CASCADE,
    /// and without it they make the drop an error, as in PostgreSQL.
    pub(crate) fn release_key(
        &mut self,
        table: &str,
        key: &[String],
        cascade: bool,
        what: &str,
    ) -> Result<()> {
        let depends = |fk: &ForeignKey| fk.ref_table == table && same_set(&fk.ref_columns, key);
        if !cascade {
            let dependent = self.tables.values().find_map(|t| {
                let fk = t.foreign_keys.iter().find(|fk| depends(fk))?;
                Some((t.name.clone(), fk.name.clone().unwrap_or_default()))
            });
            if let Some((t, fk)) = dependent {
                return Err(format!(
                    "cannot drop {what}: foreign key `{fk}` of table `{t}` depends on it (use CASCADE)"
                ));
            }
        }
        for t in self.tables.values_mut() {
            t.foreign_keys.retain(|fk| !depends(fk));
        }
        Ok(())
    }

    pub(crate) fn rename_constraint(&mut self, table: &str, old: &str, new: &str) -> Result<()> {
        let t = self.table_mut(table)?;
        if t.constraint_names().contains(new) {
            return Err(format!(
                "constraint `{new}` of table `{table}` already exists"
            ));
        }
        let is_old = |name: &Option<String>| name.as_deref() == Some(old);
        if is_old(&t.primary_key_name) {
            t.primary_key_name = Some(new.to_owned());
        } else if let Some(key) = t.unique_names.remove(old) {
            t.unique_names.insert(new.to_owned(), key);
        } else if let Some(fk) = t.foreign_keys.iter_mut().find(|fk| is_old(&fk.name)) {
            fk.name = Some(new.to_owned());
        } else if let Some(check) = t.checks.iter_mut().find(|c| is_old(&c.name)) {
            check.name = Some(new.to_owned());
        } else if t.other_constraints.remove(old) {
            t.other_constraints.insert(new.to_owned());
        } else {
            return Err(unknown_constraint(t, old));
        }
        Ok(())
    }

    /// The columns of a primary key or unique constraint, which must be plain columns of
    /// `table`.
    fn key_columns(&self, table: &str, columns: &[IndexColumn]) -> Result<Vec<String>> {
        let dialect = self.dialect;
        let t = self
            .tables
            .get(table)
            .expect("the caller checked the table");
        let Some(names) = dialect.plain_columns(columns) else {
            return Err(format!(
                "the schema loader supports keys on plain columns only, not ({})",
                columns
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        if let Some(missing) = names.iter().find(|c| t.column(c).is_none()) {
            return Err(unknown_column(t, missing));
        }
        Ok(names)
    }
}

impl Table {
    /// The name of a new constraint: as given (and then free), or PostgreSQL's default.
    fn new_constraint_name(
        &self,
        dialect: Dialect,
        given: Option<String>,
        columns: &[String],
        label: &str,
    ) -> Result<String> {
        let taken = self.constraint_names();
        match given {
            Some(name) if taken.contains(name.as_str()) => Err(format!(
                "constraint `{name}` of table `{}` already exists",
                self.name
            )),
            Some(name) => Ok(name),
            None => {
                let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                Ok(dialect.default_name(&self.name, &columns, label, &taken))
            }
        }
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

impl Dialect {
    /// A check on `columns` (of a table, or `value` of a domain) as PostgreSQL prints it
    /// (`pg_get_constraintdef`: `CHECK ((a > 0))`).
    pub fn check_from_definition(
        self,
        columns: &[&str],
        name: &str,
        definition: &str,
    ) -> Result<Check> {
        let text = definition.trim();
        let text = text.strip_suffix("NOT VALID").unwrap_or(text).trim();
        let text = text.strip_prefix("CHECK").unwrap_or(text).trim();
        let expr = sqlparser::parser::Parser::new(self.parser())
            .try_with_sql(text)
            .and_then(|mut p| p.parse_expr())
            .map_err(|e| format!("cannot read the check `{definition}`: {e}"))?;
        let sql = expr.to_string();
        Ok(Check {
            name: Some(name.to_owned()),
            columns: mentioned(self, &sql, columns.iter().copied()),
            bounds: bounds(self, &expr),
            allowed: allowed(self, &expr),
            sql,
        })
    }
}
