//! Replays a migration's statements into the [`Schema`].

use std::collections::BTreeSet;
use std::path::Path;

use sqlparser::ast::{
    AlterIndexOperation, ContextModifier, CreateIndex, CreateTable, CreateTableLikeDefaults,
    CreateTableLikeKind, DropBehavior, Expr, ObjectName, ObjectType, Reset, ResetStatement,
    SchemaName, Set, Statement, Value,
};
use sqlparser::parser::Parser;

use super::dialect::Dialect;
use super::{Column, Generation, LoadError, Schema, Table, UniqueIndex, split};
use crate::suggest::nearest;

pub(crate) type Result<T> = std::result::Result<T, String>;

impl Schema {
    /// Replays the DDL of one migration file. A statement the loader cannot follow taints the
    /// tables it names ([`Schema::tainted`]); the others apply, so one statement never makes
    /// the whole schema unusable.
    pub fn apply_sql(&mut self, file: &Path, sql: &str) {
        let search_path = self.search_path.clone();
        for statement in split::statements(sql) {
            let at = |line, message| LoadError {
                file: file.to_owned(),
                line,
                message,
            };
            match parse(self.dialect, &statement) {
                Ok(parsed) => {
                    for parsed in &parsed {
                        if let Err(message) = self.apply(parsed) {
                            let line = column_line(self.dialect, parsed, &message)
                                .unwrap_or(statement.line);
                            let tables = self.named_tables(parsed);
                            self.taint(tables, at(line, message));
                        }
                    }
                }
                Err(message) => {
                    if let Err((tables, message)) = self.apply_unreadable(statement.text, &message)
                    {
                        self.taint(tables, at(statement.line, message));
                    }
                }
            }
        }
        // `SET LOCAL` ends with the migration's transaction; a plain `SET` lasts the session,
        // which the migrators keep for the next migration.
        if self.search_path_local {
            self.search_path = search_path;
            self.search_path_local = false;
        }
    }

    /// Marks `tables` as not followed, keeping the first reason of each.
    pub(crate) fn taint(&mut self, tables: Vec<String>, error: LoadError) {
        for table in tables {
            self.tainted.entry(table).or_insert_with(|| error.clone());
        }
    }

    /// The tables a statement changes: those a failure to follow it taints. A change of a
    /// type reaches the tables whose columns use it.
    pub(crate) fn named_tables(&self, statement: &Statement) -> Vec<String> {
        let relation = |name| self.relation(name).ok();
        match statement {
            Statement::CreateTable(create) => {
                self.new_name(&create.name).ok().into_iter().collect()
            }
            Statement::AlterTable(alter) => relation(&alter.name).into_iter().collect(),
            Statement::CreateIndex(index) => relation(&index.table_name).into_iter().collect(),
            Statement::Drop {
                object_type: ObjectType::Table,
                names,
                ..
            } => names.iter().filter_map(relation).collect(),
            Statement::CreateType { name, .. } => self.users_of(name),
            Statement::AlterType(alter) => self.users_of(&alter.name),
            Statement::Drop {
                object_type: ObjectType::Type,
                names,
                ..
            } => names.iter().flat_map(|n| self.users_of(n)).collect(),
            Statement::Drop {
                object_type: ObjectType::Schema,
                names,
                ..
            } => names
                .iter()
                .filter_map(|n| self.dialect.object_name(n).ok())
                .flat_map(|schema| {
                    let prefix = format!("{schema}.");
                    self.tables
                        .keys()
                        .filter(move |t| t.starts_with(&prefix))
                        .cloned()
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn users_of(&self, name: &ObjectName) -> Vec<String> {
        match self.type_name(name) {
            Ok(name) => self.users_of_type(&name),
            Err(_) => Vec::new(),
        }
    }

    /// The tables with a column of the user-defined type `name`.
    pub(crate) fn users_of_type(&self, name: &str) -> Vec<String> {
        self.tables
            .values()
            .filter(|t| t.columns.iter().any(|c| c.ty.uses_type(name)))
            .map(|t| t.name.clone())
            .collect()
    }

    pub(crate) fn apply(&mut self, statement: &Statement) -> Result<()> {
        match statement {
            Statement::CreateType {
                name,
                representation,
            } => self.create_type(name, representation.as_ref()),
            Statement::AlterType(alter) => self.alter_type(alter),
            Statement::CreateDomain(domain) => self.create_domain(domain),
            Statement::DropDomain(drop) => {
                let name = self.type_name(&drop.name)?;
                let cascade = drop.drop_behavior == Some(DropBehavior::Cascade);
                self.drop_types(&[name], cascade)
            }
            Statement::CreateTable(create) => self.create_table(create),
            Statement::AlterTable(alter) => self.alter_table(alter),
            Statement::CreateIndex(index) => self.create_index(index),
            Statement::AlterIndex {
                name,
                operation: AlterIndexOperation::RenameIndex { index_name },
            } => {
                let old = self.existing(name, |n| self.index_exists(n))?;
                self.rename_index(&old, &self.dialect.object_name(index_name)?)
            }
            Statement::CreateView(view) => {
                self.views.insert(self.new_name(&view.name)?);
                Ok(())
            }
            Statement::CreateSchema { schema_name, .. } => {
                if let SchemaName::Simple(name) | SchemaName::NamedAuthorization(name, _) =
                    schema_name
                {
                    self.schemas.insert(self.dialect.object_name(name)?);
                }
                Ok(())
            }
            Statement::Set(Set::SingleAssignment {
                scope,
                variable,
                values,
                ..
            }) if self.dialect.object_name(variable)? == "search_path" => {
                self.set_search_path(values, *scope == Some(ContextModifier::Local))
            }
            Statement::Reset(ResetStatement { reset }) => {
                let path = match reset {
                    Reset::ConfigurationParameter(name) => {
                        self.dialect.object_name(name)? == "search_path"
                    }
                    Reset::ALL => true,
                    Reset::SessionAuthorization => false,
                };
                if path {
                    self.search_path = vec![self.dialect.default_schema().to_owned()];
                }
                Ok(())
            }
            Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                ..
            } => match object_type {
                ObjectType::Table => {
                    let names = names
                        .iter()
                        .map(|n| self.relation(n))
                        .collect::<Result<Vec<_>>>()?;
                    self.drop_tables(&names, *if_exists, *cascade)
                }
                ObjectType::Type => {
                    let names = names
                        .iter()
                        .map(|n| self.type_name(n))
                        .collect::<Result<Vec<_>>>()?;
                    self.drop_types(&names, *cascade)
                }
                ObjectType::Index => {
                    let names = names
                        .iter()
                        .map(|n| self.existing(n, |n| self.index_exists(n)))
                        .collect::<Result<Vec<_>>>()?;
                    self.drop_indexes(&names, *cascade)
                }
                ObjectType::View | ObjectType::MaterializedView => {
                    for name in names {
                        let name = self.relation(name)?;
                        self.views.remove(&name);
                    }
                    Ok(())
                }
                ObjectType::Schema => {
                    let names = names
                        .iter()
                        .map(|n| self.dialect.object_name(n))
                        .collect::<Result<Vec<_>>>()?;
                    self.drop_schemas(&names, *cascade)
                }
                _ => Ok(()),
            },
            Statement::Query { .. }
            | Statement::Insert { .. }
            | Statement::Update { .. }
            | Statement::Delete { .. }
            | Statement::Merge { .. }
            | Statement::Copy { .. }
            | Statement::Call { .. }
            | Statement::Analyze { .. }
            | Statement::Vacuum { .. }
            | Statement::Truncate { .. }
            | Statement::Lock { .. }
            | Statement::LISTEN { .. }
            | Statement::UNLISTEN { .. }
            | Statement::NOTIFY { .. }
            | Statement::Discard { .. }
            | Statement::Prepare { .. }
            | Statement::Execute { .. }
            | Statement::Deallocate { .. }
            | Statement::Explain { .. }
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Savepoint { .. }
            | Statement::ReleaseSavepoint { .. }
            | Statement::Comment { .. }
            | Statement::Grant { .. }
            | Statement::GrantRole { .. }
            | Statement::Revoke { .. }
            | Statement::RevokeRole { .. }
            | Statement::AlterDefaultPrivileges { .. }
            | Statement::CreateRole { .. }
            | Statement::AlterRole { .. }
            | Statement::CreateUser { .. }
            | Statement::AlterUser { .. }
            | Statement::CreateExtension { .. }
            | Statement::DropExtension { .. }
            | Statement::AlterView { .. }
            | Statement::RefreshMaterializedView { .. }
            | Statement::CreateFunction { .. }
            | Statement::AlterFunction { .. }
            | Statement::DropFunction { .. }
            | Statement::CreateProcedure { .. }
            | Statement::DropProcedure { .. }
            | Statement::CreateTrigger { .. }
            | Statement::AlterTrigger { .. }
            | Statement::DropTrigger { .. }
            | Statement::CreatePolicy { .. }
            | Statement::AlterPolicy { .. }
            | Statement::DropPolicy { .. }
            | Statement::CreateRule { .. }
            | Statement::DropRule { .. }
            | Statement::CreateSequence { .. }
            | Statement::CreateCollation { .. }
            | Statement::AlterCollation { .. }
            | Statement::CreateAggregate { .. }
            | Statement::CreateOperator { .. }
            | Statement::CreateOperatorFamily { .. }
            | Statement::CreateOperatorClass { .. }
            | Statement::AlterOperator { .. }
            | Statement::AlterOperatorFamily { .. }
            | Statement::AlterOperatorClass { .. }
            | Statement::DropOperator { .. }
            | Statement::DropOperatorFamily { .. }
            | Statement::DropOperatorClass { .. }
            | Statement::CreateTextSearch { .. }
            | Statement::AlterTextSearch { .. } => Ok(()),
            Statement::Set { .. } | Statement::AlterSchema { .. } => Ok(()),
            other => Err(format!(
                "the schema loader does not support this statement: {}",
                abbreviate(&other.to_string())
            )),
        }
    }

    fn set_search_path(&mut self, values: &[Expr], local: bool) -> Result<()> {
        let mut path = Vec::new();
        for value in values {
            let text = match value {
                Expr::Identifier(name) => self.dialect.ident(name),
                Expr::Value(v) => match &v.value {
                    Value::SingleQuotedString(s) => s.clone(),
                    _ => return Err(format!("cannot read the search_path value `{value}`")),
                },
                _ => return Err(format!("cannot read the search_path value `{value}`")),
            };
            path.extend(
                text.split(',')
                    .map(|s| s.trim().trim_matches('"').to_owned()),
            );
        }
        self.search_path = path;
        self.search_path_local |= local;
        Ok(())
    }

    fn create_table(&mut self, create: &CreateTable) -> Result<()> {
        // A temporary table is gone when the migration's session ends.
        if create.temporary {
            return Ok(());
        }
        let name = self.new_name(&create.name)?;
        if self.tables.contains_key(&name) {
            if create.if_not_exists {
                return Ok(());
            }
            return Err(format!("table `{name}` already exists"));
        }
        if create.query.is_some() {
            return Err(format!(
                "the columns of `CREATE TABLE {name} AS` come from its query, which the schema loader does not evaluate"
            ));
        }
        let mut table = Table::new(name.clone());
        let mut inherited = Vec::new();
        if let Some(CreateTableLikeKind::Parenthesized(like) | CreateTableLikeKind::Plain(like)) =
            &create.like
        {
            let source = self.table_named(&like.name)?;
            let defaults = like.defaults == Some(CreateTableLikeDefaults::Including);
            table.columns = source
                .columns
                .iter()
                .map(|c| like_column(c, defaults))
                .collect();
        }
        if let Some(parent) = &create.partition_of {
            let parent = self.table_named(parent)?;
            table.columns = parent.columns.clone();
            table.partition_of = Some(parent.name.clone());
            inherited.extend(parent.checks.clone());
        }
        for parent in create.inherits.iter().flatten() {
            let parent = self.table_named(parent)?.clone();
            for column in &parent.columns {
                match table.column_mut(&column.name) {
                    Some(mine) => mine.nullable &= column.nullable,
                    None => table.columns.push(inherit_column(column)),
                }
            }
            inherited.extend(parent.checks.clone());
        }
        self.create_table_with(table, &create.columns, &create.constraints)?;
        let t = self.table_mut(&name)?;
        for check in inherited {
            if !t.checks.iter().any(|c| c.name == check.name) {
                t.checks.push(check);
            }
        }
        Ok(())
    }

    /// An existing table named in a statement.
    fn table_named(&self, name: &ObjectName) -> Result<&Table> {
        let name = self.relation(name)?;
        self.tables
            .get(&name)
            .ok_or_else(|| unknown("table", &name, self.tables.keys()))
    }

    fn index_exists(&self, name: &str) -> bool {
        self.unique_indexes.contains_key(name)
            || self.tables.values().any(|t| {
                t.primary_key_name.as_deref() == Some(name)
                    || t.unique_names.contains_key(name)
                    || t.indexes.contains_key(name)
            })
    }

    /// Every index name taken: unique indexes, key constraints' and other indexes.
    fn index_names(&self) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = self.unique_indexes.keys().cloned().collect();
        for t in self.tables.values() {
            names.extend(t.primary_key_name.iter().cloned());
            names.extend(t.unique_names.keys().cloned());
            names.extend(t.indexes.keys().cloned());
        }
        names
    }

    /// An index that is no uniqueness rule: kept by name with its columns (an expression named
    /// as PostgreSQL's `FigureIndexColname` names it, which its default index name uses).
    fn create_other_index(&mut self, table: &str, index: &CreateIndex) -> Result<()> {
        let columns: Vec<String> = index
            .columns
            .iter()
            .map(|c| column_name(self.dialect, &c.column.expr).unwrap_or_else(|| "expr".to_owned()))
            .collect();
        let name = match &index.name {
            Some(name) => sibling(table, &self.dialect.object_name(name)?),
            None => {
                let taken = self.index_names();
                let taken = taken.iter().map(String::as_str).collect();
                let parts: Vec<&str> = columns.iter().map(String::as_str).collect();
                sibling(
                    table,
                    &self
                        .dialect
                        .default_name(unqualified(table), &parts, "idx", &taken),
                )
            }
        };
        if self.index_exists(&name) {
            if index.if_not_exists {
                return Ok(());
            }
            return Err(format!("index `{name}` already exists"));
        }
        if let Some(t) = self.tables.get_mut(table) {
            t.indexes.insert(name, columns);
        }
        Ok(())
    }

    fn create_index(&mut self, index: &CreateIndex) -> Result<()> {
        let table = self.relation(&index.table_name)?;
        // An index of a view, or of a table the model does not hold, changes no seedable
        // table.
        let Some(t) = self.tables.get(&table) else {
            return Ok(());
        };
        // Only a unique index on plain columns for all rows is a uniqueness rule of the table.
        let columns = match self.dialect.plain_columns(&index.columns) {
            Some(columns) if index.unique && index.predicate.is_none() => columns,
            _ => return self.create_other_index(&table, index),
        };
        if let Some(missing) = columns.iter().find(|c| t.column(c).is_none()) {
            return Err(unknown_column(t, missing));
        }
        let name = match &index.name {
            Some(name) => sibling(&table, &self.dialect.object_name(name)?),
            None => {
                let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                let taken = self.unique_indexes.keys().map(String::as_str).collect();
                sibling(
                    &table,
                    &self
                        .dialect
                        .default_name(unqualified(&table), &columns, "idx", &taken),
                )
            }
        };
        if self.unique_indexes.contains_key(&name) {
            if index.if_not_exists {
                return Ok(());
            }
            return Err(format!("index `{name}` already exists"));
        }
        let t = self.tables.get_mut(&table).expect("checked above");
        t.unique.push(columns.clone());
        self.unique_indexes
            .insert(name, UniqueIndex { table, columns });
        Ok(())
    }

    /// Renames a unique index; renaming the index of a key constraint renames the constraint.
    pub(crate) fn rename_index(&mut self, old: &str, new: &str) -> Result<()> {
        let new = sibling(old, new);
        if let Some(index) = self.unique_indexes.remove(old) {
            self.unique_indexes.insert(new, index);
            return Ok(());
        }
        for t in self.tables.values_mut() {
            if let Some(columns) = t.indexes.remove(old) {
                t.indexes.insert(new, columns);
                return Ok(());
            }
        }
        let (old, new) = (unqualified(old), unqualified(&new));
        let owner = self.tables.values().find(|t| {
            t.primary_key_name.as_deref() == Some(old) || t.unique_names.contains_key(old)
        });
        match owner.map(|t| t.name.clone()) {
            Some(table) => self.rename_constraint(&table, old, new),
            None => Ok(()),
        }
    }

    fn drop_tables(&mut self, names: &[String], if_exists: bool, cascade: bool) -> Result<()> {
        for name in names {
            if !self.tables.contains_key(name) && !self.tainted.contains_key(name) && !if_exists {
                return Err(unknown("table", name, self.tables.keys()));
            }
        }
        let dependent = self.tables.values().find_map(|t| {
            let fk = t
                .foreign_keys
                .iter()
                .find(|fk| names.contains(&fk.ref_table) && !names.contains(&t.name))?;
            Some((t.name.clone(), fk.clone()))
        });
        if let (Some((table, fk)), false) = (dependent, cascade) {
            return Err(format!(
                "cannot drop table `{}`: foreign key `{}` of table `{table}` refers to it (use CASCADE)",
                fk.ref_table,
                fk.name.as_deref().unwrap_or_default(),
            ));
        }
        for name in names {
            self.tables.remove(name);
            // A table gone is no longer in doubt; one created again is read afresh.
            self.tainted.remove(name);
        }
        // Partitions go with their parent.
        let partitions: Vec<String> = self
            .tables
            .values()
            .filter(|t| t.partition_of.as_ref().is_some_and(|p| names.contains(p)))
            .map(|t| t.name.clone())
            .collect();
        for name in &partitions {
            self.tables.remove(name);
        }
        for t in self.tables.values_mut() {
            t.foreign_keys.retain(|fk| !names.contains(&fk.ref_table));
        }
        self.unique_indexes
            .retain(|_, i| !names.contains(&i.table) && !partitions.contains(&i.table));
        Ok(())
    }

    /// Drops unique indexes; other indexes are not in the model and change nothing.
    fn drop_indexes(&mut self, names: &[String], cascade: bool) -> Result<()> {
        for name in names {
            for t in self.tables.values_mut() {
                t.indexes.remove(name);
            }
            let Some(index) = self.unique_indexes.get(name).cloned() else {
                continue;
            };
            let what = format!("index `{name}`");
            self.release_key(&index.table, &index.columns, cascade, &what)?;
            self.unique_indexes.remove(name);
            let t = self
                .tables
                .get_mut(&index.table)
                .expect("indexes follow their table");
            if let Some(at) = t.unique.iter().position(|u| *u == index.columns) {
                t.unique.remove(at);
            }
        }
        Ok(())
    }

    /// `DROP SCHEMA`: with CASCADE its tables, views and types go too.
    fn drop_schemas(&mut self, names: &[String], cascade: bool) -> Result<()> {
        for schema in names {
            let prefix = format!("{schema}.");
            let inside = |name: &String| name.starts_with(&prefix);
            let tables: Vec<String> = self.tables.keys().filter(|n| inside(n)).cloned().collect();
            let types: Vec<String> = (self.enums.keys())
                .chain(self.domains.keys())
                .chain(self.composites.keys())
                .filter(|n| inside(n))
                .cloned()
                .collect();
            if !cascade && (!tables.is_empty() || !types.is_empty()) {
                return Err(format!(
                    "cannot drop schema `{schema}`: it is not empty (use CASCADE)"
                ));
            }
            self.drop_tables(&tables, true, true)?;
            self.drop_types(&types, true)?;
            self.views.retain(|n| !inside(n));
            self.tainted.retain(|n, _| !inside(n));
            self.schemas.remove(schema);
        }
        Ok(())
    }
}

/// A column copied by `LIKE`: type and nullability, its default only `INCLUDING DEFAULTS`.
fn like_column(column: &Column, defaults: bool) -> Column {
    let mut copy = inherit_column(column);
    if !defaults {
        copy.default = None;
    }
    copy
}

/// A column a child table inherits: identity and generation stay with the parent.
fn inherit_column(column: &Column) -> Column {
    let mut copy = column.clone();
    if matches!(column.generation, Some(Generation::Identity { .. })) {
        copy.set_generation(None);
    }
    copy
}

/// The name without its schema.
pub(crate) fn unqualified(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, n)| n)
}

/// The line of the column definition an error of a `CREATE TABLE` is about (the message starts
/// with "column `name` "), rather than that of the statement. sqlparser's positions are those of
/// the file (see [`parse`]).
fn column_line(dialect: Dialect, statement: &Statement, message: &str) -> Option<u64> {
    let Statement::CreateTable(create) = statement else {
        return None;
    };
    let name = message.strip_prefix("column `")?.split('`').next()?;
    create
        .columns
        .iter()
        .find(|c| dialect.ident(&c.name) == name)
        .map(|c| c.name.span.start.line)
        .filter(|line| *line > 0)
}

/// Parses one statement. sqlparser's positions are made those of the file by padding the
/// text to where it starts. A statement sqlparser cannot read is passed over when its leading
/// keywords say it cannot change the shape of the schema.
fn parse(dialect: Dialect, statement: &split::Statement<'_>) -> Result<Vec<Statement>> {
    let padding =
        "\n".repeat(statement.line as usize - 1) + &" ".repeat(statement.column as usize - 1);
    let dialect = dialect.parser();
    let error = match Parser::parse_sql(dialect, &format!("{padding}{}", statement.text)) {
        Ok(parsed) => return Ok(parsed),
        Err(error) => error,
    };
    let words = leading_words(statement.text);
    if is_shape_neutral(&words) {
        return Ok(Vec::new());
    }
    // sqlparser does not know DROP INDEX CONCURRENTLY; without the keyword it is the same drop.
    let concurrently = match words.as_slice() {
        [(_, drop), (_, index), (at, word), ..]
            if [drop, index, word] == ["DROP", "INDEX", "CONCURRENTLY"] =>
        {
            Some(*at..at + word.len())
        }
        _ => None,
    };
    // sqlparser does not read `COLLATE` in every place PostgreSQL takes it; a collation
    // changes no shape, so the statement is read again without them.
    if let Some(blanked) = without_collations(statement.text)
        && let Ok(parsed) = Parser::parse_sql(dialect, &format!("{padding}{blanked}"))
    {
        return Ok(parsed);
    }
    if let Some(word) = concurrently {
        let text = statement.text;
        let blanked = format!(
            "{}{}{}",
            &text[..word.start],
            " ".repeat(word.len()),
            &text[word.end..]
        );
        if let Ok(parsed) = Parser::parse_sql(dialect, &format!("{padding}{blanked}")) {
            return Ok(parsed);
        }
    }
    let message = error.to_string();
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(&message);
    Err(format!("cannot read this statement: {message}"))
}

/// `text` with each `COLLATE name` blanked out (same length, so positions hold), or `None`
/// when it has none.
fn without_collations(text: &str) -> Option<String> {
    let upper = text.to_uppercase();
    let mut out = text.to_owned();
    let mut found = false;
    for (at, _) in upper.match_indices("COLLATE") {
        let before = upper[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[at + "COLLATE".len()..];
        let name_start = rest.len() - rest.trim_start().len();
        let mut end = name_start;
        let bytes = rest.as_bytes();
        // A possibly qualified, possibly quoted name: `"C"`, `pg_catalog."default"`, `en_US`.
        loop {
            if bytes.get(end) == Some(&b'"') {
                end += 1 + rest[end + 1..].find('"')? + 1;
            } else {
                let len = rest[end..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len() - end);
                if len == 0 {
                    return None;
                }
                end += len;
            }
            if bytes.get(end) != Some(&b'.') {
                break;
            }
            end += 1;
        }
        let span = at..at + "COLLATE".len() + end;
        out.replace_range(span.clone(), &" ".repeat(span.len()));
        found = true;
    }
    found.then_some(out)
}

/// Parses statement text found inside another (a `DO` block's body).
pub(crate) fn parse_one(dialect: Dialect, text: &str) -> Result<Vec<Statement>> {
    Parser::parse_sql(dialect.parser(), text).map_err(|e| e.to_string())
}

/// The first words of a statement, upper-cased, with their byte offsets.
fn leading_words(text: &str) -> Vec<(usize, String)> {
    let mut words = Vec::new();
    let mut rest = text;
    while words.len() < 4 {
        let start = text.len() - rest.trim_start().len();
        rest = &text[start..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            break;
        }
        words.push((start, rest[..len].to_uppercase()));
        rest = &rest[len..];
    }
    words
}

/// Words between CREATE, ALTER or DROP and the kind of object, as in `CREATE OR REPLACE VIEW`.
#[rustfmt::skip]
const MODIFIERS: &[&str] = &[
    "OR", "REPLACE", "CONSTRAINT", "TEMP", "TEMPORARY", "TRUSTED", "PROCEDURAL", "MATERIALIZED",
    "EVENT", "DEFAULT",
];

/// Objects whose creation, change or removal leaves the tables and types as they are.
#[rustfmt::skip]
const NEUTRAL_OBJECTS: &[&str] = &[
    "FUNCTION", "PROCEDURE", "TRIGGER", "VIEW", "EXTENSION", "POLICY", "RULE", "AGGREGATE",
    "OPERATOR", "SEQUENCE", "ROLE", "USER", "GROUP", "PUBLICATION", "SUBSCRIPTION", "CAST",
    "LANGUAGE", "TEXT", "STATISTICS", "SERVER", "PRIVILEGES", "COLLATION", "CONVERSION",
];

/// Commands that leave the tables and types as they are.
#[rustfmt::skip]
const NEUTRAL_COMMANDS: &[&str] = &[
    "COMMENT", "GRANT", "REVOKE", "INSERT", "UPDATE", "DELETE", "MERGE", "SET", "RESET",
    "BEGIN", "COMMIT", "END", "START", "ROLLBACK", "SAVEPOINT", "RELEASE", "SELECT", "WITH",
    "VALUES", "ANALYZE", "VACUUM", "REINDEX", "CLUSTER", "NOTIFY", "LISTEN", "UNLISTEN",
    "REFRESH", "SECURITY", "COPY", "TRUNCATE", "CALL", "LOCK", "CHECKPOINT", "DISCARD",
    "PREPARE", "EXECUTE", "DEALLOCATE", "EXPLAIN",
];

fn is_shape_neutral(words: &[(usize, String)]) -> bool {
    let words: Vec<&str> = words.iter().map(|(_, w)| w.as_str()).collect();
    match words.as_slice() {
        [verb @ ("CREATE" | "ALTER" | "DROP"), rest @ ..] => {
            let object = rest.iter().find(|w| !MODIFIERS.contains(w));
            // CREATE INDEX and CREATE SCHEMA cannot change a table; CREATE UNIQUE INDEX, DROP
            // INDEX and DROP SCHEMA can.
            let creates = |kind| *verb == "CREATE" && object == Some(&kind);
            creates("INDEX")
                || creates("SCHEMA")
                || object.is_some_and(|o| NEUTRAL_OBJECTS.contains(o))
        }
        [first, ..] => NEUTRAL_COMMANDS.contains(first),
        [] => false,
    }
}

/// `new` in the schema of `old`: `app.x` renamed to `y` is `app.y`.
pub(crate) fn sibling(old: &str, new: &str) -> String {
    match old.rsplit_once('.') {
        Some((schema, _)) if !new.contains('.') => format!("{schema}.{new}"),
        _ => new.to_owned(),
    }
}

/// `message`, with the nearest of `known` to `name` as a suggestion.
pub(crate) fn suggest<'a>(
    message: String,
    name: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> String {
    match nearest(name, known) {
        Some(near) => format!("{message}; did you mean `{near}`?"),
        None => message,
    }
}

/// "unknown table `x`", with a suggestion.
pub(crate) fn unknown<'a>(
    kind: &str,
    name: &str,
    known: impl IntoIterator<Item = &'a String>,
) -> String {
    let known = known.into_iter().map(String::as_str);
    suggest(format!("unknown {kind} `{name}`"), name, known)
}

/// "table `t` has no column `x`", with a suggestion.
pub(crate) fn unknown_column(table: &Table, name: &str) -> String {
    let message = format!("table `{}` has no column `{name}`", table.name);
    suggest(message, name, table.columns.iter().map(|c| c.name.as_str()))
}

/// "table `t` has no constraint `x`", with a suggestion.
pub(crate) fn unknown_constraint(table: &Table, name: &str) -> String {
    let message = format!("table `{}` has no constraint `{name}`", table.name);
    suggest(message, name, table.constraint_names())
}

/// The start of a statement, for messages.
pub(crate) fn abbreviate(sql: &str) -> String {
    const MAX: usize = 80;
    let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match sql.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &sql[..at]),
        None => sql,
    }
}

/// Whether a default expression draws from a sequence, making the column generated.
pub(crate) fn is_nextval(expr: &Expr) -> bool {
    matches!(expr, Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("nextval"))
}

/// The name PostgreSQL gives an index column's expression: a column's own name, a function's
/// name, through casts and parentheses; `None` for anything else (named `expr`).
fn column_name(dialect: Dialect, expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(name) => Some(dialect.ident(name)),
        Expr::CompoundIdentifier(parts) => parts.last().map(|p| dialect.ident(p)),
        Expr::Function(f) => f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|p| dialect.ident(p)),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => column_name(dialect, expr),
        _ => None,
    }
}
