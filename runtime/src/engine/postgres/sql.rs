//! Writing SQL text: quoted identifiers and string literals.

/// A quoted SQL identifier, safe for any table or column name.
///
/// ```
/// use seedbed::sql::ident;
///
/// assert_eq!(ident("venues"), r#""venues""#);
/// assert_eq!(ident(r#"odd"name"#), r#""odd""name""#);
/// assert_eq!(ident("audit.events"), r#""audit"."events""#);
/// ```
pub fn ident(name: &str) -> String {
    match name.split_once('.') {
        // A table outside the current schema, as the catalog and the macros name it.
        Some((schema, table)) => format!("{}.{}", ident(schema), ident(table)),
        None => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// A SQL string literal.
pub(crate) fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
