//! The native menu bar (File, Edit, View, Help). Every item but About is an action id the UI
//! already runs from its keyboard shortcuts and the command palette: choosing it emits
//! `menu-action` (events.rs), so menu, shortcut and palette share one implementation.

use tauri::menu::{AboutMetadata, Menu, MenuBuilder, MenuItem, PredefinedMenuItem, SubmenuBuilder};
use tauri::{AppHandle, Runtime};

/// (action id, label, accelerator). `None` in place of an item is a separator.
type Item = Option<(&'static str, &'static str, Option<&'static str>)>;

const FILE: &[Item] = &[
    Some(("new-requirements", "New Requirement Sheet", None)),
    Some(("new-contract", "New Interface Contract", None)),
    Some(("new-dataset", "New Dataset Note", None)),
    Some(("new-meeting", "New Meeting", None)),
    None,
    Some(("open-folder", "Open Folder…", Some("CmdOrCtrl+O"))),
    Some(("switch-project", "Switch Project…", None)),
    None,
    Some(("save", "Save", Some("CmdOrCtrl+S"))),
];
const EDIT: &[Item] = &[Some(("quick-open", "Quick Open…", Some("CmdOrCtrl+K")))];
const VIEW: &[Item] = &[
    Some(("toggle-theme", "Toggle Light / Dark Theme", Some("CmdOrCtrl+Shift+L"))),
    Some(("toggle-issues", "Project Issues", Some("CmdOrCtrl+Shift+M"))),
];
const HELP: &[Item] = &[Some(("shortcuts", "Keyboard Shortcuts", Some("F1")))];

/// Every action id a menu item can emit, for the generated TypeScript union `MenuActionId`.
#[cfg(test)]
pub fn action_ids() -> Vec<&'static str> {
    [FILE, EDIT, VIEW, HELP].into_iter().flatten().flatten().map(|(id, _, _)| *id).collect()
}

fn submenu<R: Runtime>(app: &AppHandle<R>, title: &str, items: &[Item]) -> tauri::Result<tauri::menu::Submenu<R>> {
    let mut builder = SubmenuBuilder::new(app, title);
    for item in items {
        builder = match item {
            Some((id, label, accelerator)) => builder.item(&MenuItem::with_id(app, *id, *label, true, *accelerator)?),
            None => builder.separator(),
        };
    }
    builder.build()
}

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let mut help = SubmenuBuilder::new(app, "Help");
    for item in HELP.iter().flatten() {
        let (id, label, accelerator) = *item;
        help = help.item(&MenuItem::with_id(app, id, label, true, accelerator)?);
    }
    let about = AboutMetadata {
        name: Some("Seam".to_string()),
        version: Some(env!("CARGO_PKG_VERSION").to_string()),
        comments: Some("Requirements, interface contracts and dataset notes for ML-enabled systems.".to_string()),
        ..AboutMetadata::default()
    };
    let help = help.separator().item(&PredefinedMenuItem::about(app, Some("About Seam"), Some(about))?).build()?;
    MenuBuilder::new(app)
        .item(&submenu(app, "File", FILE)?)
        .item(&submenu(app, "Edit", EDIT)?)
        .item(&submenu(app, "View", VIEW)?)
        .item(&help)
        .build()
}
