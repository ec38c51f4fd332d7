//! Table-level replay: CREATE TABLE, the operations of ALTER TABLE, and columns.

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption, DropBehavior,
    Expr, GeneratedAs, IndexColumn, RenameTableNameKind, TableConstraint,
};

use super::names::rename_in_sql;
use super::replay::{Result, abbreviate, is_nextval, sibling, unknown, unknown_column};
use super::types::{declared_type, sql_type};
use super::{Column, Generation, Schema, Table};

impl Schema {
    /// Creates a table: columns first, so that constraints may name any of them, then the
    /// column constraints, then the table constraints.
    /// `table` may hold columns already, from `LIKE`, `INHERITS` or `PARTITION OF`: a column
    /// defined again merges with an inherited one.
    pub(crate) fn create_table_with(
        &mut self,
        mut table: Table,
        columns: &[ColumnDef],
        constraints: &[TableConstraint],
    ) -> Result<()> {
        let name = table.name.clone();
        let name = name.as_str();
        let inherited = table.columns.len();
        let mut column_constraints = Vec::new();
        for def in columns {
            let (column, constraints) = self.column_from_def(name, def)?;
            match table.columns.iter().position(|c| c.name == column.name) {
                Some(at) if at < inherited => {
                    let mine = &mut table.columns[at];
                    mine.nullable &= column.nullable;
                    if column.default.is_some() {
                        mine.default = column.default;
                    }
                }
                Some(_) => {
                    return Err(format!("column `{}` specified more than once", column.name));
                }
                None => table.columns.push(column),
            }
            column_constraints.extend(constraints);
        }
        self.tables.insert(name.to_owned(), table);
        for constraint in column_constraints.iter().chain(constraints) {
            self.add_constraint(name, constraint)?;
        }
        Ok(())
    }

    pub(crate) fn alter_table(&mut self, alter: &AlterTable) -> Result<()> {
        if alter.table_type.is_some() {
            return Err(format!(
                "the schema loader does not support this statement: {}",
                abbreviate(&alter.to_string())
            ));
        }
        let mut name = self.relation(&alter.name)?;
        if !self.tables.contains_key(&name) {
            if alter.if_exists {
                return Ok(());
            }
            return Err(unknown("table", &name, self.tables.keys()));
        }
        for operation in &alter.operations {
            self.alter_table_operation(&mut name, operation)?;
        }
        Ok(())
    }

    /// Applies one operation to table `name`; RENAME TO updates `name` for the next ones.
    fn alter_table_operation(&mut self, name: &mut String, op: &AlterTableOperation) -> Result<()> {
        let dialect = self.dialect;
        let cascade = |behavior: &Option<DropBehavior>| *behavior == Some(DropBehavior::Cascade);
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                column_position: None,
                ..
            } => {
                let (column, constraints) = self.column_from_def(name, column_def)?;
                let table = self.table_mut(name)?;
                if table.column(&column.name).is_some() {
                    if *if_not_exists {
                        return Ok(());
                    }
                    return Err(format!(
                        "column `{}` of table `{name}` already exists",
                        column.name
                    ));
                }
                table.columns.push(column);
                for constraint in &constraints {
                    self.add_constraint(name, constraint)?;
                }
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                drop_behavior,
                ..
            } => {
                for column in dialect.idents(column_names) {
                    self.drop_column(name, &column, *if_exists, cascade(drop_behavior))?;
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => self.rename_column(
                name,
                &dialect.ident(old_column_name),
                &dialect.ident(new_column_name),
            )?,
            AlterTableOperation::AlterColumn { column_name, op } => {
                self.alter_column(name, &dialect.ident(column_name), op)?;
            }
            AlterTableOperation::AddConstraint { constraint, .. } => {
                self.add_constraint(name, constraint)?;
            }
            AlterTableOperation::DropConstraint {
                if_exists,
                name: constraint,
                drop_behavior,
            } => {
                let constraint = dialect.ident(constraint);
                self.drop_constraint(name, &constraint, *if_exists, cascade(drop_behavior))?;
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                self.rename_constraint(name, &dialect.ident(old_name), &dialect.ident(new_name))?;
            }
            AlterTableOperation::RenameTable {
                table_name: RenameTableNameKind::To(new) | RenameTableNameKind::As(new),
            } => {
                let new = sibling(name, &dialect.object_name(new)?);
                self.rename_table(name, &new)?;
                *name = new;
            }
            // Row security, triggers, rules, ownership, storage: the shape stays.
            AlterTableOperation::EnableRowLevelSecurity
            | AlterTableOperation::DisableRowLevelSecurity
            | AlterTableOperation::ForceRowLevelSecurity
            | AlterTableOperation::NoForceRowLevelSecurity
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableAlwaysTrigger { .. }
            | AlterTableOperation::EnableReplicaTrigger { .. }
            | AlterTableOperation::EnableRule { .. }
            | AlterTableOperation::DisableRule { .. }
            | AlterTableOperation::EnableAlwaysRule { .. }
            | AlterTableOperation::EnableReplicaRule { .. }
            | AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::ValidateConstraint { .. }
            | AlterTableOperation::SetLogged
            | AlterTableOperation::SetUnlogged
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::SetOptionsParens { .. }
            | AlterTableOperation::ResetOptions { .. } => {}
            other => {
                return Err(format!(
                    "the schema loader does not support the ALTER TABLE operation `{}`",
                    abbreviate(&other.to_string())
                ));
            }
        }
        Ok(())
    }

    fn alter_column(&mut self, table: &str, column: &str, op: &AlterColumnOperation) -> Result<()> {
        let new_type = match op {
            AlterColumnOperation::SetDataType { data_type, .. } => Some(
                sql_type(data_type, self)
                    .map_err(|e| format!("column `{column}` of table `{table}`: {e}"))?,
            ),
            _ => None,
        };
        let t = self.table_mut(table)?;
        let in_primary_key = t.primary_key.iter().any(|c| c == column);
        let Some(c) = t.column_mut(column) else {
            return Err(unknown_column(t, column));
        };
        let identity = matches!(c.generation, Some(Generation::Identity { .. }));
        match op {
            AlterColumnOperation::SetNotNull => c.nullable = false,
            AlterColumnOperation::DropNotNull if in_primary_key || identity => {
                return Err(format!(
                    "column `{column}` of table `{table}` is in a primary key or an identity column: it stays NOT NULL"
                ));
            }
            AlterColumnOperation::DropNotNull => c.nullable = true,
            AlterColumnOperation::SetDefault { .. } | AlterColumnOperation::DropDefault
                if identity || c.generation == Some(Generation::Stored) =>
            {
                return Err(format!(
                    "column `{column}` of table `{table}` is generated: it takes no default"
                ));
            }
            AlterColumnOperation::SetDefault { value } => {
                c.default = stored_default(value);
                c.set_generation(is_nextval(value).then_some(Generation::Sequence));
            }
            AlterColumnOperation::DropDefault => {
                c.default = None;
                c.set_generation(None);
            }
            AlterColumnOperation::SetDataType { .. } => {
                c.ty = new_type.expect("read above");
            }
            AlterColumnOperation::AddGenerated { generated_as, .. } => {
                if c.nullable || c.default.is_some() || c.generated {
                    return Err(format!(
                        "column `{column}` of table `{table}` must be NOT NULL, without a default and not generated to become an identity column"
                    ));
                }
                let always = !matches!(generated_as, Some(GeneratedAs::ByDefault));
                c.set_generation(Some(Generation::Identity { always }));
            }
            other => {
                return Err(format!(
                    "the schema loader does not support `ALTER COLUMN {column} {other}`"
                ));
            }
        }
        Ok(())
    }

    /// The column of a definition, and its column constraints as table constraints.
    fn column_from_def(
        &self,
        table: &str,
        def: &ColumnDef,
    ) -> Result<(Column, Vec<TableConstraint>)> {
        let dialect = self.dialect;
        let name = dialect.ident(&def.name);
        let context = |e: String| format!("column `{name}` of table `{table}`: {e}");
        let declared = declared_type(&def.data_type, self).map_err(context)?;
        let mut column = Column {
            name: name.clone(),
            ty: declared.ty,
            nullable: !declared.serial,
            default: None,
            generated: false,
            generation: None,
        };
        if declared.serial {
            let sequence = dialect.default_name(table, &[&name], "seq", &Default::default());
            column.default = Some(format!("nextval('{sequence}'::regclass)"));
            column.set_generation(Some(Generation::Sequence));
        }
        let key_column = || vec![IndexColumn::from(def.name.clone())];
        let mut constraints = Vec::new();
        for option in &def.options {
            let named = |inner: &Option<_>| inner.clone().or_else(|| option.name.clone());
            match &option.option {
                ColumnOption::Null => column.nullable = true,
                ColumnOption::NotNull => column.nullable = false,
                ColumnOption::Default(expr) => {
                    column.default = stored_default(expr);
                    if is_nextval(expr) {
                        column.set_generation(Some(Generation::Sequence));
                    }
                }
                ColumnOption::Generated {
                    generated_as,
                    generation_expr,
                    ..
                } => {
                    let generation = match (generated_as, generation_expr) {
                        (GeneratedAs::ExpStored, _) | (_, Some(_)) => Generation::Stored,
                        (GeneratedAs::Always, None) => Generation::Identity { always: true },
                        (GeneratedAs::ByDefault, None) => Generation::Identity { always: false },
                    };
                    if generation != Generation::Stored {
                        column.nullable = false;
                    }
                    column.set_generation(Some(generation));
                }
                ColumnOption::PrimaryKey(pk) => {
                    let mut pk = pk.clone();
                    pk.name = named(&pk.name);
                    pk.columns = key_column();
                    constraints.push(TableConstraint::PrimaryKey(pk));
                }
                ColumnOption::Unique(unique) => {
                    let mut unique = unique.clone();
                    unique.name = named(&unique.name);
                    unique.columns = key_column();
                    constraints.push(TableConstraint::Unique(unique));
                }
                ColumnOption::ForeignKey(fk) => {
                    let mut fk = fk.clone();
                    fk.name = named(&fk.name);
                    fk.columns = vec![def.name.clone()];
                    constraints.push(TableConstraint::ForeignKey(fk));
                }
                ColumnOption::Check(check) => {
                    let mut check = check.clone();
                    check.name = named(&check.name);
                    constraints.push(TableConstraint::Check(check));
                }
                ColumnOption::Collation(_) | ColumnOption::Comment(_) => {}
                other => return Err(context(format!("unsupported column option `{other}`"))),
            }
        }
        Ok((column, constraints))
    }

    /// Drops a column with the keys, foreign keys, checks and unique indexes it is part of.
    pub(crate) fn drop_column(
        &mut self,
        table: &str,
        column: &str,
        if_exists: bool,
        cascade: bool,
    ) -> Result<()> {
        let t = self.table_mut(table)?;
        if t.column(column).is_none() {
            if if_exists {
                return Ok(());
            }
            return Err(unknown_column(t, column));
        }
        let has = |key: &Vec<String>| key.iter().any(|c| c == column);
        let keys: Vec<Vec<String>> = std::iter::once(&t.primary_key)
            .chain(&t.unique)
            .filter(|key| has(key))
            .cloned()
            .collect();
        let what = format!("column `{column}` of table `{table}`");
        for key in &keys {
            self.release_key(table, key, cascade, &what)?;
        }
        let t = self.table_mut(table)?;
        t.columns.retain(|c| c.name != column);
        if has(&t.primary_key) {
            t.primary_key.clear();
            t.primary_key_name = None;
        }
        t.unique.retain(|key| !has(key));
        t.unique_names.retain(|_, key| !has(key));
        t.foreign_keys.retain(|fk| !has(&fk.columns));
        t.checks.retain(|check| !has(&check.columns));
        t.indexes.retain(|_, columns| !has(columns));
        self.unique_indexes
            .retain(|_, index| !(index.table == table && has(&index.columns)));
        Ok(())
    }

    /// Renames a column wherever the model names it, including other tables' foreign keys.
    fn rename_column(&mut self, table: &str, old: &str, new: &str) -> Result<()> {
        let dialect = self.dialect;
        let t = self.table_mut(table)?;
        if t.column(new).is_some() {
            return Err(format!("column `{new}` of table `{table}` already exists"));
        }
        let Some(column) = t.column_mut(old) else {
            return Err(unknown_column(t, old));
        };
        column.name = new.to_owned();
        rename_in(&mut t.primary_key, old, new);
        t.unique.iter_mut().for_each(|key| rename_in(key, old, new));
        t.unique_names
            .values_mut()
            .for_each(|key| rename_in(key, old, new));
        for fk in &mut t.foreign_keys {
            rename_in(&mut fk.columns, old, new);
        }
        for check in t
            .checks
            .iter_mut()
            .filter(|c| c.columns.iter().any(|c| c == old))
        {
            check.sql = rename_in_sql(dialect, &check.sql, old, new);
            rename_in(&mut check.columns, old, new);
            for bound in check.bounds.iter_mut().filter(|b| b.column == old) {
                bound.column = new.to_owned();
            }
            for allowed in check.allowed.iter_mut().filter(|a| a.column == old) {
                allowed.column = new.to_owned();
            }
        }
        let fks = self.tables.values_mut().flat_map(|t| &mut t.foreign_keys);
        for fk in fks.filter(|fk| fk.ref_table == table) {
            rename_in(&mut fk.ref_columns, old, new);
        }
        for index in self
            .unique_indexes
            .values_mut()
            .filter(|i| i.table == table)
        {
            rename_in(&mut index.columns, old, new);
        }
        Ok(())
    }

    /// Renames a table; its constraints keep their names, as in PostgreSQL.
    pub(crate) fn rename_table(&mut self, old: &str, new: &str) -> Result<()> {
        if self.tables.contains_key(new) {
            return Err(format!("table `{new}` already exists"));
        }
        let mut t = self
            .tables
            .remove(old)
            .expect("the caller checked the table");
        t.name = new.to_owned();
        self.tables.insert(new.to_owned(), t);
        let fks = self.tables.values_mut().flat_map(|t| &mut t.foreign_keys);
        for fk in fks.filter(|fk| fk.ref_table == old) {
            fk.ref_table = new.to_owned();
        }
        for index in self.unique_indexes.values_mut().filter(|i| i.table == old) {
            index.table = new.to_owned();
        }
        for partition in self.tables.values_mut() {
            if partition.partition_of.as_deref() == Some(old) {
                partition.partition_of = Some(new.to_owned());
            }
        }
        if let Some(taint) = self.tainted.remove(old) {
            self.tainted.insert(new.to_owned(), taint);
        }
        Ok(())
    }

    pub(crate) fn table_mut(&mut self, name: &str) -> Result<&mut Table> {
        if !self.tables.contains_key(name) {
            return Err(unknown("table", name, self.tables.keys()));
        }
        Ok(self.tables.get_mut(name).expect("checked above"))
    }
}

/// A default as PostgreSQL keeps it: `DEFAULT NULL` (cast or not) is no default at all.
pub(crate) fn stored_default(expr: &Expr) -> Option<String> {
    let mut inner = expr;
    while let Expr::Cast { expr, .. } | Expr::Nested(expr) = inner {
        inner = expr;
    }
    match inner {
        Expr::Value(v) if v.value == sqlparser::ast::Value::Null => None,
        _ => Some(expr.to_string()),
    }
}

fn rename_in(names: &mut [String], old: &str, new: &str) {
    for name in names.iter_mut().filter(|n| *n == old) {
        *name = new.to_owned();
    }
}
