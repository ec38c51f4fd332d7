//! Turns checked seeds into code: label constants, a build function, a registration.
//!
//! Generated code names only `::seedbed::...` paths, so a seeds crate depends on seedbed alone.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Ident};

use crate::check::{Checked, CheckedEntry, CheckedRow, CheckedTable, CheckedValue, Literal};
use seedbed_core::identity::table_hash;
use seedbed_core::schema::{Column, Schema, SqlType, Table};

/// What the registration of a unit needs besides its rows.
pub struct UnitInfo<'a> {
    pub name: &'a str,
    pub scenario: bool,
    pub description: String,
    pub depends_on: Vec<String>,
    pub env: Vec<String>,
    pub explicit: bool,
    pub schema: &'a Schema,
}

/// The `Seed` expression that builds the rows of a checked body.
pub fn seed_expr(checked: &Checked<'_>, schema: &Schema) -> TokenStream {
    let mut items = Vec::new();
    let mut tables = Vec::new();
    for table in &checked.tables {
        let meta = format_ident!(
            "__SEEDBED_TABLE_{}",
            ident_part(&table.table.name).to_uppercase()
        );
        items.push(table_meta(&meta, table));
        for column in used_columns(table) {
            items.push(column_trait(
                table.table,
                &table.table.columns[column],
                schema,
            ));
        }
        let rows = entries_iter(table, &table.entries);
        tables.push(quote!(.table(&#meta, #rows)));
    }
    quote! {{
        #[allow(unused_imports)]
        use ::seedbed::__private as __sb;
        // `.at(19, 0)` and `.in_tz("Europe/Lisbon")` on dates, in the values without an import.
        #[allow(unused_imports)]
        use ::seedbed::__private::WallClock as _;
        #(#items)*
        __sb::Seed::new() #(#tables)*
    }}
}

/// A name usable inside a generated identifier: `audit.events` is `audit__events`, and other
/// characters of quoted names become `_`.
fn ident_part(name: &str) -> String {
    name.replace('.', "__")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Modules named after the tables, holding a constant per label and `ALL`; a table outside
/// `public` has its module inside one named after its schema (`audit::events::x`).
pub fn label_modules(unit: &str, checked: &Checked<'_>) -> TokenStream {
    let mut public = Vec::new();
    let mut by_schema: Vec<(&Ident, Vec<TokenStream>)> = Vec::new();
    for table in &checked.tables {
        let Some(module) = label_module(unit, table) else {
            continue;
        };
        match table.schema {
            None => public.push(module),
            Some(schema) => match by_schema.iter_mut().find(|(s, _)| *s == schema) {
                Some((_, modules)) => modules.push(module),
                None => by_schema.push((schema, vec![module])),
            },
        }
    }
    let schemas = by_schema.iter().map(|(schema, modules)| {
        let doc = format!("Labelled rows of tables in schema `{schema}`.");
        quote! {
            #[doc = #doc]
            pub mod #schema {
                #(#modules)*
            }
        }
    });
    quote!(#(#public)* #(#schemas)*)
}

fn label_module(unit: &str, table: &CheckedTable<'_>) -> Option<TokenStream> {
    if table.derived_key.is_none() && table.generated_key.is_none() {
        return None;
    }
    Some({
        let module = table.ident;
        let table_name = &table.table.name;
        let hash = table_hash(table_name);
        let marker = marker_ident(table_name);
        let mut labels: Vec<(&Ident, u128)> = Vec::new();
        for row in top_level_rows(&table.entries) {
            // A generated key is not known until the row is inserted: 0 stands for it.
            let key = row
                .values
                .iter()
                .find_map(|(_, v)| match v {
                    CheckedValue::Key(k) => Some(*k),
                    _ => None,
                })
                .or(table.generated_key.map(|_| 0));
            // A label used twice is reported by the check; one constant keeps rustc quiet.
            if let (Some(label), Some(key)) = (row.label, key)
                && !labels.iter().any(|(l, _)| *l == label)
            {
                labels.push((label, key));
            }
        }
        let consts = labels.iter().map(|(label, key)| {
            let label_text = label.to_string();
            let doc = format!("The `{label_text}` row of `{table_name}` in unit `{unit}`.");
            quote_spanned! {label.span()=>
                #[doc = #doc]
                pub const #label: ::seedbed::RowRef<#marker> =
                    ::seedbed::RowRef::new(#unit, #table_name, #label_text, #key);
            }
        });
        let names = labels.iter().map(|(label, _)| label);
        let doc = format!("Labelled rows of `{table_name}` in unit `{unit}`.");
        let marker_doc =
            format!("The table `{table_name}`, as the type of its rows: `RowRef<{marker}>`.");
        quote! {
            #[doc = #doc]
            #[allow(non_upper_case_globals, dead_code)]
            pub mod #module {
                #[doc = #marker_doc]
                pub enum #marker {}
                impl ::seedbed::__private::TableMarker<#hash> for #marker {}
                #(#consts)*
                /// Every labelled row of the table in this unit, in the order written.
                pub const ALL: &[::seedbed::RowRef<#marker>] = &[#(#names),*];
            }
        }
    })
}

/// `inventory::submit!` of the unit.
pub fn registration(
    info: &UnitInfo<'_>,
    checked: &[Checked<'_>],
    build: &TokenStream,
    refs: &[Expr],
) -> TokenStream {
    let UnitInfo {
        name, description, ..
    } = info;
    let kind = if info.scenario {
        quote!(Scenario)
    } else {
        quote!(Set)
    };
    let depends_on = &info.depends_on;
    let env = &info.env;
    let explicit = info.explicit;
    let version = match info.schema.version {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let static_rows = static_row_count(checked).map_or_else(
        || quote!(::core::option::Option::None),
        |n| quote!(::core::option::Option::Some(#n)),
    );
    quote! {
        ::seedbed::__private::inventory::submit! {
            ::seedbed::__private::Unit {
                name: #name,
                kind: ::seedbed::__private::UnitKind::#kind,
                description: #description,
                depends_on: &[#(#depends_on),*],
                environments: &[#(#env),*],
                explicit: #explicit,
                file: ::core::file!(),
                line: ::core::line!(),
                schema_version: #version,
                static_rows: #static_rows,
                references: || {
                    #[allow(unused_imports)]
                    use ::seedbed::__private::{ViaOther as _, ViaRefs as _};
                    let mut out = ::std::vec::Vec::new();
                    #( (&::seedbed::__private::Probe(&#refs)).referenced_units(&mut out); )*
                    out
                },
                build: #build,
            }
        }
    }
}

/// Paths into other units used by the rows: label constants and `ALL` lists, as values of
/// foreign keys or as what a `for` loop walks.
pub fn cross_unit_paths<'a>(checked: &Checked<'a>) -> Vec<Expr> {
    let local: Vec<String> = checked
        .tables
        .iter()
        .map(|t| t.schema.unwrap_or(t.ident).to_string())
        .collect();
    let mut out = Vec::new();
    for table in &checked.tables {
        collect_paths(table.table, &table.entries, &local, &mut out);
    }
    out
}

fn collect_paths(
    table: &Table,
    entries: &[CheckedEntry<'_>],
    local: &[String],
    out: &mut Vec<Expr>,
) {
    let foreign = |expr: &Expr| match expr {
        Expr::Path(p) if p.path.segments.len() >= 2 => {
            !local.contains(&p.path.segments[0].ident.to_string()) && p.qself.is_none()
        }
        _ => false,
    };
    for entry in entries {
        match entry {
            CheckedEntry::Row(row) => {
                for (index, value) in &row.values {
                    let is_fk = table
                        .foreign_keys
                        .iter()
                        .any(|fk| fk.columns == [table.columns[*index].name.clone()]);
                    if let CheckedValue::Expr(expr) = value
                        && is_fk
                        && foreign(expr.as_ref())
                    {
                        out.push(expr.as_ref().clone());
                    }
                }
            }
            CheckedEntry::For { expr, entries, .. } => {
                if foreign(expr.as_ref()) {
                    out.push(expr.as_ref().clone());
                }
                collect_paths(table, entries, local, out);
            }
        }
    }
}

fn static_row_count(checked: &[Checked<'_>]) -> Option<u64> {
    let mut count = 0u64;
    for table in checked.iter().flat_map(|c| &c.tables) {
        for entry in &table.entries {
            match entry {
                CheckedEntry::Row(_) => count += 1,
                CheckedEntry::For { .. } => return None,
            }
        }
    }
    Some(count)
}

fn top_level_rows<'c, 'a>(
    entries: &'c [CheckedEntry<'a>],
) -> impl Iterator<Item = &'c CheckedRow<'a>> {
    entries.iter().filter_map(|e| match e {
        CheckedEntry::Row(r) => Some(r),
        CheckedEntry::For { .. } => None,
    })
}

/// The marker type of a table's rows, named after it: `RowRef<Venues>` reads as a row of
/// `venues` in rustc's messages.
fn marker_ident(table: &str) -> Ident {
    format_ident!("{}", crate::enums::type_name(table))
}

fn table_meta(ident: &Ident, checked: &CheckedTable<'_>) -> TokenStream {
    let table = checked.table;
    let name = &table.name;
    let columns = table.columns.iter().map(|c| {
        let column = &c.name;
        quote!(__sb::ColumnMeta { name: #column })
    });
    let primary_key = table
        .primary_key
        .iter()
        .filter_map(|k| table.columns.iter().position(|c| &c.name == k))
        .map(|i| i as u16);
    let index = |i: Option<usize>| match i {
        Some(i) => {
            let i = i as u16;
            quote!(::core::option::Option::Some(#i))
        }
        None => quote!(::core::option::Option::None),
    };
    let generated_key = index(checked.generated_key);
    quote! {
        static #ident: __sb::TableMeta = __sb::TableMeta {
            name: #name,
            columns: &[#(#columns),*],
            primary_key: &[#(#primary_key),*],
            generated_key: #generated_key,
        };
    }
}

fn single_fk_target<'t>(table: &'t Table, column: &Column) -> Option<&'t str> {
    table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.len() == 1 && fk.columns[0] == column.name)
        .map(|fk| fk.ref_table.as_str())
}

/// Columns that take at least one expression value, and so need a type-checking trait.
fn used_columns(table: &CheckedTable<'_>) -> Vec<usize> {
    fn walk(entries: &[CheckedEntry<'_>], out: &mut Vec<usize>) {
        for entry in entries {
            match entry {
                CheckedEntry::Row(row) => {
                    for (i, v) in &row.values {
                        if matches!(v, CheckedValue::Expr(_)) && !out.contains(i) {
                            out.push(*i);
                        }
                    }
                }
                CheckedEntry::For { entries, .. } => walk(entries, out),
            }
        }
    }
    let mut out = Vec::new();
    walk(&table.entries, &mut out);
    out
}

/// Named after table and column: rustc's `help:` line says that "the trait `venues__capacity`
/// is not implemented for `String`".
fn column_trait_ident(table: &Table, column: &Column) -> Ident {
    format_ident!("{}__{}", ident_part(&table.name), ident_part(&column.name))
}

/// A trait per column whose diagnostic names the column, implemented for whatever
/// `Encode<marker>` accepts.
fn column_trait(table: &Table, column: &Column, schema: &Schema) -> TokenStream {
    let ident = column_trait_ident(table, column);
    let marker = marker(table, column, schema);
    let sql = column.ty.sql_name();
    let fk = single_fk_target(table, column);
    let message = match fk {
        Some(target) => format!(
            "column `{}` of `{}` references `{target}`: `{{Self}}` is not a row of `{target}`",
            column.name, table.name
        ),
        None => format!(
            "column `{}` of `{}` is `{sql}`: `{{Self}}` is not a value for it",
            column.name, table.name
        ),
    };
    let mut label = format!("expected {}", rust_hint(&column.ty, fk, schema));
    if column.nullable {
        label.push_str(", or an `Option` of it");
    }
    quote! {
        #[allow(non_camel_case_types)]
        #[diagnostic::on_unimplemented(message = #message, label = #label)]
        trait #ident {
            fn encode(self) -> __sb::Value;
        }
        // The bound on `Encode` is an implementation detail: the error names this trait.
        #[diagnostic::do_not_recommend]
        impl<V: __sb::Encode<#marker>> #ident for V {
            fn encode(self) -> __sb::Value {
                __sb::Encode::<#marker>::encode(self)
            }
        }
    }
}

fn marker(table: &Table, column: &Column, schema: &Schema) -> TokenStream {
    let base = match single_fk_target(table, column) {
        Some(target)
            if schema.table(target).is_some_and(|t| {
                column.ty == SqlType::Uuid || crate::check::generated_key(t).is_some()
            }) =>
        {
            let hash = table_hash(target);
            quote!(__sb::sql::Ref<#hash>)
        }
        _ => type_marker(&column.ty, schema),
    };
    if column.nullable {
        quote!(__sb::sql::Nullable<#base>)
    } else {
        base
    }
}

fn type_marker(ty: &SqlType, schema: &Schema) -> TokenStream {
    match schema.base_type(ty) {
        SqlType::Uuid => quote!(__sb::sql::Uuid),
        SqlType::Text | SqlType::Varchar(_) | SqlType::Char(_) => quote!(__sb::sql::Text),
        SqlType::SmallInt => quote!(__sb::sql::SmallInt),
        SqlType::Integer => quote!(__sb::sql::Integer),
        SqlType::BigInt => quote!(__sb::sql::BigInt),
        SqlType::Numeric(_) => quote!(__sb::sql::Numeric),
        SqlType::Real => quote!(__sb::sql::Real),
        SqlType::Double => quote!(__sb::sql::Double),
        SqlType::Boolean => quote!(__sb::sql::Boolean),
        SqlType::Timestamptz => quote!(__sb::sql::Timestamptz),
        SqlType::Timestamp => quote!(__sb::sql::Timestamp),
        SqlType::Date => quote!(__sb::sql::Date),
        SqlType::Time => quote!(__sb::sql::Time),
        SqlType::Interval => quote!(__sb::sql::Interval),
        SqlType::Json | SqlType::Jsonb => quote!(__sb::sql::Json),
        SqlType::Bytea => quote!(__sb::sql::Bytea),
        SqlType::Inet => quote!(__sb::sql::Inet),
        SqlType::Enum(name) => {
            let hash = table_hash(name);
            quote!(__sb::sql::Enum<#hash>)
        }
        // Written in the type's text form, cast by the server (a domain here is one the model
        // lost track of).
        SqlType::Other(_) | SqlType::Domain(_) => quote!(__sb::sql::Text),
        SqlType::Array(inner) => {
            let inner = type_marker(inner, schema);
            quote!(__sb::sql::Array<#inner>)
        }
    }
}

/// What Rust values a column takes, for the label of a type error.
fn rust_hint(ty: &SqlType, fk: Option<&str>, schema: &Schema) -> String {
    if let Some(target) = fk {
        return format!(
            "a row of `{target}` (a label constant such as `{target}::some_label`) or a `Uuid`"
        );
    }
    match schema.base_type(ty) {
        SqlType::Uuid => "a `uuid::Uuid`".into(),
        SqlType::Text | SqlType::Varchar(_) | SqlType::Char(_) => "a `&str` or `String`".into(),
        SqlType::Enum(name) => format!(
            "a `{}` (from `seedbed::enums!()`) or a `&str` naming a value of `{name}`",
            crate::enums::type_name(name)
        ),
        SqlType::SmallInt => "an `i16`".into(),
        SqlType::Integer => "an `i32`".into(),
        SqlType::BigInt => "an `i64`".into(),
        SqlType::Numeric(_) => "an `f64` or an integer".into(),
        SqlType::Real | SqlType::Double => "an `f64`".into(),
        SqlType::Boolean => "a `bool`".into(),
        SqlType::Timestamptz => "a `chrono::DateTime<Utc>`".into(),
        SqlType::Timestamp => "a `chrono::NaiveDateTime`".into(),
        SqlType::Date => "a `chrono::NaiveDate`".into(),
        SqlType::Time => "a `chrono::NaiveTime`".into(),
        SqlType::Json | SqlType::Jsonb => "a `serde_json::Value` (`seedbed::json!`)".into(),
        SqlType::Bytea => "a `Vec<u8>`".into(),
        SqlType::Interval | SqlType::Inet => "a `&str`".into(),
        SqlType::Other(name) => format!("a `&str` in the text form of `{name}`"),
        SqlType::Domain(name) => format!("a value of the domain `{name}`"),
        SqlType::Array(inner) => format!(
            "a `Vec`, array or slice of {}",
            rust_hint(inner, None, schema)
        ),
    }
}

/// The rows of a table as one iterator: written-out rows batched into a `Vec`, loops as
/// generators that produce their rows lazily.
fn entries_iter(table: &CheckedTable<'_>, entries: &[CheckedEntry<'_>]) -> TokenStream {
    let mut parts: Vec<TokenStream> = Vec::new();
    let mut pending: Vec<TokenStream> = Vec::new();
    let flush = |pending: &mut Vec<TokenStream>, parts: &mut Vec<TokenStream>| {
        if !pending.is_empty() {
            parts.push(quote!(::std::vec![#(#pending),*].into_iter()));
            pending.clear();
        }
    };
    for entry in entries {
        match entry {
            CheckedEntry::Row(row) => pending.push(row_expr(table, row)),
            CheckedEntry::For { pat, expr, entries } => {
                flush(&mut pending, &mut parts);
                let body = loop_body(table, entries);
                // Rows per iteration, when fixed: the loop then knows its length (progress ETA).
                let per_item = match entries.iter().all(|e| matches!(e, CheckedEntry::Row(_))) {
                    true => {
                        let n = entries.len();
                        quote!(::core::option::Option::Some(#n))
                    }
                    false => quote!(::core::option::Option::None),
                };
                // The loop's iterator is made inside the block, which takes what it walks: a
                // loop over a local `Vec`'s `.iter()` outlives the scenario's function.
                let steps = quote! {
                    let __seedbed_items = ::core::iter::IntoIterator::into_iter(#expr);
                    __seedbed_co
                        .yield_(__sb::Step::Len(__sb::loop_len(&__seedbed_items, #per_item)))
                        .await;
                    for #pat in __seedbed_items {
                        #body
                    }
                };
                // The block alone is spanned by the loop's expression, so that rustc's "value
                // moved here" about what it takes points at the user's loop.
                let block = quote_spanned! {expr.span()=>
                    move |__seedbed_co: __sb::Co| async move { #steps }
                };
                parts.push(quote!(__sb::Loop::new(#block)));
            }
        }
    }
    flush(&mut pending, &mut parts);
    match parts.split_first() {
        None => quote!(::core::iter::empty::<__sb::Row>()),
        Some((first, rest)) => quote!(#first #(.chain(#rest))*),
    }
}

/// The statements of a loop's body inside its generator: each row yielded in turn, inner
/// loops as plain `for` loops.
fn loop_body(table: &CheckedTable<'_>, entries: &[CheckedEntry<'_>]) -> TokenStream {
    entries
        .iter()
        .map(|entry| match entry {
            CheckedEntry::Row(row) => {
                let row = row_expr(table, row);
                quote!(__seedbed_co.yield_(__sb::Step::Row(#row)).await;)
            }
            CheckedEntry::For { pat, expr, entries } => {
                let body = loop_body(table, entries);
                quote!(for #pat in #expr { #body })
            }
        })
        .collect()
}

fn row_expr(table: &CheckedTable<'_>, row: &CheckedRow<'_>) -> TokenStream {
    let label = match row.label {
        Some(label) => {
            let text = label.to_string();
            quote!(::core::option::Option::Some(#text))
        }
        None => quote!(::core::option::Option::None),
    };
    let columns = row.values.iter().map(|(i, _)| *i as u16);
    let values = row
        .values
        .iter()
        .map(|(i, v)| value_expr(table.table, &table.table.columns[*i], v));
    quote! {
        __sb::Row {
            label: #label,
            columns: ::std::borrow::Cow::Borrowed(&[#(#columns),*]),
            values: ::std::vec![#(#values),*],
        }
    }
}

fn value_expr(table: &Table, column: &Column, value: &CheckedValue<'_>) -> TokenStream {
    match value {
        CheckedValue::Key(key) => quote!(__sb::Value::Uuid(__sb::Uuid::from_u128(#key))),
        CheckedValue::AutoKey => quote!(__sb::Value::AutoKey),
        CheckedValue::Null => quote!(__sb::Value::Null),
        CheckedValue::LocalRef { key: Some(key), .. } => {
            quote!(__sb::Value::Uuid(__sb::Uuid::from_u128(#key)))
        }
        CheckedValue::LocalRef {
            unit,
            table,
            label,
            key: None,
        } => quote! {
            __sb::Value::Ref(__sb::RowId { unit: #unit, table: #table, label: #label, key: __sb::Uuid::nil() })
        },
        CheckedValue::Literal(lit) => literal_expr(&column.ty, lit),
        CheckedValue::Expr(expr) => {
            // The whole call carries the value's span, so rustc points at the value alone.
            let span = expr.span();
            let mut ident = column_trait_ident(table, column);
            ident.set_span(span);
            quote_spanned!(span=> #ident::encode(#expr))
        }
    }
}

fn literal_expr(ty: &SqlType, lit: &Literal) -> TokenStream {
    match (ty, lit) {
        (SqlType::Array(inner), Literal::Array(items)) => {
            let items = items.iter().map(|item| literal_expr(inner, item));
            quote!(__sb::Value::Array(::std::vec![#(#items),*]))
        }
        (SqlType::Uuid, Literal::Text(t)) => {
            let key = uuid::Uuid::parse_str(t)
                .map(|u| u.as_u128())
                .unwrap_or_default();
            quote!(__sb::Value::Uuid(__sb::Uuid::from_u128(#key)))
        }
        (SqlType::SmallInt | SqlType::Integer | SqlType::BigInt, Literal::Int(i)) => {
            let i = *i as i64;
            quote!(__sb::Value::Int(#i))
        }
        (SqlType::Real | SqlType::Double, Literal::Int(_) | Literal::Decimal(_)) => {
            let text = match lit {
                Literal::Int(i) => i.to_string(),
                Literal::Decimal(d) => d.clone(),
                _ => unreachable!(),
            };
            let f: f64 = text.parse().unwrap_or_default();
            quote!(__sb::Value::Float(#f))
        }
        (_, Literal::Decimal(d)) => quote!(__sb::Value::numeric(#d)),
        (_, Literal::Int(i)) => {
            let text = i.to_string();
            quote!(__sb::Value::numeric(#text))
        }
        (_, Literal::Bool(b)) => quote!(__sb::Value::Bool(#b)),
        (_, Literal::Text(t)) => quote!(__sb::Value::str(#t)),
        (_, Literal::Array(items)) => {
            let items = items.iter().map(|item| literal_expr(&SqlType::Text, item));
            quote!(__sb::Value::Array(::std::vec![#(#items),*]))
        }
    }
}
