//! `#[seedbed::test]`: an `async fn` test with a database of its own, made from the crate's
//! migrations and the units it names.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Ident, ItemFn, LitInt, LitStr, Token, Type};

use crate::diag::{Errors, suggestion};
use crate::source;

const OPTIONS: [&str; 7] = [
    "units",
    "migrations",
    "clock",
    "scale",
    "random_seed",
    "read_only",
    "rollback",
];

/// Where the migrations come from.
enum Migrations {
    /// `migrations!()`: the folder the seeds are checked against.
    Default,
    /// `migrations = "db/migrations"`: a folder relative to the manifest.
    Folder(LitStr),
    /// `migrations = my_seeds::MIGRATIONS`: a value of the user's.
    Value(Expr),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Own,
    ReadOnly,
    Rollback,
}

struct Options {
    /// `None`: every test unit; `Some([])`: none, the migrations only.
    units: Option<Vec<Ident>>,
    migrations: Migrations,
    /// Unix seconds, checked here.
    clock: Option<i64>,
    scale: Vec<(Ident, u64)>,
    random_seed: Option<u64>,
    mode: Mode,
}

impl Parse for Options {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut options = Options {
            units: None,
            migrations: Migrations::Default,
            clock: None,
            scale: Vec::new(),
            random_seed: None,
            mode: Mode::Own,
        };
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            let name = key.to_string();
            if seen.contains(&name) {
                return Err(syn::Error::new(key.span(), format!("`{name}` given twice")));
            }
            seen.push(name.clone());
            match name.as_str() {
                "read_only" | "rollback" => {
                    if options.mode != Mode::Own {
                        return Err(syn::Error::new(
                            key.span(),
                            "`read_only` and `rollback` do not go together: pick one",
                        ));
                    }
                    options.mode = if name == "read_only" {
                        Mode::ReadOnly
                    } else {
                        Mode::Rollback
                    };
                }
                "units" => {
                    input.parse::<Token![=]>()?;
                    let list;
                    syn::bracketed!(list in input);
                    options.units = Some(
                        Punctuated::<Ident, Token![,]>::parse_terminated(&list)?
                            .into_iter()
                            .collect(),
                    );
                }
                "migrations" => {
                    input.parse::<Token![=]>()?;
                    options.migrations = if input.peek(LitStr) {
                        Migrations::Folder(input.parse()?)
                    } else {
                        Migrations::Value(input.parse()?)
                    };
                }
                "clock" => {
                    input.parse::<Token![=]>()?;
                    let lit: LitStr = input.parse()?;
                    options.clock = Some(parse_clock(&lit.value()).ok_or_else(|| {
                        syn::Error::new(
                            lit.span(),
                            format!(
                                "`{}` is not a date (\"2026-05-01\") or an RFC 3339 time \
                                 (\"2026-05-01T12:00:00Z\")",
                                lit.value()
                            ),
                        )
                    })?);
                }
                "scale" => {
                    input.parse::<Token![=]>()?;
                    let list;
                    syn::bracketed!(list in input);
                    while !list.is_empty() {
                        let name: Ident = list.parse()?;
                        list.parse::<Token![=]>()?;
                        let value: LitInt = list.parse()?;
                        options.scale.push((name, value.base10_parse()?));
                        if !list.is_empty() {
                            list.parse::<Token![,]>()?;
                        }
                    }
                }
                "random_seed" => {
                    input.parse::<Token![=]>()?;
                    options.random_seed = Some(input.parse::<LitInt>()?.base10_parse()?);
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{name}` of `#[seedbed::test]`{} (the options: {})",
                            suggestion(&name, OPTIONS),
                            OPTIONS.join(", ")
                        ),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(options)
    }
}

fn parse_clock(text: &str) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp())
}

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let options: Options = match syn::parse2(attr) {
        Ok(options) => options,
        Err(e) => return e.to_compile_error(),
    };
    let func: ItemFn = match syn::parse2(item) {
        Ok(func) => func,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    check_units(options.units.as_deref().unwrap_or_default(), &mut errors);
    if func.sig.asyncness.is_none() {
        errors.at(
            func.sig.fn_token.span,
            "`#[seedbed::test]` runs an `async fn` on tokio: write `async fn`",
        );
    }
    if !func.sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &func.sig.generics,
            "a `#[seedbed::test]` function takes no generic parameters",
        ));
    }
    let arguments: Vec<TokenStream> = func
        .sig
        .inputs
        .iter()
        .map(|arg| argument(arg, options.mode, &mut errors))
        .collect();
    if let Some(error) = errors.into_result() {
        // The function as written beside the error, so that what it uses is not unused.
        let error = error.to_compile_error();
        return quote!(#error #[allow(dead_code)] #func);
    }
    wrap(&func, &options, &arguments)
}

/// Unknown units are reported here when the crate's sources show its units (a test of the
/// seeds crate itself); units of another crate are checked when the test runs.
fn check_units(units: &[Ident], errors: &mut Errors) {
    let declared = source::crate_units();
    if declared.is_empty() {
        return;
    }
    for unit in units {
        let name = unit.to_string();
        if !declared.iter().any(|d| d.name == name) {
            errors.at(
                unit.span(),
                format!(
                    "unknown unit `{name}`{}",
                    suggestion(&name, declared.iter().map(|d| d.name.as_str()))
                ),
            );
        }
    }
}

/// The expression that gives one argument its value, spanned on the argument's type so a type
/// seedbed cannot hand over is an error there.
fn argument(arg: &FnArg, mode: Mode, errors: &mut Errors) -> TokenStream {
    let FnArg::Typed(typed) = arg else {
        errors.push(syn::Error::new_spanned(arg, "a test takes no `self`"));
        return TokenStream::new();
    };
    let ty = &*typed.ty;
    if let Type::Reference(reference) = ty {
        if reference.mutability.is_some() {
            errors.push(syn::Error::new_spanned(
                ty,
                "take the test database as `&TestDatabase`, not `&mut`",
            ));
        }
        return quote_spanned!(ty.span()=> &*__seedbed_db);
    }
    let last = match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    if last.as_deref() == Some("TestDatabase") {
        errors.push(syn::Error::new_spanned(
            ty,
            "take the test database by reference, `&TestDatabase`: seedbed drops it when the test \
             passes and keeps it when it fails",
        ));
    }
    if mode == Mode::Rollback {
        if last.as_deref() != Some("PgConnection") {
            errors.push(syn::Error::new_spanned(
                ty,
                "a `rollback` test runs in one transaction: take a `PgConnection` (or \
                 `&TestDatabase`)",
            ));
        }
        return quote_spanned!(ty.span()=> ::seedbed::testing::__private::argument(
            ::seedbed::testing::__private::transaction(&__seedbed_db).await
        ));
    }
    quote_spanned!(ty.span()=> ::seedbed::testing::__private::argument(
        <#ty as ::seedbed::testing::TestArgument>::take(&__seedbed_db).await
    ))
}

fn wrap(func: &ItemFn, options: &Options, arguments: &[TokenStream]) -> TokenStream {
    let ItemFn {
        attrs, vis, sig, ..
    } = func;
    let name = &sig.ident;
    let output = &sig.output;
    let runner = format_ident!("__seedbed_test_{}", name);
    let inner_sig = syn::Signature {
        ident: name.clone(),
        ..sig.clone()
    };
    let block = &func.block;
    let migrations = match &options.migrations {
        Migrations::Default => quote!(::seedbed::migrations!()),
        Migrations::Folder(folder) => quote!(::seedbed::migrations!(#folder)),
        Migrations::Value(value) => quote!(#value),
    };
    let link = link_the_package();
    let units = options.units.as_ref().map(|units| {
        let names = units.iter().map(|u| u.to_string());
        quote!(.units(&[#(#names),*]))
    });
    let clock = match options.clock {
        Some(secs) => quote!(::core::option::Option::Some(#secs)),
        None => quote!(::core::option::Option::None),
    };
    let scale = options.scale.iter().map(|(n, v)| {
        let n = n.to_string();
        quote!((#n, #v))
    });
    let random_seed = match options.random_seed {
        Some(seed) => quote!(::core::option::Option::Some(#seed)),
        None => quote!(::core::option::Option::None),
    };
    let mode = match options.mode {
        Mode::Own => quote!(Own),
        Mode::ReadOnly => quote!(ReadOnly),
        Mode::Rollback => quote!(Rollback),
    };
    quote! {
        #(#attrs)*
        #[::core::prelude::v1::test]
        #vis fn #name() #output {
            #runner()
        }

        // Outside the `#[test]` item, which a build without `--test` leaves out: the test's
        // code is type-checked in every build.
        #[doc(hidden)]
        #[allow(dead_code, non_snake_case)]
        #vis fn #runner() #output {
            #link
            #inner_sig #block
            let fixture = ::seedbed::testing::Fixture::new(#migrations)
                #units
                .context(::seedbed::testing::__private::context(#clock, &[#(#scale),*], #random_seed));
            ::seedbed::testing::__private::run(
                fixture,
                ::seedbed::testing::__private::Mode::#mode,
                |__seedbed_db| async move { #name(#(#arguments),*).await },
            )
        }
    }
}

/// `use the_package as _;` in a test of a package with a library (unless it is that library):
/// a test binary sees only the units of the crates it links, and a test naming nothing of the
/// library would not link it.
fn link_the_package() -> TokenStream {
    let Some(lib) = source::package_library() else {
        return TokenStream::new();
    };
    if std::env::var("CARGO_CRATE_NAME").is_ok_and(|c| c == lib) {
        return TokenStream::new();
    }
    let lib = Ident::new(&lib, Span::call_site());
    quote!(use ::#lib as _;)
}
