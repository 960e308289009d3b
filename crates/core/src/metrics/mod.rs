//! Requirement budgets against reality: reading evaluation results (`formats`), matching them to
//! requirement rows (`mapping`), judging each row (`check`), the research time-box and budgets
//! (`budget`), and the shared time series of import runs (`runs`). `import` ties them together
//! for `seam metrics import` and the app; `sheet_report` is what `seam metrics show`, `seam check`
//! and the dashboard read.

pub mod budget;
pub mod check;
pub mod date;
pub mod formats;
pub mod mapping;
pub mod runs;
pub mod system;

use std::collections::BTreeMap;

use crate::check::{Finding, Rule};
use crate::document::edit::{Edit, NewValue};
use crate::document::model::{RequirementSheet, Typed};
use crate::document::{Document, Severity};
use crate::project::{self, Project, ProjectError, SaveRequest};
use crate::store::{Store, StoreError};

pub use budget::{BudgetLine, CheckpointReport, CheckpointStatus, TimeboxReport};
pub use check::{evaluate, RowStatus, Verdict};
pub use formats::{parse_metrics, InputFormat, ParsedMetrics, Point};
pub use mapping::{map_points, Assignment, Mapping};

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The metrics file cannot be read as the format it claims to be.
    #[error("{}: {message}", location(file, *line))]
    Input { file: String, line: Option<usize>, message: String },
    /// A mapping or a document that does not fit (bad `--map`, ambiguous names, not a sheet).
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn location(file: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_string(),
    }
}

impl MetricsError {
    pub fn input(file: &str, line: Option<usize>, message: impl Into<String>) -> MetricsError {
        MetricsError::Input { file: file.to_string(), line, message: message.into() }
    }

    pub fn usage(message: impl Into<String>) -> MetricsError {
        MetricsError::Usage(message.into())
    }
}

/// One measurement of a requirement row over time.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesPoint {
    pub requirement: String,
    pub metric: String,
    pub slice: Option<String>,
    /// The name in the source file.
    pub name: String,
    pub value: f64,
    /// `YYYY-MM-DD`.
    pub at: String,
    pub source: String,
    /// The run file it came from; None for the sheet's own `measured` value.
    pub run: Option<String>,
}

/// The measured value a row is judged by.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredValue {
    pub value: f64,
    pub at: Option<String>,
    pub source: Option<String>,
}

/// One requirement row, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct RowReport {
    pub id: String,
    pub metric: String,
    pub slice: Option<String>,
    pub quality: Option<String>,
    pub op: Option<String>,
    pub target: Option<Vec<f64>>,
    pub threshold: Option<Vec<f64>>,
    pub tolerance: Option<f64>,
    pub unit: Option<String>,
    pub state: Option<String>,
    pub measured: Option<MeasuredValue>,
    pub status: RowStatus,
    pub message: String,
    /// The row's line in the sheet.
    pub line: Option<usize>,
    /// Every measurement of the row, oldest first (the run files, plus the sheet's `measured`
    /// when no run has it).
    pub series: Vec<SeriesPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SheetReport {
    pub id: String,
    pub rel_path: String,
    pub title: String,
    pub component: Option<String>,
    pub rows: Vec<RowReport>,
    pub timebox: Option<TimeboxReport>,
    pub budgets: Vec<BudgetLine>,
}

impl SheetReport {
    pub fn count(&self, status: RowStatus) -> usize {
        self.rows.iter().filter(|row| row.status == status).count()
    }
}

fn bound_values(bound: &crate::document::model::Bound) -> Vec<f64> {
    match bound {
        crate::document::model::Bound::Value(value) => vec![*value],
        crate::document::model::Bound::Range(range) => range.to_vec(),
    }
}

fn json_text<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value).ok().and_then(|value| value.as_str().map(str::to_string))
}

/// The requirement sheet of a document, or a usage error naming it.
pub fn sheet_of(document: &Document) -> Result<&RequirementSheet, MetricsError> {
    match &document.typed {
        Some(Typed::Requirements(sheet)) => Ok(sheet),
        _ if document.kind == Some(crate::document::model::Kind::Requirements) => Err(MetricsError::usage(format!(
            "{} cannot be read as a requirement sheet; fix its errors first (`seam lint`)",
            document.rel_path
        ))),
        _ => Err(MetricsError::usage(format!("{} is not a requirement sheet (kind: requirements)", document.rel_path))),
    }
}

/// Judges every row of a sheet. `series` are the sheet's stored measurements; `overrides` are
/// values to judge instead of the sheet's `measured` (from a metrics file in `seam check`).
pub fn sheet_report(
    document: &Document,
    sheet: &RequirementSheet,
    series: &[SeriesPoint],
    overrides: &BTreeMap<String, MeasuredValue>,
    today: i64,
) -> SheetReport {
    let row_nodes: Vec<Option<usize>> = {
        let items = document.tree.as_ref().and_then(|tree| tree.get("requirements")).map(|node| match &node.value {
            crate::document::yaml::NodeValue::Sequence { items, .. } => {
                items.iter().map(|item| Some(item.line)).collect()
            }
            _ => Vec::new(),
        });
        items.unwrap_or_default()
    };
    let mut all_series: Vec<SeriesPoint> = series.to_vec();
    let rows = sheet
        .requirements
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let mut row_series: Vec<SeriesPoint> =
                series.iter().filter(|point| point.requirement == row.id).cloned().collect();
            if let Some(measured) = &row.measured {
                let at = measured.at.clone().unwrap_or_default();
                let known = row_series.iter().any(|point| point.at == at && point.value == measured.value);
                if !known && measured.at.as_deref().and_then(date::parse_day).is_some() {
                    let point = SeriesPoint {
                        requirement: row.id.clone(),
                        metric: row.metric.clone(),
                        slice: row.slice.clone(),
                        name: row.metric.clone(),
                        value: measured.value,
                        at,
                        source: measured.source.clone().unwrap_or_else(|| document.rel_path.clone()),
                        run: None,
                    };
                    all_series.push(point.clone());
                    row_series.push(point);
                    row_series.sort_by(|a, b| a.at.cmp(&b.at));
                }
            }
            let measured = overrides.get(&row.id).cloned().or_else(|| {
                row.measured.as_ref().map(|measured| MeasuredValue {
                    value: measured.value,
                    at: measured.at.clone(),
                    source: measured.source.clone(),
                })
            });
            let verdict = evaluate(row, measured.as_ref().map(|measured| measured.value));
            RowReport {
                id: row.id.clone(),
                metric: row.metric.clone(),
                slice: row.slice.clone(),
                quality: row.quality.as_ref().and_then(json_text),
                op: row.op.as_ref().and_then(json_text),
                target: row.target.as_ref().map(bound_values),
                threshold: row.threshold.as_ref().map(bound_values),
                tolerance: row.tolerance,
                unit: row.unit.clone(),
                state: row.state.as_ref().and_then(json_text),
                measured,
                status: verdict.status,
                message: verdict.message,
                line: row_nodes.get(index).copied().flatten(),
                series: row_series,
            }
        })
        .collect();
    let timebox = sheet
        .budgets
        .as_ref()
        .and_then(|budgets| budgets.research.as_ref())
        .and_then(|research| budget::timebox(research, &all_series, today));
    SheetReport {
        id: document.id.clone(),
        rel_path: document.rel_path.clone(),
        title: document.title(),
        component: sheet.component.clone(),
        rows,
        timebox,
        budgets: budget::budget_lines(sheet),
    }
}

/// The findings of a sheet report: a failed row is an error, a row at risk or unmeasured a
/// warning; a budget exceeded an error; a missed checkpoint or a time-box that ran out a warning.
pub fn findings(report: &SheetReport) -> Vec<Finding> {
    let mut findings = Vec::new();
    let finding = |rule: Rule, severity: Severity, row: Option<&str>, line: Option<usize>, message: String| Finding {
        rule,
        severity,
        rel_path: report.rel_path.clone(),
        document: Some(report.id.clone()),
        row: row.map(str::to_string),
        line,
        message,
        related: Vec::new(),
    };
    for row in &report.rows {
        let (rule, severity) = match row.status {
            RowStatus::Pass => continue,
            RowStatus::Warn => (Rule::MetricBelowTarget, Severity::Warning),
            RowStatus::Fail => (Rule::MetricFailed, Severity::Error),
            RowStatus::Missing => (Rule::MetricMissing, Severity::Warning),
        };
        findings.push(finding(rule, severity, Some(&row.id), row.line, format!("{}: {}", row.id, row.message)));
    }
    for line in report.budgets.iter().filter(|line| line.status == RowStatus::Fail) {
        findings.push(finding(
            Rule::BudgetExceeded,
            Severity::Error,
            line.requirement.as_deref(),
            None,
            format!(
                "budgets.{}: measured {} {} is over the budget of {} {}",
                line.budget,
                check::format_number(line.measured.unwrap_or_default()),
                line.unit,
                check::format_number(line.limit),
                line.unit
            ),
        ));
    }
    if let Some(timebox) = &report.timebox {
        for checkpoint in timebox.checkpoints.iter().filter(|checkpoint| checkpoint.status == CheckpointStatus::Missed)
        {
            findings.push(finding(
                Rule::CheckpointMissed,
                Severity::Warning,
                None,
                None,
                format!(
                    "research checkpoint {} missed: {}{}",
                    checkpoint.date.as_deref().unwrap_or("?"),
                    checkpoint.criterion.as_deref().unwrap_or("?"),
                    checkpoint.evidence.as_ref().map(|evidence| format!(" ({evidence})")).unwrap_or_default()
                ),
            ));
        }
        if timebox.expired {
            findings.push(finding(
                Rule::TimeboxExpired,
                Severity::Warning,
                None,
                None,
                format!(
                    "the research time-box ran out on {}; fallback: {}",
                    timebox.ends,
                    timebox.fallback.as_deref().unwrap_or("none set")
                ),
            ));
        }
    }
    findings
}

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub format: Option<InputFormat>,
    /// `--map NAME=metric[@slice]` / `NAME=row-id` rules.
    pub map: Vec<String>,
    /// When the measurements were taken, when the file does not say (`YYYY-MM-DD`); default today.
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub sheet: String,
    pub rel_path: String,
    pub format: InputFormat,
    /// The run file written under `metrics/<sheet-id>/`.
    pub run_path: String,
    pub assignments: Vec<Assignment>,
    pub unmapped: Vec<Point>,
    /// Rows whose `measured` was written.
    pub updated: Vec<String>,
    /// Rows that already hold a newer measurement, left as they were.
    pub kept_newer: Vec<String>,
    /// Hash of the sheet after the import.
    pub hash: String,
}

/// Reads a metrics file, maps it to the sheet's rows, writes a run file under
/// `metrics/<sheet-id>/`, writes each row's latest `measured` into the sheet in place (unless the
/// sheet already holds a newer one), and brings the store's time series up to date.
/// `source` names the file in the run and in `measured.source`.
pub fn import(
    project: &Project,
    store: &mut Store,
    sheet_rel_path: &str,
    source: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<ImportReport, MetricsError> {
    let document = project.read_document(sheet_rel_path)?;
    let sheet = sheet_of(&document)?;
    if let Some(at) = &options.at {
        if date::parse_day(at).is_none() {
            return Err(MetricsError::usage(format!("--at {at}: not a date (YYYY-MM-DD)")));
        }
    }
    let parsed = parse_metrics(source, text, options.format)?;
    let mapping = map_points(source, &sheet.requirements, &parsed.points, &options.map)?;
    if mapping.assignments.is_empty() {
        let names: Vec<&str> = mapping.unmapped.iter().map(|point| point.name.as_str()).collect();
        return Err(MetricsError::usage(format!(
            "{source}: no metric matches a row of {} (metrics in the file: {}); map them with --map NAME=metric[@slice]",
            document.id,
            names.join(", ")
        )));
    }
    let (imported_at, stamp) = date::now_stamps();
    let default_at = options.at.clone().or_else(|| parsed.at.clone()).unwrap_or_else(|| imported_at[..10].to_string());
    let at_of = |point: &Point| point.at.clone().unwrap_or_else(|| default_at.clone());
    let run = runs::Run {
        sheet: document.id.clone(),
        imported_at,
        source: source.to_string(),
        format: parsed.format.as_str().to_string(),
        points: mapping
            .assignments
            .iter()
            .map(|assignment| runs::RunPoint {
                requirement: assignment.requirement.clone(),
                metric: assignment.point.metric.clone(),
                slice: assignment.point.slice.clone(),
                name: assignment.point.name.clone(),
                value: assignment.point.value,
                at: at_of(&assignment.point),
            })
            .collect(),
    };

    let mut edits = Vec::new();
    let mut updated = Vec::new();
    let mut kept_newer = Vec::new();
    for (row_id, point) in mapping.latest() {
        let at = at_of(point);
        let existing = sheet.requirements.iter().find(|row| row.id == row_id).and_then(|row| row.measured.as_ref());
        let newer_exists = existing
            .and_then(|measured| measured.at.as_deref())
            .and_then(date::parse_day)
            .is_some_and(|existing_day| date::parse_day(&at).is_some_and(|day| existing_day > day));
        if newer_exists {
            kept_newer.push(row_id.to_string());
            continue;
        }
        let path = format!("requirements[id={row_id}].measured");
        if existing.is_some() {
            // Each scalar on its own, so the mapping's style and any comment after it stay.
            edits.push((format!("{path}.value"), NewValue::Yaml(yaml_number(point.value))));
            edits.push((format!("{path}.at"), NewValue::Yaml(at.clone())));
            edits.push((format!("{path}.source"), NewValue::Text(source.to_string())));
        } else {
            let source_yaml = serde_json::to_string(source).unwrap_or_else(|_| "\"\"".to_string());
            let value = format!("{{value: {}, at: {at}, source: {source_yaml}}}", yaml_number(point.value));
            edits.push((path, NewValue::Yaml(value)));
        }
        updated.push(row_id.to_string());
    }

    let run_path = runs::write_run(project, &run, &stamp)?;
    let edits = edits.into_iter().map(|(path, value)| Edit::Set { path, value }).collect();
    let request =
        SaveRequest { rel_path: document.rel_path.clone(), base_hash: document.hash.clone(), edits, body: None };
    let saved = match project::save(project, Some(&mut *store), &request) {
        Ok(saved) => saved,
        Err(error) => {
            runs::remove_run(project, &run_path);
            return Err(error.into());
        }
    };
    refresh_store(project, store)?;
    Ok(ImportReport {
        sheet: document.id.clone(),
        rel_path: document.rel_path.clone(),
        format: parsed.format,
        run_path,
        assignments: mapping.assignments,
        unmapped: mapping.unmapped,
        updated,
        kept_newer,
        hash: saved.document.hash,
    })
}

/// A number as YAML: integers without a fraction, others as Rust prints them (shortest exact).
fn yaml_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

/// Brings the store's time series in step with the run files on disk. Unreadable run files are
/// left out (lint reports them).
pub fn refresh_store(project: &Project, store: &mut Store) -> Result<usize, MetricsError> {
    let (runs, _issues) = runs::read_runs(project);
    Ok(store.sync_metric_runs(&runs)?)
}

/// Reports of every requirement sheet in the project (after refreshing the time series), in
/// the order of their paths.
pub fn project_reports(project: &Project, store: &mut Store, today: i64) -> Result<Vec<SheetReport>, MetricsError> {
    sheet_reports(project, store, &project.read_all(), today)
}

/// [`project_reports`] of documents already parsed (`Project::read_all`'s).
pub fn sheet_reports(
    project: &Project,
    store: &mut Store,
    documents: &[Document],
    today: i64,
) -> Result<Vec<SheetReport>, MetricsError> {
    refresh_store(project, store)?;
    let series = store.all_metric_series()?;
    let mut reports = Vec::new();
    for document in documents {
        let Some(Typed::Requirements(sheet)) = &document.typed else { continue };
        let series = series.get(&document.id).map_or(&[][..], Vec::as_slice);
        reports.push(sheet_report(document, sheet, series, &BTreeMap::new(), today));
    }
    reports.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(reports)
}

/// The report of one sheet (after refreshing the time series).
pub fn one_report(
    project: &Project,
    store: &mut Store,
    rel_path: &str,
    today: i64,
) -> Result<SheetReport, MetricsError> {
    refresh_store(project, store)?;
    let document = project.read_document(rel_path)?;
    let sheet = sheet_of(&document)?;
    let series = store.metric_series(&document.id)?;
    Ok(sheet_report(&document, sheet, &series, &BTreeMap::new(), today))
}

/// `seam check --metrics FILE`: the values of FILE judged against every sheet that has a row
/// they map to (rows FILE does not measure keep their sheet's `measured`). Nothing is written.
pub fn check_file(
    project: &Project,
    store: &mut Store,
    source: &str,
    text: &str,
    options: &ImportOptions,
    today: i64,
) -> Result<Vec<SheetReport>, MetricsError> {
    let parsed = parse_metrics(source, text, options.format)?;
    refresh_store(project, store)?;
    let mut reports = Vec::new();
    let mut any_mapped = false;
    let mut rules_applied = false;
    let mut rule_error = None;
    let documents = project.read_all();
    for document in &documents {
        let Some(Typed::Requirements(sheet)) = &document.typed else { continue };
        // `--map` rules name rows of one sheet; on the other sheets they do not apply.
        let mapping = match map_points(source, &sheet.requirements, &parsed.points, &options.map) {
            Ok(mapping) => {
                rules_applied = true;
                mapping
            }
            Err(MetricsError::Usage(message)) if message.starts_with("--map") => {
                rule_error.get_or_insert(MetricsError::Usage(message));
                map_points(source, &sheet.requirements, &parsed.points, &[])?
            }
            Err(error) => return Err(error),
        };
        if mapping.assignments.is_empty() {
            continue;
        }
        any_mapped = true;
        let default_at = options.at.clone().or_else(|| parsed.at.clone());
        let overrides: BTreeMap<String, MeasuredValue> = mapping
            .latest()
            .into_iter()
            .map(|(row, point)| {
                let measured = MeasuredValue {
                    value: point.value,
                    at: point.at.clone().or_else(|| default_at.clone()),
                    source: Some(source.to_string()),
                };
                (row.to_string(), measured)
            })
            .collect();
        let series = store.metric_series(&document.id)?;
        reports.push(sheet_report(document, sheet, &series, &overrides, today));
    }
    if let (false, Some(error)) = (rules_applied, rule_error) {
        return Err(error);
    }
    if !any_mapped {
        let names: Vec<&str> = parsed.points.iter().map(|point| point.name.as_str()).collect();
        return Err(MetricsError::usage(format!(
            "{source}: no metric matches a row of any requirement sheet (metrics in the file: {}); map them with --map NAME=metric[@slice]",
            names.join(", ")
        )));
    }
    reports.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(reports)
}

/// Everything the dashboard shows: every sheet's report and the graph of the system.
pub struct Overview {
    pub sheets: Vec<SheetReport>,
    pub graph: system::SystemGraph,
}

/// Builds the dashboard's overview: every sheet judged (after refreshing the time series) and the
/// system graph with each node's open issues (`lint`'s issues of its file plus unresolved
/// comments). The caller passes the project's lint (the app's is cached, see
/// `lint::lint_cached`). Documents are parsed on every core and reduced at once to what the
/// graph needs, sheets judged against their series (read from the store first, all at once) as
/// they are parsed — a 10k project's parsed documents took 800 MB when they were all held.
pub fn overview(
    project: &Project,
    store: &mut Store,
    today: i64,
    lint: &crate::lint::LintReport,
) -> Result<Overview, MetricsError> {
    use rayon::prelude::*;
    refresh_store(project, store)?;
    let series = store.all_metric_series()?;
    // Each document is reduced to what the graph needs as it is parsed, and a sheet is judged
    // there too: nothing parsed is held past its turn.
    let (facts, sheets): (Vec<system::GraphFacts>, Vec<Option<SheetReport>>) = project
        .document_paths()
        .par_iter()
        .filter_map(|rel| {
            let document = project.read_document(rel).ok()?;
            let facts = system::GraphFacts::of(&document)?;
            let report = match (&facts.part, &document.typed) {
                (system::GraphPart::Requirements { .. }, Some(Typed::Requirements(sheet))) => {
                    let series = series.get(&document.id).map_or(&[][..], Vec::as_slice);
                    Some(sheet_report(&document, sheet, series, &BTreeMap::new(), today))
                }
                _ => None,
            };
            Some((facts, report))
        })
        .unzip();
    let mut sheets: Vec<SheetReport> = sheets.into_iter().flatten().collect();
    sheets.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let mut open_issues: BTreeMap<String, usize> = BTreeMap::new();
    for issue in &lint.issues {
        *open_issues.entry(issue.rel_path.clone()).or_default() += 1;
    }
    let path_of_id: BTreeMap<&str, &str> =
        facts.iter().map(|document| (document.id.as_str(), document.rel_path.as_str())).collect();
    // The documents with unresolved comments, one entry per comment, read on every core.
    let commented: Vec<&str> = project
        .comment_paths()
        .par_iter()
        .filter_map(|rel| {
            let bytes = project
                .resolve(rel)
                .and_then(|path| std::fs::read(&path).map_err(|source| ProjectError::Io { path: rel.clone(), source }))
                .ok()?;
            let comment = crate::document::parse_comment(rel, &bytes);
            let resolved = comment.json.get("resolved").and_then(serde_json::Value::as_bool).unwrap_or(false);
            let target = comment.json.get("document").and_then(serde_json::Value::as_str)?;
            if resolved {
                return None;
            }
            path_of_id.get(target).copied()
        })
        .collect();
    for path in commented {
        *open_issues.entry(path.to_string()).or_default() += 1;
    }
    let graph = system::system_graph(&facts, &open_issues, &sheets);
    Ok(Overview { sheets, graph })
}

/// Largest metrics file Seam reads.
pub const MAX_METRICS_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads a metrics file the user chose (a path on the command line, from a dialog, or dropped on
/// the window): read-only, at most `MAX_METRICS_FILE_BYTES`, UTF-8. Returns its text and the
/// name to record it under: its path inside the project when it lies there, else only its file
/// name (no device-local paths go into shared files).
pub fn read_metrics_file(project: &Project, file: &std::path::Path) -> Result<(String, String), MetricsError> {
    let shown = file.display().to_string();
    let io = |source: std::io::Error| MetricsError::Project(ProjectError::Io { path: shown.clone(), source });
    let metadata = std::fs::metadata(file).map_err(io)?;
    if !metadata.is_file() {
        return Err(MetricsError::input(&shown, None, "not a file"));
    }
    if metadata.len() > MAX_METRICS_FILE_BYTES {
        return Err(MetricsError::input(&shown, None, "larger than 10 MB; not a metrics file"));
    }
    let bytes = std::fs::read(file).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|_| MetricsError::input(&shown, None, "not UTF-8 text"))?;
    let absolute = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let source = match absolute.strip_prefix(&project.root) {
        Ok(relative) => relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => file.file_name().map_or_else(|| shown.clone(), |name| name.to_string_lossy().into_owned()),
    };
    Ok((text, source))
}
