//! The Seam desktop shell: managed state, the command list, and the app builder. Commands are
//! thin adapters over seam-core (see `commands.rs`); transport types live in `dto.rs`.

mod commands;
pub mod dto;
mod events;
mod history;
mod menu;
mod negotiation;
mod state;
mod window_state;

#[cfg(test)]
mod bindings;

use std::path::PathBuf;

use tauri::Manager;

pub use state::{Recents, Workspace};

/// The project folder given as the first command-line argument, if any.
fn launch_folder() -> Option<PathBuf> {
    std::env::args_os().skip(1).map(PathBuf::from).find(|arg| !arg.to_string_lossy().starts_with('-'))
}

pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .menu(menu::build)
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { .. } = event {
                if let Ok(config_dir) = window.path().app_config_dir() {
                    window_state::save(window, &window_state::file_in(&config_dir));
                }
            }
        })
        .on_menu_event(|app, event| events::emit_menu_action(app, event.id().0.as_str()))
        .setup(|app| {
            let config_dir = app.path().app_config_dir()?;
            // Size, position and maximized state, kept in the OS config folder (never in a project).
            if let Some(window) = app.get_webview_window("main") {
                window_state::restore(&window, &window_state::file_in(&config_dir));
            }
            app.manage(Recents::new(config_dir));
            app.manage(Workspace::with_launch_folder(launch_folder()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::open_project,
            commands::create_project,
            commands::open_example,
            commands::current_project,
            commands::recent_projects,
            commands::list_documents,
            commands::get_document,
            commands::save_document,
            commands::search,
            commands::render_markdown,
            commands::project_issues,
            commands::conflict_sides,
            commands::save_resolved,
            commands::backlinks,
            commands::create_document,
            commands::datasheet,
            commands::dashboard,
            commands::dataset_view,
            negotiation::identity,
            negotiation::set_identity,
            negotiation::negotiation,
            negotiation::set_status,
            negotiation::sign_off,
            negotiation::item_action,
            negotiation::add_comment,
            negotiation::resolve_thread,
            negotiation::open_threads,
            negotiation::meeting_agenda,
            negotiation::record_decision,
            negotiation::meeting_packet,
            commands::import_metrics,
            commands::set_watch_mode,
            history::document_history,
            history::version_diff,
            history::restore_version,
            history::conflict_copy_sides,
            history::resolve_conflict_copy,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("seam-app: {error}");
        std::process::exit(1);
    }
}
