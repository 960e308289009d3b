//! `seam import …` and `seam export …`: other tools' formats in and out (docs/INTEROP.md).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use clap::Subcommand;
use serde_json::{json, Value};

use seam_core::document::{Kind, Typed};
use seam_core::interop::{self, hf, jsonschema, mlflow, odcs, ContractImport, FieldsWritten, Part};
use seam_core::project::{self, write_atomic};

use crate::{open, open_document, print_json, Cli};

fn parse_part(text: &str) -> Result<Part, String> {
    Part::parse(text).ok_or_else(|| "one of inputs, outputs".to_string())
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Read a JSON Schema into a contract's inputs or outputs (or both, from an object with
    /// `input` and `output` properties as `seam export jsonschema` writes it).
    Jsonschema {
        file: PathBuf,
        /// The contract to write into (its rows are matched by name and edited in place).
        #[arg(long, conflicts_with = "title")]
        into: Option<String>,
        /// Create a new contract with this title instead (default: the schema's title).
        #[arg(long)]
        title: Option<String>,
        /// Which part the schema describes; without it the schema must have `input`/`output` properties.
        #[arg(long, value_parser = parse_part)]
        part: Option<Part>,
        #[arg(long)]
        json: bool,
    },
    /// Read an MLflow model's signature (the MLmodel file) into a contract's inputs and outputs.
    Mlflow {
        /// The `MLmodel` file (or the model folder that holds it).
        mlmodel: PathBuf,
        /// The contract to write into (its rows are matched by name and edited in place).
        #[arg(long, conflicts_with = "title")]
        into: Option<String>,
        /// Create a new contract with this title instead.
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Read an ODCS 3.1 data contract (YAML or JSON) into a dataset note or a contract.
    Odcs {
        file: PathBuf,
        /// The dataset note or contract to write into (schema rows matched by name, edited in place).
        #[arg(long, conflicts_with = "as_kind")]
        into: Option<String>,
        /// Create a new document of this kind (default: dataset, or what a Seam export says it was).
        #[arg(long = "as", value_parser = ["dataset", "contract"])]
        as_kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Read a Hugging Face model card (as a requirement sheet) or dataset card (as a dataset note).
    HfCard {
        /// The card: a README.md with YAML front matter.
        file: PathBuf,
        /// What to create (default: requirements when the card has `model-index`, else dataset).
        #[arg(long = "as", value_parser = ["requirements", "dataset"])]
        as_kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A contract's inputs and outputs (or one part) as JSON Schema (draft 2020-12).
    Jsonschema {
        id: String,
        #[arg(long, value_parser = parse_part)]
        part: Option<Part>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A dataset note or contract as an ODCS 3.1 data contract (YAML).
    Odcs {
        id: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A requirement sheet as a Hugging Face model card, or a dataset note as a dataset card.
    HfCard {
        id: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn written_json(written: &Option<FieldsWritten>) -> Value {
    match written {
        None => Value::Null,
        Some(written) => json!({
            "added": written.added, "updated": written.updated,
            "removed": written.removed, "unchanged": written.unchanged,
        }),
    }
}

fn print_contract_import(import: &ContractImport, json: bool) -> Result<()> {
    if json {
        return print_json(&json!({
            "path": import.rel_path,
            "id": import.id,
            "created": import.created,
            "inputs": written_json(&import.inputs),
            "outputs": written_json(&import.outputs),
            "hash": import.hash,
            "notes": import.notes,
        }));
    }
    println!("{} {} ({})", if import.created { "Created" } else { "Updated" }, import.id, import.rel_path);
    for (label, written) in [("input", &import.inputs), ("output", &import.outputs)] {
        if let Some(written) = written {
            println!(
                "  {label}: {} added, {} updated, {} removed, {} unchanged",
                written.added.len(),
                written.updated.len(),
                written.removed.len(),
                written.unchanged.len()
            );
        }
    }
    for note in &import.notes {
        println!("  note: {note}");
    }
    Ok(())
}

/// Writes imported contract parts into `into` (an id) or a new contract titled `title`.
fn import_contract_parts(
    cli: &Cli,
    into: Option<&str>,
    title: &str,
    parts: &[(Part, Vec<seam_core::document::model::Field>)],
    merge: interop::FieldMerge,
) -> Result<ContractImport> {
    match into {
        Some(id) => {
            let (project, mut store, rel_path) = open_document(cli, id)?;
            Ok(interop::write_contract_fields(&project, Some(&mut store), &rel_path, parts, merge)?)
        }
        None => {
            let (project, mut store) = open(cli)?;
            let import = interop::create_contract(&project, Some(&mut store), title, parts, merge)?;
            project::index(&project, &mut store)?;
            Ok(import)
        }
    }
}

fn file_label(file: &Path) -> String {
    file.display().to_string()
}

pub fn run_import(cli: &Cli, command: &ImportCommand) -> Result<()> {
    match command {
        ImportCommand::Jsonschema { file, into, title, part, json } => {
            let text = interop::read_input_file(file)?;
            let imported = jsonschema::import(&file_label(file), &text, *part)?;
            let mut parts = Vec::new();
            if let Some(inputs) = imported.inputs {
                parts.push((Part::Inputs, inputs));
            }
            if let Some(outputs) = imported.outputs {
                parts.push((Part::Outputs, outputs));
            }
            let title = title.clone().or(imported.title).unwrap_or_else(|| "Imported contract".to_string());
            let merge = interop::FieldMerge { owned_keys: jsonschema::OWNED_KEYS };
            let mut import = import_contract_parts(cli, into.as_deref(), &title, &parts, merge)?;
            import.notes = imported.notes;
            print_contract_import(&import, *json)
        }
        ImportCommand::Mlflow { mlmodel, into, title, json } => {
            let file = if mlmodel.is_dir() { mlmodel.join("MLmodel") } else { mlmodel.clone() };
            let text = interop::read_input_file(&file)?;
            let imported = mlflow::import(&file_label(&file), &text)?;
            let import = match into {
                Some(id) => {
                    let (project, mut store, rel_path) = open_document(cli, id)?;
                    mlflow::write_into(&project, Some(&mut store), &rel_path, &imported)?
                }
                None => {
                    let title = title.clone().unwrap_or_else(|| {
                        let run = imported.run_id.as_deref().map(|run| format!(" (run {run})")).unwrap_or_default();
                        format!("Model signature{run}")
                    });
                    let merge = interop::FieldMerge { owned_keys: mlflow::OWNED_KEYS };
                    let mut import = import_contract_parts(cli, None, &title, &mlflow::parts(&imported), merge)?;
                    import.notes = imported.notes.clone();
                    import
                }
            };
            print_contract_import(&import, *json)
        }
        ImportCommand::Odcs { file, into, as_kind, json } => {
            let text = interop::read_input_file(file)?;
            let imported = odcs::import(&file_label(file), &text)?;
            let written = match into {
                Some(id) => {
                    let (project, mut store, rel_path) = open_document(cli, id)?;
                    odcs::write_into(&project, Some(&mut store), &rel_path, &imported, false)?
                }
                None => {
                    let kind = match as_kind.as_deref().or(imported.seam_kind.as_deref()) {
                        Some("contract") => Kind::Contract,
                        _ => Kind::Dataset,
                    };
                    let (project, mut store) = open(cli)?;
                    let written = odcs::create(&project, Some(&mut store), &imported, kind)?;
                    project::index(&project, &mut store)?;
                    written
                }
            };
            if *json {
                let lists: serde_json::Map<String, Value> =
                    written.lists.iter().map(|(key, list)| (key.clone(), written_json(&Some(list.clone())))).collect();
                return print_json(&json!({
                    "path": written.rel_path, "id": written.id, "created": written.created,
                    "lists": lists, "hash": written.hash, "notes": written.notes,
                }));
            }
            println!("{} {} ({})", if written.created { "Created" } else { "Updated" }, written.id, written.rel_path);
            for (key, list) in &written.lists {
                println!(
                    "  {key}: {} added, {} updated, {} removed, {} unchanged",
                    list.added.len(),
                    list.updated.len(),
                    list.removed.len(),
                    list.unchanged.len()
                );
            }
            for note in &written.notes {
                println!("  note: {note}");
            }
            Ok(())
        }
        ImportCommand::HfCard { file, as_kind, json } => {
            let text = interop::read_input_file(file)?;
            let label = file_label(file);
            let as_requirements = match as_kind.as_deref() {
                Some(kind) => kind == "requirements",
                None => hf::parse_card(&label, &text)?.metadata.get("model-index").is_some(),
            };
            let imported = if as_requirements {
                let today = seam_core::metrics::date::format_day(seam_core::metrics::date::today());
                hf::import_model_card(&label, &text, &today)?
            } else {
                hf::import_dataset_card(&label, &text)?
            };
            let (project, mut store) = open(cli)?;
            let created = hf::create(&project, Some(&mut store), &imported)?;
            project::index(&project, &mut store)?;
            if *json {
                return print_json(&json!({
                    "path": created.rel_path, "id": created.id, "kind": imported.kind.as_str(),
                    "hash": created.hash, "notes": created.notes,
                }));
            }
            println!("Created {} {} ({})", imported.kind.as_str(), created.id, created.rel_path);
            for note in &created.notes {
                println!("  note: {note}");
            }
            Ok(())
        }
    }
}

/// Prints `text` or writes it (atomically) to `out`.
fn emit(text: &str, out: Option<&Path>) -> Result<()> {
    match out {
        None => {
            print!("{text}");
            Ok(())
        }
        Some(path) => {
            write_atomic(path, text.as_bytes(), None).map_err(|error| match error {
                project::WriteError::Io(source) => anyhow!("{}: {source}", path.display()),
                project::WriteError::Changed { .. } => anyhow!("{} changed while it was written", path.display()),
            })?;
            eprintln!("Wrote {}", path.display());
            Ok(())
        }
    }
}

pub fn run_export(cli: &Cli, command: &ExportCommand) -> Result<()> {
    match command {
        ExportCommand::Jsonschema { id, part, out } => {
            let (project, _store, rel_path) = open_document(cli, id)?;
            let document = interop::document_of_kind(&project, &rel_path, Kind::Contract)?;
            let contract = interop::contract_of(&document)?;
            let schema =
                jsonschema::export(&document.id, &document.title(), document.version().as_deref(), contract, *part);
            emit(&format!("{}\n", serde_json::to_string_pretty(&schema)?), out.as_deref())
        }
        ExportCommand::Odcs { id, out } => {
            let (project, _store, rel_path) = open_document(cli, id)?;
            let document = project.read_document(&rel_path)?;
            let value = match &document.typed {
                Some(Typed::Dataset(dataset)) => odcs::export_dataset(&document, dataset),
                Some(Typed::Contract(contract)) => odcs::export_contract(&document, contract),
                _ => return Err(anyhow!("{rel_path}: only dataset notes and contracts export to ODCS (and their front matter must be valid: `seam lint`)")),
            };
            emit(&interop::to_block_yaml(&value), out.as_deref())
        }
        ExportCommand::HfCard { id, out } => {
            let (project, _store, rel_path) = open_document(cli, id)?;
            let document = project.read_document(&rel_path)?;
            let card = match &document.typed {
                Some(Typed::Requirements(sheet)) => hf::export_model_card(&document, sheet),
                Some(Typed::Dataset(dataset)) => hf::export_dataset_card(&document, dataset),
                _ => return Err(anyhow!("{rel_path}: only requirement sheets and dataset notes export to Hugging Face cards (and their front matter must be valid: `seam lint`)")),
            };
            emit(&card.to_text(), out.as_deref())
        }
    }
}

/// `seam site --out DIR`.
pub fn run_site(cli: &Cli, out: &Path, today: Option<&str>, json: bool) -> Result<()> {
    let project = seam_core::project::Project::discover(&crate::start_dir(cli))?;
    let today = match today {
        None => seam_core::metrics::date::today(),
        Some(text) => seam_core::metrics::date::parse_day(text)
            .ok_or_else(|| anyhow!("--today {text}: not a date (YYYY-MM-DD)"))?,
    };
    let report = seam_core::site::build(&project, out, today)?;
    if json {
        return print_json(&json!({
            "out": out, "pages": report.pages, "documents": report.documents, "comments": report.comments,
            "errors": report.errors, "warnings": report.warnings,
        }));
    }
    println!(
        "Wrote {} pages ({} documents, {} comments; checks: {} errors, {} warnings) to {}",
        report.pages.len(),
        report.documents,
        report.comments,
        report.errors,
        report.warnings,
        out.join("index.html").display()
    );
    Ok(())
}
