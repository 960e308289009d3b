//! The Seam desktop app. `seam-app [PROJECT_DIR]` opens the folder like `code DIR`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    seam_app::run();
}
