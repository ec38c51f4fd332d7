//! User-defined types: enums, composite types and domains, and what changing or dropping one
//! does to the columns that use it.

use sqlparser::ast::{
    AlterType, AlterTypeAddValuePosition, AlterTypeOperation, CreateDomain, ObjectName,
    TableConstraint, UserDefinedTypeRepresentation,
};

use super::bounds::{allowed, bounds};
use super::names::mentioned;
use super::replay::{Result, sibling, suggest, unknown};
use super::table::stored_default;
use super::types::sql_type;
use super::{Check, Domain, Schema};

impl Schema {
    pub(crate) fn create_type(
        &mut self,
        name: &ObjectName,
        representation: Option<&UserDefinedTypeRepresentation>,
    ) -> Result<()> {
        let dialect = self.dialect;
        let name = self.new_name(name)?;
        let representation = match representation {
            // A shell type (`CREATE TYPE name`) is completed later by a base-type definition.
            None => return Ok(()),
            Some(representation) => representation,
        };
        if self.has_type(&name) {
            return Err(format!("type `{name}` already exists"));
        }
        match representation {
            UserDefinedTypeRepresentation::Enum { labels } => {
                let labels = labels.iter().map(|label| label.value.clone()).collect();
                self.enums.insert(name, labels);
            }
            UserDefinedTypeRepresentation::Composite { attributes } => {
                let attributes = attributes
                    .iter()
                    .map(|a| Ok((dialect.ident(&a.name), sql_type(&a.data_type, self)?)))
                    .collect::<Result<Vec<_>>>()?;
                self.composites.insert(name, attributes);
            }
            // Range and base types: columns of them are `SqlType::Other`, written as text.
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn create_domain(&mut self, domain: &CreateDomain) -> Result<()> {
        let dialect = self.dialect;
        let name = self.new_name(&domain.name)?;
        if self.has_type(&name) {
            return Err(format!("type `{name}` already exists"));
        }
        let base = sql_type(&domain.data_type, self)?;
        let mut checks = Vec::new();
        let mut not_null = false;
        for constraint in &domain.constraints {
            match constraint {
                TableConstraint::Check(check) => {
                    let sql = check.expr.to_string();
                    checks.push(Check {
                        name: check.name.as_ref().map(|n| dialect.ident(n)),
                        columns: mentioned(dialect, &sql, ["value"]),
                        bounds: bounds(dialect, &check.expr),
                        allowed: allowed(dialect, &check.expr),
                        sql,
                    });
                }
                other if other.to_string().eq_ignore_ascii_case("NOT NULL") => not_null = true,
                _ => {}
            }
        }
        self.domains.insert(
            name,
            Domain {
                base,
                not_null,
                default: domain.default.as_ref().and_then(stored_default),
                checks,
            },
        );
        Ok(())
    }

    pub(crate) fn alter_type(&mut self, alter: &AlterType) -> Result<()> {
        let dialect = self.dialect;
        let name = self.type_name(&alter.name)?;
        if !self.has_type(&name) {
            let known = self.enums.keys().chain(self.domains.keys());
            return Err(unknown("type", &name, known.chain(self.composites.keys())));
        }
        match &alter.operation {
            AlterTypeOperation::Rename(rename) => {
                let new = sibling(&name, &dialect.ident(&rename.new_name));
                if self.has_type(&new) {
                    return Err(format!("type `{new}` already exists"));
                }
                self.move_type(&name, &new);
                Ok(())
            }
            AlterTypeOperation::AddValue(add) => {
                let labels = self.labels_mut(&name)?;
                let value = &add.value.value;
                if labels.contains(value) {
                    if add.if_not_exists {
                        return Ok(());
                    }
                    return Err(format!("enum label '{value}' already exists in `{name}`"));
                }
                let at = match &add.position {
                    None => labels.len(),
                    Some(AlterTypeAddValuePosition::Before(l)) => label_index(labels, &l.value)?,
                    Some(AlterTypeAddValuePosition::After(l)) => label_index(labels, &l.value)? + 1,
                };
                labels.insert(at, value.clone());
                Ok(())
            }
            AlterTypeOperation::RenameValue(rename) => {
                let labels = self.labels_mut(&name)?;
                let at = label_index(labels, &rename.from.value)?;
                if labels.contains(&rename.to.value) {
                    return Err(format!(
                        "enum label '{}' already exists in `{name}`",
                        rename.to.value
                    ));
                }
                labels[at] = rename.to.value.clone();
                Ok(())
            }
        }
    }

    fn labels_mut(&mut self, name: &str) -> Result<&mut Vec<String>> {
        self.enums
            .get_mut(name)
            .ok_or_else(|| format!("type `{name}` is not an enum"))
    }

    /// Renames a type, or moves it to another schema, wherever the model names it.
    pub(crate) fn move_type(&mut self, from: &str, to: &str) {
        if let Some(labels) = self.enums.remove(from) {
            self.enums.insert(to.to_owned(), labels);
        }
        if let Some(domain) = self.domains.remove(from) {
            self.domains.insert(to.to_owned(), domain);
        }
        if let Some(attributes) = self.composites.remove(from) {
            self.composites.insert(to.to_owned(), attributes);
        }
        let columns = self.tables.values_mut().flat_map(|t| &mut t.columns);
        for column in columns {
            column.ty.rename_type(from, to);
        }
        for domain in self.domains.values_mut() {
            domain.base.rename_type(from, to);
        }
    }

    /// Drops user-defined types; CASCADE drops the columns of them, as in PostgreSQL.
    pub(crate) fn drop_types(&mut self, names: &[String], cascade: bool) -> Result<()> {
        for name in names {
            if !self.has_type(name) {
                continue;
            }
            let users: Vec<(String, String)> = self
                .tables
                .values()
                .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
                .filter(|(_, c)| c.ty.uses_type(name))
                .map(|(t, c)| (t.name.clone(), c.name.clone()))
                .collect();
            if let (Some((table, column)), false) = (users.first(), cascade) {
                return Err(format!(
                    "cannot drop type `{name}`: column `{table}.{column}` uses it (use CASCADE)"
                ));
            }
            for (table, column) in &users {
                self.drop_column(table, column, false, true)?;
            }
            self.enums.remove(name);
            self.domains.remove(name);
            self.composites.remove(name);
        }
        Ok(())
    }
}

fn label_index(labels: &[String], label: &str) -> Result<usize> {
    labels.iter().position(|l| l == label).ok_or_else(|| {
        let message = format!("unknown enum label '{label}'");
        suggest(message, label, labels.iter().map(String::as_str))
    })
}
