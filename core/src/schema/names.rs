//! Names: normalizing identifiers, PostgreSQL's default constraint names, and the column
//! names inside a check's SQL text.

use std::collections::BTreeSet;
use std::ops::Range;

use sqlparser::ast::{Expr, Ident, IndexColumn, ObjectName};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::ALL_KEYWORDS;
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use super::Schema;

/// PostgreSQL folds unquoted identifiers to lower case and keeps quoted ones as written.
pub(crate) fn ident(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

pub(crate) fn idents(idents: &[Ident]) -> Vec<String> {
    idents.iter().map(ident).collect()
}

/// A table or type name as written; `public.x` is `x`, other schemas stay qualified. An
/// unqualified name is resolved against the search path by [`Schema::existing`] and
/// [`Schema::new_name`].
pub(crate) fn object_name(name: &ObjectName) -> Result<String, String> {
    let parts = name
        .0
        .iter()
        .map(|part| part.as_ident().map(ident))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| format!("cannot read the name `{name}`"))?;
    match parts.as_slice() {
        [schema, name] if schema == "public" => Ok(name.clone()),
        _ => Ok(parts.join(".")),
    }
}

/// `name` in `schema`, as the model spells it: unqualified in `public`.
pub(crate) fn in_schema(schema: &str, name: &str) -> String {
    if schema == "public" {
        name.to_owned()
    } else {
        format!("{schema}.{name}")
    }
}

impl Schema {
    /// The schemas of the search path that can hold objects (`$user` is passed over: seedbed's
    /// migrations never run as a role with a schema of its own name).
    fn path(&self) -> impl Iterator<Item = &str> {
        self.search_path
            .iter()
            .map(String::as_str)
            .filter(|s| *s != "$user")
    }

    /// The name of an object that should exist: qualified as written, else in the first schema
    /// of the search path where `exists` finds it, else where it would be created.
    pub(crate) fn existing(
        &self,
        name: &ObjectName,
        exists: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let written = object_name(name)?;
        if name.0.len() > 1 {
            return Ok(written);
        }
        Ok(self
            .path()
            .map(|schema| in_schema(schema, &written))
            .find(|candidate| exists(candidate))
            .unwrap_or_else(|| self.created(&written)))
    }

    /// The name of a table, view or other relation that should exist.
    pub(crate) fn relation(&self, name: &ObjectName) -> Result<String, String> {
        self.existing(name, |n| {
            self.tables.contains_key(n) || self.views.contains(n) || self.tainted.contains_key(n)
        })
    }

    /// The name of a user-defined type that should exist.
    pub(crate) fn type_name(&self, name: &ObjectName) -> Result<String, String> {
        self.existing(name, |n| self.has_type(n))
    }

    pub(crate) fn has_type(&self, name: &str) -> bool {
        self.enums.contains_key(name)
            || self.domains.contains_key(name)
            || self.composites.contains_key(name)
    }

    /// The name a new object gets: qualified as written, else in the first schema of the
    /// search path.
    pub(crate) fn new_name(&self, name: &ObjectName) -> Result<String, String> {
        let written = object_name(name)?;
        if name.0.len() > 1 {
            return Ok(written);
        }
        Ok(self.created(&written))
    }

    fn created(&self, name: &str) -> String {
        in_schema(self.path().next().unwrap_or("public"), name)
    }
}

/// The name PostgreSQL gives an unnamed constraint: `<table>_<columns>_<label>`, each part
/// shortened to fit 63 bytes, and a number after the label while the name is `taken`
/// (`ChooseConstraintName` and `makeObjectName` in PostgreSQL).
pub(crate) fn default_name(
    table: &str,
    columns: &[&str],
    label: &str,
    taken: &BTreeSet<&str>,
) -> String {
    let addition = columns.join("_");
    let addition = (!addition.is_empty()).then_some(addition.as_str());
    (0..)
        .map(|pass| match pass {
            0 => object_name_within_limit(table, addition, label),
            n => object_name_within_limit(table, addition, &format!("{label}{n}")),
        })
        .find(|name| !taken.contains(name.as_str()))
        .expect("some numbered name is free")
}

fn object_name_within_limit(name1: &str, name2: Option<&str>, label: &str) -> String {
    const MAX: usize = 63;
    let overhead = name2.map_or(0, |_| 1) + label.len() + 1;
    let avail = MAX - overhead;
    let (mut len1, mut len2) = (name1.len(), name2.map_or(0, str::len));
    while len1 + len2 > avail {
        if len1 > len2 {
            len1 -= 1;
        } else {
            len2 -= 1;
        }
    }
    let mut out = clip(name1, len1).to_owned();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, len2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The longest prefix of `s` of at most `len` bytes that ends on a character boundary.
fn clip(s: &str, len: usize) -> &str {
    let end = (0..=len)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    &s[..end]
}

/// The identifiers of an SQL expression, normalized, with their byte ranges in `sql`.
fn words(sql: &str) -> Vec<(String, Range<usize>)> {
    let dialect = PostgreSqlDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, sql)
        .with_unescape(false)
        .tokenize_with_location()
    else {
        return Vec::new();
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |loc: Location| -> usize {
        let start = line_starts[(loc.line as usize).saturating_sub(1)];
        let column = (loc.column as usize).saturating_sub(1);
        sql[start..]
            .char_indices()
            .nth(column)
            .map_or(sql.len(), |(i, _)| start + i)
    };
    tokens
        .into_iter()
        .filter_map(|t| match t.token {
            Token::Word(w) => {
                let name = match w.quote_style {
                    Some(_) => w.value,
                    None => w.value.to_lowercase(),
                };
                Some((name, offset(t.span.start)..offset(t.span.end)))
            }
            _ => None,
        })
        .collect()
}

/// The names among `columns` that `sql` mentions, in the order of `columns`.
pub(crate) fn mentioned<'a>(sql: &str, columns: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let found: BTreeSet<String> = words(sql).into_iter().map(|(name, _)| name).collect();
    columns
        .into_iter()
        .filter(|c| found.contains(*c))
        .map(str::to_owned)
        .collect()
}

/// `sql` with every identifier `from` replaced by `to` (quoted unless a plain lowercase
/// non-keyword), as a `RENAME COLUMN` shows in PostgreSQL's own copy of a check.
pub(crate) fn rename_in_sql(sql: &str, from: &str, to: &str) -> String {
    let plain = to.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && to
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && ALL_KEYWORDS
            .binary_search(&to.to_uppercase().as_str())
            .is_err();
    let replacement = if plain {
        to.to_owned()
    } else {
        format!("\"{}\"", to.replace('"', "\"\""))
    };
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for (name, range) in words(sql) {
        if name == from {
            out.push_str(&sql[last..range.start]);
            out.push_str(&replacement);
            last = range.end;
        }
    }
    out.push_str(&sql[last..]);
    out
}

/// The column names of an index or key, or `None` when one of them is an expression.
pub(crate) fn plain_columns(columns: &[IndexColumn]) -> Option<Vec<String>> {
    columns.iter().map(plain_column).collect()
}

pub(crate) fn plain_column(column: &IndexColumn) -> Option<String> {
    match &column.column.expr {
        Expr::Identifier(name) => Some(ident(name)),
        _ => None,
    }
}
