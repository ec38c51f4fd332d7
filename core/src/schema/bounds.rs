//! What simple checks allow, for early errors on literal values: numeric bounds
//! (`rating BETWEEN 1 AND 5`, `price >= 0`) and lists of values (`kind IN ('a', 'b')`,
//! `kind = ANY (ARRAY['a', 'b'])`, `kind = 'a' OR kind = 'b'`).

use sqlparser::ast::{BinaryOperator, Expr, InTarget, UnaryOperator, Value};

use super::dialect::Dialect;
use super::{Allowed, Bound, CmpOp};

/// The bounds of the conjuncts of `expr` that compare a column with a number.
pub(crate) fn bounds(dialect: Dialect, expr: &Expr) -> Vec<Bound> {
    let mut out = Vec::new();
    collect(dialect, expr, &mut out);
    out
}

fn collect(dialect: Dialect, expr: &Expr, out: &mut Vec<Bound>) {
    match expr {
        Expr::Nested(inner) => collect(dialect, inner, out),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            collect(dialect, left, out);
            collect(dialect, right, out);
        }
        Expr::BinaryOp { left, op, right } => {
            let Some(op) = cmp_op(op) else { return };
            match (
                column(dialect, left),
                number(left),
                column(dialect, right),
                number(right),
            ) {
                (Some(column), _, _, Some(value)) => out.push(Bound { column, op, value }),
                (_, Some(value), Some(column), _) => out.push(Bound {
                    column,
                    op: op.flip(),
                    value,
                }),
                _ => {}
            }
        }
        Expr::Between {
            expr,
            negated: false,
            low,
            high,
        } => {
            if let (Some(column), Some(low), Some(high)) =
                (column(dialect, expr), number(low), number(high))
            {
                out.push(Bound {
                    column: column.clone(),
                    op: CmpOp::GtEq,
                    value: low,
                });
                out.push(Bound {
                    column,
                    op: CmpOp::LtEq,
                    value: high,
                });
            }
        }
        _ => {}
    }
}

fn cmp_op(op: &BinaryOperator) -> Option<CmpOp> {
    Some(match op {
        BinaryOperator::Lt => CmpOp::Lt,
        BinaryOperator::LtEq => CmpOp::LtEq,
        BinaryOperator::Gt => CmpOp::Gt,
        BinaryOperator::GtEq => CmpOp::GtEq,
        BinaryOperator::Eq => CmpOp::Eq,
        BinaryOperator::NotEq => CmpOp::NotEq,
        _ => return None,
    })
}

fn column(dialect: Dialect, expr: &Expr) -> Option<String> {
    match expr {
        Expr::Nested(inner) => column(dialect, inner),
        Expr::Identifier(name) => Some(dialect.ident(name)),
        Expr::CompoundIdentifier(parts) => parts.last().map(|p| dialect.ident(p)),
        _ => None,
    }
}

fn number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Nested(inner) => number(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => number(expr).map(|n| -n),
        Expr::UnaryOp {
            op: UnaryOperator::Plus,
            expr,
        } => number(expr),
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.to_string().parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// The value lists of the conjuncts of `expr` that confine a column to listed literals.
pub(crate) fn allowed(dialect: Dialect, expr: &Expr) -> Vec<Allowed> {
    match expr {
        Expr::Nested(inner) => allowed(dialect, inner),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            let mut out = allowed(dialect, left);
            out.extend(allowed(dialect, right));
            out
        }
        other => one_of(dialect, other).into_iter().collect(),
    }
}

/// `column IN (...)`, `column = ANY (ARRAY[...])`, `column = v` and disjunctions of them on one
/// column.
fn one_of(dialect: Dialect, expr: &Expr) -> Option<Allowed> {
    match expr {
        Expr::Nested(inner) => one_of(dialect, inner),
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } => Some(Allowed {
            column: column(dialect, uncast(expr))?,
            values: list.iter().map(text).collect::<Option<_>>()?,
        }),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } => {
            let Expr::Array(array) = uncast(right) else {
                return None;
            };
            Some(Allowed {
                column: column(dialect, uncast(left))?,
                values: array.elem.iter().map(text).collect::<Option<_>>()?,
            })
        }
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => Some(Allowed {
            column: column(dialect, uncast(left))?,
            values: vec![text(right)?],
        }),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or,
            right,
        } => {
            let (mut left, right) = (one_of(dialect, left)?, one_of(dialect, right)?);
            (left.column == right.column).then(|| {
                left.values.extend(right.values);
                left
            })
        }
        _ => None,
    }
}

/// An expression without the casts PostgreSQL adds when it prints a check
/// (`(kind)::text = ANY ((ARRAY['a'::character varying])::text[])`).
fn uncast(expr: &Expr) -> &Expr {
    match expr {
        Expr::Nested(inner) => uncast(inner),
        Expr::Cast { expr, .. } => uncast(expr),
        other => other,
    }
}

/// A literal's text form.
fn text(expr: &Expr) -> Option<String> {
    match uncast(expr) {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            Value::Number(n, _) => Some(n.to_string()),
            _ => None,
        },
        other => number(other).map(|n| n.to_string()),
    }
}
