//! The one place that emits to the UI: the core's domain changes become the `project-changed`
//! event (one event per coalesced batch).

use tauri::{AppHandle, Emitter};

use crate::dto::{Change, ProjectChanges};

pub const PROJECT_CHANGED: &str = "project-changed";

pub fn emit_project_changes(app: &AppHandle, changes: Vec<seam_core::sync::Change>) {
    if changes.is_empty() {
        return;
    }
    let payload = ProjectChanges { changes: changes.into_iter().map(Change::from).collect() };
    if let Err(error) = app.emit(PROJECT_CHANGED, payload) {
        eprintln!("seam-app: cannot send a change event to the window: {error}");
    }
}
