//! Time zone names written as literals in `.in_tz("Europe/Lisbon")`: checked at compile time
//! against the IANA database (chrono-tz's, the one the runtime reads them with), so a typo is
//! an error on the literal, with the nearest name, rather than a panic while seeding.

use std::str::FromStr;

use syn::visit::Visit;
use syn::{Expr, ExprLit, ExprMethodCall, Lit};

use crate::diag::{Errors, suggestion};

/// Reports every `.in_tz("...")` inside `expr` whose literal names no time zone.
pub fn check(expr: &Expr, errors: &mut Errors) {
    Zones { errors }.visit_expr(expr);
}

struct Zones<'e> {
    errors: &'e mut Errors,
}

impl<'ast> Visit<'ast> for Zones<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        if call.method == "in_tz"
            && let [
                Expr::Lit(ExprLit {
                    lit: Lit::Str(name),
                    ..
                }),
            ] = call.args.iter().collect::<Vec<_>>().as_slice()
            && chrono_tz::Tz::from_str(&name.value()).is_err()
        {
            let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
            self.errors.at(
                name.span(),
                format!(
                    "`{}` is no time zone: expected an IANA name such as `Europe/Lisbon`{}",
                    name.value(),
                    suggestion(&name.value(), names)
                ),
            );
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
