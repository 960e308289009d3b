//! A project folder: finding it, its `seam.toml`, the document files in it, indexing them into
//! the store, and saving edits safely (compare before overwrite, atomic durable write).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Instant, UNIX_EPOCH};

use rayon::prelude::*;

use crate::document::edit::{self, Edit, EditError};
use crate::document::{parse_document, Document, Issue, Severity};
use crate::store::{IndexedDocument, Store, StoreError};
use crate::sync::{self, Change, ChangeKind, DiskEntry, HeldDeletions, PlanOptions};

pub const CONFIG_FILE: &str = "seam.toml";

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error(
        "{path} is not a Seam project (no seam.toml in it or any folder above); create one with `seam init {path}`"
    )]
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
    Io { path: String, source: std::io::Error },
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
    move |source| ProjectError::Io { path: path.display().to_string(), source }
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
            return Err(ProjectError::NoSuchFolder { path: dir.display().to_string() });
        }
        let root = dir.canonicalize().map_err(io_error(dir))?;
        let config_path = root.join(CONFIG_FILE);
        if !config_path.is_file() {
            return Err(ProjectError::NotAProject { path: dir.display().to_string() });
        }
        let text = fs::read_to_string(&config_path).map_err(io_error(&config_path))?;
        let config: Config = toml::from_str(&text).map_err(|error| {
            let line = error.span().map(|span| text[..span.start].matches('\n').count() + 1);
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
            return Err(ProjectError::NoSuchFolder { path: start.display().to_string() });
        }
        let absolute = start.canonicalize().map_err(io_error(start))?;
        let mut current = Some(absolute.as_path());
        while let Some(dir) = current {
            if dir.join(CONFIG_FILE).is_file() {
                return Project::open(dir);
            }
            current = dir.parent();
        }
        Err(ProjectError::NotAProject { path: start.display().to_string() })
    }

    pub fn name(&self) -> String {
        self.config.project.name.clone().unwrap_or_else(|| {
            self.root
                .file_name()
                .map_or_else(|| self.root.display().to_string(), |name| name.to_string_lossy().into_owned())
        })
    }

    /// The absolute path of a project-relative path, refusing anything that leaves the folder.
    pub fn resolve(&self, rel_path: &str) -> Result<PathBuf, ProjectError> {
        let outside =
            || ProjectError::OutsideProject { path: rel_path.to_string(), root: self.root.display().to_string() };
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
    /// (comments), README files and sync-tool conflict copies.
    pub fn document_paths(&self) -> Vec<String> {
        let all = self.document_paths_with_copies();
        let existing: std::collections::HashSet<&str> = all.iter().map(String::as_str).collect();
        all.iter().filter(|rel| sync::conflict_copy_original(rel, &existing).is_none()).cloned().collect()
    }

    /// (copy, original) for every sync-tool conflict copy in the folder.
    pub fn conflict_copies(&self) -> Vec<(String, String)> {
        let all = self.document_paths_with_copies();
        let existing: std::collections::HashSet<&str> = all.iter().map(String::as_str).collect();
        all.iter()
            .filter_map(|rel| sync::conflict_copy_original(rel, &existing).map(|original| (rel.clone(), original)))
            .collect()
    }

    fn document_paths_with_copies(&self) -> Vec<String> {
        self.markdown_files(|rel| !rel.starts_with("discussions/"))
    }

    /// Comment files under `discussions/<doc-id>/`.
    pub fn comment_paths(&self) -> Vec<String> {
        self.markdown_files(|rel| rel.starts_with("discussions/"))
    }

    fn markdown_files(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let mut found = Vec::new();
        let walker = walkdir::WalkDir::new(&self.root).follow_links(false).into_iter().filter_entry(|entry| {
            entry.depth() == 0
                || !entry.file_name().to_string_lossy().starts_with('.') && entry.file_name() != "node_modules"
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
            let rel = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if keep(&rel) {
                found.push(rel);
            }
        }
        found.sort();
        found
    }

    /// Removes temporary files that a save killed mid-way left behind (`.NAME.seam-PID.tmp`,
    /// older than ten minutes). They are hidden and never indexed; this only tidies the folder.
    /// Returns the paths removed.
    pub fn remove_stale_temp_files(&self) -> Vec<PathBuf> {
        let mut removed = Vec::new();
        let walker = walkdir::WalkDir::new(&self.root).follow_links(false).into_iter().filter_entry(|entry| {
            entry.depth() == 0 || entry.file_type().is_file() || !entry.file_name().to_string_lossy().starts_with('.')
        });
        for entry in walker.flatten() {
            let name = entry.file_name().to_string_lossy();
            let is_seam_temp = name.starts_with('.') && name.ends_with(".tmp") && name.contains(".seam-");
            if !is_seam_temp || !entry.file_type().is_file() {
                continue;
            }
            let old_enough = entry
                .metadata()
                .ok()
                .and_then(|metadata| metadata.modified().ok())
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(600));
            if old_enough && fs::remove_file(entry.path()).is_ok() {
                removed.push(entry.path().to_path_buf());
            }
        }
        removed
    }

    /// Reads and parses one document.
    pub fn read_document(&self, rel_path: &str) -> Result<Document, ProjectError> {
        let path = self.resolve(rel_path)?;
        let bytes = fs::read(&path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ProjectError::NotFound { what: rel_path.to_string() },
            _ => ProjectError::Io { path: rel_path.to_string(), source },
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
        .map_or(0, |duration| i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
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
        links: document.references().into_iter().map(|(id, _, _)| id).collect(),
        field_text: document.field_text(),
        body: document.body().to_string(),
        content: document.text.clone(),
        hash: document.hash.clone(),
        size,
        mtime_ns,
        error_count: u32::try_from(document.issues.iter().filter(|issue| issue.severity == Severity::Error).count())
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
    /// What changed since the store last saw the folder (empty on a first index).
    pub changes: Vec<Change>,
    /// (copy, original) pairs of sync-tool conflict copies present in the folder.
    pub conflict_copies: Vec<(String, String)>,
    pub held_deletions: Option<HeldDeletions>,
    pub millis: u128,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct IndexOptions {
    /// Apply deletions even when most documents vanished at once.
    pub allow_mass_deletion: bool,
    /// Documents removed by earlier runs moments ago (see `PlanOptions::recently_removed`).
    pub recently_removed: usize,
}

impl Project {
    /// Size and mtime of every Markdown document file (conflict copies included).
    /// A file listed but gone by the time it is looked at means the folder is changing under the
    /// walk (a rename, a sync tool at work): the walk is repeated, so a renamed file is never
    /// missed on both sides.
    pub fn disk_entries(&self) -> Vec<DiskEntry> {
        let mut attempt = 0;
        loop {
            let listed = self.document_paths_with_copies();
            let total = listed.len();
            let entries: Vec<DiskEntry> = listed
                .into_par_iter()
                .filter_map(|rel_path| {
                    let metadata = fs::metadata(self.root.join(&rel_path)).ok()?;
                    Some(DiskEntry { size: metadata.len(), mtime_ns: mtime_ns(&metadata), rel_path })
                })
                .collect();
            attempt += 1;
            if entries.len() == total || attempt == 3 {
                return entries;
            }
        }
    }
}

/// Brings the store up to date with the folder (see `sync::plan`): files whose size and mtime are
/// unchanged are skipped; others are read, hashed and parsed; vanished files are removed unless
/// too many vanished at once.
pub fn index(project: &Project, store: &mut Store) -> Result<IndexReport, ProjectError> {
    index_with(project, store, IndexOptions::default())
}

pub fn index_with(project: &Project, store: &mut Store, options: IndexOptions) -> Result<IndexReport, ProjectError> {
    let started = Instant::now();
    let known = store.file_states()?;
    let root_missing = !project.root.is_dir();
    let disk = if root_missing { Vec::new() } else { project.disk_entries() };
    let plan = sync::plan(
        &known,
        &disk,
        PlanOptions {
            allow_mass_deletion: options.allow_mass_deletion,
            root_missing,
            recently_removed: options.recently_removed,
        },
    );
    let sizes: std::collections::HashMap<&str, &DiskEntry> =
        disk.iter().map(|entry| (entry.rel_path.as_str(), entry)).collect();
    let parsed: Vec<(IndexedDocument, Vec<Issue>)> = plan
        .read
        .par_iter()
        .filter_map(|rel| {
            let entry = sizes.get(rel.as_str())?;
            let document = match fs::read(project.root.join(rel)) {
                Ok(bytes) => parse_document(rel, &bytes),
                Err(error) => {
                    let mut document = parse_document(rel, b"");
                    document.issues = vec![Issue::error(rel, "io", None, format!("cannot read: {error}"))];
                    document
                }
            };
            let issues = document.issues.clone();
            Some((to_indexed(&document, entry.size, entry.mtime_ns), issues))
        })
        .collect();

    let mut report = IndexReport {
        files: disk.len() - plan.conflict_copies.len(),
        conflict_copies: plan.conflict_copies.clone(),
        held_deletions: plan.held_deletions,
        ..IndexReport::default()
    };
    let removed_hashes: std::collections::HashMap<&str, &str> =
        plan.remove.iter().filter_map(|rel| known.get(rel).map(|state| (state.hash.as_str(), rel.as_str()))).collect();
    // A removed file whose id reappears in an added file was renamed too (perhaps edited on the way).
    let removed_ids: std::collections::HashMap<String, String> = if plan.remove.is_empty() || parsed.is_empty() {
        std::collections::HashMap::new()
    } else {
        let removed: std::collections::HashSet<&String> = plan.remove.iter().collect();
        store
            .list(&Default::default())?
            .into_iter()
            .filter(|row| removed.contains(&row.rel_path))
            .map(|row| (row.id, row.rel_path))
            .collect()
    };
    let mut renamed_from = std::collections::HashSet::new();
    let first_index = known.is_empty();
    for (indexed, issues) in &parsed {
        report.issues.extend(issues.iter().cloned());
        let change = match known.get(&indexed.rel_path) {
            Some(state) if state.hash == indexed.hash => None,
            Some(_) => Some((ChangeKind::Changed, None)),
            None => match removed_hashes
                .get(indexed.hash.as_str())
                .copied()
                .or_else(|| removed_ids.get(&indexed.id).map(String::as_str))
            {
                Some(from) if !renamed_from.contains(from) => {
                    renamed_from.insert(from.to_string());
                    Some((ChangeKind::Renamed, Some(from.to_string())))
                }
                _ => Some((ChangeKind::Added, None)),
            },
        };
        if let (Some((kind, from)), false) = (change, first_index) {
            report.changes.push(Change {
                kind,
                rel_path: indexed.rel_path.clone(),
                id: Some(indexed.id.clone()),
                from,
                message: None,
            });
        }
    }
    for rel in plan.remove.iter().filter(|rel| !renamed_from.contains(*rel)) {
        report.changes.push(Change {
            kind: ChangeKind::Removed,
            rel_path: rel.clone(),
            id: None,
            from: None,
            message: None,
        });
    }
    if let Some(held) = plan.held_deletions {
        let message = if root_missing {
            format!(
                "the project folder {} is missing (unmounted drive?); the index and history are kept",
                project.root.display()
            )
        } else {
            format!(
                "{} of {} documents vanished at once; Seam did not apply these deletions and keeps their index and history (run `seam index --allow-mass-deletion` if they were deleted on purpose)",
                held.vanished, held.known
            )
        };
        report.changes.push(Change {
            kind: ChangeKind::DeletionsHeld,
            rel_path: String::new(),
            id: None,
            from: None,
            message: Some(message),
        });
    }
    report.parsed = parsed.len();
    report.removed = plan.remove.len();
    let upserts: Vec<IndexedDocument> = parsed.into_iter().map(|(indexed, _)| indexed).collect();
    store.apply(&upserts, &plan.remove)?;
    report.millis = started.elapsed().as_millis();
    Ok(report)
}

/// One requested change to a document.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    pub rel_path: String,
    /// Hash of the content the edit was based on; the save is refused if the file changed since.
    pub base_hash: String,
    pub edits: Vec<Edit>,
    pub body: Option<String>,
}

/// A successful save.
#[derive(Debug, Clone)]
pub struct Saved {
    pub document: Document,
    /// The file had changed on disk since the edit's base; both versions were merged cleanly.
    pub merged_with_disk: bool,
}

/// Applies the request's edits to `base`, refusing any edit that gives the file an error it did
/// not have (lines may shift, so they are left out of the comparison).
fn apply_edits(base: &Document, request: &SaveRequest) -> Result<Document, ProjectError> {
    let known_errors: std::collections::HashSet<(&'static str, Option<String>, String)> = base
        .issues
        .iter()
        .filter(|issue| issue.severity == Severity::Error)
        .map(|issue| (issue.code, issue.field.clone(), issue.message.clone()))
        .collect();
    let mut document = base.clone();
    for change in &request.edits {
        let text = edit::apply(&document, change)?;
        document = parse_document(&request.rel_path, text.as_bytes());
        let introduced = document.issues.iter().find(|issue| {
            issue.severity == Severity::Error
                && !known_errors.contains(&(issue.code, issue.field.clone(), issue.message.clone()))
        });
        if let Some(issue) = introduced {
            return Err(ProjectError::Invalid {
                rel_path: request.rel_path.clone(),
                message: format!("{} would make {}", change.describe(), issue.message),
            });
        }
    }
    if let Some(body) = &request.body {
        let text = edit::set_body(&document, body)?;
        document = parse_document(&request.rel_path, text.as_bytes());
    }
    Ok(document)
}

/// The content a save was based on: the file itself when unchanged, else the revision store's copy.
fn base_document(
    store: Option<&Store>,
    request: &SaveRequest,
    disk: &Document,
) -> Result<Option<Document>, ProjectError> {
    if disk.hash == request.base_hash {
        return Ok(Some(disk.clone()));
    }
    let Some(store) = store else { return Ok(None) };
    Ok(store
        .revision_content(&request.rel_path, &request.base_hash)?
        .map(|text| parse_document(&request.rel_path, text.as_bytes())))
}

/// Applies edits to a document and writes it durably. When the file changed on disk since the
/// edit's base, the two versions are merged three-way (base from the revision store); overlapping
/// edits are a `Conflict` and nothing is written.
pub fn save(project: &Project, store: Option<&mut Store>, request: &SaveRequest) -> Result<Saved, ProjectError> {
    let path = project.resolve(&request.rel_path)?;
    let disk = project.read_document(&request.rel_path)?;
    let conflict =
        |disk: &Document| ProjectError::Conflict { rel_path: request.rel_path.clone(), disk_hash: disk.hash.clone() };
    let Some(base) = base_document(store.as_deref(), request, &disk)? else {
        return Err(conflict(&disk));
    };
    let mine = apply_edits(&base, request)?;
    let (document, merged_with_disk) = if disk.hash == request.base_hash {
        (mine, false)
    } else {
        if disk.read_only {
            return Err(conflict(&disk));
        }
        match diffy::merge(&base.text, &mine.text, &disk.text) {
            Ok(merged) => {
                let merged = parse_document(&request.rel_path, merged.as_bytes());
                if merged.read_only {
                    return Err(conflict(&disk));
                }
                (merged, true)
            }
            Err(_) => return Err(conflict(&disk)),
        }
    };
    if document.hash == disk.hash {
        return Ok(Saved { document, merged_with_disk });
    }
    write_document(store, &path, &document, &disk.hash)?;
    Ok(Saved { document, merged_with_disk })
}

fn write_document(
    store: Option<&mut Store>,
    path: &Path,
    document: &Document,
    expected_hash: &str,
) -> Result<(), ProjectError> {
    write_atomic(path, document.text.as_bytes(), Some(expected_hash)).map_err(|error| match error {
        WriteError::Changed { disk_hash } => ProjectError::Conflict { rel_path: document.rel_path.clone(), disk_hash },
        WriteError::Io(source) => ProjectError::Io { path: document.rel_path.clone(), source },
    })?;
    if let Some(store) = store {
        let metadata = fs::metadata(path).map_err(io_error(path))?;
        store.record_written(&document.rel_path, &document.text, &document.hash, metadata.len())?;
        store.apply(&[to_indexed(document, metadata.len(), mtime_ns(&metadata))], &[])?;
    }
    Ok(())
}

/// The three sides of a save that could not be merged, for a merge view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictSides {
    /// The version the edit started from, when the revision store still has it.
    pub base: Option<String>,
    /// The file with the user's edits applied (to the base, or to the disk version without one).
    pub mine: String,
    pub theirs: String,
    pub theirs_hash: String,
    /// A merge attempt, with `<<<<<<<`/`=======`/`>>>>>>>` where the sides overlap.
    pub merged: String,
}

pub fn conflict_sides(
    project: &Project,
    store: Option<&Store>,
    request: &SaveRequest,
) -> Result<ConflictSides, ProjectError> {
    let disk = project.read_document(&request.rel_path)?;
    let base = base_document(store, request, &disk)?;
    let mine = apply_edits(base.as_ref().unwrap_or(&disk), request)?;
    let merged = match &base {
        Some(base) => diffy::merge(&base.text, &mine.text, &disk.text).unwrap_or_else(|with_markers| with_markers),
        None => mine.text.clone(),
    };
    Ok(ConflictSides {
        base: base.map(|base| base.text),
        mine: mine.text,
        theirs: disk.text.clone(),
        theirs_hash: disk.hash,
        merged,
    })
}

/// Writes a merge result the user resolved by hand, if the file is still the version they merged
/// against. The text must be a valid document without conflict markers.
pub fn save_resolved(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    theirs_hash: &str,
    text: &str,
) -> Result<Saved, ProjectError> {
    let path = project.resolve(rel_path)?;
    let document = parse_document(rel_path, text.as_bytes());
    if document.read_only {
        let message =
            document.issues.first().map_or_else(|| "the result is not a valid document".to_string(), Issue::display);
        return Err(ProjectError::Invalid { rel_path: rel_path.to_string(), message });
    }
    let disk = project.read_document(rel_path)?;
    if disk.hash != theirs_hash {
        return Err(ProjectError::Conflict { rel_path: rel_path.to_string(), disk_hash: disk.hash });
    }
    if document.hash != disk.hash {
        write_document(store, &path, &document, theirs_hash)?;
    }
    Ok(Saved { document, merged_with_disk: true })
}

#[derive(Debug)]
pub enum WriteError {
    Changed { disk_hash: String },
    Io(std::io::Error),
}

/// Writes `bytes` to `path` so that a crash leaves the old or the new file, never a torn one:
/// a hidden temporary file in the same folder, fsync, a last comparison with `expected_hash`,
/// rename over the target, fsync of the folder.
pub fn write_atomic(path: &Path, bytes: &[u8], expected_hash: Option<&str>) -> Result<(), WriteError> {
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().map_or_else(|| "document".into(), |name| name.to_string_lossy().into_owned());
    let temp_path = folder.join(format!(".{name}.seam-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp_path).map_err(WriteError::Io)?;
        file.write_all(bytes).map_err(WriteError::Io)?;
        file.sync_all().map_err(WriteError::Io)?;
        drop(file);
        if let Some(expected) = expected_hash {
            let disk_hash =
                fs::read(path).map(|current| crate::document::content_hash(&current)).map_err(WriteError::Io)?;
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

/// How long the watcher waits between reconciles when nothing is reported: the backstop for
/// events that never arrive.
const RECONCILE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
/// How long removals count towards the mass-deletion guard.
const RECENT_REMOVALS_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);
/// How long the watcher waits after seeing a deletion before indexing it.
const DELETION_SETTLE: std::time::Duration = std::time::Duration::from_millis(300);

/// Watches the project folder until `stop` is set, re-indexing on every change and reporting
/// what changed through `emit`. The first call to `emit` reports conflicts already present.
/// Seam's own saves update the store before the event arrives, so they are not reported back.
pub fn watch_project(
    project: &Project,
    store: &std::sync::Mutex<Store>,
    mode: sync::WatchMode,
    stop: &std::sync::atomic::AtomicBool,
    mut emit: impl FnMut(Vec<Change>),
) -> Result<(), ProjectError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let _watcher = sync::watch(&project.root, mode, sender).map_err(|message| ProjectError::Io {
        path: project.root.display().to_string(),
        source: std::io::Error::other(message),
    })?;
    let mut known_copies: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Removals applied in the last seconds, so a deletion spread over batches is judged whole.
    let mut recent_removals: std::collections::VecDeque<(Instant, usize)> = std::collections::VecDeque::new();
    let mut reindex = |known_copies: &mut std::collections::HashSet<String>, first: bool| -> Vec<Change> {
        while recent_removals.front().is_some_and(|(at, _)| at.elapsed() > RECENT_REMOVALS_WINDOW) {
            recent_removals.pop_front();
        }
        let options = IndexOptions {
            recently_removed: recent_removals.iter().map(|(_, count)| count).sum(),
            ..IndexOptions::default()
        };
        let report = {
            let mut store = store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            index_with(project, &mut store, options)
        };
        if let Ok(report) = &report {
            if report.removed > 0 {
                recent_removals.push_back((Instant::now(), report.removed));
            }
        }
        match report {
            Ok(report) => changes_with_conflicts(report, known_copies, first),
            Err(error) => vec![Change {
                kind: ChangeKind::Error,
                rel_path: String::new(),
                id: None,
                from: None,
                message: Some(error.to_string()),
            }],
        }
    };
    project.remove_stale_temp_files();
    let initial = reindex(&mut known_copies, true);
    emit(initial);
    let mut last_reconcile = Instant::now();
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        match receiver.recv_timeout(std::time::Duration::from_millis(250)) {
            Ok(sync::WatchSignal::Paths(paths)) => {
                // A deletion is often the first of many (a folder removed, a drive unmounting):
                // let it settle before judging it.
                let deleting = paths.iter().any(|rel| !project.root.join(rel).exists());
                if deleting {
                    std::thread::sleep(DELETION_SETTLE);
                }
                // Coalesce whatever else is already queued into this run.
                while receiver.try_recv().is_ok() {}
                let changes = reindex(&mut known_copies, false);
                last_reconcile = Instant::now();
                if !changes.is_empty() {
                    emit(changes);
                }
            }
            Ok(sync::WatchSignal::Error(message)) => {
                emit(vec![Change {
                    kind: ChangeKind::Error,
                    rel_path: String::new(),
                    id: None,
                    from: None,
                    message: Some(message),
                }]);
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if last_reconcile.elapsed() >= RECONCILE_EVERY {
                    let changes = reindex(&mut known_copies, false);
                    last_reconcile = Instant::now();
                    if !changes.is_empty() {
                        emit(changes);
                    }
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// The report's changes, plus a `conflict` for each new sync-tool conflict copy and each changed
/// file that holds git conflict markers.
fn changes_with_conflicts(
    report: IndexReport,
    known_copies: &mut std::collections::HashSet<String>,
    report_existing: bool,
) -> Vec<Change> {
    let mut changes = report.changes;
    for change in &mut changes {
        let has_markers =
            report.issues.iter().any(|issue| issue.rel_path == change.rel_path && issue.code == "merge-conflict");
        if has_markers && matches!(change.kind, ChangeKind::Changed | ChangeKind::Added) {
            change.kind = ChangeKind::Conflict;
            change.message = Some(format!("{} holds unresolved merge conflict markers", change.rel_path));
        }
    }
    let present: std::collections::HashSet<String> =
        report.conflict_copies.iter().map(|(copy, _)| copy.clone()).collect();
    for (copy, original) in &report.conflict_copies {
        if known_copies.insert(copy.clone()) || report_existing {
            changes.push(Change {
                kind: ChangeKind::Conflict,
                rel_path: copy.clone(),
                id: None,
                from: Some(original.clone()),
                message: Some(format!("a sync tool made a conflict copy of {original}: {copy}")),
            });
        }
    }
    known_copies.retain(|copy| present.contains(copy));
    changes
}
