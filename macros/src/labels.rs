//! Label paths anywhere inside a value or a loop's expression (`Some(members::bob)`,
//! `pick(members::bob, 2)`, `[members::bob]`): checked as a bare `members::bob` is, so a
//! dangling one gets the same "did you mean" instead of rustc's plain "cannot find value".

use std::collections::HashMap;

use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprPath};

use crate::diag::{Errors, suggestion};

/// Checks the label paths inside `expr`, and returns it with the labels of this `seed!`
/// rewritten for a scenario, whose label modules live in a module named after it
/// (`users::paula` is `power_user::users::paula` there).
pub fn nested(
    expr: &Expr,
    labels: &HashMap<String, Vec<String>>,
    scenario: Option<&str>,
    errors: &mut Errors,
) -> Option<Expr> {
    let mut walk = Walk {
        labels,
        scenario,
        errors,
        rewritten: false,
    };
    let mut expr = expr.clone();
    walk.visit_expr_mut(&mut expr);
    walk.rewritten.then_some(expr)
}

struct Walk<'l, 'e> {
    labels: &'l HashMap<String, Vec<String>>,
    scenario: Option<&'l str>,
    errors: &'e mut Errors,
    rewritten: bool,
}

impl VisitMut for Walk<'_, '_> {
    fn visit_expr_path_mut(&mut self, path: &mut ExprPath) {
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let (table, label) = match segments.as_slice() {
            [table, label] => (table.clone(), label),
            [schema, table, label] => (format!("{schema}.{table}"), label),
            _ => return,
        };
        let Some(labels) = self.labels.get(&table) else {
            return;
        };
        if label == "ALL" || path.qself.is_some() || path.path.leading_colon.is_some() {
            return;
        }
        match (labels.contains(label), self.scenario) {
            (true, Some(unit)) => {
                // Spanned like the path, so rustc's errors about the value point at it.
                let span = path.path.segments[0].ident.span();
                let unit = format_ident!("{unit}", span = span);
                path.path.segments.insert(0, unit.into());
                self.rewritten = true;
            }
            (true, None) => {}
            // In a scenario, another unit's row of the same table (rustc resolves it).
            (false, Some(_)) => {}
            (false, None) => {
                let last = path.path.segments.last().expect("two or three segments");
                self.errors.push(syn::Error::new(
                    last.ident.span(),
                    format!(
                        "no row labelled `{label}` in table `{table}`{}",
                        suggestion(label, labels.iter().map(String::as_str))
                    ),
                ));
            }
        }
    }
}
