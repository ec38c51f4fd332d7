//! Compile errors: accumulated over a whole macro call so that every mistake is reported at once,
//! each on its token, with the one "did you mean" both sides of seedbed give.

use proc_macro2::Span;
use seedbed_core::suggest::nearest;

/// Accumulates errors, combining them into one `syn::Error`.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub fn into_result(self) -> Option<syn::Error> {
        self.0
    }
}

/// " (did you mean `x`?)" or nothing.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(name, candidates)
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default()
}
