//! Project-wide checks: every file's own issues (syntax, required keys, value shapes) plus what
//! only the whole project shows: duplicate ids, links to ids that do not exist, comments on
//! documents that do not exist; the metrics run files under `metrics/`; and sign-offs against
//! `seam.toml` and the content they approved (`negotiation::signoff::lint_issues`).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::document::{parse_comment, Document, Issue, Severity};
use crate::project::Project;
use crate::store::{Store, StoreError};
use crate::sync::DiskEntry;

#[derive(Debug, Clone, Default)]
pub struct LintReport {
    pub documents: usize,
    pub comments: usize,
    /// Sorted by file, then line.
    pub issues: Vec<Issue>,
    /// Files read for this report ([`lint_cached`] reads only changed ones).
    pub reread: usize,
}

impl LintReport {
    pub fn error_count(&self) -> usize {
        self.issues.iter().filter(|issue| issue.severity == Severity::Error).count()
    }
}

/// Reads every document and comment of the project and checks them. Documents are parsed on
/// every core and reduced at once to what the project-wide checks need ([`DocumentFacts`]): the
/// parsed documents of a large project would take gigabytes (about 80 KB each at 10k).
pub fn lint(project: &Project) -> LintReport {
    lint_cached(project, &mut LintCache::default())
}

/// What [`lint_cached`] keeps between runs: each file's facts (documents) or parsed form
/// (comments) with the size and mtime it had when read, and the `seam.toml` they were checked
/// against (sign-off checks depend on it).
#[derive(Default)]
pub struct LintCache {
    config: Option<crate::project::Config>,
    documents: HashMap<String, (Stamp, DocumentFacts)>,
    comments: HashMap<String, (Stamp, CommentFacts)>,
}

/// A file's size and mtime (ns) when it was read.
type Stamp = (u64, i64);

/// [`lint`] that reads only the files whose size or mtime changed since `cache` saw them (all
/// of them the first time, or after `seam.toml` changed); the project-wide checks then run on
/// every file's facts. The app keeps one per open project: after a save it re-reads one file
/// instead of the whole project (a full read takes seconds at 10k documents). `reread` in the
/// report says how many files were read.
pub fn lint_cached(project: &Project, cache: &mut LintCache) -> LintReport {
    if cache.config.as_ref() != Some(&project.config) {
        *cache = LintCache { config: Some(project.config.clone()), ..LintCache::default() };
    }
    let entries = project.disk_entries();
    let existing: HashSet<&str> = entries.iter().map(|entry| entry.rel_path.as_str()).collect();
    let mut documents = Vec::with_capacity(entries.len());
    let mut conflict_copies = Vec::new();
    for entry in &entries {
        match crate::sync::conflict_copy_original(&entry.rel_path, &existing) {
            Some(original) => conflict_copies.push((entry.rel_path.clone(), original)),
            None => documents.push(entry),
        }
    }
    let comment_entries = project.comment_entries();
    let comment_refs: Vec<&DiskEntry> = comment_entries.iter().collect();
    let reread = refresh(&mut cache.documents, &documents, |rel| DocumentFacts::read(project, rel))
        + refresh(&mut cache.comments, &comment_refs, |rel| CommentFacts::read(project, rel));

    let facts: Vec<&DocumentFacts> =
        documents.iter().filter_map(|entry| cache.documents.get(&entry.rel_path)).map(|(_, facts)| facts).collect();
    let comments: Vec<&CommentFacts> = comment_entries
        .iter()
        .filter_map(|entry| cache.comments.get(&entry.rel_path))
        .map(|(_, comment)| comment)
        .collect();
    let mut report = finish(project, &facts, &comments, conflict_copies);
    report.reread = reread;
    report
}

/// Brings `cached` in line with `entries`: reads (on every core) the files whose size or mtime
/// differ from what is cached, forgets files no longer listed. Returns how many were read.
fn refresh<T: Send>(
    cached: &mut HashMap<String, (Stamp, T)>,
    entries: &[&DiskEntry],
    read: impl Fn(&str) -> T + Sync,
) -> usize {
    let stale: Vec<&DiskEntry> = entries
        .iter()
        .copied()
        .filter(|entry| cached.get(&entry.rel_path).map(|(stamp, _)| *stamp) != Some((entry.size, entry.mtime_ns)))
        .collect();
    let read: Vec<(String, (Stamp, T))> = stale
        .par_iter()
        .map(|entry| (entry.rel_path.clone(), ((entry.size, entry.mtime_ns), read(&entry.rel_path))))
        .collect();
    let listed: HashSet<&str> = entries.iter().map(|entry| entry.rel_path.as_str()).collect();
    cached.retain(|rel, _| listed.contains(rel.as_str()));
    let count = read.len();
    cached.extend(read);
    count
}

/// [`lint`] of documents already parsed — `Project::read_all`'s, in its order — for a caller
/// that needs them for more than the lint (`seam check`), so the project is parsed once.
pub fn lint_parsed(project: &Project, documents: &[Document]) -> LintReport {
    let facts: Vec<DocumentFacts> =
        documents.par_iter().map(|document| DocumentFacts::checked(project, document)).collect();
    let comments: Vec<CommentFacts> =
        project.comment_paths().par_iter().map(|rel| CommentFacts::read(project, rel)).collect();
    let mut report = finish(
        project,
        &facts.iter().collect::<Vec<_>>(),
        &comments.iter().collect::<Vec<_>>(),
        project.conflict_copies(),
    );
    report.reread = comments.len();
    report
}

/// The project-wide checks on every document's and comment's facts, the metrics run files, the
/// sign-offs and the sync tools' conflict copies; sorted.
fn finish(
    project: &Project,
    facts: &[&DocumentFacts],
    comments: &[&CommentFacts],
    conflict_copies: Vec<(String, String)>,
) -> LintReport {
    let mut report = lint_facts(facts, comments);
    let ids: HashSet<&str> = facts.iter().filter(|facts| facts.has_kind).map(|facts| facts.id.as_str()).collect();
    report.issues.extend(crate::metrics::runs::lint_runs(project, |id| ids.contains(id)));
    for facts in facts {
        report.issues.extend(facts.later_issues.iter().cloned());
    }
    for (copy, original) in conflict_copies {
        report.issues.push(Issue::error(
            &original,
            "sync-conflict-copy",
            None,
            format!("a sync tool left a conflict copy of this document: {copy} — merge the two in Seam or by hand, then remove the copy"),
        ));
    }
    report.issues.sort_by(|a, b| (a.rel_path.as_str(), a.line, a.code).cmp(&(b.rel_path.as_str(), b.line, b.code)));
    report
}

/// What the project-wide checks need of one document.
struct DocumentFacts {
    rel_path: String,
    id: String,
    has_kind: bool,
    /// Line of the `id` key, for `duplicate-id`.
    id_line: Option<usize>,
    /// (target id, field, line) of every reference, for `unknown-link`.
    references: Vec<(String, String, Option<usize>)>,
    /// The document's own issues.
    issues: Vec<Issue>,
    /// Issues added after the cross-document checks (sign-offs, in [`lint`]).
    later_issues: Vec<Issue>,
}

impl DocumentFacts {
    /// Reads and parses the document at `rel` and checks it; a file that cannot be read is an
    /// `io` issue.
    fn read(project: &Project, rel: &str) -> DocumentFacts {
        let document = match project.read_document(rel) {
            Ok(document) => document,
            Err(error) => {
                let mut document = crate::document::parse_document(rel, b"");
                document.issues = vec![Issue::error(rel, "io", None, error.to_string())];
                document
            }
        };
        DocumentFacts::checked(project, &document)
    }

    /// [`DocumentFacts::of`] with the sign-off checks, which need the project's `seam.toml`.
    fn checked(project: &Project, document: &Document) -> DocumentFacts {
        let mut facts = DocumentFacts::of(document);
        facts.later_issues = crate::negotiation::signoff::lint_issues(&project.config, document);
        facts
    }

    fn of(document: &Document) -> DocumentFacts {
        DocumentFacts {
            rel_path: document.rel_path.clone(),
            id: document.id.clone(),
            has_kind: document.kind.is_some(),
            id_line: id_line(document),
            references: document.references(),
            issues: document.issues.clone(),
            later_issues: Vec::new(),
        }
    }
}

/// What the project-wide checks need of one comment: its own issues and the document it is on.
struct CommentFacts {
    rel_path: String,
    issues: Vec<Issue>,
    /// The `document` key's value and line.
    document: Option<(String, usize)>,
}

impl CommentFacts {
    /// Reads and parses the comment file at `rel`; a file that cannot be read is an `io` issue.
    fn read(project: &Project, rel: &str) -> CommentFacts {
        let comment = match project.resolve(rel).and_then(|path| {
            std::fs::read(&path).map_err(|source| crate::project::ProjectError::Io { path: rel.to_string(), source })
        }) {
            Ok(bytes) => parse_comment(rel, &bytes),
            Err(error) => {
                let mut comment = parse_comment(rel, b"");
                comment.issues = vec![Issue::error(rel, "io", None, error.to_string())];
                comment
            }
        };
        CommentFacts::of(&comment)
    }

    fn of(comment: &Document) -> CommentFacts {
        let document = comment
            .tree
            .as_ref()
            .and_then(|tree| tree.get("document"))
            .and_then(|node| node.as_str().map(|target| (target.to_string(), node.line)));
        CommentFacts { rel_path: comment.rel_path.clone(), issues: comment.issues.clone(), document }
    }
}

pub fn lint_documents(documents: &[Document], comments: &[Document]) -> LintReport {
    let facts: Vec<DocumentFacts> = documents.iter().map(DocumentFacts::of).collect();
    let comments: Vec<CommentFacts> = comments.iter().map(CommentFacts::of).collect();
    lint_facts(&facts.iter().collect::<Vec<_>>(), &comments.iter().collect::<Vec<_>>())
}

/// Every document's own issues, duplicate ids, unknown links, and the comments' issues and
/// targets; sorted and without repeats.
fn lint_facts(documents: &[&DocumentFacts], comments: &[&CommentFacts]) -> LintReport {
    let mut issues: Vec<Issue> = documents.iter().flat_map(|document| document.issues.iter().cloned()).collect();

    let mut by_id: rustc_hash::FxHashMap<&str, Vec<&DocumentFacts>> = rustc_hash::FxHashMap::default();
    for document in documents.iter().copied().filter(|document| document.has_kind) {
        by_id.entry(document.id.as_str()).or_default().push(document);
    }
    for holders in by_id.values().filter(|holders| holders.len() > 1) {
        let files: Vec<&str> = holders.iter().map(|document| document.rel_path.as_str()).collect();
        for document in holders {
            let others: Vec<&str> = files.iter().copied().filter(|file| *file != document.rel_path).collect();
            issues.push(duplicate_id(&document.rel_path, &document.id, document.id_line, &others));
        }
    }
    for document in documents {
        issues.extend(unknown_links(&document.rel_path, &document.references, |id| by_id.contains_key(id)));
    }

    for comment in comments {
        issues.extend(comment.issues.iter().cloned());
        if let Some((target, line)) = &comment.document {
            if !by_id.contains_key(target.as_str()) {
                issues.push(
                    Issue::error(
                        &comment.rel_path,
                        "unknown-link",
                        Some(*line),
                        format!("comment is on \"{target}\", but no document has that id"),
                    )
                    .with_field("document"),
                );
            }
        }
    }

    issues.sort_by(|a, b| (a.rel_path.as_str(), a.line, a.code).cmp(&(b.rel_path.as_str(), b.line, b.code)));
    issues.dedup();
    LintReport { documents: documents.len(), comments: comments.len(), issues, reread: 0 }
}

fn id_line(document: &Document) -> Option<usize> {
    document.tree.as_ref().and_then(|tree| tree.get("id")).map(|node| node.line)
}

/// `duplicate-id` on `document`, naming the other files that use its id.
pub fn duplicate_id_issue(document: &Document, others: &[&str]) -> Issue {
    duplicate_id(&document.rel_path, &document.id, id_line(document), others)
}

fn duplicate_id(rel_path: &str, id: &str, line: Option<usize>, others: &[&str]) -> Issue {
    Issue::error(
        rel_path,
        "duplicate-id",
        line,
        format!("id \"{id}\" is also used by {}; give each document its own id", others.join(", ")),
    )
    .with_field("id")
}

/// `unknown-link` for every id `document` refers to that `id_exists` does not know.
pub fn unknown_link_issues(document: &Document, id_exists: impl FnMut(&str) -> bool) -> Vec<Issue> {
    unknown_links(&document.rel_path, &document.references(), id_exists)
}

fn unknown_links(
    rel_path: &str,
    references: &[(String, String, Option<usize>)],
    mut id_exists: impl FnMut(&str) -> bool,
) -> Vec<Issue> {
    references
        .iter()
        .filter(|(target, _, _)| !id_exists(target))
        .map(|(target, field, line)| {
            Issue::error(
                rel_path,
                "unknown-link",
                *line,
                format!("{field} names \"{target}\", but no document has that id"),
            )
            .with_field(field.clone())
        })
        .collect()
}

/// The project-level issues of one document, judged against the index instead of re-reading
/// every file (for the app's document view).
pub fn issues_against_index(store: &Store, document: &Document) -> Result<Vec<Issue>, StoreError> {
    let mut issues = Vec::new();
    if document.kind.is_some() {
        let holders = store.document_by_id(&document.id)?;
        let others: Vec<&str> =
            holders.iter().map(|row| row.rel_path.as_str()).filter(|path| *path != document.rel_path).collect();
        if !others.is_empty() {
            issues.push(duplicate_id_issue(document, &others));
        }
    }
    let mut lookup_error = None;
    issues.extend(unknown_link_issues(document, |id| match store.document_by_id(id) {
        Ok(rows) => !rows.is_empty(),
        Err(error) => {
            lookup_error = Some(error);
            true
        }
    }));
    match lookup_error {
        Some(error) => Err(error),
        None => Ok(issues),
    }
}
