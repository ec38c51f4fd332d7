//! `#[scenario]`: a function whose `seed!` blocks build the rows of a test scenario.

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Expr, ItemFn, Macro, Stmt};

use crate::check;
use crate::diag::Errors;
use crate::expand::{self, UnitInfo};
use crate::parse::{self, Body, UnitOptions};
use crate::seed::unit_options;
use crate::source;

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let options: UnitOptions = match syn::parse2(attr) {
        Ok(options) => options,
        Err(e) => return e.to_compile_error(),
    };
    let mut func: ItemFn = match syn::parse2(item) {
        Ok(func) => func,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    let ident = func.sig.ident.clone();
    let name = ident.to_string();
    if let Some(arg) = func.sig.inputs.first() {
        errors.push(syn::Error::new_spanned(
            arg,
            "a scenario takes no arguments: read the run's clock and sizes with `seedbed::now()` and `seedbed::scale()`",
        ));
    }
    let (schema, refused) = match source::schema(ident.span()) {
        Ok(loaded) => loaded,
        Err(e) => return e.to_compile_error(),
    };
    if let Some(refused) = refused {
        errors.push(refused);
    }
    let docs: Vec<&syn::Attribute> = func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let description = parse::doc_lines(&docs.into_iter().cloned().collect::<Vec<_>>())
        .unwrap_or_default()
        .join("\n");
    let env = unit_options(&name, &options, &mut errors);

    let mut collector = SeedCalls::default();
    collector.visit_block_mut(&mut func.block);
    // A block that does not parse becomes an empty seed, so its error stands alone.
    let bodies: Vec<Option<Body>> = collector
        .calls
        .iter()
        .map(|mac| mac.parse_body::<Body>().map_err(|e| errors.push(e)).ok())
        .collect();
    let checked: Vec<_> = bodies
        .iter()
        .flatten()
        .map(|body| check::check(&name, true, &schema, body, &mut errors))
        .collect();
    let mut parsed = checked.iter();
    let expansions = bodies
        .iter()
        .map(|body| match body.as_ref().and_then(|_| parsed.next()) {
            Some(c) => expand::seed_expr(c, &schema),
            None => quote!(::seedbed::Seed::new()),
        })
        .collect();
    let mut replacer = SeedCalls {
        expansions,
        ..SeedCalls::default()
    };
    replacer.visit_block_mut(&mut func.block);

    let modules: Vec<TokenStream> = checked
        .iter()
        .map(|c| expand::label_modules(&name, c))
        .collect();
    let refs: Vec<Expr> = checked.iter().flat_map(expand::cross_unit_paths).collect();
    let info = UnitInfo {
        name: &name,
        scenario: true,
        description,
        depends_on: options.depends_on.iter().map(ToString::to_string).collect(),
        env,
        explicit: options.explicit,
        schema: &schema,
    };
    // A function with arguments cannot be registered: its error stands alone.
    let registration = if func.sig.inputs.is_empty() {
        expand::registration(&info, &checked, &quote!(#ident), &refs)
    } else {
        TokenStream::new()
    };
    let tracked = source::tracked_files(&schema.files);
    let errors = errors.into_result().map(|e| e.to_compile_error());
    let module_doc = format!("Labelled rows of scenario `{name}`.");
    quote! {
        #errors
        #func
        #[doc = #module_doc]
        #[allow(dead_code)]
        pub mod #ident {
            #(#modules)*
        }
        const _: () = { #tracked };
        #registration
    }
}

/// Finds the `seed!` calls in a function body, or replaces them, in order, with expansions.
#[derive(Default)]
struct SeedCalls {
    calls: Vec<Macro>,
    expansions: Vec<TokenStream>,
    next: usize,
}

fn is_seed(mac: &Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| s.ident == "seed")
}

impl SeedCalls {
    /// While collecting (no expansions yet), records the call and leaves it in place, so the
    /// replacing pass finds it again; while replacing, returns the call's expansion.
    fn take(&mut self, mac: &Macro) -> Option<Expr> {
        if self.expansions.is_empty() {
            self.calls.push(mac.clone());
            return None;
        }
        let expansion = &self.expansions[self.next];
        self.next += 1;
        // Handed back to the same macro, which returns it as is: the user's `use seedbed::seed`
        // stays used.
        let path = &mac.path;
        Some(Expr::Verbatim(quote!(#path! { @expanded #expansion })))
    }
}

impl VisitMut for SeedCalls {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Macro(m) = expr
            && is_seed(&m.mac)
        {
            if let Some(expansion) = self.take(&m.mac) {
                *expr = expansion;
            }
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt
            && is_seed(&m.mac)
        {
            if let Some(expansion) = self.take(&m.mac) {
                *stmt = Stmt::Expr(expansion, m.semi_token);
            }
            return;
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }
}
