//! Numeric bounds read from check expressions: `rating BETWEEN 1 AND 5`, `price >= 0`.

use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator, Value};

use super::names::ident;
use super::{Bound, CmpOp};

/// The bounds of the conjuncts of `expr` that compare a column with a number.
pub(crate) fn bounds(expr: &Expr) -> Vec<Bound> {
    let mut out = Vec::new();
    collect(expr, &mut out);
    out
}

fn collect(expr: &Expr, out: &mut Vec<Bound>) {
    match expr {
        Expr::Nested(inner) => collect(inner, out),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            collect(left, out);
            collect(right, out);
        }
        Expr::BinaryOp { left, op, right } => {
            let Some(op) = cmp_op(op) else { return };
            match (column(left), number(left), column(right), number(right)) {
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
            if let (Some(column), Some(low), Some(high)) = (column(expr), number(low), number(high))
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

fn column(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Nested(inner) => column(inner),
        Expr::Identifier(name) => Some(ident(name)),
        Expr::CompoundIdentifier(parts) => parts.last().map(ident),
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
