//! `seam check`: every check in one pass — lint, metric thresholds and budgets, dataset notes
//! against their data files, consistency across documents, and contract version bumps against
//! `--against REV` — with severities and ignores from `[check]` in seam.toml (docs/CHECKS.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use clap::Args;
use serde_json::{json, Value};

use seam_core::check::{Finding, Rule};
use seam_core::checkconfig::{self, Ignored};
use seam_core::document::{Document, Severity};
use seam_core::metrics::{self, ImportOptions, InputFormat, RowStatus};
use seam_core::project::CONFIG_FILE;
use seam_core::{checkrun, consistency};

use crate::metrics_cli::{open, parse_input_format, sheet_json, today_of};
use crate::{print_json, report, ChecksFailed, Format};

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
    /// Validate dataset note ID against FILE (a path from the working directory; repeatable;
    /// replaces the note's file from [check.data] in seam.toml).
    #[arg(long = "data", value_name = "ID=FILE")]
    data: Vec<String>,
    /// Compare every contract with its version at REV (a git revision, `git:REV`, or a version
    /// from `seam history`) and fail when its version was not bumped enough.
    #[arg(long, value_name = "REV")]
    against: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
}

fn is_sheet_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::MetricFailed
            | Rule::MetricBelowTarget
            | Rule::MetricMissing
            | Rule::BudgetExceeded
            | Rule::CheckpointMissed
            | Rule::TimeboxExpired
    )
}

fn is_row_rule(rule: Rule) -> bool {
    matches!(rule, Rule::MetricFailed | Rule::MetricBelowTarget | Rule::MetricMissing)
}

fn config_problem(line: usize, message: String) -> Finding {
    Finding {
        rule: Rule::CheckConfig,
        severity: Severity::Error,
        rel_path: CONFIG_FILE.to_string(),
        document: None,
        row: None,
        line: Some(line),
        message,
        related: Vec::new(),
    }
}

/// The data files to check: `[check.data]` entries (paths inside the project; a bad entry is a
/// `check-config` error), then `--data ID=FILE` (paths from the working directory; a bad one is
/// bad usage).
fn data_targets<'a>(
    project: &seam_core::project::Project,
    config: &mut checkconfig::CheckConfig,
    documents: &'a [Document],
    options: &[String],
) -> Result<BTreeMap<String, (&'a Document, PathBuf, String)>> {
    let mut targets = BTreeMap::new();
    for (id, file) in &config.data {
        let Some(note) = checkrun::find_dataset(documents, id) else {
            config.problems.push(config_problem(
                file.line,
                format!("[check.data] {id}: no dataset note has this id (see `seam list --kind dataset`)"),
            ));
            continue;
        };
        match project.resolve(&file.rel_path) {
            Ok(path) => {
                targets.insert(note.id.clone(), (note, path, file.rel_path.clone()));
            }
            Err(error) => config.problems.push(config_problem(
                file.line,
                format!("[check.data] {id}: {error}; data files named in seam.toml must be inside the project"),
            )),
        }
    }
    for option in options {
        let (id, file) = option
            .split_once('=')
            .ok_or_else(|| anyhow!("--data {option}: expected ID=FILE (a dataset note id and its data file)"))?;
        let note = checkrun::find_dataset(documents, id).ok_or_else(|| {
            anyhow!("--data {option}: no dataset note with id \"{id}\" (see `seam list --kind dataset`)")
        })?;
        targets.insert(note.id.clone(), (note, PathBuf::from(file), file.to_string()));
    }
    Ok(targets)
}

pub fn run_check(start: &Path, args: &CheckArgs) -> Result<()> {
    let today = today_of(args.today.as_deref())?;
    let (project, mut store) = open(start)?;
    // Parsed once for every check below.
    let documents = project.read_all();
    let mut reports = Vec::new();
    if args.metrics.is_empty() {
        reports = metrics::sheet_reports(&project, &mut store, &documents, today)?;
    }
    for file in &args.metrics {
        let (text, source) = metrics::read_metrics_file(&project, file)?;
        let options = ImportOptions { format: args.metrics_format, map: args.map.clone(), at: None };
        reports.extend(metrics::check_file(&project, &mut store, &source, &text, &options, today)?);
    }
    let mut findings: Vec<Finding> = reports.iter().flat_map(metrics::findings).collect();
    // Lint issues know their file only; name the document too, so ignore entries can use its id
    // (a file whose front matter does not parse goes by its file name, as everywhere).
    let ids: BTreeMap<&str, &str> =
        documents.iter().map(|document| (document.rel_path.as_str(), document.id.as_str())).collect();
    findings.extend(checkrun::lint_findings(&project, &documents).into_iter().map(|mut finding| {
        finding.document = ids.get(finding.rel_path.as_str()).map(|id| id.to_string());
        finding
    }));

    let config_path = project.root.join(CONFIG_FILE);
    let config_text =
        std::fs::read_to_string(&config_path).map_err(|error| anyhow!("{}: {error}", config_path.display()))?;
    let mut config = checkconfig::parse(&config_text);
    for (note, path, shown) in data_targets(&project, &mut config, &documents, &args.data)?.values() {
        findings.extend(checkrun::data_findings(note, path, shown));
    }
    findings.extend(consistency::check(&documents));
    if let Some(rev) = &args.against {
        let against = checkrun::parse_against(&project, rev)?;
        findings.extend(checkrun::against_findings(&project, &store, &documents, &against, rev)?);
    }
    let applied = checkconfig::apply(&config, findings);
    let findings = &applied.findings;
    let count = |severity: Severity| findings.iter().filter(|finding| finding.severity == severity).count();
    let (errors, warnings, infos) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));

    let format = if args.json { Format::Json } else { args.format };
    match format {
        Format::Text => {
            for finding in findings {
                println!("{}", finding.display());
                for other in &finding.related {
                    println!("    {}", related_text(other));
                }
            }
            for ignored in &applied.ignored {
                println!("{}  (ignored: {}, seam.toml:{})", ignored.finding.display(), ignored.reason, ignored.line);
            }
            let rows: usize = reports.iter().map(|report| report.rows.len()).sum();
            let rows_of = |status| reports.iter().map(|report| report.count(status)).sum::<usize>();
            eprintln!(
                "{} sheets, {rows} rows: {} pass, {} warn, {} fail, {} missing; {errors} errors, {warnings} warnings, {infos} info, {} ignored",
                reports.len(),
                rows_of(RowStatus::Pass),
                rows_of(RowStatus::Warn),
                rows_of(RowStatus::Fail),
                rows_of(RowStatus::Missing),
                applied.ignored.len()
            );
        }
        Format::Json => print_json(&json!({
            "root": project.root,
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
            "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
            "ignored": applied.ignored.iter().map(ignored_json).collect::<Vec<_>>(),
            "sheets": reports.iter().map(sheet_json).collect::<Vec<_>>(),
        }))?,
        Format::Junit => {
            // One test case per requirement row, one per sheet for its budgets and time-box, and
            // one per file for every other check.
            let mut cases: Vec<(String, Vec<&Finding>)> = Vec::new();
            for report in &reports {
                let of_sheet = |finding: &&Finding| {
                    finding.document.as_deref() == Some(report.id.as_str()) && is_sheet_rule(finding.rule)
                };
                for row in &report.rows {
                    let row_findings: Vec<&Finding> = findings
                        .iter()
                        .filter(of_sheet)
                        .filter(|finding| finding.row.as_deref() == Some(row.id.as_str()) && is_row_rule(finding.rule))
                        .collect();
                    cases.push((format!("{}/{}", report.id, row.id), row_findings));
                }
                let sheet_findings: Vec<&Finding> =
                    findings.iter().filter(of_sheet).filter(|finding| !is_row_rule(finding.rule)).collect();
                cases.push((format!("{}/budgets", report.id), sheet_findings));
            }
            let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
            for finding in findings.iter().filter(|finding| !is_sheet_rule(finding.rule)) {
                by_file.entry(finding.rel_path.as_str()).or_default().push(finding);
            }
            cases.extend(by_file.into_iter().map(|(file, findings)| (file.to_string(), findings)));
            print!("{}", report::junit("seam check", "seam.check", &cases));
        }
        Format::Sarif => print_json(&report::sarif(findings, &applied.ignored))?,
    }
    if errors > 0 {
        return Err(ChecksFailed.into());
    }
    Ok(())
}

fn related_text(other: &seam_core::check::Related) -> String {
    let location = match other.line {
        Some(line) => format!("{}:{line}", other.rel_path),
        None => other.rel_path.clone(),
    };
    let field = other.field.as_deref().map(|field| format!(" {field}")).unwrap_or_default();
    format!("see {location} ({}{field})", other.document.as_deref().unwrap_or(""))
}

pub fn finding_json(finding: &Finding) -> Value {
    json!({
        "rule": finding.rule.as_str(),
        "severity": finding.severity.as_str(),
        "path": finding.rel_path,
        "document": finding.document,
        "row": finding.row,
        "line": finding.line,
        "message": finding.message,
        "related": finding.related.iter().map(|other| json!({
            "path": other.rel_path, "document": other.document, "field": other.field, "line": other.line,
        })).collect::<Vec<_>>(),
    })
}

fn ignored_json(ignored: &Ignored) -> Value {
    let mut value = finding_json(&ignored.finding);
    if let Some(object) = value.as_object_mut() {
        object.insert("reason".to_string(), json!(ignored.reason));
        object.insert("ignore_line".to_string(), json!(ignored.line));
    }
    value
}
