//! Resolving a sync tool's conflict copy (`name (X's conflicted copy 2026-11-21).md`,
//! `name.sync-conflict-….md`, …) against its original.
//!
//! The copy is never indexed as a document of its own (see `sync::conflict_copy_original`); the
//! user merges it with the original in the merge view. Resolving writes the merged text to the
//! original through the normal compare-before-overwrite path, keeps the copy's content in the
//! local history of the original (origin `conflict-copy`, restorable like any version), and only
//! then removes the copy from the folder — never a hard delete of content Seam has not kept.

use std::fs;

use crate::project::{self, Project, ProjectError, Saved};
use crate::store::{Store, ORIGIN_CONFLICT_COPY};

/// Both sides of a conflict copy, for the merge view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySides {
    pub copy_rel_path: String,
    pub original_rel_path: String,
    /// The original's closest common ancestor in the local history, when one is known.
    pub base: Option<String>,
    pub original: String,
    pub original_hash: String,
    pub copy: String,
    pub copy_hash: String,
    /// A first merge: three-way when a base is known, else the original unchanged.
    pub merged: String,
}

/// Reads the copy and its original. `copy_rel_path` must be a conflict copy of an existing document.
pub fn sides(project: &Project, store: Option<&Store>, copy_rel_path: &str) -> Result<CopySides, ProjectError> {
    let original_rel_path = original_of(project, copy_rel_path)?;
    let original = project.read_document(&original_rel_path)?;
    let copy = project.read_document(copy_rel_path)?;
    let base = match store {
        Some(store) => closest_ancestor(store, &original_rel_path, &original.text, &copy.text)?,
        None => None,
    };
    let merged = match &base {
        Some(base) => diffy::merge(base, &original.text, &copy.text).unwrap_or_else(|with_markers| with_markers),
        None => original.text.clone(),
    };
    Ok(CopySides {
        copy_rel_path: copy_rel_path.to_string(),
        original_rel_path,
        base,
        original: original.text,
        original_hash: original.hash,
        copy: copy.text,
        copy_hash: copy.hash,
        merged,
    })
}

/// Writes `text` (the user's resolution) to the original, if neither file changed since the
/// sides were read; then keeps the copy in history and removes it from the folder.
pub fn resolve(
    project: &Project,
    mut store: Option<&mut Store>,
    copy_rel_path: &str,
    original_hash: &str,
    copy_hash: &str,
    text: &str,
) -> Result<Saved, ProjectError> {
    let original_rel_path = original_of(project, copy_rel_path)?;
    let copy = project.read_document(copy_rel_path)?;
    if copy.hash != copy_hash {
        return Err(ProjectError::Conflict { rel_path: copy_rel_path.to_string(), disk_hash: copy.hash });
    }
    let saved = project::save_resolved(project, store.as_deref_mut(), &original_rel_path, original_hash, text)?;
    if let Some(store) = store {
        store.record_snapshot(&original_rel_path, &copy.text, &copy.hash, ORIGIN_CONFLICT_COPY)?;
    } else {
        return Err(ProjectError::Invalid {
            rel_path: copy_rel_path.to_string(),
            message: "the conflict copy can only be removed when the history store is open".to_string(),
        });
    }
    let path = project.resolve(copy_rel_path)?;
    fs::remove_file(&path).map_err(|source| ProjectError::Io { path: path.display().to_string(), source })?;
    Ok(saved)
}

fn original_of(project: &Project, copy_rel_path: &str) -> Result<String, ProjectError> {
    project.resolve(copy_rel_path)?;
    project
        .conflict_copies()
        .into_iter()
        .find(|(copy, _)| copy == copy_rel_path)
        .map(|(_, original)| original)
        .ok_or_else(|| ProjectError::NotFound {
            what: format!("{copy_rel_path} as a conflict copy of a document (it or its original is missing)"),
        })
}

/// The stored version of the original that is closest to both sides (fewest changed lines to
/// each): the best stand-in for the version both sides started from. A version identical to one
/// side is only a last resort (it would make the merge simply take the other side), and among
/// equally close versions the older wins (the common ancestor precedes both edits).
fn closest_ancestor(store: &Store, rel_path: &str, a: &str, b: &str) -> Result<Option<String>, ProjectError> {
    const CANDIDATES: usize = 30;
    let mut best: Option<((bool, usize), String)> = None;
    let mut revisions = store.revisions(rel_path)?;
    revisions.truncate(CANDIDATES);
    for revision in revisions.into_iter().rev() {
        let Some(text) = store.revision_content(rel_path, &revision.hash)? else { continue };
        let score = (text == a || text == b, changed_lines(&text, a) + changed_lines(&text, b));
        if best.as_ref().is_none_or(|(known, _)| score < *known) {
            best = Some((score, text));
        }
    }
    Ok(best.map(|(_, text)| text))
}

fn changed_lines(from: &str, to: &str) -> usize {
    diffy::create_patch(from, to)
        .hunks()
        .iter()
        .flat_map(|hunk| hunk.lines())
        .filter(|line| !matches!(line, diffy::Line::Context(_)))
        .count()
}
