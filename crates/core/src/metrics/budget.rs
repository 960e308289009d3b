//! Budgets against reality: the research time-box (elapsed and remaining days, checkpoints
//! upcoming, due, passed or missed, the fallback once the box runs out) and the training and
//! inference budgets against the sheet's measured values.

use std::sync::LazyLock;

use super::check::{format_number, RowStatus};
use super::date;
use super::mapping::{same_metric, same_slice};
use super::SeriesPoint;
use crate::document::model::{CheckpointOutcome, Quality, RequirementSheet, ResearchBudget};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointStatus {
    /// Its date is still ahead.
    Upcoming,
    /// Its date has passed and nothing says whether it was met.
    Due,
    Passed,
    Missed,
}

impl CheckpointStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointStatus::Upcoming => "upcoming",
            CheckpointStatus::Due => "due",
            CheckpointStatus::Passed => "passed",
            CheckpointStatus::Missed => "missed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointReport {
    pub date: Option<String>,
    pub criterion: Option<String>,
    pub status: CheckpointStatus,
    /// What decided it: the recorded outcome, or the measurement judged (`macro_f1 0.74 on 2026-10-20`).
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimeboxReport {
    pub started: String,
    pub ends: String,
    pub weeks: f64,
    pub total_days: i64,
    /// Days since the start, at most `total_days`.
    pub elapsed_days: i64,
    /// Days left, 0 once the box has run out.
    pub remaining_days: i64,
    pub expired: bool,
    pub fallback: Option<String>,
    pub checkpoints: Vec<CheckpointReport>,
}

/// `None` when the sheet has no research budget with a valid start date and duration.
pub fn timebox(research: &ResearchBudget, series: &[SeriesPoint], today: i64) -> Option<TimeboxReport> {
    let started = date::parse_day(research.started.as_deref()?)?;
    let weeks = research.timebox_weeks.filter(|weeks| *weeks > 0.0)?;
    let total_days = (weeks * 7.0).round() as i64;
    let ends = started + total_days;
    let elapsed_days = (today - started).clamp(0, total_days);
    let checkpoints = research
        .checkpoints
        .iter()
        .map(|checkpoint| {
            let day = checkpoint.date.as_deref().and_then(date::parse_day);
            let (status, evidence) = match (checkpoint.outcome, day) {
                (Some(CheckpointOutcome::Passed), _) => {
                    (CheckpointStatus::Passed, Some("recorded as passed".to_string()))
                }
                (Some(CheckpointOutcome::Missed), _) => {
                    (CheckpointStatus::Missed, Some("recorded as missed".to_string()))
                }
                (None, Some(day)) => judge_checkpoint(checkpoint.criterion.as_deref(), day, series, today),
                (None, None) => (CheckpointStatus::Due, Some("the checkpoint has no valid date".to_string())),
            };
            CheckpointReport {
                date: checkpoint.date.clone(),
                criterion: checkpoint.criterion.clone(),
                status,
                evidence,
            }
        })
        .collect();
    Some(TimeboxReport {
        started: date::format_day(started),
        ends: date::format_day(ends),
        weeks,
        total_days,
        elapsed_days,
        remaining_days: (ends - today).max(0),
        expired: today >= ends,
        fallback: research.fallback.clone(),
        checkpoints,
    })
}

/// A criterion Seam can judge: `metric >= 0.8`, optionally followed by text naming a slice
/// (`on language=de slice`).
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub metric: String,
    pub op: String,
    pub value: f64,
    pub slice: Option<String>,
}

pub fn parse_criterion(text: &str) -> Option<Criterion> {
    static PATTERN: LazyLock<Option<regex::Regex>> =
        LazyLock::new(|| regex::Regex::new(r"^\s*([A-Za-z_][\w.\-/]*)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d+)?)(.*)$").ok());
    let captures = PATTERN.as_ref()?.captures(text)?;
    let rest = captures.get(4).map_or("", |rest| rest.as_str());
    let slice = rest
        .split_whitespace()
        .find(|word| word.contains('='))
        .map(|word| word.trim_matches(|c: char| c == ',' || c == ';').to_string());
    Some(Criterion {
        metric: captures[1].to_string(),
        op: captures[2].to_string(),
        value: captures[3].parse().ok()?,
        slice,
    })
}

fn judge_checkpoint(
    criterion: Option<&str>,
    day: i64,
    series: &[SeriesPoint],
    today: i64,
) -> (CheckpointStatus, Option<String>) {
    let waiting = if day > today { CheckpointStatus::Upcoming } else { CheckpointStatus::Due };
    let Some(criterion) = criterion.and_then(parse_criterion) else {
        return (waiting, None);
    };
    // The latest measurement of the criterion's metric and slice on or before the checkpoint.
    let evidence = series
        .iter()
        .filter(|point| {
            same_metric(&point.metric, &criterion.metric)
                && same_slice(point.slice.as_deref(), criterion.slice.as_deref())
        })
        .filter_map(|point| date::parse_day(&point.at).map(|at| (at, point)))
        .filter(|(at, _)| *at <= day)
        .max_by(|(a, _), (b, _)| a.cmp(b));
    let Some((_, point)) = evidence else {
        return (waiting, None);
    };
    let met = match criterion.op.as_str() {
        ">=" => point.value >= criterion.value,
        "<=" => point.value <= criterion.value,
        ">" => point.value > criterion.value,
        "<" => point.value < criterion.value,
        _ => (point.value - criterion.value).abs() < f64::EPSILON,
    };
    let evidence = Some(format!("{} {} on {}", point.metric, format_number(point.value), point.at));
    if day > today {
        return (CheckpointStatus::Upcoming, evidence);
    }
    (if met { CheckpointStatus::Passed } else { CheckpointStatus::Missed }, evidence)
}

/// One training or inference budget against the measured value that belongs to it.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    /// `training.max_hours`, `training.max_cost_usd`, `inference.latency_p95_ms`, `inference.cost_per_1k_usd`.
    pub budget: &'static str,
    pub limit: f64,
    pub unit: &'static str,
    pub measured: Option<f64>,
    /// The requirement row the measurement comes from.
    pub requirement: Option<String>,
    /// pass (within), fail (over), missing (no row measures it).
    pub status: RowStatus,
}

/// Which rows measure a budget: by quality and unit (hours of training, USD of a retrain, ms of
/// latency, USD of inference).
fn row_matches(budget: &str, quality: Option<Quality>, unit: Option<&str>) -> bool {
    let unit = unit.unwrap_or_default().to_ascii_lowercase();
    match budget {
        "training.max_hours" => quality == Some(Quality::Training) && matches!(unit.as_str(), "hours" | "hour" | "h"),
        "training.max_cost_usd" => quality == Some(Quality::Training) && unit == "usd",
        "inference.latency_p95_ms" => quality == Some(Quality::Latency) && unit == "ms",
        "inference.cost_per_1k_usd" => quality == Some(Quality::Cost) && unit == "usd",
        _ => false,
    }
}

pub fn budget_lines(sheet: &RequirementSheet) -> Vec<BudgetLine> {
    let Some(budgets) = &sheet.budgets else { return Vec::new() };
    let mut wanted: Vec<(&'static str, Option<f64>, &'static str)> = Vec::new();
    if let Some(training) = &budgets.training {
        wanted.push(("training.max_hours", training.max_hours, "hours"));
        wanted.push(("training.max_cost_usd", training.max_cost_usd, "USD"));
    }
    if let Some(inference) = &budgets.inference {
        wanted.push(("inference.latency_p95_ms", inference.latency_p95_ms, "ms"));
        wanted.push(("inference.cost_per_1k_usd", inference.cost_per_1k_usd, "USD"));
    }
    wanted
        .into_iter()
        .filter_map(|(budget, limit, unit)| {
            let limit = limit?;
            let row = sheet.requirements.iter().find(|row| row_matches(budget, row.quality, row.unit.as_deref()));
            let measured = row.and_then(|row| row.measured.as_ref()).map(|measured| measured.value);
            let status = match measured {
                None => RowStatus::Missing,
                Some(value) if value <= limit => RowStatus::Pass,
                Some(_) => RowStatus::Fail,
            };
            Some(BudgetLine { budget, limit, unit, measured, requirement: row.map(|row| row.id.clone()), status })
        })
        .collect()
}
