//! Discussions: one file per comment, `discussions/<doc-id>/<UTC stamp>-<author-slug>.md`, with
//! front matter `{document, item, author, at, reply_to, resolved}` and the text as body — two
//! people commenting at once never write the same file. A comment's id is its file stem. A thread
//! is a root comment (`reply_to: null`) and every reply that leads back to it; resolving or
//! reopening rewrites the root's `resolved` value in place (compare before overwrite).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::{items, yaml_text, NegotiationError};
use crate::document::edit::{self, NewValue};
use crate::document::{parse_comment, Issue, Severity};
use crate::project::{write_atomic, Project, ProjectError, WriteError};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Comment {
    /// The file stem (`20261104T091500Z-maren-lindqvist`), what `reply_to` names.
    pub id: String,
    pub rel_path: String,
    pub document: String,
    pub item: Option<String>,
    pub author: String,
    pub at: String,
    pub reply_to: Option<String>,
    pub resolved: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Thread {
    /// The root comment's id.
    pub id: String,
    pub document: String,
    pub item: Option<String>,
    pub resolved: bool,
    /// Root first, then the replies by time.
    pub comments: Vec<Comment>,
    /// Everyone who commented, in order of first comment.
    pub participants: Vec<String>,
    pub last_author: String,
    /// While unresolved: the last commenter waits on everyone else in the thread and on the
    /// document's owners. Empty when resolved.
    pub waiting_on: Vec<String>,
}

/// Every comment file of the project (or of one document's folder), parsed; files that are not
/// valid comments are returned as issues.
pub fn read_comments(project: &Project, document_id: Option<&str>) -> (Vec<Comment>, Vec<Issue>) {
    let prefix = document_id.map(|id| format!("discussions/{id}/"));
    let mut comments = Vec::new();
    let mut issues = Vec::new();
    for rel_path in project.comment_paths() {
        if prefix.as_ref().is_some_and(|prefix| !rel_path.starts_with(prefix.as_str())) {
            continue;
        }
        let bytes = match project
            .resolve(&rel_path)
            .and_then(|path| std::fs::read(path).map_err(|source| ProjectError::Io { path: rel_path.clone(), source }))
        {
            Ok(bytes) => bytes,
            Err(error) => {
                issues.push(Issue::error(&rel_path, "io", None, error.to_string()));
                continue;
            }
        };
        let parsed = parse_comment(&rel_path, &bytes);
        let errors: Vec<&Issue> = parsed.issues.iter().filter(|issue| issue.severity == Severity::Error).collect();
        if parsed.tree.is_none() || !errors.is_empty() {
            issues.extend(parsed.issues.iter().cloned());
            continue;
        }
        let text = |key: &str| parsed.json.get(key).and_then(Value::as_str).map(str::to_string);
        comments.push(Comment {
            id: rel_path.rsplit('/').next().unwrap_or(&rel_path).trim_end_matches(".md").to_string(),
            document: text("document").unwrap_or_default(),
            item: text("item"),
            author: text("author").unwrap_or_default(),
            at: text("at").unwrap_or_default(),
            reply_to: text("reply_to"),
            resolved: parsed.json.get("resolved").and_then(Value::as_bool).unwrap_or(false),
            text: parsed.body().trim().to_string(),
            rel_path,
        });
    }
    (comments, issues)
}

/// Groups comments into threads (oldest thread first). A reply whose `reply_to` names no known
/// comment starts a thread of its own, so nothing is hidden.
pub fn group_threads(comments: Vec<Comment>, owners_of: impl Fn(&str) -> Vec<String>) -> Vec<Thread> {
    let parent: HashMap<String, Option<String>> =
        comments.iter().map(|comment| (comment.id.clone(), comment.reply_to.clone())).collect();
    let root_of = |id: &str| -> String {
        let mut current = id.to_string();
        let mut seen = BTreeSet::new();
        while let Some(Some(next)) = parent.get(&current) {
            if !parent.contains_key(next) || !seen.insert(current.clone()) {
                break;
            }
            current = next.clone();
        }
        current
    };
    let mut groups: BTreeMap<String, Vec<Comment>> = BTreeMap::new();
    for comment in comments {
        groups.entry(root_of(&comment.id)).or_default().push(comment);
    }
    let mut threads: Vec<Thread> = groups
        .into_iter()
        .map(|(root_id, mut comments)| {
            comments.sort_by(|a, b| (a.id != root_id, &a.at, &a.id).cmp(&(b.id != root_id, &b.at, &b.id)));
            let root = &comments[0];
            let mut participants: Vec<String> = Vec::new();
            for comment in &comments {
                if !participants.contains(&comment.author) {
                    participants.push(comment.author.clone());
                }
            }
            let last_author = comments.last().map(|comment| comment.author.clone()).unwrap_or_default();
            let waiting_on = if root.resolved {
                Vec::new()
            } else {
                let mut waiting: Vec<String> =
                    participants.iter().filter(|name| **name != last_author).cloned().collect();
                for owner in owners_of(&root.document) {
                    if owner != last_author && !waiting.contains(&owner) {
                        waiting.push(owner);
                    }
                }
                waiting
            };
            Thread {
                id: root_id,
                document: root.document.clone(),
                item: root.item.clone(),
                resolved: root.resolved,
                participants,
                last_author,
                waiting_on,
                comments,
            }
        })
        .collect();
    threads.sort_by(|a, b| (&a.comments[0].at, &a.id).cmp(&(&b.comments[0].at, &b.id)));
    threads
}

fn owners_from_store(project: &Project, store: &Store) -> impl Fn(&str) -> Vec<String> {
    let mut owners: HashMap<String, Vec<String>> = HashMap::new();
    if let Ok(rows) = store.list(&Default::default()) {
        for row in rows {
            owners.entry(row.id).or_insert(row.owners);
        }
    }
    let _ = project;
    move |id: &str| owners.get(id).cloned().unwrap_or_default()
}

/// The threads on one document (or on every document when `document_id` is None).
pub fn threads(
    project: &Project,
    store: &Store,
    document_id: Option<&str>,
) -> Result<(Vec<Thread>, Vec<Issue>), NegotiationError> {
    let (comments, issues) = read_comments(project, document_id);
    let comments = comments.into_iter().filter(|comment| document_id.is_none_or(|id| comment.document == id)).collect();
    Ok((group_threads(comments, owners_from_store(project, store)), issues))
}

/// A comment's `item` that names a datasheet section of a dataset note: `section:<key>`
/// (`section:motivation`, … — the keys of `datasheet::SECTIONS`).
pub const SECTION_PREFIX: &str = "section:";

/// Unresolved threads per document id (documents without any are absent), for the list.
pub fn unresolved_counts(project: &Project) -> BTreeMap<String, usize> {
    let (comments, _) = read_comments(project, None);
    let mut counts = BTreeMap::new();
    for thread in group_threads(comments, |_| Vec::new()) {
        if !thread.resolved {
            *counts.entry(thread.document).or_insert(0) += 1;
        }
    }
    counts
}

/// A new comment to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub document: String,
    pub item: Option<String>,
    pub author: String,
    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    pub at: String,
    pub reply_to: Option<String>,
    pub text: String,
}

/// `Ana Ruiz` → `ana-ruiz` (ASCII letters and digits; others dropped, accents folded where simple).
fn author_slug(author: &str) -> String {
    crate::example::id_from_title(&fold_accents(author), "someone")
}

fn fold_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// Writes a new comment file. The document must exist in the index; the item, when given, must
/// be one of its items; `reply_to` must name an existing comment on the same document.
pub fn add_comment(project: &Project, store: &Store, comment: &NewComment) -> Result<Comment, NegotiationError> {
    let rel_for_errors = format!("discussions/{}/", comment.document);
    let rows = store.document_by_id(&comment.document)?;
    let Some(row) = rows.first() else {
        return Err(ProjectError::NotFound { what: format!("with id \"{}\"", comment.document) }.into());
    };
    if comment.document.contains(['/', '\\']) || comment.document.starts_with('.') {
        return Err(NegotiationError::refused(
            &row.rel_path,
            "bad-id",
            "a document id used for discussions cannot contain / or \\ or start with .",
        ));
    }
    if comment.text.trim().is_empty() {
        return Err(NegotiationError::refused(&rel_for_errors, "empty-comment", "a comment needs some text"));
    }
    if comment.author.trim().is_empty() {
        return Err(NegotiationError::refused(&rel_for_errors, "no-identity", "a comment needs an author"));
    }
    if let Some(item) = &comment.item {
        let document = project.read_document(&row.rel_path)?;
        match item.strip_prefix(SECTION_PREFIX) {
            // A review comment on one datasheet section of a dataset note.
            Some(key) => {
                let known = document.kind == Some(crate::document::Kind::Dataset)
                    && crate::datasheet::SECTIONS.iter().any(|section| section.key == key);
                if !known {
                    let keys: Vec<&str> = crate::datasheet::SECTIONS.iter().map(|section| section.key).collect();
                    return Err(NegotiationError::refused(
                        &row.rel_path,
                        "unknown-item",
                        format!(
                            "\"{item}\" is not a datasheet section of a dataset note (section:{})",
                            keys.join(", section:")
                        ),
                    ));
                }
            }
            None => {
                items::find_item(&document, item)?;
            }
        }
    }
    if let Some(parent) = &comment.reply_to {
        let (existing, _) = read_comments(project, Some(&comment.document));
        if !existing.iter().any(|known| &known.id == parent) {
            return Err(NegotiationError::refused(
                &rel_for_errors,
                "unknown-comment",
                format!("no comment {parent} on {}", comment.document),
            ));
        }
    }
    let stamp: String = comment.at.chars().filter(|c| *c != '-' && *c != ':').collect();
    if !(stamp.len() == 16 && stamp.as_bytes()[8] == b'T' && stamp.ends_with('Z')) {
        return Err(NegotiationError::refused(
            &rel_for_errors,
            "bad-time",
            format!("\"{}\" is not a UTC time of the form 2026-11-20T10:00:00Z", comment.at),
        ));
    }
    let slug = author_slug(&comment.author);
    let folder = format!("discussions/{}", comment.document);
    let folder_path = project.resolve(&folder)?;
    std::fs::create_dir_all(&folder_path).map_err(|source| ProjectError::Io { path: folder.clone(), source })?;
    let null_or = |value: &Option<String>| value.as_deref().map_or_else(|| "null".to_string(), yaml_text);
    let text = format!(
        "---\ndocument: {}\nitem: {}\nauthor: {}\nat: {}\nreply_to: {}\nresolved: false\n---\n{}\n",
        yaml_text(&comment.document),
        null_or(&comment.item),
        yaml_text(&comment.author),
        comment.at,
        null_or(&comment.reply_to),
        comment.text.trim_end()
    );
    let check = parse_comment("comment.md", text.as_bytes());
    if let Some(issue) = check.issues.iter().find(|issue| issue.severity == Severity::Error) {
        return Err(NegotiationError::refused(&rel_for_errors, "bad-comment", issue.message.clone()));
    }
    for attempt in 1..1000 {
        let id = if attempt == 1 { format!("{stamp}-{slug}") } else { format!("{stamp}-{slug}-{attempt}") };
        let rel_path = format!("{folder}/{id}.md");
        let path = project.resolve(&rel_path)?;
        if path.exists() {
            continue;
        }
        write_atomic(&path, text.as_bytes(), None).map_err(|error| match error {
            WriteError::Io(source) => ProjectError::Io { path: rel_path.clone(), source },
            WriteError::Changed { disk_hash } => ProjectError::Conflict { rel_path: rel_path.clone(), disk_hash },
        })?;
        return Ok(Comment {
            id,
            rel_path,
            document: comment.document.clone(),
            item: comment.item.clone(),
            author: comment.author.clone(),
            at: comment.at.clone(),
            reply_to: comment.reply_to.clone(),
            resolved: false,
            text: comment.text.trim().to_string(),
        });
    }
    Err(NegotiationError::refused(&rel_for_errors, "bad-comment", "too many comments by one author in one second"))
}

fn find_comment(project: &Project, comment_id: &str) -> Result<Comment, NegotiationError> {
    let (comments, _) = read_comments(project, None);
    comments.into_iter().find(|comment| comment.id == comment_id || comment.rel_path == comment_id).ok_or_else(|| {
        ProjectError::NotFound { what: format!("comment {comment_id} (see `seam discuss list ID`)") }.into()
    })
}

/// Replies to comment `comment_id`: a new comment on the same document and item.
pub fn reply(
    project: &Project,
    store: &Store,
    comment_id: &str,
    author: &str,
    at: &str,
    text: &str,
) -> Result<Comment, NegotiationError> {
    let parent = find_comment(project, comment_id)?;
    add_comment(
        project,
        store,
        &NewComment {
            document: parent.document,
            item: parent.item,
            author: author.to_string(),
            at: at.to_string(),
            reply_to: Some(parent.id),
            text: text.to_string(),
        },
    )
}

/// Resolves (`true`) or reopens (`false`) the thread `comment_id` belongs to, by rewriting its
/// root comment's `resolved` value in place. Returns the root comment as written.
pub fn set_resolved(project: &Project, comment_id: &str, resolved: bool) -> Result<Comment, NegotiationError> {
    let target = find_comment(project, comment_id)?;
    let (comments, _) = read_comments(project, Some(&target.document));
    let thread = group_threads(comments, |_| Vec::new())
        .into_iter()
        .find(|thread| thread.comments.iter().any(|comment| comment.id == target.id))
        .ok_or_else(|| ProjectError::NotFound { what: format!("comment {comment_id}") })?;
    let mut root = thread.comments[0].clone();
    let path = project.resolve(&root.rel_path)?;
    let bytes = std::fs::read(&path).map_err(|source| ProjectError::Io { path: root.rel_path.clone(), source })?;
    let parsed = parse_comment(&root.rel_path, &bytes);
    if root.resolved == resolved {
        return Ok(root);
    }
    let text =
        edit::set_value(&parsed, "resolved", &NewValue::Yaml(resolved.to_string())).map_err(ProjectError::from)?;
    let check = parse_comment(&root.rel_path, text.as_bytes());
    if let Some(issue) = check.issues.iter().find(|issue| issue.severity == Severity::Error) {
        return Err(NegotiationError::refused(&root.rel_path, "bad-comment", issue.message.clone()));
    }
    write_atomic(&path, text.as_bytes(), Some(&parsed.hash)).map_err(|error| match error {
        WriteError::Io(source) => ProjectError::Io { path: root.rel_path.clone(), source },
        WriteError::Changed { disk_hash } => ProjectError::Conflict { rel_path: root.rel_path.clone(), disk_hash },
    })?;
    root.resolved = resolved;
    Ok(root)
}
