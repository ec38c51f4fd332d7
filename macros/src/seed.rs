//! `seed! { set name; ... }`: a seed set declared at item level.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use seedbed_core::environment;

use crate::check;
use crate::diag::Errors;
use crate::expand::{self, UnitInfo};
use crate::parse::{SeedInput, UnitOptions};
use crate::source;

pub fn expand(input: TokenStream) -> TokenStream {
    if let Some(expanded) = already_expanded(&input) {
        return expanded;
    }
    let input: SeedInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let Some(header) = input.header else {
        let span = input
            .body
            .tables
            .first()
            .map_or_else(Span::call_site, |t| t.name.span());
        return syn::Error::new(
            span,
            "`seed!` without `set name;` builds the rows of a scenario: use it inside a `#[scenario]` \
             function, or start with `set name;` to declare a seed set",
        )
        .to_compile_error();
    };
    let (schema, refused) = match source::schema(header.name.span()) {
        Ok(loaded) => loaded,
        Err(e) => return e.to_compile_error(),
    };
    let name = header.name.to_string();
    let mut errors = Errors::default();
    if let Some(refused) = refused {
        errors.push(refused);
    }
    let env = unit_options(&name, &header.options, &mut errors);
    let checked = check::check(&name, false, &schema, &input.body, &mut errors);

    let build = format_ident!("__seedbed_build_{}", name);
    let seed = expand::seed_expr(&checked, &schema);
    let modules = expand::label_modules(&name, &checked);
    let refs = expand::cross_unit_paths(&checked);
    let info = UnitInfo {
        name: &name,
        scenario: false,
        description: header.docs.join("\n"),
        depends_on: header
            .options
            .depends_on
            .iter()
            .map(ToString::to_string)
            .collect(),
        env,
        explicit: header.options.explicit,
        schema: &schema,
    };
    let registration = expand::registration(&info, &[checked], &quote!(#build), &refs);
    let tracked = source::tracked_files(&schema.files);
    let errors = errors.into_result().map(|e| e.to_compile_error());
    quote! {
        #errors
        #tracked
        #modules
        #[doc(hidden)]
        fn #build() -> ::seedbed::Seed #seed
        #registration
    }
}

/// `@expanded tokens`: a block of a `#[scenario]` that the attribute already expanded.
fn already_expanded(input: &TokenStream) -> Option<TokenStream> {
    let mut tokens = input.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Punct(p)), Some(proc_macro2::TokenTree::Ident(i)))
            if p.as_char() == '@' && i == "expanded" =>
        {
            Some(tokens.collect())
        }
        _ => None,
    }
}

/// Checks `depends_on` and `env` of a unit; returns the environments as text.
pub fn unit_options(name: &str, options: &UnitOptions, errors: &mut Errors) -> Vec<String> {
    source::check_dependencies(name, &options.depends_on, errors);
    let mut env = Vec::new();
    for ident in &options.env {
        let text = ident.to_string();
        if environment::is_known(&text) {
            env.push(text);
        } else {
            errors.at(
                ident.span(),
                format!(
                    "unknown environment `{text}`: expected one of {}{}",
                    environment::NAMES
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    crate::diag::suggestion(&text, environment::NAMES.iter().copied()),
                ),
            );
        }
    }
    env
}
