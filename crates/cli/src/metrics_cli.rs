//! `seam metrics import|show`: requirement rows against measured values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use clap::Subcommand;
use serde_json::{json, Value};

use seam_core::metrics::{self, date, ImportOptions, InputFormat, RowStatus, SheetReport};
use seam_core::project::{self, Project};
use seam_core::store::Store;

use crate::{print_json, resolve_id};

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

pub(crate) fn parse_input_format(text: &str) -> Result<InputFormat, String> {
    InputFormat::parse(text)
        .ok_or_else(|| format!("unknown format; one of {}", InputFormat::ALL.map(InputFormat::as_str).join(", ")))
}

pub(crate) fn today_of(text: Option<&str>) -> Result<i64> {
    match text {
        None => Ok(date::today()),
        Some(text) => date::parse_day(text).ok_or_else(|| anyhow!("--today {text}: not a date (YYYY-MM-DD)")),
    }
}

pub(crate) fn open(start: &Path) -> Result<(Project, Store)> {
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
