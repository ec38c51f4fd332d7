//! The syntax tree of `seed!` and `#[scenario]`, parsed with spans kept for diagnostics.
//!
//! ```text
//! seed      := header? table*
//! header    := attr* "set" IDENT options? ";"          (item form only)
//! options   := "(" option ("," option)* ","? ")"
//! option    := "depends_on" "=" "[" IDENT,* "]" | "env" "=" "[" IDENT,* "]" | "explicit"
//! table     := (IDENT "::")? IDENT "{" entry* "}"     (schema::table outside `public`)
//! entry     := row | "for" PAT "in" EXPR "{" entry* "}"
//! row       := (IDENT | "_") "{" (IDENT ":" EXPR),* ","? "}"
//! ```

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, Pat, Token, braced, bracketed, parenthesized};

/// Input of `seed!`: a seed set when it starts with `set`, else the rows of a scenario.
pub struct SeedInput {
    pub header: Option<SetHeader>,
    pub body: Body,
}

/// `/// docs` `set name(depends_on = [...], env = [...]);`
pub struct SetHeader {
    pub docs: Vec<String>,
    pub name: Ident,
    pub options: UnitOptions,
}

/// `depends_on = [...]` and `env = [...]`, shared by `set` and `#[scenario(...)]`.
#[derive(Default)]
pub struct UnitOptions {
    pub depends_on: Vec<Ident>,
    pub env: Vec<Ident>,
    /// `explicit`: applied only when named (`--only`), never by a plain run.
    pub explicit: bool,
}

pub struct Body {
    pub tables: Vec<TableBlock>,
}

pub struct TableBlock {
    /// `audit` in `audit::events { ... }`: a table outside `public`.
    pub schema: Option<Ident>,
    pub name: Ident,
    pub entries: Vec<Entry>,
}

impl TableBlock {
    /// The table's name as the schema model spells it: `events`, `audit.events`.
    pub fn table_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.to_string(),
        }
    }
}

pub enum Entry {
    Row(RowDef),
    For(Box<ForBlock>),
}

pub struct RowDef {
    /// `None` for an anonymous row written `_`.
    pub label: Option<Ident>,
    /// The label, or the `_`: where row-level errors point.
    pub span: Span,
    pub fields: Vec<Field>,
}

pub struct ForBlock {
    pub pat: Pat,
    pub expr: Expr,
    pub entries: Vec<Entry>,
}

pub struct Field {
    pub column: Ident,
    pub value: Expr,
}

impl Parse for SeedInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let header = if input.peek(kw::set) {
            Some(SetHeader::parse_after_attrs(attrs, input)?)
        } else if let Some(attr) = attrs.first() {
            return Err(syn::Error::new_spanned(
                attr,
                "a doc comment in `seed!` describes a seed set: it must stand before `set name;`",
            ));
        } else {
            None
        };
        Ok(SeedInput {
            header,
            body: input.parse()?,
        })
    }
}

mod kw {
    syn::custom_keyword!(set);
    syn::custom_keyword!(depends_on);
    syn::custom_keyword!(env);
    syn::custom_keyword!(explicit);
}

impl SetHeader {
    fn parse_after_attrs(attrs: Vec<Attribute>, input: ParseStream) -> syn::Result<Self> {
        input.parse::<kw::set>()?;
        let name: Ident = input.parse()?;
        let options = if input.peek(syn::token::Paren) {
            let content;
            parenthesized!(content in input);
            content.parse()?
        } else {
            UnitOptions::default()
        };
        input.parse::<Token![;]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `;` after the seed set's name, as in `set venues;`",
            )
        })?;
        Ok(SetHeader {
            docs: doc_lines(&attrs)?,
            name,
            options,
        })
    }
}

/// The text of `///` comments (`#[doc = "..."]` attributes); any other attribute is an error.
pub fn doc_lines(attrs: &[Attribute]) -> syn::Result<Vec<String>> {
    attrs
        .iter()
        .filter(|a| !a.path().is_ident("allow"))
        .map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Ok(s.value().trim().to_owned()),
                other => Err(syn::Error::new_spanned(other, "expected a doc comment")),
            },
            _ => Err(syn::Error::new_spanned(
                attr,
                "only doc comments may annotate a seed set",
            )),
        })
        .collect()
}

impl Parse for UnitOptions {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut options = UnitOptions::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::explicit) {
                input.parse::<kw::explicit>()?;
                options.explicit = true;
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
                continue;
            }
            let target = if lookahead.peek(kw::depends_on) {
                input.parse::<kw::depends_on>()?;
                &mut options.depends_on
            } else if lookahead.peek(kw::env) {
                input.parse::<kw::env>()?;
                &mut options.env
            } else {
                return Err(lookahead.error());
            };
            input.parse::<Token![=]>()?;
            let list;
            bracketed!(list in input);
            target.extend(Punctuated::<Ident, Token![,]>::parse_terminated(&list)?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(options)
    }
}

impl Parse for Body {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut tables = Vec::new();
        while !input.is_empty() {
            let expected = |e: syn::Error| {
                syn::Error::new(e.span(), "expected a table name followed by `{ rows }`")
            };
            let mut name: Ident = input.parse().map_err(expected)?;
            let mut schema = None;
            if input.peek(Token![::]) {
                input.parse::<Token![::]>()?;
                schema = Some(std::mem::replace(
                    &mut name,
                    input.parse().map_err(expected)?,
                ));
            }
            let content;
            braced!(content in input);
            tables.push(TableBlock {
                schema,
                name,
                entries: parse_entries(&content)?,
            });
        }
        Ok(Body { tables })
    }
}

fn parse_entries(input: ParseStream) -> syn::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    while !input.is_empty() {
        if input.peek(Token![for]) {
            input.parse::<Token![for]>()?;
            let pat = Pat::parse_single(input)?;
            input.parse::<Token![in]>()?;
            let expr = Expr::parse_without_eager_brace(input)?;
            let content;
            braced!(content in input);
            entries.push(Entry::For(Box::new(ForBlock {
                pat,
                expr,
                entries: parse_entries(&content)?,
            })));
            continue;
        }
        let (label, span) = if input.peek(Token![_]) {
            (None, input.parse::<Token![_]>()?.span)
        } else {
            let label: Ident = input.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected a row: `label { column: value, ... }` or `_ { ... }`",
                )
            })?;
            let span = label.span();
            (Some(label), span)
        };
        let content;
        braced!(content in input);
        let fields = Punctuated::<Field, Token![,]>::parse_terminated(&content)?;
        entries.push(Entry::Row(RowDef {
            label,
            span,
            fields: fields.into_iter().collect(),
        }));
    }
    Ok(entries)
}

impl Parse for Field {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let column: Ident = input.parse()?;
        input.parse::<Token![:]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `:` after column `{column}`, as in `{column}: value`"),
            )
        })?;
        Ok(Field {
            column,
            value: input.parse()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parses_a_set_with_options_rows_and_loops() {
        let input: SeedInput = syn::parse2(quote! {
            /// Six venues.
            set venues(depends_on = [dance_styles], env = [production, development]);
            venues {
                tanzhaus { name: "Tanzhaus", capacity: 400 }
                _ { name: "Anonymous" }
                for i in 0..3 { _ { name: format!("v{i}") } }
            }
        })
        .unwrap();
        let header = input.header.unwrap();
        assert_eq!(header.name, "venues");
        assert_eq!(header.docs, ["Six venues."]);
        assert_eq!(header.options.depends_on.len(), 1);
        assert_eq!(header.options.env.len(), 2);
        let entries = &input.body.tables[0].entries;
        assert_eq!(entries.len(), 3);
        assert!(matches!(&entries[2], Entry::For(f) if f.entries.len() == 1));
    }

    #[test]
    fn scenario_body_has_no_header() {
        let input: SeedInput =
            syn::parse2(quote! { users { paula { email: "p@x.test" } } }).unwrap();
        assert!(input.header.is_none());
        assert_eq!(input.body.tables[0].name, "users");
    }

    #[test]
    fn missing_colon_names_the_column() {
        let err = syn::parse2::<SeedInput>(quote! { users { paula { email "x" } } })
            .err()
            .unwrap();
        assert!(err.to_string().contains("after column `email`"), "{err}");
    }
}
