//! Declares the app's own commands so that each needs an explicit permission in a capability.

fn main() {
    let commands = &[
        "open_project",
        "create_project",
        "open_example",
        "current_project",
        "recent_projects",
        "list_documents",
        "get_document",
        "save_document",
        "search",
        "render_markdown",
        "project_issues",
        "conflict_sides",
        "save_resolved",
        "backlinks",
        "create_document",
        "datasheet",
        "dashboard",
        "dataset_view",
        "identity",
        "set_identity",
        "negotiation",
        "set_status",
        "sign_off",
        "item_action",
        "add_comment",
        "resolve_thread",
        "open_threads",
        "meeting_agenda",
        "record_decision",
        "meeting_packet",
        "import_metrics",
        "set_watch_mode",
        "document_history",
        "version_diff",
        "restore_version",
        "conflict_copy_sides",
        "resolve_conflict_copy",
    ];
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build failed: {error:#}");
    }
}
