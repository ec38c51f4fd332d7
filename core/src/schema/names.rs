//! Names: resolving them against the search path, the default names the engine gives unnamed
//! constraints, and the column names inside a check's SQL text.

use std::collections::BTreeSet;
use std::ops::Range;

use sqlparser::ast::ObjectName;
use sqlparser::keywords::ALL_KEYWORDS;
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use super::Schema;
use super::dialect::Dialect;

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
        let written = self.dialect.object_name(name)?;
        if name.0.len() > 1 {
            return Ok(written);
        }
        Ok(self
            .path()
            .map(|schema| self.dialect.in_schema(schema, &written))
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
        let written = self.dialect.object_name(name)?;
        if name.0.len() > 1 {
            return Ok(written);
        }
        Ok(self.created(&written))
    }

    fn created(&self, name: &str) -> String {
        let schema = self.path().next();
        self.dialect
            .in_schema(schema.unwrap_or(self.dialect.default_schema()), name)
    }
}

/// The name PostgreSQL gives an unnamed constraint: `<table>_<columns>_<label>`, each part
/// shortened to fit the dialect's longest name, and a number after the label while the name
/// is `taken` (`ChooseConstraintName` and `makeObjectName` in PostgreSQL).
pub(crate) fn postgres_default_name(
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
    // NAMEDATALEN - 1.
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
fn words(dialect: Dialect, sql: &str) -> Vec<(String, Range<usize>)> {
    let Ok(tokens) = Tokenizer::new(dialect.parser(), sql)
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
            Token::Word(w) => Some((
                dialect.word(&w.value, w.quote_style.is_some()),
                offset(t.span.start)..offset(t.span.end),
            )),
            _ => None,
        })
        .collect()
}

/// The names among `columns` that `sql` mentions, in the order of `columns`.
pub(crate) fn mentioned<'a>(
    dialect: Dialect,
    sql: &str,
    columns: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let found: BTreeSet<String> = words(dialect, sql)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    columns
        .into_iter()
        .filter(|c| found.contains(*c))
        .map(str::to_owned)
        .collect()
}

/// `sql` with every identifier `from` replaced by `to` (quoted unless a plain lowercase
/// non-keyword), as a `RENAME COLUMN` shows in PostgreSQL's own copy of a check.
pub(crate) fn rename_in_sql(dialect: Dialect, sql: &str, from: &str, to: &str) -> String {
    let plain = dialect.word(to, false) == to
        && to.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && to.chars().all(|c| c.is_alphanumeric() || c == '_')
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
    for (name, range) in words(dialect, sql) {
        if name == from {
            out.push_str(&sql[last..range.start]);
            out.push_str(&replacement);
            last = range.end;
        }
    }
    out.push_str(&sql[last..]);
    out
}
