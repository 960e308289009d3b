//! Project-wide checks: every file's own issues (syntax, required keys, value shapes) plus what
//! only the whole project shows: duplicate ids, links to ids that do not exist, comments on
//! documents that do not exist.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::document::{parse_comment, Document, Issue, Severity};
use crate::project::Project;

#[derive(Debug, Clone, Default)]
pub struct LintReport {
    pub documents: usize,
    pub comments: usize,
    /// Sorted by file, then line.
    pub issues: Vec<Issue>,
}

impl LintReport {
    pub fn error_count(&self) -> usize {
        self.issues.iter().filter(|issue| issue.severity == Severity::Error).count()
    }
}

/// Reads every document and comment of the project and checks them.
pub fn lint(project: &Project) -> LintReport {
    let documents = project.read_all();
    let comments: Vec<Document> = project
        .comment_paths()
        .par_iter()
        .map(|rel| {
            match project.resolve(rel).and_then(|path| {
                std::fs::read(&path).map_err(|source| crate::project::ProjectError::Io { path: rel.clone(), source })
            }) {
                Ok(bytes) => parse_comment(rel, &bytes),
                Err(error) => {
                    let mut comment = parse_comment(rel, b"");
                    comment.issues = vec![Issue::error(rel, "io", None, error.to_string())];
                    comment
                }
            }
        })
        .collect();
    let mut report = lint_documents(&documents, &comments);
    for (copy, original) in project.conflict_copies() {
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

pub fn lint_documents(documents: &[Document], comments: &[Document]) -> LintReport {
    let mut issues: Vec<Issue> = documents.iter().flat_map(|document| document.issues.iter().cloned()).collect();

    let mut by_id: BTreeMap<&str, Vec<&Document>> = BTreeMap::new();
    for document in documents.iter().filter(|document| document.kind.is_some()) {
        by_id.entry(document.id.as_str()).or_default().push(document);
    }
    for (id, holders) in &by_id {
        if holders.len() < 2 {
            continue;
        }
        let files: Vec<&str> = holders.iter().map(|document| document.rel_path.as_str()).collect();
        for document in holders {
            let line = document.tree.as_ref().and_then(|tree| tree.get("id")).map(|node| node.line);
            let others: Vec<&str> = files.iter().copied().filter(|file| *file != document.rel_path).collect();
            issues.push(
                Issue::error(
                    &document.rel_path,
                    "duplicate-id",
                    line,
                    format!("id \"{id}\" is also used by {}; give each document its own id", others.join(", ")),
                )
                .with_field("id"),
            );
        }
    }

    for document in documents {
        for (target, field, line) in document.references() {
            if !by_id.contains_key(target.as_str()) {
                issues.push(
                    Issue::error(
                        &document.rel_path,
                        "unknown-link",
                        line,
                        format!("{field} names \"{target}\", but no document has that id"),
                    )
                    .with_field(field),
                );
            }
        }
    }

    for comment in comments {
        issues.extend(comment.issues.iter().cloned());
        let Some(tree) = &comment.tree else { continue };
        if let Some(node) = tree.get("document") {
            if let Some(target) = node.as_str() {
                if !by_id.contains_key(target) {
                    issues.push(
                        Issue::error(
                            &comment.rel_path,
                            "unknown-link",
                            Some(node.line),
                            format!("comment is on \"{target}\", but no document has that id"),
                        )
                        .with_field("document"),
                    );
                }
            }
        }
    }

    issues.sort_by(|a, b| (a.rel_path.as_str(), a.line, a.code).cmp(&(b.rel_path.as_str(), b.line, b.code)));
    issues.dedup();
    LintReport { documents: documents.len(), comments: comments.len(), issues }
}
