//! Remembers the main window's size, position and maximized state between runs, in the app's OS
//! config folder (never in a project). A missing or unreadable file just means default geometry.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{PhysicalPosition, PhysicalSize, Runtime, WebviewWindow, Window};

#[derive(Debug, Serialize, Deserialize)]
struct Geometry {
    x: i32,
    y: i32,
    width: u32,
    height: u32,
    maximized: bool,
}

/// Smallest size restored, so a damaged file cannot make the window vanish.
const MIN_SIDE: u32 = 200;

pub fn file_in(config_dir: &Path) -> PathBuf {
    config_dir.join("window-state.json")
}

/// Applies the saved geometry, if any, to `window`.
pub fn restore<R: Runtime>(window: &WebviewWindow<R>, file: &Path) {
    let Some(geometry) = std::fs::read(file).ok().and_then(|bytes| serde_json::from_slice::<Geometry>(&bytes).ok())
    else {
        return;
    };
    if geometry.width >= MIN_SIDE && geometry.height >= MIN_SIDE {
        let _ = window.set_size(PhysicalSize::new(geometry.width, geometry.height));
        let _ = window.set_position(PhysicalPosition::new(geometry.x, geometry.y));
    }
    if geometry.maximized {
        let _ = window.maximize();
    }
}

/// Saves `window`'s geometry (called when it is about to close). A maximized window keeps the
/// size it had before, so un-maximizing next time gives a sensible window.
pub fn save<R: Runtime>(window: &Window<R>, file: &Path) {
    let maximized = window.is_maximized().unwrap_or(false);
    let previous = std::fs::read(file).ok().and_then(|bytes| serde_json::from_slice::<Geometry>(&bytes).ok());
    let geometry = match (maximized, previous, window.outer_position(), window.inner_size()) {
        (true, Some(previous), _, _) => Geometry { maximized: true, ..previous },
        (_, _, Ok(position), Ok(size)) => {
            Geometry { x: position.x, y: position.y, width: size.width, height: size.height, maximized }
        }
        _ => return,
    };
    if let Some(parent) = file.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(bytes) = serde_json::to_vec_pretty(&geometry) {
        if let Err(error) = seam_core::project::write_atomic(file, &bytes, None) {
            eprintln!("seam-app: cannot save the window state {}: {error:?}", file.display());
        }
    }
}
