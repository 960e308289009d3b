//! A project folder: finding it, its `seam.toml`, the document files in it, indexing them into
//! the store, and saving edits safely (compare before overwrite, atomic durable write).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Instant, UNIX_EPOCH};

use rayon::prelude::*;

use crate::document::edit::{self, EditError, NewValue};
use crate::document::{parse_document, Document, Issue, Severity};
use crate::store::{IndexedDocument, Store, StoreError};

pub const CONFIG_FILE: &str = "seam.toml";

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{path} is not a Seam project (no seam.toml in it or any folder above); create one with `seam init {path}`")]
    NotAProject { path: String },
    #[error("{path} does not exist")]
    NoSuchFolder { path: String },
    #[error("{path}: {message}")]
    BadConfig { path: String, message: String },
    #[error("{path} is outside the project folder {root}")]
    OutsideProject { path: String, root: String },
    #[error("{rel_path} changed on disk since it was read; reload it before saving (your edit was not written)")]
    Conflict { rel_path: String, disk_hash: String },
    #[error("no document {what} in this project")]
    NotFound { what: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{rel_path}: {message} (nothing was written)")]
    Invalid { rel_path: String, message: String },
    #[error("{path} already exists and is not empty; choose an empty or new folder")]
    NotEmpty { path: String },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ProjectError + '_ {
    move |source| ProjectError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// `seam.toml`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct Config {
    #[serde(default)]
    pub project: ProjectSection,
    /// Roles whose sign-off each kind requires.
    #[serde(default)]
    pub signoff: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct ProjectSection {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
}

impl Project {
    /// Opens the project whose root is exactly `dir`.
    pub fn open(dir: &Path) -> Result<Project, ProjectError> {
        if !dir.exists() {
            return Err(ProjectError::NoSuchFolder {
                path: dir.display().to_string(),
            });
        }
        let root = dir.canonicalize().map_err(io_error(dir))?;
        let config_path = root.join(CONFIG_FILE);
        if !config_path.is_file() {
            return Err(ProjectError::NotAProject {
                path: dir.display().to_string(),
            });
        }
        let text = fs::read_to_string(&config_path).map_err(io_error(&config_path))?;
        let config: Config = toml::from_str(&text).map_err(|error| {
            let line = error
                .span()
                .map(|span| text[..span.start].matches('\n').count() + 1);
            ProjectError::BadConfig {
                path: match line {
                    Some(line) => format!("{}:{line}", config_path.display()),
                    None => config_path.display().to_string(),
                },
                message: error.message().to_string(),
            }
        })?;
        Ok(Project { root, config })
    }

    /// Finds the project containing `start`, looking upwards like git.
    pub fn discover(start: &Path) -> Result<Project, ProjectError> {
        if !start.exists() {
            return Err(ProjectError::NoSuchFolder {
                path: start.display().to_string(),
            });
        }
        let absolute = start.canonicalize().map_err(io_error(start))?;
        let mut current = Some(absolute.as_path());
        while let Some(dir) = current {
            if dir.join(CONFIG_FILE).is_file() {
                return Project::open(dir);
            }
            current = dir.parent();
        }
        Err(ProjectError::NotAProject {
            path: start.display().to_string(),
        })
    }

    pub fn name(&self) -> String {
        self.config.project.name.clone().unwrap_or_else(|| {
            self.root.file_name().map_or_else(
                || self.root.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
        })
    }

    /// The absolute path of a project-relative path, refusing anything that leaves the folder.
    pub fn resolve(&self, rel_path: &str) -> Result<PathBuf, ProjectError> {
        let outside = || ProjectError::OutsideProject {
            path: rel_path.to_string(),
            root: self.root.display().to_string(),
        };
        let relative = Path::new(rel_path);
        if relative.is_absolute() || rel_path.is_empty() {
            return Err(outside());
        }
        for component in relative.components() {
            if !matches!(component, Component::Normal(_)) {
                return Err(outside());
            }
        }
        let joined = self.root.join(relative);
        // A symlink inside the folder must not lead out of it either.
        if let Ok(real) = joined.canonicalize() {
            if !real.starts_with(&self.root) {
                return Err(outside());
            }
        }
        Ok(joined)
    }

    /// Every document file: `*.md` anywhere in the folder except hidden folders, `discussions/`
    /// (comments) and README files.
    pub fn document_paths(&self) -> Vec<String> {
        self.markdown_files(|rel| !rel.starts_with("discussions/"))
    }

    /// Comment files under `discussions/<doc-id>/`.
    pub fn comment_paths(&self) -> Vec<String> {
        self.markdown_files(|rel| rel.starts_with("discussions/"))
    }

    fn markdown_files(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let mut found = Vec::new();
        let walker = walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !entry.file_name().to_string_lossy().starts_with('.')
                        && entry.file_name() != "node_modules"
            });
        for entry in walker.flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            if !name.ends_with(".md") || name.eq_ignore_ascii_case("readme.md") {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let rel = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if keep(&rel) {
                found.push(rel);
            }
        }
        found.sort();
        found
    }

    /// Reads and parses one document.
    pub fn read_document(&self, rel_path: &str) -> Result<Document, ProjectError> {
        let path = self.resolve(rel_path)?;
        let bytes = fs::read(&path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ProjectError::NotFound {
                what: rel_path.to_string(),
            },
            _ => ProjectError::Io {
                path: rel_path.to_string(),
                source,
            },
        })?;
        Ok(parse_document(rel_path, &bytes))
    }

    /// Reads and parses every document in parallel; unreadable files become issues.
    pub fn read_all(&self) -> Vec<Document> {
        self.document_paths()
            .par_iter()
            .map(|rel| match self.read_document(rel) {
                Ok(document) => document,
                Err(error) => {
                    let mut document = parse_document(rel, b"");
                    document.issues = vec![Issue::error(rel, "io", None, error.to_string())];
                    document
                }
            })
            .collect()
    }
}

fn mtime_ns(metadata: &fs::Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |duration| {
            i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
        })
}

pub fn to_indexed(document: &Document, size: u64, mtime_ns: i64) -> IndexedDocument {
    IndexedDocument {
        rel_path: document.rel_path.clone(),
        id: document.id.clone(),
        kind: document.kind.map(|kind| kind.as_str().to_string()),
        title: document.title(),
        status: document.status(),
        version: document.version(),
        owners: document.owners(),
        tags: document.tags(),
        links: document
            .references()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect(),
        field_text: document.field_text(),
        body: document.body().to_string(),
        content: document.text.clone(),
        hash: document.hash.clone(),
        size,
        mtime_ns,
        error_count: u32::try_from(
            document
                .issues
                .iter()
                .filter(|issue| issue.severity == Severity::Error)
                .count(),
        )
        .unwrap_or(u32::MAX),
    }
}

/// What an index run did.
#[derive(Debug, Clone, Default)]
pub struct IndexReport {
    pub files: usize,
    /// Files read and parsed (new or changed).
    pub parsed: usize,
    pub removed: usize,
    /// Issues of the files parsed in this run.
    pub issues: Vec<Issue>,
    pub millis: u128,
}

/// Brings the store up to date with the folder: files whose size and mtime are unchanged are
/// skipped; others are read and hashed, and parsed when the hash differs.
pub fn index(project: &Project, store: &mut Store) -> Result<IndexReport, ProjectError> {
    let started = Instant::now();
    let known = store.file_states()?;
    let paths = project.document_paths();
    let results: Vec<Option<(IndexedDocument, Vec<Issue>)>> = paths
        .par_iter()
        .map(|rel| {
            let path = project.root.join(rel);
            let metadata = fs::metadata(&path).ok()?;
            let (size, mtime) = (metadata.len(), mtime_ns(&metadata));
            if let Some(state) = known.get(rel) {
                if state.size == size && state.mtime_ns == mtime {
                    return None;
                }
            }
            let document = match fs::read(&path) {
                Ok(bytes) => parse_document(rel, &bytes),
                Err(error) => {
                    let mut document = parse_document(rel, b"");
                    document.issues = vec![Issue::error(
                        rel,
                        "io",
                        None,
                        format!("cannot read: {error}"),
                    )];
                    document
                }
            };
            let issues = document.issues.clone();
            Some((to_indexed(&document, size, mtime), issues))
        })
        .collect();
    let mut report = IndexReport {
        files: paths.len(),
        ..IndexReport::default()
    };
    let mut upserts = Vec::new();
    for (indexed, issues) in results.into_iter().flatten() {
        report.issues.extend(issues);
        upserts.push(indexed);
    }
    report.parsed = upserts.len();
    let present: std::collections::HashSet<&String> = paths.iter().collect();
    let removed: Vec<String> = known
        .keys()
        .filter(|rel| !present.contains(rel))
        .cloned()
        .collect();
    report.removed = removed.len();
    store.apply(&upserts, &removed)?;
    report.millis = started.elapsed().as_millis();
    Ok(report)
}

/// One requested change to a document.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    pub rel_path: String,
    /// Hash of the content the edit was based on; the save is refused if the file changed since.
    pub base_hash: String,
    pub edits: Vec<(String, NewValue)>,
    pub body: Option<String>,
}

/// Applies edits to a document and writes it durably. Nothing is written when the file on disk
/// is not the version the edit was based on.
pub fn save(
    project: &Project,
    store: Option<&mut Store>,
    request: &SaveRequest,
) -> Result<Document, ProjectError> {
    let path = project.resolve(&request.rel_path)?;
    let current = project.read_document(&request.rel_path)?;
    if current.hash != request.base_hash {
        return Err(ProjectError::Conflict {
            rel_path: request.rel_path.clone(),
            disk_hash: current.hash,
        });
    }
    // An edit may not give the file an error it did not have (lines may shift, so they are
    // left out of the comparison).
    let known_errors: std::collections::HashSet<(&'static str, Option<String>, String)> = current
        .issues
        .iter()
        .filter(|issue| issue.severity == Severity::Error)
        .map(|issue| (issue.code, issue.field.clone(), issue.message.clone()))
        .collect();
    let mut document = current.clone();
    for (field, value) in &request.edits {
        let text = edit::set_value(&document, field, value)?;
        document = parse_document(&request.rel_path, text.as_bytes());
        let introduced = document.issues.iter().find(|issue| {
            issue.severity == Severity::Error
                && !known_errors.contains(&(issue.code, issue.field.clone(), issue.message.clone()))
        });
        if let Some(issue) = introduced {
            return Err(ProjectError::Invalid {
                rel_path: request.rel_path.clone(),
                message: format!("setting {field} would make {}", issue.message),
            });
        }
    }
    if let Some(body) = &request.body {
        let text = edit::set_body(&document, body)?;
        document = parse_document(&request.rel_path, text.as_bytes());
    }
    if document.hash == request.base_hash {
        return Ok(document);
    }
    write_atomic(&path, document.text.as_bytes(), Some(&request.base_hash)).map_err(|error| {
        match error {
            WriteError::Changed { disk_hash } => ProjectError::Conflict {
                rel_path: request.rel_path.clone(),
                disk_hash,
            },
            WriteError::Io(source) => ProjectError::Io {
                path: request.rel_path.clone(),
                source,
            },
        }
    })?;
    if let Some(store) = store {
        let metadata = fs::metadata(&path).map_err(io_error(&path))?;
        store.record_written(
            &request.rel_path,
            &document.text,
            &document.hash,
            metadata.len(),
        )?;
        store.apply(
            &[to_indexed(&document, metadata.len(), mtime_ns(&metadata))],
            &[],
        )?;
    }
    Ok(document)
}

#[derive(Debug)]
pub enum WriteError {
    Changed { disk_hash: String },
    Io(std::io::Error),
}

/// Writes `bytes` to `path` so that a crash leaves the old or the new file, never a torn one:
/// a hidden temporary file in the same folder, fsync, a last comparison with `expected_hash`,
/// rename over the target, fsync of the folder.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    expected_hash: Option<&str>,
) -> Result<(), WriteError> {
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().map_or_else(
        || "document".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    let temp_path = folder.join(format!(".{name}.seam-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp_path).map_err(WriteError::Io)?;
        file.write_all(bytes).map_err(WriteError::Io)?;
        file.sync_all().map_err(WriteError::Io)?;
        drop(file);
        if let Some(expected) = expected_hash {
            let disk_hash = fs::read(path)
                .map(|current| crate::document::content_hash(&current))
                .map_err(WriteError::Io)?;
            if disk_hash != expected {
                return Err(WriteError::Changed { disk_hash });
            }
        }
        fs::rename(&temp_path, path).map_err(WriteError::Io)?;
        if let Ok(dir) = fs::File::open(folder) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp_path);
    }
    result
}
