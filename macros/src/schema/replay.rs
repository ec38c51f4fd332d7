//! Replays a migration's statements into the [`Schema`].

use std::path::Path;

use sqlparser::ast::{
    AlterIndexOperation, AlterType, AlterTypeAddValuePosition, AlterTypeOperation, CreateIndex,
    CreateTable, Expr, ObjectName, ObjectType, Statement, UserDefinedTypeRepresentation,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::names::{default_name, ident, object_name};
use super::{LoadError, Schema, SqlType, Table, UniqueIndex, nearest, split};

pub(crate) type Result<T> = std::result::Result<T, String>;

impl Schema {
    /// Replays the DDL of one migration file. On error the schema is left as it was.
    pub fn apply_sql(&mut self, file: &Path, sql: &str) -> std::result::Result<(), LoadError> {
        let mut next = self.clone();
        for statement in split::statements(sql) {
            let error = |message| LoadError {
                file: file.to_owned(),
                line: statement.line,
                message,
            };
            for parsed in parse(&statement).map_err(error)? {
                next.apply(&parsed).map_err(|message| LoadError {
                    line: column_line(&parsed, &message).unwrap_or(statement.line),
                    ..error(message)
                })?;
            }
        }
        *self = next;
        Ok(())
    }

    fn apply(&mut self, statement: &Statement) -> Result<()> {
        match statement {
            Statement::CreateType {
                name,
                representation,
            } => self.create_type(name, representation.as_ref()),
            Statement::AlterType(alter) => self.alter_type(alter),
            Statement::CreateTable(create) => self.create_table(create),
            Statement::AlterTable(alter) => self.alter_table(alter),
            Statement::CreateIndex(index) => self.create_index(index),
            Statement::AlterIndex {
                name,
                operation: AlterIndexOperation::RenameIndex { index_name },
            } => self.rename_index(&object_name(name)?, &object_name(index_name)?),
            Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                ..
            } => {
                let names = names.iter().map(object_name).collect::<Result<Vec<_>>>()?;
                match object_type {
                    ObjectType::Table => self.drop_tables(&names, *if_exists, *cascade),
                    ObjectType::Type => self.drop_types(&names, *cascade),
                    ObjectType::Index => self.drop_indexes(&names, *cascade),
                    ObjectType::Schema => self.schema_neutral(statement),
                    _ => Ok(()),
                }
            }
            Statement::AlterSchema { .. } => self.schema_neutral(statement),
            Statement::Query { .. }
            | Statement::Insert { .. }
            | Statement::Update { .. }
            | Statement::Delete { .. }
            | Statement::Merge { .. }
            | Statement::Copy { .. }
            | Statement::Call { .. }
            | Statement::Set { .. }
            | Statement::Reset { .. }
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
            | Statement::CreateSchema { .. }
            | Statement::CreateExtension { .. }
            | Statement::DropExtension { .. }
            | Statement::CreateView { .. }
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
            // A domain is no type of the model: a column of one is an unknown type.
            | Statement::CreateDomain { .. }
            | Statement::DropDomain { .. }
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
            other => Err(format!(
                "the schema loader does not support this statement: {}",
                abbreviate(&other.to_string())
            )),
        }
    }

    fn create_type(
        &mut self,
        name: &ObjectName,
        representation: Option<&UserDefinedTypeRepresentation>,
    ) -> Result<()> {
        // Composite, range and shell types cannot be column types of the model: a column of
        // one is reported as an unknown type.
        let Some(UserDefinedTypeRepresentation::Enum { labels }) = representation else {
            return Ok(());
        };
        let name = object_name(name)?;
        if self.enums.contains_key(&name) {
            return Err(format!("type `{name}` already exists"));
        }
        let labels = labels.iter().map(|label| label.value.clone()).collect();
        self.enums.insert(name, labels);
        Ok(())
    }

    fn alter_type(&mut self, alter: &AlterType) -> Result<()> {
        let name = object_name(&alter.name)?;
        if !self.enums.contains_key(&name) {
            return Err(unknown("type", &name, self.enums.keys()));
        }
        let labels = self.enums.get_mut(&name).expect("checked above");
        match &alter.operation {
            AlterTypeOperation::AddValue(add) => {
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
            }
            AlterTypeOperation::RenameValue(rename) => {
                let at = label_index(labels, &rename.from.value)?;
                if labels.contains(&rename.to.value) {
                    return Err(format!(
                        "enum label '{}' already exists in `{name}`",
                        rename.to.value
                    ));
                }
                labels[at] = rename.to.value.clone();
            }
            AlterTypeOperation::Rename(rename) => {
                let new = sibling(&name, &ident(&rename.new_name));
                if self.enums.contains_key(&new) {
                    return Err(format!("type `{new}` already exists"));
                }
                let labels = self.enums.remove(&name).expect("checked above");
                self.enums.insert(new.clone(), labels);
                let columns = self.tables.values_mut().flat_map(|t| &mut t.columns);
                for column in columns {
                    rename_enum(&mut column.ty, &name, &new);
                }
            }
        }
        Ok(())
    }

    fn create_table(&mut self, create: &CreateTable) -> Result<()> {
        if create.query.is_some()
            || create.like.is_some()
            || create.clone.is_some()
            || create.partition_of.is_some()
            || create.inherits.is_some()
        {
            return Err(format!(
                "the schema loader supports CREATE TABLE with a column list only: {}",
                abbreviate(&create.to_string())
            ));
        }
        // A temporary table is gone when the migration's session ends.
        if create.temporary {
            return Ok(());
        }
        let name = object_name(&create.name)?;
        if self.tables.contains_key(&name) {
            if create.if_not_exists {
                return Ok(());
            }
            return Err(format!("table `{name}` already exists"));
        }
        self.create_table_with(&name, &create.columns, &create.constraints)
    }

    fn create_index(&mut self, index: &CreateIndex) -> Result<()> {
        let table = object_name(&index.table_name)?;
        let Some(t) = self.tables.get(&table) else {
            return Err(unknown("table", &table, self.tables.keys()));
        };
        // Only a unique index on plain columns for all rows is a uniqueness rule of the table.
        let columns = match super::constraints::plain_columns(&index.columns) {
            Some(columns) if index.unique && index.predicate.is_none() => columns,
            _ => return Ok(()),
        };
        if let Some(missing) = columns.iter().find(|c| t.column(c).is_none()) {
            return Err(unknown_column(t, missing));
        }
        let name = match &index.name {
            Some(name) => object_name(name)?,
            None => {
                let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                let taken = self.unique_indexes.keys().map(String::as_str).collect();
                default_name(&table, &columns, "idx", &taken)
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
    fn rename_index(&mut self, old: &str, new: &str) -> Result<()> {
        let new = sibling(old, new);
        if let Some(index) = self.unique_indexes.remove(old) {
            self.unique_indexes.insert(new, index);
            return Ok(());
        }
        let owner = self.tables.values().find(|t| {
            t.primary_key_name.as_deref() == Some(old) || t.unique_names.contains_key(old)
        });
        match owner.map(|t| t.name.clone()) {
            Some(table) => self.rename_constraint(&table, old, &new),
            None => Ok(()),
        }
    }

    fn drop_tables(&mut self, names: &[String], if_exists: bool, cascade: bool) -> Result<()> {
        for name in names {
            if !self.tables.contains_key(name) && !if_exists {
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
        }
        for t in self.tables.values_mut() {
            t.foreign_keys.retain(|fk| !names.contains(&fk.ref_table));
        }
        self.unique_indexes.retain(|_, i| !names.contains(&i.table));
        Ok(())
    }

    /// Drops enum types; a type the model does not know (composite, domain) changes nothing.
    fn drop_types(&mut self, names: &[String], cascade: bool) -> Result<()> {
        for name in names {
            if !self.enums.contains_key(name) {
                continue;
            }
            let users: Vec<(String, String)> = self
                .tables
                .values()
                .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
                .filter(|(_, c)| c.ty.uses_enum(name))
                .map(|(t, c)| (t.name.clone(), c.name.clone()))
                .collect();
            if let (Some((table, column)), false) = (users.first(), cascade) {
                return Err(format!(
                    "cannot drop type `{name}`: column `{table}.{column}` uses it (use CASCADE)"
                ));
            }
            // CASCADE drops the columns of the type.
            for (table, column) in &users {
                self.drop_column(table, column, false, true)?;
            }
            self.enums.remove(name);
        }
        Ok(())
    }

    /// Drops indexes; only unique indexes are in the model, other names change nothing.
    fn drop_indexes(&mut self, names: &[String], cascade: bool) -> Result<()> {
        for name in names {
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

    /// Accepts a schema-level statement when no table or type lives outside `public`: the
    /// model does not follow schemas.
    fn schema_neutral(&self, statement: &Statement) -> Result<()> {
        let mut names = self.tables.keys().chain(self.enums.keys());
        if names.any(|name| name.contains('.')) {
            return Err(format!(
                "the schema loader cannot follow this statement on schemas holding tables or types: {}",
                abbreviate(&statement.to_string())
            ));
        }
        Ok(())
    }
}

/// The line of the column definition an error of a `CREATE TABLE` is about (the message starts
/// with "column `name` "), rather than that of the statement. sqlparser's positions are those of
/// the file (see [`parse`]).
fn column_line(statement: &Statement, message: &str) -> Option<u64> {
    let Statement::CreateTable(create) = statement else {
        return None;
    };
    let name = message.strip_prefix("column `")?.split('`').next()?;
    create
        .columns
        .iter()
        .find(|c| ident(&c.name) == name)
        .map(|c| c.name.span.start.line)
        .filter(|line| *line > 0)
}

/// Parses one statement. sqlparser's positions are made those of the file by padding the
/// text to where it starts. A statement sqlparser cannot read is passed over when its leading
/// keywords say it cannot change the shape of the schema.
fn parse(statement: &split::Statement<'_>) -> Result<Vec<Statement>> {
    let padding =
        "\n".repeat(statement.line as usize - 1) + &" ".repeat(statement.column as usize - 1);
    let dialect = PostgreSqlDialect {};
    let error = match Parser::parse_sql(&dialect, &format!("{padding}{}", statement.text)) {
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
    if let Some(word) = concurrently {
        let text = statement.text;
        let blanked = format!(
            "{}{}{}",
            &text[..word.start],
            " ".repeat(word.len()),
            &text[word.end..]
        );
        if let Ok(parsed) = Parser::parse_sql(&dialect, &format!("{padding}{blanked}")) {
            return Ok(parsed);
        }
    }
    let message = error.to_string();
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(&message);
    Err(format!("cannot read this statement: {message}"))
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
    "DO", "COMMENT", "GRANT", "REVOKE", "INSERT", "UPDATE", "DELETE", "MERGE", "SET", "RESET",
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

fn rename_enum(ty: &mut SqlType, from: &str, to: &str) {
    match ty {
        SqlType::Enum(name) if name == from => *name = to.to_owned(),
        SqlType::Array(elem) => rename_enum(elem, from, to),
        _ => {}
    }
}

fn label_index(labels: &[String], label: &str) -> Result<usize> {
    labels.iter().position(|l| l == label).ok_or_else(|| {
        let message = format!("unknown enum label '{label}'");
        suggest(message, label, labels.iter().map(String::as_str))
    })
}

/// `message`, with the nearest of `known` to `name` as a suggestion.
fn suggest<'a>(message: String, name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
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
