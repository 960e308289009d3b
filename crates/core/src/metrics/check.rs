//! Threshold checks: a requirement row is `pass` (meets its target), `warn` (meets its threshold
//! but not the target), `fail` (misses the threshold) or `missing` (no measurement), honouring
//! `op` (`>=`, `<=`, `==` within `tolerance`, `between`).

use crate::document::model::{Bound, Op, Requirement};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowStatus {
    Pass,
    Warn,
    Fail,
    Missing,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Pass => "pass",
            RowStatus::Warn => "warn",
            RowStatus::Fail => "fail",
            RowStatus::Missing => "missing",
        }
    }
}

/// The verdict on one row and a sentence saying why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: RowStatus,
    pub message: String,
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::AtLeast => ">=",
        Op::AtMost => "<=",
        Op::Equal => "==",
        Op::Between => "between",
    }
}

fn bound_text(bound: &Bound) -> String {
    match bound {
        Bound::Value(value) => format_number(*value),
        Bound::Range([low, high]) => format!("[{}, {}]", format_number(*low), format_number(*high)),
    }
}

/// Numbers as people write them: `0.9`, `120`, no trailing zeros.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Does `value` meet `bound` under `op`, allowing `tolerance`? Err when the bound's shape does
/// not suit the op (a range for `>=`, one number for `between`).
fn meets(op: Op, bound: &Bound, value: f64, tolerance: f64) -> Result<bool, String> {
    // Decimal numbers are not exact in binary (0.05 - 0.04 > 0.01): allow a rounding error far
    // below any meaningful difference, scaled to the bound.
    let magnitude = match bound {
        Bound::Value(limit) => limit.abs(),
        Bound::Range([low, high]) => low.abs().max(high.abs()),
    };
    let tolerance = tolerance + 1e-9 * magnitude.max(1.0);
    match (op, bound) {
        (Op::AtLeast, Bound::Value(limit)) => Ok(value >= limit - tolerance),
        (Op::AtMost, Bound::Value(limit)) => Ok(value <= limit + tolerance),
        (Op::Equal, Bound::Value(limit)) => Ok((value - limit).abs() <= tolerance),
        (Op::Between, Bound::Range([low, high])) => Ok(value >= low - tolerance && value <= high + tolerance),
        (Op::Between, Bound::Value(_)) => Err("`between` needs [low, high] bounds".to_string()),
        (_, Bound::Range(_)) => Err(format!("`{}` needs a single number, not a range", op_text(op))),
    }
}

/// Judges a measured value against a row's target and threshold.
pub fn evaluate(row: &Requirement, measured: Option<f64>) -> Verdict {
    let Some(value) = measured else {
        return Verdict { status: RowStatus::Missing, message: format!("{} has no measurement yet", row.metric) };
    };
    let unit = row.unit.as_deref().map(|unit| format!(" {unit}")).unwrap_or_default();
    let shown = format!("{} {}{unit}", row.metric, format_number(value));
    let op = match (row.op, &row.target, &row.threshold) {
        (Some(op), _, _) => op,
        (None, Some(Bound::Range(_)), _) | (None, None, Some(Bound::Range(_))) => Op::Between,
        (None, _, _) => Op::AtLeast,
    };
    let tolerance = row.tolerance.unwrap_or(0.0).abs();
    let fail = |message: String| Verdict { status: RowStatus::Fail, message };
    let target = match &row.target {
        Some(target) => match meets(op, target, value, tolerance) {
            Ok(met) => Some((met, target)),
            Err(problem) => return fail(format!("cannot check {}: target {problem}", row.id)),
        },
        None => None,
    };
    let threshold = match &row.threshold {
        Some(threshold) => match meets(op, threshold, value, tolerance) {
            Ok(met) => Some((met, threshold)),
            Err(problem) => return fail(format!("cannot check {}: threshold {problem}", row.id)),
        },
        None => None,
    };
    let op_shown = op_text(op);
    match (target, threshold) {
        (None, None) => Verdict {
            status: RowStatus::Missing,
            message: format!("{shown} measured, but the row has no target or threshold to check it against"),
        },
        (Some((true, target)), _) => Verdict {
            status: RowStatus::Pass,
            message: format!("{shown} meets the target {op_shown} {}", bound_text(target)),
        },
        (None, Some((true, threshold))) => Verdict {
            status: RowStatus::Pass,
            message: format!("{shown} meets the threshold {op_shown} {}", bound_text(threshold)),
        },
        (Some((false, target)), Some((true, threshold))) => Verdict {
            status: RowStatus::Warn,
            message: format!(
                "{shown} meets the threshold {op_shown} {} but not the target {}",
                bound_text(threshold),
                bound_text(target)
            ),
        },
        (_, Some((false, threshold))) => {
            fail(format!("{shown} misses the threshold {op_shown} {}", bound_text(threshold)))
        }
        (Some((false, target)), None) => fail(format!("{shown} misses the target {op_shown} {}", bound_text(target))),
    }
}
