//! `seam metrics import|show` and `seam check`: requirement rows against measured values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use seam_core::check::Finding;
use seam_core::document::Severity;
use seam_core::metrics::{self, date, ImportOptions, InputFormat, RowStatus, SheetReport};
use seam_core::project::{self, Project};
use seam_core::store::Store;

use crate::{print_json, report, resolve_id, ChecksFailed, Format};

#[derive(Subcommand)]
pub enum MetricsCommand {
    /// Read evaluation results from FILE, write each mapped row's `measured` into sheet ID and
    /// add the run to the shared time series (metrics/<ID>/).
    Import {
        id: String,
        file: PathBuf,
        /// Map a name in FILE to a row: NAME=metric[@slice] or NAME=row-id (repeatable).
        #[arg(long = "map", value_name = "NAME=METRIC[@SLICE]")]
        map: Vec<String>,
        /// The input format (default: from the file name and content).
        #[arg(long, value_parser = parse_input_format)]
        format: Option<InputFormat>,
        /// When the values were measured (YYYY-MM-DD), if FILE does not say; default today.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show each row of sheet ID against its measurements, the research time-box and budgets.
    Show {
        id: String,
        /// Judge the time-box as of DATE (YYYY-MM-DD) instead of today.
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct CheckArgs {
    /// A metrics file whose values are judged instead of the sheets' own (repeatable).
    #[arg(long = "metrics", value_name = "FILE")]
    metrics: Vec<PathBuf>,
    /// Map a name in the metrics files to a row: NAME=metric[@slice] or NAME=row-id (repeatable).
    #[arg(long = "map", value_name = "NAME=METRIC[@SLICE]")]
    map: Vec<String>,
    /// The metrics files' format (default: from each file's name and content).
    #[arg(long, value_parser = parse_input_format)]
    metrics_format: Option<InputFormat>,
    /// Judge the time-box as of DATE (YYYY-MM-DD) instead of today.
    #[arg(long)]
    today: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
}

fn parse_input_format(text: &str) -> Result<InputFormat, String> {
    InputFormat::parse(text)
        .ok_or_else(|| format!("unknown format; one of {}", InputFormat::ALL.map(InputFormat::as_str).join(", ")))
}

fn today_of(text: Option<&str>) -> Result<i64> {
    match text {
        None => Ok(date::today()),
        Some(text) => date::parse_day(text).ok_or_else(|| anyhow!("--today {text}: not a date (YYYY-MM-DD)")),
    }
}

fn open(start: &Path) -> Result<(Project, Store)> {
    let project = Project::discover(start)?;
    let mut store = Store::open_for_project(&project.root)?;
    project::index(&project, &mut store)?;
    Ok((project, store))
}

pub fn run_metrics(start: &Path, command: &MetricsCommand) -> Result<()> {
    match command {
        MetricsCommand::Import { id, file, map, format, at, json } => {
            let (project, mut store) = open(start)?;
            let rel_path = resolve_id(&project, &store, id)?;
            let (text, source) = metrics::read_metrics_file(&project, file)?;
            let options = ImportOptions { format: *format, map: map.clone(), at: at.clone() };
            let report = metrics::import(&project, &mut store, &rel_path, &source, &text, &options)?;
            if *json {
                return print_json(&json!({
                    "sheet": report.sheet,
                    "path": report.rel_path,
                    "format": report.format.as_str(),
                    "run": report.run_path,
                    "hash": report.hash,
                    "updated": report.updated,
                    "kept_newer": report.kept_newer,
                    "assigned": report.assignments.iter().map(|assignment| json!({
                        "requirement": assignment.requirement,
                        "name": assignment.point.name,
                        "metric": assignment.point.metric,
                        "slice": assignment.point.slice,
                        "value": assignment.point.value,
                        "at": assignment.point.at,
                        "explicit": assignment.explicit,
                    })).collect::<Vec<_>>(),
                    "unmapped": report.unmapped.iter().map(|point| json!({
                        "name": point.name, "metric": point.metric, "slice": point.slice, "value": point.value,
                        "line": point.line,
                    })).collect::<Vec<_>>(),
                }));
            }
            println!("{}: read {} as {}", report.rel_path, source, report.format.as_str());
            for assignment in &report.assignments {
                println!(
                    "  {:<28} <- {} = {}{}",
                    assignment.requirement,
                    assignment.point.name,
                    metrics::check::format_number(assignment.point.value),
                    assignment.point.at.as_ref().map(|at| format!(" ({at})")).unwrap_or_default()
                );
            }
            if !report.updated.is_empty() {
                println!("measured written for: {}", report.updated.join(", "));
            }
            if !report.kept_newer.is_empty() {
                println!("kept (the sheet holds a newer measurement): {}", report.kept_newer.join(", "));
            }
            println!("run saved as {}", report.run_path);
            if !report.unmapped.is_empty() {
                let names: Vec<&str> = report.unmapped.iter().map(|point| point.name.as_str()).collect();
                eprintln!(
                    "not mapped to any row: {} (use --map NAME=metric[@slice] if one of them is a row's measurement)",
                    names.join(", ")
                );
            }
            Ok(())
        }
        MetricsCommand::Show { id, today, json } => {
            let today = today_of(today.as_deref())?;
            let (project, mut store) = open(start)?;
            let rel_path = resolve_id(&project, &store, id)?;
            let report = metrics::one_report(&project, &mut store, &rel_path, today)?;
            if *json {
                return print_json(&sheet_json(&report));
            }
            print_sheet(&report);
            Ok(())
        }
    }
}

pub fn run_check(start: &Path, args: &CheckArgs) -> Result<()> {
    let today = today_of(args.today.as_deref())?;
    let (project, mut store) = open(start)?;
    let mut reports = Vec::new();
    if args.metrics.is_empty() {
        reports = metrics::project_reports(&project, &mut store, today)?;
    }
    for file in &args.metrics {
        let (text, source) = metrics::read_metrics_file(&project, file)?;
        let options = ImportOptions { format: args.metrics_format, map: args.map.clone(), at: None };
        reports.extend(metrics::check_file(&project, &mut store, &source, &text, &options, today)?);
    }
    let findings: Vec<Finding> = reports.iter().flat_map(metrics::findings).collect();
    let errors = findings.iter().filter(|finding| finding.severity == Severity::Error).count();
    let format = if args.json { Format::Json } else { args.format };
    match format {
        Format::Text => {
            for finding in &findings {
                println!("{}", finding.display());
            }
            let rows: usize = reports.iter().map(|report| report.rows.len()).sum();
            let count = |status| reports.iter().map(|report| report.count(status)).sum::<usize>();
            eprintln!(
                "{} sheets, {rows} rows: {} pass, {} warn, {} fail, {} missing; {errors} errors, {} warnings",
                reports.len(),
                count(RowStatus::Pass),
                count(RowStatus::Warn),
                count(RowStatus::Fail),
                count(RowStatus::Missing),
                findings.len() - errors
            );
        }
        Format::Json => print_json(&json!({
            "root": project.root,
            "errors": errors,
            "warnings": findings.len() - errors,
            "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
            "sheets": reports.iter().map(sheet_json).collect::<Vec<_>>(),
        }))?,
        Format::Junit => {
            // One test case per requirement row, plus one per sheet for its budgets and time-box.
            let mut cases: Vec<(String, Vec<&Finding>)> = Vec::new();
            for report in &reports {
                let of_sheet = |finding: &&Finding| finding.document.as_deref() == Some(report.id.as_str());
                for row in &report.rows {
                    let row_findings: Vec<&Finding> = findings
                        .iter()
                        .filter(of_sheet)
                        .filter(|finding| finding.row.as_deref() == Some(row.id.as_str()) && is_row_rule(finding))
                        .collect();
                    cases.push((format!("{}/{}", report.id, row.id), row_findings));
                }
                let sheet_findings: Vec<&Finding> =
                    findings.iter().filter(of_sheet).filter(|finding| !is_row_rule(finding)).collect();
                cases.push((format!("{}/budgets", report.id), sheet_findings));
            }
            print!("{}", report::junit("seam check", "seam.check", &cases));
        }
        Format::Sarif => print_json(&report::sarif(&findings))?,
    }
    if errors > 0 {
        return Err(ChecksFailed.into());
    }
    Ok(())
}

fn is_row_rule(finding: &Finding) -> bool {
    use seam_core::check::Rule;
    matches!(finding.rule, Rule::MetricFailed | Rule::MetricBelowTarget | Rule::MetricMissing)
}

fn finding_json(finding: &Finding) -> Value {
    json!({
        "rule": finding.rule.as_str(),
        "severity": finding.severity.as_str(),
        "path": finding.rel_path,
        "document": finding.document,
        "row": finding.row,
        "line": finding.line,
        "message": finding.message,
    })
}

pub fn sheet_json(report: &SheetReport) -> Value {
    let counts: BTreeMap<&str, usize> = [RowStatus::Pass, RowStatus::Warn, RowStatus::Fail, RowStatus::Missing]
        .into_iter()
        .map(|status| (status.as_str(), report.count(status)))
        .collect();
    json!({
        "id": report.id,
        "path": report.rel_path,
        "title": report.title,
        "component": report.component,
        "counts": counts,
        "rows": report.rows.iter().map(|row| json!({
            "id": row.id,
            "metric": row.metric,
            "slice": row.slice,
            "quality": row.quality,
            "op": row.op,
            "target": row.target,
            "threshold": row.threshold,
            "tolerance": row.tolerance,
            "unit": row.unit,
            "state": row.state,
            "status": row.status.as_str(),
            "message": row.message,
            "line": row.line,
            "measured": row.measured.as_ref().map(|measured| json!({
                "value": measured.value, "at": measured.at, "source": measured.source,
            })),
            "series": row.series.iter().map(|point| json!({
                "value": point.value, "at": point.at, "name": point.name, "source": point.source, "run": point.run,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "timebox": report.timebox.as_ref().map(|timebox| json!({
            "started": timebox.started,
            "ends": timebox.ends,
            "weeks": timebox.weeks,
            "total_days": timebox.total_days,
            "elapsed_days": timebox.elapsed_days,
            "remaining_days": timebox.remaining_days,
            "expired": timebox.expired,
            "fallback": timebox.fallback,
            "checkpoints": timebox.checkpoints.iter().map(|checkpoint| json!({
                "date": checkpoint.date,
                "criterion": checkpoint.criterion,
                "status": checkpoint.status.as_str(),
                "evidence": checkpoint.evidence,
            })).collect::<Vec<_>>(),
        })),
        "budgets": report.budgets.iter().map(|line| json!({
            "budget": line.budget,
            "limit": line.limit,
            "unit": line.unit,
            "measured": line.measured,
            "requirement": line.requirement,
            "status": line.status.as_str(),
        })).collect::<Vec<_>>(),
    })
}

fn print_sheet(report: &SheetReport) {
    use metrics::check::format_number;
    println!("{}  ({})", report.title, report.rel_path);
    println!(
        "{} pass, {} warn, {} fail, {} missing",
        report.count(RowStatus::Pass),
        report.count(RowStatus::Warn),
        report.count(RowStatus::Fail),
        report.count(RowStatus::Missing)
    );
    for row in &report.rows {
        let history = match row.series.len() {
            0 | 1 => String::new(),
            count => format!("  [{count} measurements]"),
        };
        let at = row
            .measured
            .as_ref()
            .and_then(|measured| measured.at.clone())
            .map(|at| format!(" ({at})"))
            .unwrap_or_default();
        println!("  {:<8} {:<26} {}{at}{history}", row.status.as_str(), row.id, row.message);
    }
    if let Some(timebox) = &report.timebox {
        println!();
        println!(
            "Research time-box: {} weeks, {} to {}: {} of {} days used, {} left{}",
            format_number(timebox.weeks),
            timebox.started,
            timebox.ends,
            timebox.elapsed_days,
            timebox.total_days,
            timebox.remaining_days,
            if timebox.expired { " — ran out" } else { "" }
        );
        if timebox.expired {
            println!("  fallback: {}", timebox.fallback.as_deref().unwrap_or("none set"));
        }
        for checkpoint in &timebox.checkpoints {
            println!(
                "  {:<8} {}  {}{}",
                checkpoint.status.as_str(),
                checkpoint.date.as_deref().unwrap_or("?"),
                checkpoint.criterion.as_deref().unwrap_or(""),
                checkpoint.evidence.as_ref().map(|evidence| format!("  ({evidence})")).unwrap_or_default()
            );
        }
    }
    if !report.budgets.is_empty() {
        println!();
        println!("Budgets:");
        for line in &report.budgets {
            let measured = line
                .measured
                .map_or_else(|| "not measured".to_string(), |value| format!("{} {}", format_number(value), line.unit));
            println!(
                "  {:<8} {:<26} {measured} of {} {}{}",
                line.status.as_str(),
                line.budget,
                format_number(line.limit),
                line.unit,
                line.requirement.as_ref().map(|row| format!("  (row {row})")).unwrap_or_default()
            );
        }
    }
}
