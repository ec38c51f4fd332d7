//! `enums!()`: a Rust enum per enum type of the migrations.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use crate::source;
use seedbed_core::identity::table_hash;

pub fn expand(input: TokenStream) -> TokenStream {
    if !input.is_empty() {
        return syn::Error::new_spanned(input, "`enums!()` takes no arguments").to_compile_error();
    }
    let (schema, refused) = match source::schema(Span::call_site()) {
        Ok(loaded) => loaded,
        Err(e) => return e.to_compile_error(),
    };
    let refused = refused.map(|e| e.to_compile_error());
    let enums = schema.enums.iter().map(|(name, labels)| {
        let ty = format_ident!("{}", type_name(name));
        let hash = table_hash(name);
        let variants = variant_names(labels);
        let variants: Vec<_> = variants.iter().map(|v| format_ident!("{v}")).collect();
        let docs = labels.iter().map(|l| format!("`'{l}'`"));
        let doc = format!("The SQL enum `{name}`.");
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #ty {
                #(#[doc = #docs] #variants,)*
            }

            impl #ty {
                /// Every value, in the enum's order.
                pub const ALL: &'static [#ty] = &[#(#ty::#variants),*];

                /// The label, as the SQL enum spells it.
                pub fn label(&self) -> &'static str {
                    match self {
                        #(#ty::#variants => #labels,)*
                    }
                }
            }

            impl ::core::fmt::Display for #ty {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.label())
                }
            }

            impl ::seedbed::__private::SqlEnum<#hash> for #ty {
                fn label(&self) -> &'static str {
                    #ty::label(self)
                }
            }
        }
    });
    let tracked = source::tracked_files(&schema.files);
    quote!(#refused #tracked #(#enums)*)
}

/// The Rust type of the SQL enum `name`: `event_status` is `EventStatus`, `audit.kind` is
/// `AuditKind`.
pub fn type_name(name: &str) -> String {
    camel(name).unwrap_or_else(|| "Enum".to_owned())
}

/// CamelCase of the words of `text`, or `None` when it has none.
fn camel(text: &str) -> Option<String> {
    let words: String = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().expect("words are not empty");
            first.to_uppercase().chain(chars).collect::<String>()
        })
        .collect();
    match words.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("V{words}")),
        Some(_) => Some(words),
    }
}

/// Variant names for the labels: CamelCase, unique (a clash gets a number).
fn variant_names(labels: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let base = camel(label).unwrap_or_else(|| format!("V{i}"));
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_camel_case() {
        assert_eq!(type_name("event_status"), "EventStatus");
        assert_eq!(type_name("audit.kind"), "AuditKind");
        let labels = ["in-review", "in_review", "2fa", "A+", "+", "ok"].map(String::from);
        assert_eq!(
            variant_names(&labels),
            ["InReview", "InReview2", "V2fa", "A", "V4", "Ok"]
        );
    }
}
