//! `seam`: the command line over seam-core. Exit codes: 0 success, 1 checks failed, 2 bad usage
//! or unreadable input. `--json` shapes are documented in docs/CLI.md.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};

use seam_core::check::Finding;
use seam_core::document::edit::{Edit, NewValue};
use seam_core::document::Issue;
use seam_core::history;
use seam_core::lint::LintReport;
use seam_core::project::{self, Project, SaveRequest};
use seam_core::store::{ListFilter, SearchFilter, Store};
use seam_core::sync::{ChangeKind, WatchMode};

mod check_cli;
mod interop_cli;
mod metrics_cli;
mod negotiation_cli;
mod report;

#[derive(Parser)]
#[command(
    name = "seam",
    version,
    about = "Seam: requirement sheets, interface contracts and dataset notes for ML-enabled systems"
)]
pub(crate) struct Cli {
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
    /// The datasheet checklist of a dataset note: which sections are answered (docs/DATASHEET.md).
    Datasheet {
        id: String,
        /// Exit with 1 when a section is still unanswered or missing.
        #[arg(long)]
        strict: bool,
        #[arg(long)]
        json: bool,
    },
    /// Every version of a document, newest first: those Seam has seen or written, and git commits.
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write an earlier version back as a new save (REV: a hash prefix or git:COMMIT from `seam history`).
    Restore { id: String, rev: String },
    /// What changed between two versions, field by field and in the body.
    Diff {
        id: String,
        /// A version from `seam history`: 6+ characters of a hash, `git:COMMIT`, or `current`.
        #[arg(long)]
        from: String,
        /// Defaults to the file on disk.
        #[arg(long, default_value = "current")]
        to: String,
        #[arg(long)]
        json: bool,
    },
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
    /// Full-text search, optionally narrowed by kind, status, owner and tag (QUERY may be empty
    /// when a filter is given: then every document passing the filters is listed).
    Search {
        #[arg(default_value = "")]
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        status: Option<String>,
        /// An owner's name (case does not matter).
        #[arg(long)]
        owner: Option<String>,
        /// A tag (case does not matter).
        #[arg(long)]
        tag: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The documents that link to ID (in front matter or body), from the index.
    Backlinks {
        id: String,
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
    /// Dataset notes against data files: infer a schema, store a profile, validate, measure drift.
    #[command(subcommand)]
    Dataset(DatasetCommand),
    /// Import evaluation results and show requirement rows against their measurements.
    Metrics {
        #[command(subcommand)]
        command: metrics_cli::MetricsCommand,
    },
    /// Check requirement rows against measured values (the sheets' own, or those of --metrics
    /// FILE), budgets and the research time-box.
    Check(check_cli::CheckArgs),
    /// Move a document along its lifecycle (draft, proposed, agreed, superseded, retired).
    Status(negotiation_cli::StatusArgs),
    /// Sign the current content of a document for a role seam.toml requires.
    Signoff(negotiation_cli::SignoffArgs),
    /// A document's sign-offs: current or stale, the version each was made on, what changed since.
    Signoffs(negotiation_cli::SignoffsArgs),
    /// Negotiate one item: set its state, propose a counter value, accept or reject it.
    Item(negotiation_cli::ItemArgs),
    /// The negotiable items of a document with their states and open counter-proposals.
    Items(negotiation_cli::ItemsArgs),
    /// Comment on a document or one of its items; reply, resolve, reopen, list threads.
    Discuss(negotiation_cli::DiscussArgs),
    /// Meetings: create one, build the agenda, record decisions, write the packet (HTML or PDF).
    Meeting {
        #[command(subcommand)]
        command: negotiation_cli::MeetingCommand,
    },
    /// The local identity used for --as (settings file, else git config user.name).
    Whoami {
        #[arg(long)]
        json: bool,
    },
    /// Import another tool's format: JSON Schema, MLflow signatures, ODCS, Hugging Face cards (docs/INTEROP.md).
    #[command(subcommand)]
    Import(interop_cli::ImportCommand),
    /// Export a document to another tool's format (docs/INTEROP.md).
    #[command(subcommand)]
    Export(interop_cli::ExportCommand),
    /// Write a static HTML site of the whole project into DIR (new, empty, or an earlier site).
    Site {
        #[arg(long)]
        out: PathBuf,
        /// Judge requirement rows' time-boxes as of DATE (YYYY-MM-DD) instead of today.
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Check every document: syntax, required keys, value shapes, links, duplicate ids.
    Lint {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Same as --format json.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DatasetCommand {
    /// Print a `schema:` block for a dataset note inferred from DATAFILE (.csv, .tsv, .jsonl, .parquet).
    Infer {
        datafile: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Store DATAFILE's profile (statistics, histograms) next to the note as its documented distribution.
    Profile {
        id: String,
        datafile: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Check DATAFILE against the note's schema and checks. Exit 1 when a check fails, 2 when the
    /// file cannot be read to its end.
    Validate {
        id: String,
        datafile: PathBuf,
        /// Failing samples shown per check.
        #[arg(long, default_value_t = 5)]
        samples: usize,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[arg(long)]
        json: bool,
    },
    /// Compare DATAFILE with the note's documented profile (PSI, KS). Exit 1 when a column drifted.
    Drift {
        id: String,
        datafile: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// The data file could not be read to its end (exit 2); the report was printed.
#[derive(Debug)]
struct Unreadable;

impl std::fmt::Display for Unreadable {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("data file unreadable")
    }
}

impl std::error::Error for Unreadable {}

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
        Err(error) if error.is::<Unreadable>() => ExitCode::from(2),
        Err(error) => {
            eprintln!("seam: {error:#}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn start_dir(cli: &Cli) -> PathBuf {
    cli.directory.clone().unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn open(cli: &Cli) -> Result<(Project, Store)> {
    let project = Project::discover(&start_dir(cli))?;
    let store = Store::open_for_project(&project.root)?;
    Ok((project, store))
}

/// Opens the project, brings the index up to date and finds the document `id` names.
pub(crate) fn open_document(cli: &Cli, id: &str) -> Result<(Project, Store, String)> {
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
        Command::Import(command) => interop_cli::run_import(&cli, command),
        Command::Export(command) => interop_cli::run_export(&cli, command),
        Command::Site { out, today, json } => interop_cli::run_site(&cli, out, today.as_deref(), *json),
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
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX));
            store.prune_history(now_ms)?;
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
            let unresolved = seam_core::negotiation::discussion::unresolved_counts(&project);
            let unresolved_of = |id: &str| unresolved.get(id).copied().unwrap_or(0);
            if *json {
                return print_json(&Value::Array(
                    rows.iter()
                        .map(|row| {
                            json!({
                                "id": row.id, "kind": row.kind, "title": row.title, "status": row.status,
                                "version": row.version, "path": row.rel_path, "owners": row.owners, "tags": row.tags,
                                "errors": row.error_count, "unresolved": unresolved_of(&row.id),
                            })
                        })
                        .collect(),
                ));
            }
            for row in &rows {
                println!(
                    "{:<13} {:<10} {:<36} {}{}{}",
                    row.kind.as_deref().unwrap_or("?"),
                    row.status.as_deref().unwrap_or("-"),
                    row.id,
                    row.title,
                    if row.error_count > 0 { format!("  ({} errors)", row.error_count) } else { String::new() },
                    match unresolved_of(&row.id) {
                        0 => String::new(),
                        1 => "  (1 open thread)".to_string(),
                        count => format!("  ({count} open threads)"),
                    }
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
        Command::Backlinks { id, json } => {
            let (_project, store, rel_path) = open_document(&cli, id)?;
            let target = store
                .list(&Default::default())?
                .into_iter()
                .find(|row| row.rel_path == rel_path)
                .map_or_else(|| id.clone(), |row| row.id);
            let rows = store.backlinks(&target)?;
            if *json {
                return print_json(&Value::Array(
                    rows.iter()
                        .map(|row| {
                            json!({"id": row.id, "kind": row.kind, "title": row.title, "status": row.status, "path": row.rel_path})
                        })
                        .collect(),
                ));
            }
            for row in &rows {
                println!("{}  {}  ({})", row.id, row.title, row.rel_path);
            }
            if rows.is_empty() {
                eprintln!("no document links to {target}");
            }
            Ok(())
        }
        Command::Search { query, limit, kind, status, owner, tag, json } => {
            let (project, mut store) = open(&cli)?;
            project::index(&project, &mut store)?;
            let filter =
                SearchFilter { kind: kind.clone(), status: status.clone(), owner: owner.clone(), tag: tag.clone() };
            let hits = store.search_filtered(query, &filter, *limit)?;
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
                edits: vec![Edit::Set { path: path.clone(), value: new_value }],
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
        Command::Datasheet { id, strict, json } => {
            let (project, _store, rel_path) = open_document(&cli, id)?;
            let document = project.read_document(&rel_path)?;
            if document.kind != Some(seam_core::document::Kind::Dataset) {
                return Err(anyhow!(
                    "{rel_path} is not a dataset note (kind: dataset); only dataset notes have a datasheet"
                ));
            }
            let list = seam_core::datasheet::checklist(document.body());
            if *json {
                let sections: Vec<Value> = list
                    .sections
                    .iter()
                    .map(|state| {
                        let note = match &state.answer {
                            seam_core::datasheet::Answer::NotApplicable { reason } => Some(reason.clone()),
                            seam_core::datasheet::Answer::Unanswered { why } => Some(why.clone()),
                            _ => None,
                        };
                        // Lines in the file, not the body, so editors can jump there.
                        let body_first_line = document.text[..document.body_start].matches('\n').count();
                        let line = state.line.map(|line| line + body_first_line);
                        json!({"key": state.section.key, "title": state.section.title, "state": state.answer.as_str(),
                               "note": note, "line": line})
                    })
                    .collect();
                print_json(
                    &json!({"path": rel_path, "done": list.done(), "total": list.total(), "sections": sections}),
                )?;
            } else {
                println!("{}: {} of {} datasheet sections answered", rel_path, list.done(), list.total());
                for state in &list.sections {
                    let mark = if state.answer.is_done() { "✓" } else { "✗" };
                    let detail = match &state.answer {
                        seam_core::datasheet::Answer::NotApplicable { reason } => {
                            format!(" (not applicable: {reason})")
                        }
                        seam_core::datasheet::Answer::Unanswered { why } => {
                            format!(" — {why}: {}", state.section.prompt)
                        }
                        seam_core::datasheet::Answer::Missing => {
                            format!(" — no `## {}` heading: {}", state.section.title, state.section.prompt)
                        }
                        seam_core::datasheet::Answer::Answered => String::new(),
                    };
                    println!("  {mark} {}{detail}", state.section.title);
                }
            }
            if *strict && list.done() < list.total() {
                return Err(ChecksFailed.into());
            }
            Ok(())
        }
        Command::History { id, json } => {
            let (project, store, rel_path) = open_document(&cli, id)?;
            let versions = history::versions(&project, &store, &rel_path)?;
            if *json {
                return print_json(&serde_json::to_value(&versions)?);
            }
            for version in &versions {
                let rev = match version.rev.strip_prefix("git:") {
                    Some(commit) => format!("git:{}", commit.get(..10).unwrap_or(commit)),
                    None => version.rev.trim_start_matches("sha256:").get(..12).unwrap_or_default().to_string(),
                };
                let what = match version.source {
                    history::VersionSource::Local => {
                        format!("{:>8} bytes  {}", version.size.unwrap_or(0), version.origin)
                    }
                    history::VersionSource::Git => format!(
                        "{}: {}",
                        version.author.as_deref().unwrap_or(""),
                        version.summary.as_deref().unwrap_or("")
                    ),
                };
                println!("{rev:<14}  {}  {what}", format_time_ms(version.at_ms));
            }
            Ok(())
        }
        Command::Diff { id, from, to, json } => {
            let (project, store, rel_path) = open_document(&cli, id)?;
            let old = history::content(&project, &store, &rel_path, from)?;
            let new = history::content(&project, &store, &rel_path, to)?;
            let diff = history::diff(&rel_path, &old, &new);
            // Contracts also get each change classified (breaking or not, the bump it needs).
            let evolution = seam_core::evolution::classify_texts(&rel_path, &old, &new).ok();
            if *json {
                let mut value = serde_json::to_value(&diff)?;
                if let (Some(evolution), Some(object)) = (&evolution, value.as_object_mut()) {
                    if let Value::Object(extra) = evolution_json(evolution) {
                        object.extend(extra);
                    }
                }
                return print_json(&value);
            }
            if diff.fields.is_empty() && !diff.body_changed {
                println!("{rel_path}: {from} and {to} are the same");
                return Ok(());
            }
            if let Some(evolution) = &evolution {
                print_evolution(evolution);
            }
            for change in &diff.fields {
                println!(
                    "{}: {} -> {}",
                    change.path,
                    change.old.as_deref().unwrap_or("(absent)"),
                    change.new.as_deref().unwrap_or("(absent)")
                );
            }
            if diff.body_changed {
                println!("body changed");
            }
            print!("\n{}", diff.unified);
            Ok(())
        }
        Command::Restore { id, rev } => {
            let (project, mut store, rel_path) = open_document(&cli, id)?;
            history::restore(&project, Some(&mut store), &rel_path, rev, None)?;
            println!("{rel_path}: restored {rev} as a new save");
            Ok(())
        }
        Command::Dataset(command) => run_dataset(&cli, command),
        Command::Metrics { command } => metrics_cli::run_metrics(&start_dir(&cli), command),
        Command::Check(args) => check_cli::run_check(&start_dir(&cli), args),
        Command::Status(args) => negotiation_cli::run_status(&start_dir(&cli), args),
        Command::Signoff(args) => negotiation_cli::run_signoff(&start_dir(&cli), args),
        Command::Signoffs(args) => negotiation_cli::run_signoffs(&start_dir(&cli), args),
        Command::Item(args) => negotiation_cli::run_item(&start_dir(&cli), args),
        Command::Items(args) => negotiation_cli::run_items(&start_dir(&cli), args),
        Command::Discuss(args) => negotiation_cli::run_discuss(&start_dir(&cli), args),
        Command::Meeting { command } => negotiation_cli::run_meeting(&start_dir(&cli), command),
        Command::Whoami { json } => negotiation_cli::run_whoami(&start_dir(&cli), *json),
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

fn run_dataset(cli: &Cli, command: &DatasetCommand) -> Result<()> {
    use seam_core::dataset::{self, drift, infer, profile, validate};
    match command {
        DatasetCommand::Infer { datafile, json } => {
            let schema = infer::infer(datafile)?;
            if *json {
                return print_json(&serde_json::to_value(&schema)?);
            }
            if schema.malformed_rows > 0 {
                eprintln!(
                    "warning: {} rows could not be split into the columns and were left out (see `seam dataset validate`)",
                    schema.malformed_rows
                );
            }
            print!("{}", schema.schema_yaml);
            eprintln!("{} rows of {} ({})", schema.rows, schema.data_file, schema.format);
            Ok(())
        }
        DatasetCommand::Profile { id, datafile, json } => {
            let (project, _store, rel_path) = open_document(cli, id)?;
            let (_, note) = dataset::read_note(&project, &rel_path)?;
            let taken = profile::profile(datafile, Some(&note))?;
            let written = dataset::store_profile(&project, &rel_path, &taken)?;
            if *json {
                return print_json(&json!({"path": written, "profile": serde_json::to_value(&taken)?}));
            }
            println!(
                "{written}: profile of {} ({} rows, {} columns)",
                taken.data_file,
                taken.rows,
                taken.columns.len()
            );
            Ok(())
        }
        DatasetCommand::Validate { id, datafile, samples, threads, json } => {
            let (project, mut store, rel_path) = open_document(cli, id)?;
            let (_, note) = dataset::read_note(&project, &rel_path)?;
            let options = validate::ValidateOptions { samples: *samples, threads: *threads, ..Default::default() };
            let report = validate::validate(&note, datafile, &options)?;
            store.record_validation(&rel_path, &report)?;
            if *json {
                print_json(&serde_json::to_value(&report)?)?;
            } else {
                print!("{}", report.to_text());
            }
            if !report.complete {
                return Err(Unreadable.into());
            }
            if !report.passed {
                return Err(ChecksFailed.into());
            }
            Ok(())
        }
        DatasetCommand::Drift { id, datafile, json } => {
            let (project, _store, rel_path) = open_document(cli, id)?;
            let (_, note) = dataset::read_note(&project, &rel_path)?;
            let reference = dataset::load_profile(&project, &rel_path)?.ok_or_else(|| {
                anyhow!(
                    "{rel_path} has no documented profile ({}); take one with `seam dataset profile {id} FILE`",
                    dataset::profile_rel_path(&rel_path)
                )
            })?;
            let report = drift::drift(&reference, datafile, drift::Thresholds::of(&note));
            if *json {
                print_json(&serde_json::to_value(&report)?)?;
            } else {
                print!("{}", report.to_text());
            }
            if !report.complete {
                return Err(Unreadable.into());
            }
            if report.drifted {
                return Err(ChecksFailed.into());
            }
            Ok(())
        }
    }
}

/// The classification `diff --json` adds for contracts (docs/CLI.md).
fn evolution_json(evolution: &seam_core::evolution::Evolution) -> Value {
    json!({
        "changes": evolution.changes.iter().map(|change| json!({
            "path": change.path, "kind": change.kind, "breaking": change.breaking,
            "bump": change.bump.as_str(), "detail": change.detail,
        })).collect::<Vec<_>>(),
        "required_bump": evolution.required_bump.as_str(),
        "version_from": evolution.version_from,
        "version_to": evolution.version_to,
        "bumped_enough": evolution.bumped_enough,
    })
}

fn print_evolution(evolution: &seam_core::evolution::Evolution) {
    for change in &evolution.changes {
        println!(
            "{:<8} {:<9} {:<22} {}: {}",
            change.bump.as_str(),
            if change.breaking { "breaking" } else { "" },
            change.kind,
            change.path,
            change.detail
        );
    }
    println!(
        "version {} -> {}: the changes need a {} bump; {}",
        evolution.version_from.as_deref().unwrap_or("(none)"),
        evolution.version_to.as_deref().unwrap_or("(none)"),
        evolution.required_bump.as_str(),
        if evolution.bumped_enough { "bumped enough" } else { "NOT bumped enough" }
    );
    println!();
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
            print_json(&report::sarif(&findings, &[]))?;
        }
    }
    Ok(())
}
