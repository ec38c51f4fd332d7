//! `migrations!()`: the migrations folder embedded in the binary.

use proc_macro2::{Span, TokenStream};
use quote::quote;

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
    let files = seedbed_core::layout::migration_files(&dir)
        .map_err(|e| syn::Error::new(Span::call_site(), e.to_string()))?;
    let migrations = files.iter().map(|m| {
        let version = m.version;
        let description = m.description.replace('_', " ");
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
            }
        }
    });
    let folder = dir.to_string_lossy();
    Ok(quote!(::seedbed::migrations::Migrations::in_folder(#folder, &[#(#migrations),*])))
}
