//! `seam`: the command line over seam-core. Exit codes: 0 success, 1 checks failed, 2 bad usage
//! or unreadable input. `--json` shapes are documented in docs/CLI.md.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};

use seam_core::check::Finding;
use seam_core::document::edit::NewValue;
use seam_core::document::Issue;
use seam_core::lint::LintReport;
use seam_core::project::{self, Project, SaveRequest};
use seam_core::store::{ListFilter, Store};
use seam_core::sync::{ChangeKind, WatchMode};

mod metrics_cli;
mod report;

#[derive(Parser)]
#[command(
    name = "seam",
    version,
    about = "Seam: requirement sheets, interface contracts and dataset notes for ML-enabled systems"
)]
struct Cli {
    /// Run as if started in DIR (the project is found from there upwards).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    directory: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a project in DIR (new or empty): empty, or a copy of the example project.
    Init {
        dir: PathBuf,
        #[arg(long)]
        example: bool,
    },
    /// Bring the local index up to date with the folder.
    Index {
        /// Apply deletions even when more than half of the documents vanished at once.
        #[arg(long)]
        allow_mass_deletion: bool,
        #[arg(long)]
        json: bool,
    },
    /// Watch the folder and print one event per change until interrupted.
    Watch {
        /// One JSON object per line (NDJSON).
        #[arg(long)]
        json: bool,
        /// Poll instead of OS notifications (network file systems).
        #[arg(long)]
        poll: bool,
    },
    /// Every version of a document Seam has seen or written, newest first.
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write an earlier version back as a new save (REV: a hash prefix from `seam history`).
    Restore { id: String, rev: String },
    /// List documents.
    List {
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one document (by id or by path).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Full-text search.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Set one front matter value in place (see docs/PATHS.md for FIELD.PATH).
    Set {
        id: String,
        path: String,
        value: String,
        /// Write VALUE as a string even if it reads as YAML (a number, a list...).
        #[arg(long)]
        string: bool,
        #[arg(long)]
        json: bool,
    },
    /// Import evaluation results and show requirement rows against their measurements.
    Metrics {
        #[command(subcommand)]
        command: metrics_cli::MetricsCommand,
    },
    /// Check requirement rows against measured values (the sheets' own, or those of --metrics
    /// FILE), budgets and the research time-box.
    Check(metrics_cli::CheckArgs),
    /// Check every document: syntax, required keys, value shapes, links, duplicate ids.
    Lint {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Same as --format json.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Junit,
    Sarif,
}

/// Failures that mean "checks failed" (exit 1) rather than bad usage (exit 2).
#[derive(Debug)]
pub(crate) struct ChecksFailed;

impl std::fmt::Display for ChecksFailed {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("checks failed")
    }
}

impl std::error::Error for ChecksFailed {}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is::<ChecksFailed>() => ExitCode::from(1),
        Err(error) => {
            eprintln!("seam: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn start_dir(cli: &Cli) -> PathBuf {
    cli.directory.clone().unwrap_or_else(|| PathBuf::from("."))
}

fn open(cli: &Cli) -> Result<(Project, Store)> {
    let project = Project::discover(&start_dir(cli))?;
    let store = Store::open_for_project(&project.root)?;
    Ok((project, store))
}

/// Opens the project, brings the index up to date and finds the document `id` names.
fn open_document(cli: &Cli, id: &str) -> Result<(Project, Store, String)> {
    let (project, mut store) = open(cli)?;
    project::index(&project, &mut store)?;
    let rel_path = resolve_id(&project, &store, id)?;
    Ok((project, store, rel_path))
}

pub(crate) fn print_json(value: &Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn issue_json(issue: &Issue) -> Value {
    json!({
        "path": issue.rel_path,
        "line": issue.line,
        "severity": issue.severity.as_str(),
        "code": issue.code,
        "field": issue.field,
        "message": issue.message,
    })
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Init { dir, example } => {
            let dir = match &cli.directory {
                Some(base) if dir.is_relative() => base.join(dir),
                _ => dir.clone(),
            };
            seam_core::example::init_project(&dir, *example)?;
            println!("Created {} project in {}", if *example { "the example" } else { "an empty" }, dir.display());
            Ok(())
        }
        Command::Index { json, allow_mass_deletion } => {
            let (project, mut store) = open(&cli)?;
            let options = project::IndexOptions { allow_mass_deletion: *allow_mass_deletion, ..Default::default() };
            project.remove_stale_temp_files();
            let report = project::index_with(&project, &mut store, options)?;
            if let Some(held) = report.changes.iter().find(|change| change.kind == ChangeKind::DeletionsHeld) {
                eprintln!("warning: {}", held.message.as_deref().unwrap_or_default());
            }
            if *json {
                print_json(&json!({
                    "root": project.root,
                    "database": store.path(),
                    "files": report.files,
                    "parsed": report.parsed,
                    "removed": report.removed,
                    "millis": report.millis,
                    "issues": report.issues.iter().map(issue_json).collect::<Vec<_>>(),
                }))
            } else {
                for issue in &report.issues {
                    eprintln!("{}", issue.display());
                }
                println!(
                    "Indexed {} files ({} read, {} removed) in {} ms into {}",
                    report.files,
                    report.parsed,
                    report.removed,
                    report.millis,
                    store.path().display()
                );
                Ok(())
            }
        }
        Command::List { kind, status, json } => {
            let (project, mut store) = open(&cli)?;
            project::index(&project, &mut store)?;
            let rows = store.list(&ListFilter { kind: kind.clone(), status: status.clone() })?;
            if *json {
                return print_json(&Value::Array(
                    rows.iter()
                        .map(|row| {
                            json!({
                                "id": row.id, "kind": row.kind, "title": row.title, "status": row.status,
                                "version": row.version, "path": row.rel_path, "owners": row.owners, "tags": row.tags,
                                "errors": row.error_count,
                            })
                        })
                        .collect(),
                ));
            }
            for row in &rows {
                println!(
                    "{:<13} {:<10} {:<36} {}{}",
                    row.kind.as_deref().unwrap_or("?"),
                    row.status.as_deref().unwrap_or("-"),
                    row.id,
                    row.title,
                    if row.error_count > 0 { format!("  ({} errors)", row.error_count) } else { String::new() }
                );
            }
            Ok(())
        }
        Command::Show { id, json } => {
            let (project, _store, rel_path) = open_document(&cli, id)?;
            let document = project.read_document(&rel_path)?;
            if *json {
                return print_json(&json!({
                    "id": document.id,
                    "kind": document.kind.map(|kind| kind.as_str()),
                    "path": document.rel_path,
                    "title": document.title(),
                    "status": document.status(),
                    "version": document.version(),
                    "hash": document.hash,
                    "read_only": document.read_only,
                    "front_matter": document.json,
                    "body": document.body(),
                    "issues": document.issues.iter().map(issue_json).collect::<Vec<_>>(),
                }));
            }
            println!("{}  ({})", document.title(), document.rel_path);
            println!(
                "id: {}   kind: {}   status: {}{}",
                document.id,
                document.kind.map_or("?", |kind| kind.as_str()),
                document.status().unwrap_or_else(|| "-".to_string()),
                document.version().map(|version| format!("   version: {version}")).unwrap_or_default()
            );
            for issue in &document.issues {
                println!("{}", issue.display());
            }
            println!();
            if let Some(span) = document.front_matter {
                print!("{}", &document.text[span.yaml_start..span.yaml_end]);
                println!();
            }
            print!("{}", document.body());
            Ok(())
        }
        Command::Search { query, limit, json } => {
            let (project, mut store) = open(&cli)?;
            project::index(&project, &mut store)?;
            let hits = store.search(query, *limit)?;
            if *json {
                return print_json(&Value::Array(
                    hits.iter()
                        .map(|hit| {
                            json!({
                                "id": hit.id, "kind": hit.kind, "title": hit.title, "path": hit.rel_path,
                                "snippet": plain_snippet(&hit.snippet), "rank": hit.rank,
                            })
                        })
                        .collect(),
                ));
            }
            for hit in &hits {
                println!("{}  {}  ({})", hit.id, hit.title, hit.rel_path);
                println!("    {}", plain_snippet(&hit.snippet).replace('\n', " "));
            }
            if hits.is_empty() {
                eprintln!("no matches for \"{query}\"");
            }
            Ok(())
        }
        Command::Set { id, path, value, string, json } => {
            let (project, mut store, rel_path) = open_document(&cli, id)?;
            let before = project.read_document(&rel_path)?;
            let new_value = if *string { NewValue::Text(value.clone()) } else { NewValue::from_cli(value) };
            let request = SaveRequest {
                rel_path: rel_path.clone(),
                base_hash: before.hash.clone(),
                edits: vec![(path.clone(), new_value)],
                body: None,
            };
            let after = project::save(&project, Some(&mut store), &request)?.document;
            if *json {
                return print_json(&json!({
                    "path": rel_path, "field": path, "changed": after.hash != before.hash, "hash": after.hash,
                }));
            }
            if after.hash == before.hash {
                println!("{rel_path}: {path} already has that value");
            } else {
                println!("{rel_path}: set {path}");
            }
            Ok(())
        }
        Command::Watch { json, poll } => {
            let (project, store) = open(&cli)?;
            let store = std::sync::Mutex::new(store);
            let stop = std::sync::atomic::AtomicBool::new(false);
            let mode = if *poll { WatchMode::Poll } else { WatchMode::Native };
            if !*json {
                eprintln!("watching {} (Ctrl+C to stop)", project.root.display());
            }
            project::watch_project(&project, &store, mode, &stop, |changes| {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                for change in changes {
                    let line = if *json {
                        json!({
                            "event": change.kind.as_str(), "path": change.rel_path, "id": change.id,
                            "from": change.from, "message": change.message,
                        })
                        .to_string()
                    } else {
                        let mut line = format!("{:<14} {}", change.kind.as_str(), change.rel_path);
                        if let Some(from) = &change.from {
                            line.push_str(&format!(" (from {from})"));
                        }
                        if let Some(message) = &change.message {
                            line.push_str(&format!(": {message}"));
                        }
                        line
                    };
                    let _ = writeln!(out, "{line}");
                }
                let _ = out.flush();
            })?;
            Ok(())
        }
        Command::History { id, json } => {
            let (_project, store, rel_path) = open_document(&cli, id)?;
            let revisions = store.revisions(&rel_path)?;
            if *json {
                return print_json(&Value::Array(
                    revisions
                        .iter()
                        .map(|revision| {
                            json!({"hash": revision.hash, "size": revision.size, "at_ms": revision.seen_at_ms, "origin": revision.origin})
                        })
                        .collect(),
                ));
            }
            for revision in &revisions {
                let short = revision.hash.trim_start_matches("sha256:").get(..12).unwrap_or_default();
                println!(
                    "{short}  {:>8} bytes  {:<7}  {}",
                    revision.size,
                    revision.origin,
                    format_time_ms(revision.seen_at_ms)
                );
            }
            Ok(())
        }
        Command::Restore { id, rev } => {
            let (project, mut store, rel_path) = open_document(&cli, id)?;
            let wanted = rev.trim_start_matches("sha256:");
            if wanted.len() < 6 {
                return Err(anyhow!("give at least 6 characters of the revision hash (see `seam history {id}`)"));
            }
            let matching: Vec<_> = store
                .revisions(&rel_path)?
                .into_iter()
                .filter(|revision| revision.hash.trim_start_matches("sha256:").starts_with(wanted))
                .collect();
            let revision = match matching.as_slice() {
                [one] => one.clone(),
                [] => return Err(anyhow!("{rel_path} has no revision {rev} (see `seam history {id}`)")),
                _ => return Err(anyhow!("revision {rev} is ambiguous for {rel_path}: give more characters")),
            };
            let content = store
                .revision_content(&rel_path, &revision.hash)?
                .ok_or_else(|| anyhow!("the content of revision {rev} is no longer stored"))?;
            let current = project.read_document(&rel_path)?;
            project::save_resolved(&project, Some(&mut store), &rel_path, &current.hash, &content)?;
            println!("{rel_path}: restored revision {rev} as a new save");
            Ok(())
        }
        Command::Metrics { command } => metrics_cli::run_metrics(&start_dir(&cli), command),
        Command::Check(args) => metrics_cli::run_check(&start_dir(&cli), args),
        Command::Lint { format, json } => {
            let project = Project::discover(&start_dir(&cli))?;
            let report = seam_core::lint::lint(&project);
            let format = if *json { Format::Json } else { *format };
            print_lint(&project, &report, format)?;
            if report.error_count() > 0 {
                return Err(ChecksFailed.into());
            }
            Ok(())
        }
    }
}

/// `2026-11-28 21:40:05 UTC` from Unix milliseconds.
fn format_time_ms(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let time = seconds.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", time / 3600, time % 3600 / 60, time % 60)
}

fn plain_snippet(snippet: &str) -> String {
    snippet.replace(['\u{2}', '\u{3}'], "")
}

/// A document given by id, or by its path relative to the project root.
pub(crate) fn resolve_id(project: &Project, store: &Store, id: &str) -> Result<String> {
    let rows = store.document_by_id(id)?;
    match rows.len() {
        1 => Ok(rows[0].rel_path.clone()),
        0 => {
            let as_path = id.replace('\\', "/");
            if project.resolve(&as_path).map(|path| path.is_file()).unwrap_or(false) {
                return Ok(as_path);
            }
            Err(anyhow!("no document with id \"{id}\" in {} (see `seam list`)", project.root.display()))
        }
        _ => Err(anyhow!(
            "id \"{id}\" is used by several files: {}; give the path instead, or fix the duplicate (`seam lint`)",
            rows.iter().map(|row| row.rel_path.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn print_lint(project: &Project, report: &LintReport, format: Format) -> Result<()> {
    match format {
        Format::Text => {
            for issue in &report.issues {
                println!("{}", issue.display());
            }
            let errors = report.error_count();
            let warnings = report.issues.len() - errors;
            eprintln!(
                "{} documents, {} comments: {} errors, {} warnings",
                report.documents, report.comments, errors, warnings
            );
        }
        Format::Json => print_json(&json!({
            "root": project.root,
            "documents": report.documents,
            "comments": report.comments,
            "errors": report.error_count(),
            "warnings": report.issues.len() - report.error_count(),
            "issues": report.issues.iter().map(issue_json).collect::<Vec<_>>(),
        }))?,
        Format::Junit => {
            let mut by_file: std::collections::BTreeMap<&str, Vec<&Finding>> = std::collections::BTreeMap::new();
            let findings: Vec<Finding> = report.issues.iter().map(Finding::from_issue).collect();
            for finding in &findings {
                by_file.entry(finding.rel_path.as_str()).or_default().push(finding);
            }
            let cases: Vec<(String, Vec<&Finding>)> =
                by_file.into_iter().map(|(file, findings)| (file.to_string(), findings)).collect();
            print!("{}", report::junit("seam lint", "seam.lint", &cases));
        }
        Format::Sarif => {
            let findings: Vec<Finding> = report.issues.iter().map(Finding::from_issue).collect();
            print_json(&report::sarif(&findings))?;
        }
    }
    Ok(())
}
