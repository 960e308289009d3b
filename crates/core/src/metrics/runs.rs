//! The shared time series in the project folder: one small JSON file per import run, at
//! `metrics/<sheet-id>/<UTC timestamp>-<source>.json`. Two people importing at once add two new
//! files and never edit the same one, so git (and sync tools) merge them without conflicts; a
//! file is never rewritten after it is written. These files are not documents: the index and
//! lint leave them out of the document list, and lint checks them on their own.

use std::fs;

use serde::{Deserialize, Serialize};

use super::date;
use crate::document::{content_hash, Issue};
use crate::project::{write_atomic, Project, ProjectError, WriteError};

pub const METRICS_FOLDER: &str = "metrics";

/// One import run, as stored in the project folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// Id of the requirement sheet the run measured.
    pub sheet: String,
    /// When it was imported (`YYYY-MM-DDTHH:MM:SSZ`).
    pub imported_at: String,
    /// The file the numbers came from (its name, or its path inside the project).
    pub source: String,
    /// The input format it was read as.
    pub format: String,
    pub points: Vec<RunPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunPoint {
    /// The requirement row's id.
    pub requirement: String,
    pub metric: String,
    #[serde(default)]
    pub slice: Option<String>,
    /// The name in the source file.
    pub name: String,
    pub value: f64,
    /// When it was measured (`YYYY-MM-DD`).
    pub at: String,
}

/// A run file read from the folder.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFile {
    pub rel_path: String,
    pub hash: String,
    pub run: Run,
}

/// Every run file, and an issue for each one that cannot be read (it is then left out).
/// Whether a project-relative path is a recorded run file (`metrics/**/*.json`), as `read_runs`
/// lists them.
pub fn is_run_path(rel_path: &str) -> bool {
    rel_path.strip_prefix(METRICS_FOLDER).is_some_and(|rest| rest.starts_with('/'))
        && rel_path.ends_with(".json")
        && rel_path.split('/').all(|part| !part.starts_with('.'))
}

pub fn read_runs(project: &Project) -> (Vec<RunFile>, Vec<Issue>) {
    let mut runs = Vec::new();
    let mut issues = Vec::new();
    let Ok(folder) = project.resolve(METRICS_FOLDER) else { return (runs, issues) };
    if !folder.is_dir() {
        return (runs, issues);
    }
    let walker = walkdir::WalkDir::new(&folder)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.'));
    let mut paths: Vec<String> = walker
        .flatten()
        .filter(|entry| entry.file_type().is_file() && entry.file_name().to_string_lossy().ends_with(".json"))
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(&project.root).ok()?;
            Some(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
        })
        .collect();
    paths.sort();
    for rel_path in paths {
        let bytes = match project
            .resolve(&rel_path)
            .and_then(|path| fs::read(&path).map_err(|source| ProjectError::Io { path: rel_path.clone(), source }))
        {
            Ok(bytes) => bytes,
            Err(error) => {
                issues.push(Issue::error(&rel_path, "metrics-run", None, error.to_string()));
                continue;
            }
        };
        match parse_run(&rel_path, &bytes) {
            Ok(run) => runs.push(RunFile { hash: content_hash(&bytes), rel_path, run }),
            Err(issue) => issues.push(issue),
        }
    }
    (runs, issues)
}

/// Parses and checks one run file.
pub fn parse_run(rel_path: &str, bytes: &[u8]) -> Result<Run, Issue> {
    let run: Run = serde_json::from_slice(bytes).map_err(|error| {
        Issue::error(
            rel_path,
            "metrics-run",
            Some(error.line()),
            format!("not a Seam metrics run ({error}); it is left out of the time series"),
        )
    })?;
    for point in &run.points {
        if date::parse_day(&point.at).is_none() {
            return Err(Issue::error(
                rel_path,
                "metrics-run",
                None,
                format!("point `{}` has `at: {}`, which is not a date (YYYY-MM-DD)", point.name, point.at),
            ));
        }
        if !point.value.is_finite() {
            return Err(Issue::error(
                rel_path,
                "metrics-run",
                None,
                format!("point `{}` has no finite value", point.name),
            ));
        }
    }
    let folder = rel_path.strip_prefix("metrics/").and_then(|rest| rest.split('/').next());
    if folder != Some(run.sheet.as_str()) {
        return Err(Issue::error(
            rel_path,
            "metrics-run",
            None,
            format!("the run is for sheet \"{}\" but sits outside metrics/{}/; move it there", run.sheet, run.sheet),
        ));
    }
    Ok(run)
}

/// `router-v2 eval (final).json` → `router-v2-eval-final`.
fn slug(text: &str) -> String {
    let stem = text.rsplit(['/', '\\']).next().unwrap_or(text);
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    let mut slug = String::new();
    for character in stem.chars() {
        if character.is_ascii_alphanumeric() || character == '_' {
            slug.push(character.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug: String = slug.chars().take(60).collect();
    if slug.is_empty() {
        "run".to_string()
    } else {
        slug
    }
}

/// Writes a new run file (never overwriting one) and returns its project-relative path.
pub fn write_run(project: &Project, run: &Run, stamp: &str) -> Result<String, ProjectError> {
    let folder_rel = format!("{METRICS_FOLDER}/{}", run.sheet);
    let folder = project.resolve(&folder_rel)?;
    fs::create_dir_all(&folder).map_err(|source| ProjectError::Io { path: folder_rel.clone(), source })?;
    let mut text = serde_json::to_string_pretty(run)
        .map_err(|error| ProjectError::Invalid { rel_path: folder_rel.clone(), message: error.to_string() })?;
    text.push('\n');
    let base = format!("{stamp}-{}", slug(&run.source));
    for attempt in 0..1000 {
        let name = if attempt == 0 { format!("{base}.json") } else { format!("{base}-{attempt}.json") };
        let rel_path = format!("{folder_rel}/{name}");
        let path = project.resolve(&rel_path)?;
        if path.exists() {
            continue;
        }
        write_atomic(&path, text.as_bytes(), None).map_err(|error| match error {
            WriteError::Changed { disk_hash } => ProjectError::Conflict { rel_path: rel_path.clone(), disk_hash },
            WriteError::Io(source) => ProjectError::Io { path: rel_path.clone(), source },
        })?;
        return Ok(rel_path);
    }
    Err(ProjectError::Invalid {
        rel_path: folder_rel,
        message: "too many runs with the same name and time".to_string(),
    })
}

/// Removes a run file this process has just written (when saving the sheet then failed).
pub fn remove_run(project: &Project, rel_path: &str) {
    if let Ok(path) = project.resolve(rel_path) {
        let _ = fs::remove_file(path);
    }
}

/// Lint of the run files: unreadable ones, and runs for a sheet no document has.
pub fn lint_runs(project: &Project, mut id_exists: impl FnMut(&str) -> bool) -> Vec<Issue> {
    let (runs, mut issues) = read_runs(project);
    for run in runs {
        if !id_exists(&run.run.sheet) {
            issues.push(Issue::warning(
                &run.rel_path,
                "unknown-link",
                None,
                format!("metrics run for \"{}\", but no document has that id", run.run.sheet),
            ));
        }
    }
    issues
}
