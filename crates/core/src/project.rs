//! A project folder: finding it, its `seam.toml`, the document files in it, indexing them into
//! the store, and saving edits safely (compare before overwrite, atomic durable write).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Instant, UNIX_EPOCH};

use rayon::prelude::*;

use crate::document::edit::{self, Edit, EditError};
use crate::document::{parse_document, parse_document_owned, Document, Issue, Severity};
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
        self.markdown_files(Part::Documents)
    }

    /// Comment files under `discussions/<doc-id>/`.
    pub fn comment_paths(&self) -> Vec<String> {
        self.markdown_files(Part::Comments)
    }

    fn markdown_files(&self, part: Part) -> Vec<String> {
        let (found, _) = walk_markdown(&self.root, part, &|_| Some(()));
        found.into_iter().map(|(rel, ())| rel).collect()
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
        Ok(parse_document_owned(rel_path, bytes))
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
        body: document.body().to_string(),
        content: document.text.clone(),
        ..indexed_without_text(document, size, mtime_ns)
    }
}

/// The store row of a document, with `body` and `content` left empty.
fn indexed_without_text(document: &Document, size: u64, mtime_ns: i64) -> IndexedDocument {
    IndexedDocument {
        rel_path: document.rel_path.clone(),
        id: document.id.clone(),
        kind: document.kind.map(|kind| kind.as_str().to_string()),
        title: document.title(),
        status: document.status(),
        version: document.version(),
        owners: document.owners(),
        tags: document.tags(),
        links: document.linked_ids(),
        field_text: document.field_text(),
        body: String::new(),
        content: String::new(),
        compressed: None,
        hash: document.hash.clone(),
        size,
        mtime_ns,
        error_count: u32::try_from(document.issues.iter().filter(|issue| issue.severity == Severity::Error).count())
            .unwrap_or(u32::MAX),
    }
}

/// Like [`to_indexed`], taking the document so its text moves into the store's row uncopied;
/// also hands back the document's issues.
fn into_indexed(document: Document, size: u64, mtime_ns: i64) -> (IndexedDocument, Vec<Issue>) {
    let mut indexed = indexed_without_text(&document, size, mtime_ns);
    indexed.body = document.body().to_string();
    indexed.content = document.text;
    (indexed, document.issues)
}

/// What the change report needs of a file parsed in this run, once its row is written.
struct ParsedFile {
    rel_path: String,
    id: String,
    hash: String,
    issues: Vec<Issue>,
}

impl ParsedFile {
    fn of((indexed, issues): &(IndexedDocument, Vec<Issue>)) -> ParsedFile {
        ParsedFile {
            rel_path: indexed.rel_path.clone(),
            id: indexed.id.clone(),
            hash: indexed.hash.clone(),
            issues: issues.clone(),
        }
    }
}

/// Files parsed in parallel per batch: large enough to keep every core busy, small enough that
/// a batch's documents are a few MB.
const PARSE_BATCH: usize = 256;
/// Parsed batches waiting for the store, at most.
const PARSED_BATCHES_IN_FLIGHT: usize = 2;

/// A batch of parsed documents for the store, freed on the parsing threads once written: they
/// were allocated there, and the allocator frees a block from another thread's arena under that
/// arena's lock — on the store's thread, the critical path of an index run, that was 7% of its time.
struct WrittenElsewhere(Vec<IndexedDocument>);

impl AsRef<[IndexedDocument]> for WrittenElsewhere {
    fn as_ref(&self) -> &[IndexedDocument] {
        &self.0
    }
}

impl Drop for WrittenElsewhere {
    fn drop(&mut self) {
        let documents = std::mem::take(&mut self.0);
        if !documents.is_empty() {
            rayon::spawn(move || drop(documents));
        }
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
    /// Size and mtime of every Markdown document file (conflict copies included), sorted by path.
    /// A file listed but gone by the time it is looked at means the folder is changing under the
    /// walk (a rename, a sync tool at work): the walk is repeated, so a renamed file is never
    /// missed on both sides.
    pub fn disk_entries(&self) -> Vec<DiskEntry> {
        self.entries(Part::Documents)
    }

    /// [`Project::disk_entries`] for the comment files under `discussions/`.
    pub fn comment_entries(&self) -> Vec<DiskEntry> {
        self.entries(Part::Comments)
    }

    fn entries(&self, part: Part) -> Vec<DiskEntry> {
        // Through the folder's open handle (an fstatat), like `fs::symlink_metadata`: the walk
        // lists regular files only, so this is what `fs::metadata` of the full path would say.
        let look = |entry: &fs::DirEntry| {
            let metadata = entry.metadata().ok()?;
            Some((metadata.len(), mtime_ns(&metadata)))
        };
        let mut attempt = 0;
        loop {
            let (found, vanished) = walk_markdown(&self.root, part, &look);
            attempt += 1;
            if vanished == 0 || attempt == 3 {
                return found
                    .into_iter()
                    .map(|(rel_path, (size, mtime_ns))| DiskEntry { rel_path, size, mtime_ns })
                    .collect();
            }
        }
    }
}

/// The Markdown files a walk lists: documents, or the comments under `discussions/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Everything outside the top-level `discussions/` folder (conflict copies included).
    Documents,
    /// Everything inside it.
    Comments,
}

/// Walks the project folder for `*.md` files — skipping hidden files and folders,
/// `node_modules` and README files — on every core, one task per folder. Returns each file's
/// project-relative path (`/` separators) with what `look` makes of its directory entry, sorted
/// by path, and how many files `look` gave up on (gone before they were looked at).
///
/// Each folder is read once and its files are looked at through the folder's handle
/// (`DirEntry::metadata` is an fstatat relative to the open directory) instead of by their full
/// paths, which the kernel would resolve one component at a time for every file. Paths are
/// built by appending names to the folder's path, with no `Path` parsing.
fn walk_markdown<T: Send + Sync>(
    root: &Path,
    part: Part,
    look: &(dyn Fn(&fs::DirEntry) -> Option<T> + Sync),
) -> (Vec<(String, T)>, usize) {
    let walk = Walk { part, look, vanished: std::sync::atomic::AtomicUsize::new(0) };
    let found = walk.folder(root, "", 0);
    (found, walk.vanished.into_inner())
}

/// Folders this deep and deeper are walked on one thread with a stack of their own, so a
/// pathologically deep tree cannot overflow a thread's stack by recursion.
const PARALLEL_WALK_DEPTH: usize = 16;

/// One [`walk_markdown`] run.
struct Walk<'a, T> {
    part: Part,
    look: &'a (dyn Fn(&fs::DirEntry) -> Option<T> + Sync),
    vanished: std::sync::atomic::AtomicUsize,
}

/// A folder's entry that the walk keeps, keyed by its relative path in a [`Walk`]: a file, with
/// what `look` made of it, or a subfolder, whose relative path ends in `/`.
enum Walked<T> {
    File(T),
    Folder(PathBuf),
}

impl<T: Send + Sync> Walk<'_, T> {
    /// The files under `folder` (relative path `rel`, empty or ending in `/`, at `depth`) in path
    /// order, its subfolders walked in parallel.
    ///
    /// Each folder's entries are sorted with `/` ending the names of subfolders; listing them in
    /// that order, each subfolder replaced by its own files, gives the same order as sorting the
    /// full paths: every path under a subfolder `s` starts with `s/`, and names never hold `/`.
    fn folder(&self, folder: &Path, rel: &str, depth: usize) -> Vec<(String, T)> {
        let entries = self.entries(folder, rel);
        if depth >= PARALLEL_WALK_DEPTH {
            return self.sequentially(entries);
        }
        let walked: Vec<Vec<(String, T)>> = entries
            .par_iter()
            .filter_map(|(rel, entry)| match entry {
                Walked::Folder(path) => Some(self.folder(path, rel, depth + 1)),
                Walked::File(_) => None,
            })
            .collect();
        let mut walked = walked.into_iter();
        let mut found = Vec::with_capacity(entries.len());
        for (rel, entry) in entries {
            match entry {
                Walked::File(value) => found.push((rel, value)),
                Walked::Folder(_) => found.extend(walked.next().into_iter().flatten()),
            }
        }
        found
    }

    /// The files of `entries` and of the folders among them, in path order, on this thread.
    fn sequentially(&self, entries: Vec<(String, Walked<T>)>) -> Vec<(String, T)> {
        let mut found = Vec::new();
        // Popped in path order: each folder's entries are pushed in reverse.
        let mut pending: Vec<(String, Walked<T>)> = entries.into_iter().rev().collect();
        while let Some((rel, entry)) = pending.pop() {
            match entry {
                Walked::File(value) => found.push((rel, value)),
                Walked::Folder(path) => pending.extend(self.entries(&path, &rel).into_iter().rev()),
            }
        }
        found
    }

    /// The entries of `folder` that the walk keeps, sorted by relative path. An unreadable
    /// folder or entry is skipped.
    fn entries(&self, folder: &Path, rel: &str) -> Vec<(String, Walked<T>)> {
        let at_root = rel.is_empty();
        let Ok(read) = fs::read_dir(folder) else { return Vec::new() };
        let mut entries = Vec::new();
        for entry in read.flatten() {
            let Ok(file_type) = entry.file_type() else { continue };
            let os_name = entry.file_name();
            let name = os_name.to_string_lossy();
            if name.starts_with('.') || name == "node_modules" {
                continue;
            }
            // Symbolic links are neither followed nor listed.
            if file_type.is_dir() {
                // Comments are the top-level `discussions/` folder; documents everything else.
                if at_root && (name == "discussions") != (self.part == Part::Comments) {
                    continue;
                }
                entries.push((format!("{rel}{name}/"), Walked::Folder(entry.path())));
            } else if file_type.is_file() && !(at_root && self.part == Part::Comments) {
                if !name.ends_with(".md") || name.eq_ignore_ascii_case("readme.md") {
                    continue;
                }
                match (self.look)(&entry) {
                    Some(value) => entries.push((format!("{rel}{name}"), Walked::File(value))),
                    None => {
                        self.vanished.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            }
        }
        entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        entries
    }
}

/// Brings the store up to date with the folder (see `sync::plan`): files whose size and mtime are
/// unchanged are skipped; others are read, hashed and parsed; vanished files are removed unless
/// too many vanished at once.
pub fn index(project: &Project, store: &mut Store) -> Result<IndexReport, ProjectError> {
    index_with(project, store, IndexOptions::default())
}

pub fn index_with(project: &Project, store: &mut Store, options: IndexOptions) -> Result<IndexReport, ProjectError> {
    index_with_progress(project, store, options, &|_| {})
}

/// How far an index run is: `done` of `total` files to read have been read and parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexProgress {
    pub done: usize,
    pub total: usize,
}

/// [`index_with`], calling `progress` once before reading (done 0) and as each file is read, from
/// the indexing threads. The callback must be cheap (a front end throttles what it shows).
pub fn index_with_progress(
    project: &Project,
    store: &mut Store,
    options: IndexOptions,
    progress: &(dyn Fn(IndexProgress) + Sync),
) -> Result<IndexReport, ProjectError> {
    let started = Instant::now();
    let root_missing = !project.root.is_dir();
    // The walk (on every core) and reading what the store knows are independent: both at once.
    let (known, disk) = std::thread::scope(|scope| {
        let walk = scope.spawn(|| if root_missing { Vec::new() } else { project.disk_entries() });
        let known = store.file_states();
        (known, walk.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let known = known?;
    let plan = sync::plan(
        &known,
        &disk,
        PlanOptions {
            allow_mass_deletion: options.allow_mass_deletion,
            root_missing,
            recently_removed: options.recently_removed,
        },
    );
    let first_index = known.is_empty();
    let mut report = apply_plan(project, store, &known, &disk, &plan, first_index, progress)?;
    store.finish_fresh_build()?;
    report.files = disk.len() - plan.conflict_copies.len();
    report.conflict_copies = plan.conflict_copies.clone();
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
    report.millis = started.elapsed().as_millis();
    Ok(report)
}

/// Brings the store up to date for the files at `paths` only (what the watcher reported), without
/// walking the folder: the fast path for a teammate's edit. Returns None when the batch needs the
/// whole-folder index instead: a path that is gone (a deletion or a rename, which the planner
/// judges against the whole folder), a folder, a file that is not a document, or a name that
/// could be a sync tool's conflict copy.
pub fn index_paths(
    project: &Project,
    store: &mut Store,
    paths: &[String],
) -> Result<Option<IndexReport>, ProjectError> {
    let started = Instant::now();
    if paths.is_empty() {
        return Ok(None);
    }
    let mut disk = Vec::with_capacity(paths.len());
    for rel_path in paths {
        if !is_plain_document_path(rel_path) {
            return Ok(None);
        }
        let Ok(path) = project.resolve(rel_path) else { return Ok(None) };
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_file() => {
                disk.push(DiskEntry { rel_path: rel_path.clone(), size: metadata.len(), mtime_ns: mtime_ns(&metadata) })
            }
            _ => return Ok(None),
        }
    }
    let known = store.file_states_of(paths)?;
    let plan = sync::plan(&known, &disk, PlanOptions::default());
    if !plan.conflict_copies.is_empty() || !plan.remove.is_empty() || plan.held_deletions.is_some() {
        return Ok(None);
    }
    let mut report = apply_plan(project, store, &known, &disk, &plan, false, &|_| {})?;
    report.files = store.document_count()?;
    report.millis = started.elapsed().as_millis();
    Ok(Some(report))
}

/// A comment file: `discussions/<document id>/<name>.md` (not hidden).
fn is_comment_path(rel_path: &str) -> bool {
    let mut parts = rel_path.split('/');
    parts.next() == Some("discussions")
        && parts.next().is_some_and(|id| !id.is_empty() && !id.starts_with('.'))
        && parts.next().is_some_and(|name| name.ends_with(".md") && !name.starts_with('.'))
        && parts.next().is_none()
}

/// A path the whole-folder walk would list as a document and that no sync tool's conflict-copy
/// pattern could match (those need the folder around them to be judged).
fn is_plain_document_path(rel_path: &str) -> bool {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let listed = name.ends_with(".md")
        && !name.eq_ignore_ascii_case("readme.md")
        && !rel_path.starts_with("discussions/")
        && rel_path.split('/').all(|part| !part.is_empty() && !part.starts_with('.') && part != "node_modules");
    listed && !sync::may_be_conflict_copy(name)
}

/// Reads, parses and writes what `plan` says, and reports what changed against `known`
/// (nothing on a first index, which only fills the store).
fn apply_plan(
    project: &Project,
    store: &mut Store,
    known: &crate::store::FileStates,
    disk: &[DiskEntry],
    plan: &sync::Plan,
    first_index: bool,
    progress: &(dyn Fn(IndexProgress) + Sync),
) -> Result<IndexReport, ProjectError> {
    let started = Instant::now();
    let total = plan.read.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    progress(IndexProgress { done: 0, total });
    // Nothing to read or remove (a reopen with nothing changed): no store transaction either.
    if plan.read.is_empty() && plan.remove.is_empty() {
        return Ok(IndexReport {
            held_deletions: plan.held_deletions,
            millis: started.elapsed().as_millis(),
            ..IndexReport::default()
        });
    }
    let sizes: std::collections::HashMap<&str, &DiskEntry> =
        disk.iter().map(|entry| (entry.rel_path.as_str(), entry)).collect();
    // A removed file whose id reappears in an added file was renamed too (perhaps edited on the
    // way): the ids of removed files are looked up before anything is written.
    let removed_ids: std::collections::HashMap<String, String> = if plan.remove.is_empty() || plan.read.is_empty() {
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
    // Read and parse in batches on every core while this thread writes the previous batch to
    // the store: memory stays bounded by a few batches, whatever the size of the project.
    let mut parsed: Vec<ParsedFile> = Vec::with_capacity(plan.read.len());
    // A file that cannot be read (permission denied, vanished mid-read) is not indexed in this
    // run: the store keeps what it knew, and the next run tries again.
    let mut unreadable: Vec<Issue> = Vec::new();
    std::thread::scope(|scope| -> Result<(), ProjectError> {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Result<(IndexedDocument, Vec<Issue>), Issue>>>(
            PARSED_BATCHES_IN_FLIGHT,
        );
        let read = &plan.read;
        let sizes = &sizes;
        scope.spawn(move || {
            for batch in read.chunks(PARSE_BATCH) {
                let indexed: Vec<Result<(IndexedDocument, Vec<Issue>), Issue>> = batch
                    .par_iter()
                    .filter_map(|rel| {
                        let done = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        progress(IndexProgress { done, total });
                        let entry = sizes.get(rel.as_str())?;
                        Some(match fs::read(project.root.join(rel)) {
                            Ok(bytes) => {
                                let (mut indexed, issues) =
                                    into_indexed(parse_document_owned(rel, bytes), entry.size, entry.mtime_ns);
                                // Compressed for the history here, on every core, not on the
                                // thread writing the store (which would then compress alone).
                                indexed.compressed = crate::store::compress_content(&indexed.content).ok();
                                Ok((indexed, issues))
                            }
                            Err(error) => Err(Issue::error(rel, "io", None, format!("cannot read: {error}"))),
                        })
                    })
                    .collect();
                // The receiver is gone only when writing failed; stop parsing then.
                if sender.send(indexed).is_err() {
                    break;
                }
            }
        });
        let batches = receiver.into_iter().map(|batch| {
            let mut documents = Vec::with_capacity(batch.len());
            for result in batch {
                match result {
                    Ok(document) => {
                        parsed.push(ParsedFile::of(&document));
                        documents.push(document.0);
                    }
                    Err(issue) => unreadable.push(issue),
                }
            }
            WrittenElsewhere(documents)
        });
        store.apply_batches(batches, &plan.remove)?;
        Ok(())
    })?;

    let mut report = IndexReport { held_deletions: plan.held_deletions, ..IndexReport::default() };
    let removed_hashes: std::collections::HashMap<&str, &str> =
        plan.remove.iter().filter_map(|rel| known.get(rel).map(|state| (state.hash.as_str(), rel.as_str()))).collect();
    let mut renamed_from = std::collections::HashSet::new();
    for indexed in &mut parsed {
        report.issues.append(&mut indexed.issues);
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
    for issue in unreadable {
        report.changes.push(Change {
            kind: ChangeKind::Error,
            rel_path: issue.rel_path.clone(),
            id: None,
            from: None,
            message: Some(format!("{}: {} (the last version read is kept)", issue.rel_path, issue.message)),
        });
        report.issues.push(issue);
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
    report.parsed = parsed.len();
    report.removed = plan.remove.len();
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
    let mut mine = apply_edits(&base, request)?;
    if mine.hash != base.hash {
        if let Some(earlier) = store.as_deref().and_then(|store| earlier_wording(store, &mine)) {
            mine = earlier;
        }
    }
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

/// How many of a document's newest versions a save looks through for `earlier_wording`.
const EARLIER_WORDING_VERSIONS: usize = 8;

/// A recent version of the document that says exactly what `mine` says — the same front matter
/// values and the same body — in its own words. An undo in the app sends values (`0.8`), not the
/// text they were written as (`0.80`, a comment beside it); when the values are those of a
/// version the file had a moment ago, writing that version back restores its bytes too.
///
/// A cheap filter first (the same body), then only the candidate's front matter is parsed (no
/// validation), so a save stays fast when many recent versions exist.
fn earlier_wording(store: &Store, mine: &Document) -> Option<Document> {
    let body = &mine.text[mine.body_start..];
    let revisions = store.revisions(&mine.rel_path).ok()?;
    let same_values = |text: &str| -> bool {
        let Ok(Some((span, body_start))) = crate::document::split_front_matter(text) else { return false };
        if &text[body_start..] != body {
            return false;
        }
        let yaml = &text[span.yaml_start..span.yaml_end];
        matches!(crate::document::yaml::parse(yaml, span.yaml_start, span.first_line), Ok(Some(node)) if node.to_json() == mine.json)
    };
    revisions.iter().filter(|revision| revision.hash != mine.hash).take(EARLIER_WORDING_VERSIONS).find_map(|revision| {
        let text = store.blob(&revision.hash).ok()??;
        if !text.ends_with(body) || !same_values(&text) {
            return None;
        }
        let earlier = parse_document(&mine.rel_path, text.as_bytes());
        (!earlier.read_only && earlier.json == mine.json).then_some(earlier)
    })
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
    let mut watcher = Some(sync::watch(&project.root, mode, sender.clone()).map_err(|message| ProjectError::Io {
        path: project.root.display().to_string(),
        source: std::io::Error::other(message),
    })?);
    let mut known_copies: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Removals applied in the last seconds, so a deletion spread over batches is judged whole.
    let mut recent_removals: std::collections::VecDeque<(Instant, usize)> = std::collections::VecDeque::new();
    // `only`: the paths the watcher reported, re-indexed alone when they allow it (see
    // `index_paths`); None, or a batch that needs it, runs the whole-folder index.
    let mut reindex =
        |known_copies: &mut std::collections::HashSet<String>, first: bool, only: Option<&[String]>| -> Vec<Change> {
            while recent_removals.front().is_some_and(|(at, _)| at.elapsed() > RECENT_REMOVALS_WINDOW) {
                recent_removals.pop_front();
            }
            let options = IndexOptions {
                recently_removed: recent_removals.iter().map(|(_, count)| count).sum(),
                ..IndexOptions::default()
            };
            let (report, whole_folder) = {
                let mut store = store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match only.map(|paths| index_paths(project, &mut store, paths)) {
                    Some(Ok(Some(report))) => (Ok(report), false),
                    Some(Err(error)) => (Err(error), false),
                    Some(Ok(None)) | None => (index_with(project, &mut store, options), true),
                }
            };
            if let Ok(report) = &report {
                if report.removed > 0 {
                    recent_removals.push_back((Instant::now(), report.removed));
                }
            }
            match report {
                Ok(report) if whole_folder => changes_with_conflicts(report, known_copies, first),
                // Only a whole-folder run sees every conflict copy; the bookkeeping waits for one.
                Ok(report) => changes_with_conflicts(report, &mut known_copies.clone(), false),
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
    let initial = reindex(&mut known_copies, true, None);
    emit(initial);
    let mut last_reconcile = Instant::now();
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        // The project folder vanished (drive unmounted, folder moved away): its watch is dead.
        // When a folder is back at the path, watch it afresh and catch up on what changed.
        let present = project.root.is_dir();
        if present != watcher.is_some() {
            watcher = if present { sync::watch(&project.root, mode, sender.clone()).ok() } else { None };
            while receiver.try_recv().is_ok() {}
            let changes = reindex(&mut known_copies, false, None);
            last_reconcile = Instant::now();
            if !changes.is_empty() {
                emit(changes);
            }
        }
        match receiver.recv_timeout(std::time::Duration::from_millis(250)) {
            Ok(sync::WatchSignal::Paths(mut paths)) => {
                // A deletion is often the first of many (a folder removed, a drive unmounting):
                // let it settle before judging it.
                let deleting = paths.iter().any(|rel| !project.root.join(rel).exists());
                if deleting {
                    std::thread::sleep(DELETION_SETTLE);
                }
                // Coalesce whatever else is already queued into this run. An empty list means
                // "rescan everything", and so does an error in between.
                let mut rescan = paths.is_empty() || deleting;
                while let Ok(signal) = receiver.try_recv() {
                    match signal {
                        sync::WatchSignal::Paths(more) if !more.is_empty() => paths.extend(more),
                        _ => rescan = true,
                    }
                }
                paths.sort();
                paths.dedup();
                // Measurement runs and comments are not documents: reported as they are, left out
                // of the index.
                let (runs, paths): (Vec<String>, Vec<String>) =
                    paths.into_iter().partition(|rel| crate::metrics::runs::is_run_path(rel));
                let (comments, paths): (Vec<String>, Vec<String>) =
                    paths.into_iter().partition(|rel| is_comment_path(rel));
                let mut changes = if paths.is_empty() && !rescan {
                    Vec::new()
                } else {
                    reindex(&mut known_copies, false, (!rescan).then_some(paths.as_slice()))
                };
                let kept = |kind: ChangeKind| {
                    move |rel_path: String| Change { kind, rel_path, id: None, from: None, message: None }
                };
                changes.extend(runs.into_iter().map(kept(ChangeKind::Measurements)));
                changes.extend(comments.into_iter().map(kept(ChangeKind::Discussion)));
                // A run over a few paths is no reconcile: the backstop still runs on time.
                if rescan {
                    last_reconcile = Instant::now();
                }
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
                    let changes = reindex(&mut known_copies, false, None);
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
