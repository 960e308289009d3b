//! Which point of a metrics file measures which requirement row. Automatic when the names agree
//! (the row's `metric` and `slice` against the point's), explicit with `--map NAME=metric[@slice]`
//! (or `NAME=row-id`) when they do not. Seam never guesses: two different points that could both
//! be a row's measurement are an error that names them and asks for a `--map`.

use std::collections::BTreeMap;

use super::formats::Point;
use super::MetricsError;
use crate::document::model::Requirement;

/// A point assigned to a requirement row.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub requirement: String,
    pub point: Point,
    /// Assigned by a `--map` rule rather than by name.
    pub explicit: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    /// In the file's order; a row may have several (a history of the same name).
    pub assignments: Vec<Assignment>,
    /// Points that measure no row of the sheet.
    pub unmapped: Vec<Point>,
}

impl Mapping {
    /// The latest assigned point of each row (by `at`, then by position in the file).
    pub fn latest(&self) -> BTreeMap<&str, &Point> {
        let mut latest: BTreeMap<&str, &Point> = BTreeMap::new();
        for assignment in &self.assignments {
            let entry = latest.entry(assignment.requirement.as_str()).or_insert(&assignment.point);
            if assignment.point.at.as_deref().unwrap_or("") >= entry.at.as_deref().unwrap_or("") {
                *entry = &assignment.point;
            }
        }
        latest
    }
}

/// Metric names compare case-insensitively, with `-` and spaces as `_`.
pub fn same_metric(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

fn normalize(text: &str) -> String {
    text.trim().to_lowercase().replace(['-', ' '], "_")
}

/// `None`, `all`, `overall` are the whole population; `region = APAC` equals `region=apac`.
pub fn same_slice(a: Option<&str>, b: Option<&str>) -> bool {
    canonical_slice(a) == canonical_slice(b)
}

fn canonical_slice(slice: Option<&str>) -> Option<String> {
    let slice = slice?.trim();
    if matches!(slice.to_ascii_lowercase().as_str(), "" | "all" | "overall" | "total" | "global") {
        return None;
    }
    let mut parts: Vec<String> = slice
        .split(',')
        .map(|part| match part.split_once('=') {
            Some((key, value)) => format!("{}={}", key.trim().to_lowercase(), value.trim().to_lowercase()),
            None => part.trim().to_lowercase(),
        })
        .collect();
    parts.sort();
    Some(parts.join(","))
}

/// Maps `points` to `rows`. `rules` are `--map` texts, `NAME=metric[@slice]` or `NAME=row-id`;
/// NAME may itself contain `=` (a DVC slice group): the split is at the first `=` whose left
/// side is a name in the file.
pub fn map_points(
    file_name: &str,
    rows: &[Requirement],
    points: &[Point],
    rules: &[String],
) -> Result<Mapping, MetricsError> {
    let mut explicit: BTreeMap<String, String> = BTreeMap::new(); // point name -> row id
    for rule in rules {
        let (name, target) = split_rule(rule, points)?;
        let row = resolve_target(rule, target, rows)?;
        explicit.insert(name.to_string(), row.id.clone());
    }
    let explicitly_mapped_rows: Vec<&str> = explicit.values().map(String::as_str).collect();

    let mut mapping = Mapping::default();
    // row id -> distinct point names assigned automatically, to catch ambiguity
    let mut automatic: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for point in points {
        if let Some(row_id) = explicit.get(&point.name) {
            mapping.assignments.push(Assignment { requirement: row_id.clone(), point: point.clone(), explicit: true });
            continue;
        }
        let candidates: Vec<&Requirement> = rows
            .iter()
            .filter(|row| {
                same_metric(&row.metric, &point.metric) && same_slice(row.slice.as_deref(), point.slice.as_deref())
            })
            .filter(|row| !explicitly_mapped_rows.contains(&row.id.as_str()))
            .collect();
        match candidates.as_slice() {
            [row] => {
                let names = automatic.entry(row.id.as_str()).or_default();
                if !names.contains(&point.name.as_str()) {
                    names.push(point.name.as_str());
                }
                mapping.assignments.push(Assignment { requirement: row.id.clone(), point: point.clone(), explicit: false });
            }
            [] => mapping.unmapped.push(point.clone()),
            several => {
                return Err(MetricsError::usage(format!(
                    "{file_name}: `{}` could measure rows {} (same metric and slice); give the sheet distinct metrics or slices",
                    point.name,
                    several.iter().map(|row| row.id.as_str()).collect::<Vec<_>>().join(", ")
                )))
            }
        }
    }
    if let Some((row, names)) = automatic.iter().find(|(_, names)| names.len() > 1) {
        let row = rows.iter().find(|candidate| candidate.id == *row);
        let target = row.map_or_else(String::new, |row| match &row.slice {
            Some(slice) if !same_slice(Some(slice), None) => format!("{}@{slice}", row.metric),
            _ => row.metric.clone(),
        });
        return Err(MetricsError::usage(format!(
            "{file_name}: several values could be the measurement of row {}: {}; choose one with --map NAME={target}",
            row.map_or("", |row| row.id.as_str()),
            names.join(", ")
        )));
    }
    Ok(mapping)
}

fn split_rule<'a>(rule: &'a str, points: &[Point]) -> Result<(&'a str, &'a str), MetricsError> {
    let mut first_split = None;
    for (index, _) in rule.match_indices('=') {
        let (name, target) = (&rule[..index], &rule[index + 1..]);
        first_split.get_or_insert((name, target));
        if points.iter().any(|point| point.name == name) {
            return Ok((name, target));
        }
    }
    let mut names: Vec<&str> = points.iter().map(|point| point.name.as_str()).collect();
    names.dedup();
    match first_split {
        None => Err(MetricsError::usage(format!("--map {rule}: expected NAME=metric[@slice] or NAME=row-id"))),
        Some((name, _)) => Err(MetricsError::usage(format!(
            "--map {rule}: the file has no metric named `{name}`; it has: {}",
            names.join(", ")
        ))),
    }
}

fn resolve_target<'a>(rule: &str, target: &str, rows: &'a [Requirement]) -> Result<&'a Requirement, MetricsError> {
    if let Some(row) = rows.iter().find(|row| row.id == target) {
        return Ok(row);
    }
    let (metric, slice) = match target.split_once('@') {
        Some((metric, slice)) => (metric, Some(slice)),
        None => (target, None),
    };
    let matching: Vec<&Requirement> =
        rows.iter().filter(|row| same_metric(&row.metric, metric) && same_slice(row.slice.as_deref(), slice)).collect();
    match matching.as_slice() {
        [row] => Ok(row),
        [] => Err(MetricsError::usage(format!(
            "--map {rule}: no requirement row has metric `{metric}`{}; rows: {}",
            slice.map(|slice| format!(" and slice `{slice}`")).unwrap_or_default(),
            rows.iter()
                .map(|row| format!(
                    "{} ({}{})",
                    row.id,
                    row.metric,
                    row.slice.as_ref().map(|s| format!("@{s}")).unwrap_or_default()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        several => Err(MetricsError::usage(format!(
            "--map {rule}: several rows match ({}); name the row id instead",
            several.iter().map(|row| row.id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}
