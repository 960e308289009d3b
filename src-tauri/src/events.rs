//! The one place that emits to the UI: the core's domain changes become the `project-changed`
//! event (one event per coalesced batch), index progress becomes throttled `index-progress`
//! events, and native menu choices become `menu-action` events.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter};

use crate::dto::{Change, IndexProgress, MenuAction, ProjectChanges};

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

pub const INDEX_PROGRESS: &str = "index-progress";
pub const MENU_ACTION: &str = "menu-action";

/// Least time between two `index-progress` events: the indexer reports every file, the window
/// needs a few updates a second.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(60);

/// Turns the core's per-file index progress into throttled `index-progress` events: the first
/// report, then at most one per [`PROGRESS_INTERVAL`], and always the last file. Called from the
/// indexing threads.
pub struct IndexProgressEmitter {
    app: AppHandle,
    root: String,
    last_sent: Mutex<Option<Instant>>,
}

impl IndexProgressEmitter {
    pub fn new(app: &AppHandle, root: &Path) -> IndexProgressEmitter {
        IndexProgressEmitter { app: app.clone(), root: root.display().to_string(), last_sent: Mutex::new(None) }
    }

    pub fn report(&self, progress: seam_core::project::IndexProgress) {
        {
            let mut last_sent = self.last_sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = last_sent.is_none_or(|sent| sent.elapsed() >= PROGRESS_INTERVAL);
            if !due && progress.done < progress.total {
                return;
            }
            *last_sent = Some(Instant::now());
        }
        let payload = IndexProgress {
            root: self.root.clone(),
            done: u32::try_from(progress.done).unwrap_or(u32::MAX),
            total: u32::try_from(progress.total).unwrap_or(u32::MAX),
        };
        if let Err(error) = self.app.emit(INDEX_PROGRESS, payload) {
            eprintln!("seam-app: cannot send index progress to the window: {error}");
        }
    }
}

/// A native menu item was chosen: the UI runs the action with the same id as its shortcut would.
pub fn emit_menu_action(app: &AppHandle, action: &str) {
    if let Err(error) = app.emit(MENU_ACTION, MenuAction { action: action.to_string() }) {
        eprintln!("seam-app: cannot send a menu action to the window: {error}");
    }
}
