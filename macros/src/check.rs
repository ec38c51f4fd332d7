//! Validates a parsed `seed!` against the schema model and resolves it for expansion.
//!
//! Every mistake becomes a `syn::Error` on the offending token; errors are accumulated so one
//! compile reports them all, and what is valid is still resolved so one typo does not cascade.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use proc_macro2::Span;
use syn::{Expr, ExprLit, Ident, Lit, Pat, UnOp};

use crate::diag::{Errors, suggestion};
use crate::parse::{Body, Entry, Field, RowDef};
use seedbed_core::schema::{Column, Generation, Schema, SqlType, Table};
use seedbed_core::suggest::nearest;

/// A seed body resolved against the schema.
pub struct Checked<'a> {
    pub tables: Vec<CheckedTable<'a>>,
}

pub struct CheckedTable<'a> {
    pub ident: &'a Ident,
    /// The schema of `schema::table { ... }`: its label module is `schema::table`.
    pub schema: Option<&'a Ident>,
    pub table: &'a Table,
    /// Index of the single uuid primary key column that seedbed derives, if the table has one.
    pub derived_key: Option<usize>,
    /// Index of the single primary key column the database generates (identity or serial).
    pub generated_key: Option<usize>,
    pub entries: Vec<CheckedEntry<'a>>,
}

pub enum CheckedEntry<'a> {
    Row(CheckedRow<'a>),
    For {
        pat: &'a Pat,
        expr: Cow<'a, Expr>,
        entries: Vec<CheckedEntry<'a>>,
    },
}

pub struct CheckedRow<'a> {
    pub label: Option<&'a Ident>,
    /// Column index and value, in the order written (the derived key first).
    pub values: Vec<(usize, CheckedValue<'a>)>,
}

pub enum CheckedValue<'a> {
    /// The derived key of a labelled row: UUIDv5 of unit, table and label.
    Key(u128),
    /// The key of an anonymous row, derived at run time from its position.
    AutoKey,
    Null,
    Literal(Literal),
    /// A label of another table in the same `seed!`.
    LocalRef {
        unit: String,
        table: String,
        label: String,
        /// The derived key, or `None` when the database generates it.
        key: Option<u128>,
    },
    /// Any other expression: rustc checks its type against the column. Owned when labels
    /// inside it were rewritten (see [`crate::labels`]).
    Expr(Cow<'a, Expr>),
}

/// A literal whose fit to the column was checked here.
#[derive(Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Int(i128),
    /// A decimal number as written.
    Decimal(String),
    Text(String),
    Array(Vec<Literal>),
}

impl Literal {
    fn number(&self) -> Option<f64> {
        match self {
            Literal::Int(i) => Some(*i as f64),
            Literal::Decimal(d) => d.parse().ok(),
            _ => None,
        }
    }

    /// The value as PostgreSQL prints a literal of a check: what lists of allowed values hold.
    fn text_form(&self) -> Option<String> {
        match self {
            Literal::Int(i) => Some(i.to_string()),
            Literal::Decimal(d) | Literal::Text(d) => Some(d.clone()),
            Literal::Bool(_) | Literal::Array(_) => None,
        }
    }
}

pub fn check<'a>(
    unit: &str,
    scenario: bool,
    schema: &'a Schema,
    body: &'a Body,
    errors: &mut Errors,
) -> Checked<'a> {
    let labels = collect_labels(schema, body, errors);
    let mut tables: Vec<CheckedTable<'a>> = Vec::new();
    for block in &body.tables {
        let name = block.table_name();
        let Some(table) = seedable(schema, &name, block.name.span(), errors) else {
            continue;
        };
        if tables.iter().any(|t| t.table.name == table.name) {
            errors.at(
                block.name.span(),
                format!("table `{name}` appears twice; write all its rows in one block"),
            );
            continue;
        }
        let cx = TableCx {
            labels_shadow: scenario,
            unit,
            schema,
            table,
            derived_key: derived_key(table),
            labels: &labels,
        };
        let entries = cx.entries(&block.entries, errors);
        check_unique(table, &entries, body_rows(&block.entries), errors);
        tables.push(CheckedTable {
            ident: &block.name,
            schema: block.schema.as_ref(),
            table,
            derived_key: cx.derived_key,
            generated_key: generated_key(table),
            entries,
        });
    }
    Checked { tables }
}

/// The table a block of rows names, if rows can be checked against it; else the error says why
/// not and what to do.
fn seedable<'a>(
    schema: &'a Schema,
    name: &str,
    span: Span,
    errors: &mut Errors,
) -> Option<&'a Table> {
    if let Some(taint) = schema.tainted.get(name) {
        errors.at(
            span,
            format!(
                "table `{name}` cannot be checked: the schema loader could not follow {taint}; \
                 write that statement in a form the loader reads (the README lists them under \
                 \"Migrations seedbed reads\"), or read the table from a migrated database with \
                 `seed-runner schema snapshot` and commit the snapshot it writes"
            ),
        );
        return None;
    }
    if schema.views.contains(name) {
        errors.at(
            span,
            format!("`{name}` is a view: seed the tables it reads from"),
        );
        return None;
    }
    let Some(table) = schema.table(name) else {
        let known = schema.tables.keys().map(String::as_str);
        errors.at(
            span,
            format!("unknown table `{name}`{}", suggestion(name, known)),
        );
        return None;
    };
    if let Some(parent) = &table.partition_of {
        errors.at(
            span,
            format!("`{name}` is a partition of `{parent}`: seed `{parent}`, and PostgreSQL routes each row to its partition"),
        );
        return None;
    }
    Some(table)
}

/// Labels per table, with duplicates and reserved names reported.
fn collect_labels(
    schema: &Schema,
    body: &Body,
    errors: &mut Errors,
) -> HashMap<String, Vec<String>> {
    let mut labels: HashMap<String, Vec<String>> = HashMap::new();
    for block in &body.tables {
        let mut seen: HashSet<String> = HashSet::new();
        let table_labels = labels.entry(block.table_name()).or_default();
        let labelable = schema
            .table(&block.table_name())
            .is_some_and(|t| derived_key(t).is_some() || generated_key(t).is_some());
        for entry in &block.entries {
            match entry {
                Entry::Row(RowDef {
                    label: Some(label), ..
                }) => {
                    let text = label.to_string();
                    if text == "ALL" {
                        errors.at(
                            label.span(),
                            "`ALL` is reserved: it lists every labelled row of the table",
                        );
                    } else if !seen.insert(text.clone()) {
                        errors.at(
                            label.span(),
                            format!(
                                "label `{text}` is used twice in table `{}`",
                                block.table_name()
                            ),
                        );
                    } else {
                        if !labelable && schema.table(&block.table_name()).is_some() {
                            errors.at(
                                label.span(),
                                format!(
                                    "rows of `{}` cannot be labelled: its primary key is neither a single uuid column nor a single generated one; write `_` instead",
                                    block.table_name()
                                ),
                            );
                        }
                        table_labels.push(text);
                    }
                }
                Entry::Row(_) => {}
                Entry::For(block) => reject_labels_in_loop(&block.entries, errors),
            }
        }
    }
    labels
}

fn reject_labels_in_loop(entries: &[Entry], errors: &mut Errors) {
    for entry in entries {
        match entry {
            Entry::Row(RowDef {
                label: Some(label), ..
            }) => errors.at(
                label.span(),
                format!(
                    "rows generated in a loop cannot have a label (`{label}`); write `_` instead"
                ),
            ),
            Entry::Row(_) => {}
            Entry::For(block) => reject_labels_in_loop(&block.entries, errors),
        }
    }
}

/// The single uuid primary key column, which seedbed fills with a derived key.
pub fn derived_key(table: &Table) -> Option<usize> {
    match table.primary_key.as_slice() {
        [key] => table
            .columns
            .iter()
            .position(|c| &c.name == key && c.ty == SqlType::Uuid),
        _ => None,
    }
}

/// The single integer primary key column that the database generates (identity or serial):
/// seedbed takes its values from the column's sequence and records them per label.
pub fn generated_key(table: &Table) -> Option<usize> {
    match table.primary_key.as_slice() {
        [key] => table.columns.iter().position(|c| {
            &c.name == key
                && c.generated
                && matches!(c.ty, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt)
        }),
        _ => None,
    }
}

/// The key of a labelled row, as a number for the constant the macros write.
pub fn label_key(unit: &str, table: &str, label: &str) -> u128 {
    seedbed_core::identity::label_key(unit, table, label).as_u128()
}

struct TableCx<'a, 'l> {
    /// In a scenario a path `users::x` whose label the scenario lacks may name another unit's
    /// row (the scenario's own labels live in a module of their own): leave it to rustc.
    labels_shadow: bool,
    unit: &'l str,
    schema: &'a Schema,
    table: &'a Table,
    derived_key: Option<usize>,
    labels: &'l HashMap<String, Vec<String>>,
}

impl<'a> TableCx<'a, '_> {
    fn entries(&self, entries: &'a [Entry], errors: &mut Errors) -> Vec<CheckedEntry<'a>> {
        entries
            .iter()
            .map(|entry| match entry {
                Entry::Row(row) => CheckedEntry::Row(self.row(row, errors)),
                Entry::For(block) => CheckedEntry::For {
                    pat: &block.pat,
                    expr: self.nested_labels(&Cow::Borrowed(&block.expr), errors),
                    entries: self.entries(&block.entries, errors),
                },
            })
            .collect()
    }

    fn row(&self, row: &'a RowDef, errors: &mut Errors) -> CheckedRow<'a> {
        let table = self.table;
        let mut values = Vec::new();
        let mut given: HashSet<usize> = HashSet::new();
        // What the misspelt columns were probably meant to be: not reported missing as well.
        // `None` when one has no near name, as it could have been meant for any column.
        let mut meant: Option<Vec<&str>> = Some(Vec::new());
        for field in &row.fields {
            let name = field.column.to_string();
            let Some(index) = table.columns.iter().position(|c| c.name == name) else {
                let known = table.columns.iter().map(|c| c.name.as_str());
                match (nearest(&name, known.clone()), &mut meant) {
                    (Some(near), Some(meant)) => meant.push(near),
                    _ => meant = None,
                }
                errors.at(
                    field.column.span(),
                    format!(
                        "unknown column `{name}` in table `{}`{}",
                        table.name,
                        suggestion(&name, known)
                    ),
                );
                continue;
            };
            if !given.insert(index) {
                errors.at(
                    field.column.span(),
                    format!("column `{name}` is given twice"),
                );
                continue;
            }
            match self.value(&table.columns[index], field) {
                Ok(CheckedValue::Expr(expr)) => {
                    crate::zones::check(&expr, errors);
                    let expr = self.nested_labels(&expr, errors);
                    values.push((index, CheckedValue::Expr(expr)));
                }
                Ok(value) => values.push((index, value)),
                Err(e) => errors.push(e),
            }
        }
        if let Some(key) = self.derived_key.filter(|k| !given.contains(k)) {
            let value = match &row.label {
                Some(label) => {
                    CheckedValue::Key(label_key(self.unit, &table.name, &label.to_string()))
                }
                None => CheckedValue::AutoKey,
            };
            values.insert(0, (key, value));
            given.insert(key);
        }
        let missing: Vec<&str> = table
            .columns
            .iter()
            .enumerate()
            .filter(|(i, c)| !given.contains(i) && self.required(c))
            .map(|(_, c)| c.name.as_str())
            .filter(|c| meant.as_ref().is_some_and(|m| !m.contains(c)))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let noun = if missing.len() == 1 {
                "column"
            } else {
                "columns"
            };
            errors.at(
                row.span,
                format!(
                    "missing required {noun} {list} of table `{}` (NOT NULL, no default)",
                    table.name
                ),
            );
        }
        CheckedRow {
            label: row.label.as_ref(),
            values,
        }
    }

    /// Whether a row must give the column: NOT NULL (on the column or its domain) and nothing
    /// the database supplies.
    fn required(&self, column: &Column) -> bool {
        let domain = self.schema.domain_of(&column.ty);
        let not_null = !column.nullable || domain.is_some_and(|d| d.not_null);
        let defaulted = column.default.is_some() || domain.is_some_and(|d| d.default.is_some());
        not_null && !defaulted && !column.generated
    }

    fn value(&self, column: &Column, field: &'a Field) -> syn::Result<CheckedValue<'a>> {
        let expr = &field.value;
        if matches!(
            column.generation,
            Some(Generation::Stored | Generation::Identity { always: true })
        ) {
            return Err(syn::Error::new_spanned(
                &field.column,
                format!(
                    "column `{}` of `{}` is generated by the database: leave it out",
                    column.name, self.table.name
                ),
            ));
        }
        if is_none(expr) {
            if !column.nullable {
                return Err(syn::Error::new_spanned(
                    expr,
                    format!(
                        "column `{}` of `{}` is NOT NULL: it cannot be `None`",
                        column.name, self.table.name
                    ),
                ));
            }
            return Ok(CheckedValue::Null);
        }
        if let Some(value) = self.local_ref(column, expr)? {
            return Ok(value);
        }
        match literal(expr) {
            Some(lit) => {
                let checked = fit(&column.ty, &lit, self.schema).map_err(|expected| {
                    syn::Error::new_spanned(
                        expr,
                        format!(
                            "column `{}` of `{}` is `{}`: {expected}",
                            column.name,
                            self.table.name,
                            column.ty.sql_name()
                        ),
                    )
                })?;
                self.check_bounds(column, &checked, expr)?;
                Ok(CheckedValue::Literal(checked))
            }
            None => Ok(CheckedValue::Expr(Cow::Borrowed(expr))),
        }
    }

    /// `expr` with the label paths inside it checked, rewritten when a scenario needs it.
    fn nested_labels(&self, expr: &Cow<'a, Expr>, errors: &mut Errors) -> Cow<'a, Expr> {
        let scenario = self.labels_shadow.then_some(self.unit);
        match crate::labels::nested(expr, self.labels, scenario, errors) {
            Some(rewritten) => Cow::Owned(rewritten),
            None => expr.clone(),
        }
    }

    /// `table::label` naming a table of this `seed!`: checked here, as rustc would only say
    /// that a constant is missing.
    fn local_ref(&self, column: &Column, expr: &Expr) -> syn::Result<Option<CheckedValue<'a>>> {
        let Expr::Path(path) = expr else {
            return Ok(None);
        };
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let (table, label) = match segments.as_slice() {
            [table, label] => (table.clone(), label),
            [schema, table, label] => (format!("{schema}.{table}"), label),
            _ => return Ok(None),
        };
        let table = &table;
        let Some(labels) = self.labels.get(table) else {
            return Ok(None);
        };
        if !labels.contains(label) && self.labels_shadow {
            return Ok(None);
        }
        if !labels.contains(label) {
            return Err(syn::Error::new_spanned(
                path.path
                    .segments
                    .last()
                    .expect("a path of two or three segments"),
                format!(
                    "no row labelled `{label}` in table `{table}`{}",
                    suggestion(label, labels.iter().map(String::as_str))
                ),
            ));
        }
        let fk = self
            .table
            .foreign_keys
            .iter()
            .find(|fk| fk.columns == [column.name.clone()]);
        match fk {
            Some(fk) if &fk.ref_table == table => Ok(Some(CheckedValue::LocalRef {
                unit: self.unit.to_owned(),
                table: table.clone(),
                label: label.clone(),
                key: self
                    .schema
                    .table(table)
                    .and_then(derived_key)
                    .map(|_| label_key(self.unit, table, label)),
            })),
            Some(fk) => Err(syn::Error::new_spanned(
                expr,
                format!(
                    "column `{}` of `{}` references `{}`, but `{table}::{label}` is a row of `{table}`",
                    column.name, self.table.name, fk.ref_table
                ),
            )),
            None => Err(syn::Error::new_spanned(
                expr,
                format!(
                    "column `{}` of `{}` is not a foreign key: it cannot take the row `{table}::{label}`",
                    column.name, self.table.name
                ),
            )),
        }
    }

    /// The simple checks of the table and of the column's domain that a literal must pass:
    /// numeric bounds and lists of allowed values.
    fn check_bounds(&self, column: &Column, value: &Literal, expr: &Expr) -> syn::Result<()> {
        let table_checks = self.table.checks.iter().map(|c| (c, column.name.as_str()));
        let domain = self.schema.domain_of(&column.ty);
        let domain_checks = domain
            .into_iter()
            .flat_map(|d| &d.checks)
            .map(|c| (c, "value"));
        for (check, subject) in table_checks.chain(domain_checks) {
            let number = value.number();
            let out_of_bounds = check
                .bounds
                .iter()
                .any(|b| b.column == subject && number.is_some_and(|n| !b.admits(n)));
            let text = value.text_form();
            let not_listed = check.allowed.iter().any(|a| {
                a.column == subject && text.as_ref().is_some_and(|t| !a.values.contains(t))
            });
            if !out_of_bounds && !not_listed {
                continue;
            }
            let name = check
                .name
                .as_deref()
                .map(|n| format!(" `{n}`"))
                .unwrap_or_default();
            let whose = match domain.filter(|_| subject == "value") {
                Some(_) => format!(" of the domain `{}`", column.ty.sql_name()),
                None => String::new(),
            };
            let shown = match (number, text) {
                (Some(n), _) => n.to_string(),
                (None, t) => format!("'{}'", t.unwrap_or_default()),
            };
            return Err(syn::Error::new_spanned(
                expr,
                format!(
                    "column `{}` of `{}`: {shown} breaks the check{name}{whose}, `CHECK ({})`",
                    column.name, self.table.name, check.sql
                ),
            ));
        }
        Ok(())
    }
}

fn is_none(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident("None"))
}

/// A literal written in the seed: `"x"`, `4`, `-1.5`, `true`, `["a", "b"]`.
fn literal(expr: &Expr) -> Option<Literal> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(s) => Some(Literal::Text(s.value())),
            Lit::Int(i) => i.base10_parse::<i128>().ok().map(Literal::Int),
            Lit::Float(f) => Some(Literal::Decimal(f.base10_digits().to_owned())),
            Lit::Bool(b) => Some(Literal::Bool(b.value)),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match literal(&u.expr)? {
            Literal::Int(i) => Some(Literal::Int(-i)),
            Literal::Decimal(d) => Some(Literal::Decimal(format!("-{d}"))),
            _ => None,
        },
        Expr::Array(array) => array
            .elems
            .iter()
            .map(literal)
            .collect::<Option<Vec<_>>>()
            .map(Literal::Array),
        Expr::Group(g) => literal(&g.expr),
        Expr::Paren(p) => literal(&p.expr),
        _ => None,
    }
}

/// Whether a literal fits a SQL type; the error says what was expected.
fn fit(ty: &SqlType, lit: &Literal, schema: &Schema) -> Result<Literal, String> {
    let kind = match lit {
        Literal::Bool(_) => "a boolean",
        Literal::Int(_) => "an integer",
        Literal::Decimal(_) => "a decimal number",
        Literal::Text(_) => "a string",
        Literal::Array(_) => "an array",
    };
    let mismatch = |expected: &str| Err(format!("expected {expected}, found {kind}"));
    match (ty, lit) {
        (SqlType::SmallInt, Literal::Int(i)) => {
            in_range(*i, i16::MIN.into(), i16::MAX.into(), "smallint", lit)
        }
        (SqlType::Integer, Literal::Int(i)) => {
            in_range(*i, i32::MIN.into(), i32::MAX.into(), "integer", lit)
        }
        (SqlType::BigInt, Literal::Int(i)) => {
            in_range(*i, i64::MIN.into(), i64::MAX.into(), "bigint", lit)
        }
        (SqlType::SmallInt | SqlType::Integer | SqlType::BigInt, _) => mismatch("an integer"),
        (SqlType::Numeric(precision), Literal::Int(_) | Literal::Decimal(_)) => {
            fits_numeric(*precision, lit)
        }
        (SqlType::Numeric(_), Literal::Text(t)) if t.parse::<f64>().is_ok() => {
            Ok(Literal::Decimal(t.clone()))
        }
        (SqlType::Real | SqlType::Double, Literal::Int(_) | Literal::Decimal(_)) => Ok(lit.clone()),
        (SqlType::Numeric(_) | SqlType::Real | SqlType::Double, _) => mismatch("a number"),
        (SqlType::Boolean, Literal::Bool(_)) => Ok(lit.clone()),
        (SqlType::Boolean, _) => mismatch("`true` or `false`"),
        (SqlType::Text, Literal::Text(_)) => Ok(lit.clone()),
        (SqlType::Varchar(max) | SqlType::Char(max), Literal::Text(t)) => match max {
            Some(max) if t.chars().count() > *max as usize => Err(format!(
                "the string has {} characters, more than {max}",
                t.chars().count()
            )),
            _ => Ok(lit.clone()),
        },
        (SqlType::Text | SqlType::Varchar(_) | SqlType::Char(_), _) => mismatch("a string"),
        (SqlType::Uuid, Literal::Text(t)) => match uuid::Uuid::parse_str(t) {
            Ok(_) => Ok(lit.clone()),
            Err(e) => Err(format!("`{t}` is not a uuid ({e})")),
        },
        (SqlType::Uuid, _) => mismatch("a uuid, or a reference to a row"),
        (SqlType::Enum(name), Literal::Text(t)) => {
            let labels = schema
                .enums
                .get(name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if labels.contains(t) {
                Ok(lit.clone())
            } else {
                let list = labels
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(format!(
                    "`{t}` is not a value of enum `{name}`; expected one of {list}"
                ))
            }
        }
        (SqlType::Enum(_), _) => mismatch("a string naming one of the enum's values"),
        (SqlType::Array(inner), Literal::Array(items)) => items
            .iter()
            .map(|item| fit(inner, item, schema))
            .collect::<Result<_, _>>()
            .map(Literal::Array),
        (SqlType::Array(_), _) => mismatch("an array `[...]`"),
        (SqlType::Domain(_), _) if schema.domain_of(ty).is_some() => {
            fit(schema.base_type(ty), lit, schema)
        }
        (SqlType::Other(_) | SqlType::Domain(_), Literal::Text(_)) => Ok(lit.clone()),
        (SqlType::Other(name) | SqlType::Domain(name), _) => {
            mismatch(&format!("a string in the text form of `{name}`"))
        }
        // Dates, times, json, bytea, inet: the server parses their text form.
        (_, Literal::Text(_)) => Ok(lit.clone()),
        _ => mismatch("a value of this type (use an expression of the matching Rust type)"),
    }
}

fn in_range(value: i128, min: i128, max: i128, ty: &str, lit: &Literal) -> Result<Literal, String> {
    if (min..=max).contains(&value) {
        Ok(lit.clone())
    } else {
        Err(format!(
            "{value} is out of range for `{ty}` ({min} to {max})"
        ))
    }
}

fn fits_numeric(precision: Option<(u32, u32)>, lit: &Literal) -> Result<Literal, String> {
    let text = match lit {
        Literal::Int(i) => i.to_string(),
        Literal::Decimal(d) => d.clone(),
        _ => unreachable!("only numbers reach fits_numeric"),
    };
    if let Some((p, s)) = precision {
        let digits = text.trim_start_matches('-');
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let whole = whole.trim_start_matches('0');
        if whole.len() > (p - s) as usize || fraction.trim_end_matches('0').len() > s as usize {
            return Err(format!("{text} does not fit numeric({p},{s})"));
        }
    }
    Ok(Literal::Decimal(text))
}

/// Rows written out (not generated in loops), for the unique check.
fn body_rows(entries: &[Entry]) -> Vec<&RowDef> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::Row(r) => Some(r),
            Entry::For(_) => None,
        })
        .collect()
}

/// Two written-out rows may not agree on every column of a unique constraint.
fn check_unique(
    table: &Table,
    entries: &[CheckedEntry<'_>],
    defs: Vec<&RowDef>,
    errors: &mut Errors,
) {
    let rows = entries.iter().filter_map(|e| match e {
        CheckedEntry::Row(r) => Some(r),
        CheckedEntry::For { .. } => None,
    });
    let mut keys: Vec<&Vec<String>> = table.unique.iter().collect();
    if table.primary_key.len() > 1 {
        keys.push(&table.primary_key);
    }
    for key in keys {
        let indexes: Option<Vec<usize>> = key
            .iter()
            .map(|k| table.columns.iter().position(|c| &c.name == k))
            .collect();
        let Some(indexes) = indexes else { continue };
        let mut seen: BTreeMap<Vec<String>, Option<String>> = BTreeMap::new();
        for (row, def) in rows.clone().zip(&defs) {
            let Some(values) = indexes
                .iter()
                .map(|i| canonical(row, *i))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let label = row.label.map(|l| l.to_string());
            if let Some(first) = seen.insert(values.clone(), label) {
                let span = def
                    .fields
                    .iter()
                    .find(|f| key.contains(&f.column.to_string()))
                    .map_or(def.span, |f| syn::spanned::Spanned::span(&f.value));
                let first =
                    first.map_or_else(|| "an earlier row".to_owned(), |l| format!("row `{l}`"));
                errors.at(
                    span,
                    format!(
                        "duplicate value for unique {} `{}` of `{}`: {first} has the same",
                        if key.len() == 1 { "column" } else { "columns" },
                        key.join(", "),
                        table.name
                    ),
                );
            }
        }
    }
}

/// A comparable text for a literal or local reference value; `None` when not known here.
fn canonical(row: &CheckedRow<'_>, column: usize) -> Option<String> {
    match &row.values.iter().find(|(i, _)| *i == column)?.1 {
        CheckedValue::Literal(Literal::Text(t)) => Some(t.clone()),
        CheckedValue::Literal(Literal::Int(i)) => Some(i.to_string()),
        CheckedValue::Literal(Literal::Decimal(d)) => Some(d.clone()),
        CheckedValue::Literal(Literal::Bool(b)) => Some(b.to_string()),
        CheckedValue::LocalRef { table, label, .. } => Some(format!("{table}::{label}")),
        CheckedValue::Key(k) => Some(k.to_string()),
        _ => None,
    }
}
