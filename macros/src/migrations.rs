//! `migrations!()`: the migrations folder embedded in the binary.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use seedbed_core::layout::Layout;

use crate::source;

pub fn expand(input: TokenStream) -> TokenStream {
    match embed(input) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn embed(input: TokenStream) -> syn::Result<TokenStream> {
    let dir = if input.is_empty() {
        source::migrations_dir().map_err(|e| syn::Error::new(Span::call_site(), e))?
    } else {
        let path: syn::LitStr = syn::parse2(input)?;
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
        let dir = std::path::Path::new(&manifest).join(path.value());
        if !dir.is_dir() {
            return Err(syn::Error::new(
                path.span(),
                format!("{} is not a folder", dir.display()),
            ));
        }
        dir
    };
    let read = match seedbed_core::layout::read_migrations(&dir) {
        Ok(read) => read,
        // Already reported by a macro that checks seeds: the crate does not build anyway.
        Err(e) if !source::first_report(&e) => {
            return Ok(quote!(::seedbed::migrations::Migrations::in_folder(
                "",
                ::seedbed::migrations::Tool::Sqlx,
                &[],
            )));
        }
        Err(e) => return Err(syn::Error::new(Span::call_site(), e.to_string())),
    };
    let tool = match read.layout {
        Layout::Sqlx => quote!(Sqlx),
        Layout::Diesel => quote!(Diesel),
        Layout::Refinery => quote!(Refinery),
    };
    let migrations = read.migrations.iter().map(|m| {
        let version_text = &m.version_text;
        let in_transaction = m.run_in_transaction;
        let version = m.version;
        // sqlx and diesel show the name with spaces; refinery keeps it as written (and hashes
        // it into its checksum).
        let description = match read.layout {
            Layout::Refinery => m.description.clone(),
            _ => m.description.replace('_', " "),
        };
        let up = m.up.to_string_lossy();
        let down = match &m.down {
            Some(down) => {
                let down = down.to_string_lossy();
                quote!(::core::option::Option::Some(::core::include_str!(#down)))
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            ::seedbed::migrations::EmbeddedMigration {
                version: #version,
                description: #description,
                up: ::core::include_str!(#up),
                down: #down,
                version_text: #version_text,
                in_transaction: #in_transaction,
            }
        }
    });
    let folder = dir.to_string_lossy();
    Ok(quote!(::seedbed::migrations::Migrations::in_folder(
        #folder,
        ::seedbed::migrations::Tool::#tool,
        &[#(#migrations),*],
    )))
}
