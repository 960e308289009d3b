//! Commands for a document's history (local versions and git commits, diff, restore) and for
//! resolving a sync tool's conflict copy. Thin adapters over `seam_core::history` and
//! `seam_core::copies`, like `commands.rs`.

use tauri::State;

use crate::commands::{blocking, write_then_view};
use crate::dto::{CopySidesDto, DocumentView, ErrorDto, FieldChangeDto, VersionDiffDto, VersionDto};
use crate::state::Workspace;
use seam_core::{copies, history};

#[tauri::command]
pub async fn document_history(rel_path: String, workspace: State<'_, Workspace>) -> Result<Vec<VersionDto>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let versions = history::versions(&open.project, &open.store(), &rel_path)?;
        Ok(versions.into_iter().map(VersionDto::from).collect())
    })
    .await
}

#[tauri::command]
pub async fn version_diff(
    rel_path: String,
    from_rev: String,
    to_rev: String,
    workspace: State<'_, Workspace>,
) -> Result<VersionDiffDto, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let (from_text, to_text) = {
            let store = open.store();
            (
                history::content(&open.project, &store, &rel_path, &from_rev)?,
                history::content(&open.project, &store, &rel_path, &to_rev)?,
            )
        };
        let diff = history::diff(&rel_path, &from_text, &to_text);
        Ok(VersionDiffDto {
            from_rev,
            to_rev,
            from_text,
            to_text,
            fields: diff
                .fields
                .into_iter()
                .map(|change| FieldChangeDto { path: change.path, old: change.old, new: change.new })
                .collect(),
            body_changed: diff.body_changed,
        })
    })
    .await
}

#[tauri::command]
pub async fn restore_version(
    rel_path: String,
    rev: String,
    disk_hash: String,
    workspace: State<'_, Workspace>,
) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        write_then_view(&open, |store| history::restore(&open.project, Some(store), &rel_path, &rev, Some(&disk_hash)))
    })
    .await
}

#[tauri::command]
pub async fn conflict_copy_sides(
    copy_rel_path: String,
    workspace: State<'_, Workspace>,
) -> Result<CopySidesDto, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let sides = copies::sides(&open.project, Some(&open.store()), &copy_rel_path)?;
        Ok(CopySidesDto {
            copy_rel_path: sides.copy_rel_path,
            original_rel_path: sides.original_rel_path,
            base: sides.base,
            original: sides.original,
            original_hash: sides.original_hash,
            copy: sides.copy,
            copy_hash: sides.copy_hash,
            merged: sides.merged,
        })
    })
    .await
}

#[tauri::command]
pub async fn resolve_conflict_copy(
    copy_rel_path: String,
    original_hash: String,
    copy_hash: String,
    text: String,
    workspace: State<'_, Workspace>,
) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        write_then_view(&open, |store| {
            copies::resolve(&open.project, Some(store), &copy_rel_path, &original_hash, &copy_hash, &text)
        })
    })
    .await
}
