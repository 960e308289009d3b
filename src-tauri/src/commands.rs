//! Tauri commands: thin adapters that take state, convert the input, call one core function on
//! a blocking thread, and convert the result or error. No domain logic lives here.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Manager, State};

use seam_core::document::edit::NewValue;
use seam_core::project::{self, SaveRequest as CoreSaveRequest};
use seam_core::store::ListFilter;

use crate::dto::{
    ConflictSides, DocumentSummary, DocumentView, ErrorDto, IssueDto, ProjectInfo, RecentProject, SaveRequest,
    SearchHit,
};
use crate::state::{OpenProject, Recents, Workspace};

pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ErrorDto> + Send + 'static,
) -> Result<T, ErrorDto> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|error| ErrorDto::new("internal", format!("background task failed: {error}")))?
}

async fn open_and_remember(
    app: &AppHandle,
    path: PathBuf,
    workspace: &Workspace,
    recents: &Recents,
) -> Result<ProjectInfo, ErrorDto> {
    let (open, info) = blocking(move || OpenProject::open(&path)).await?;
    workspace.set(app, open, info.clone());
    recents.remember(&info)?;
    Ok(info)
}

#[tauri::command]
pub async fn open_project(
    app: AppHandle,
    path: String,
    workspace: State<'_, Workspace>,
    recents: State<'_, Recents>,
) -> Result<ProjectInfo, ErrorDto> {
    open_and_remember(&app, PathBuf::from(path), &workspace, &recents).await
}

#[tauri::command]
pub async fn create_project(
    app: AppHandle,
    path: String,
    example: bool,
    workspace: State<'_, Workspace>,
    recents: State<'_, Recents>,
) -> Result<ProjectInfo, ErrorDto> {
    let folder = PathBuf::from(path);
    let target = folder.clone();
    blocking(move || Ok(seam_core::example::init_project(&target, example)?)).await?;
    open_and_remember(&app, folder, &workspace, &recents).await
}

#[tauri::command]
pub async fn open_example(
    app: AppHandle,
    workspace: State<'_, Workspace>,
    recents: State<'_, Recents>,
) -> Result<ProjectInfo, ErrorDto> {
    let base = app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|error| ErrorDto::new("io", error.to_string()))?;
    let folder = base.join("Seam").join("Example project");
    let target = folder.clone();
    blocking(move || {
        if !target.join(project::CONFIG_FILE).is_file() {
            seam_core::example::init_project(&target, true)?;
        }
        Ok(())
    })
    .await?;
    open_and_remember(&app, folder, &workspace, &recents).await
}

#[tauri::command]
pub async fn current_project(
    app: AppHandle,
    workspace: State<'_, Workspace>,
    recents: State<'_, Recents>,
) -> Result<Option<ProjectInfo>, ErrorDto> {
    if let Some(folder) = workspace.take_launch_folder() {
        return open_and_remember(&app, folder, &workspace, &recents).await.map(Some);
    }
    Ok(workspace.current_info())
}

#[tauri::command]
pub fn recent_projects(recents: State<'_, Recents>) -> Vec<RecentProject> {
    recents.list()
}

#[tauri::command]
pub async fn list_documents(workspace: State<'_, Workspace>) -> Result<Vec<DocumentSummary>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let mut store = open.store();
        // Cheap when nothing changed (size and mtime per file); picks up edits made elsewhere.
        project::index(&open.project, &mut store)?;
        let rows = store.list(&ListFilter::default())?;
        Ok(rows
            .into_iter()
            .map(|row| DocumentSummary {
                read_only: row.kind.is_none() && row.error_count > 0,
                rel_path: row.rel_path,
                id: row.id,
                kind: row.kind,
                title: row.title,
                status: row.status,
                version: row.version,
                owners: row.owners,
                tags: row.tags,
                issue_count: row.error_count,
            })
            .collect())
    })
    .await
}

pub(crate) fn view(open: &OpenProject, document: &seam_core::document::Document) -> Result<DocumentView, ErrorDto> {
    // Issues only the whole project shows (unknown link targets, duplicate ids), from the index.
    let extra = seam_core::lint::issues_against_index(&open.store(), document)?;
    Ok(DocumentView::of(document, &extra))
}

#[tauri::command]
pub async fn get_document(rel_path: String, workspace: State<'_, Workspace>) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let document = open.project.read_document(&rel_path)?;
        view(&open, &document)
    })
    .await
}

#[tauri::command]
pub async fn save_document(request: SaveRequest, workspace: State<'_, Workspace>) -> Result<DocumentView, ErrorDto> {
    let open: Arc<OpenProject> = workspace.current()?;
    blocking(move || {
        let core_request = core_request(request);
        let saved = {
            let mut store = open.store();
            project::save(&open.project, Some(&mut store), &core_request)?
        };
        let mut document_view = view(&open, &saved.document)?;
        if saved.merged_with_disk {
            document_view.notice = Some("Merged with changes made on disk since you opened this document.".to_string());
        }
        Ok(document_view)
    })
    .await
}

fn core_request(request: SaveRequest) -> CoreSaveRequest {
    CoreSaveRequest {
        rel_path: request.rel_path,
        base_hash: request.base_hash,
        edits: request.edits.into_iter().map(|edit| (edit.path, NewValue::Yaml(edit.value))).collect(),
        body: request.body,
    }
}

#[tauri::command]
pub async fn conflict_sides(request: SaveRequest, workspace: State<'_, Workspace>) -> Result<ConflictSides, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let core_request = core_request(request);
        let sides = project::conflict_sides(&open.project, Some(&open.store()), &core_request)?;
        Ok(ConflictSides {
            rel_path: core_request.rel_path,
            base: sides.base,
            mine: sides.mine,
            theirs: sides.theirs,
            theirs_hash: sides.theirs_hash,
            merged: sides.merged,
        })
    })
    .await
}

#[tauri::command]
pub async fn save_resolved(
    rel_path: String,
    theirs_hash: String,
    text: String,
    workspace: State<'_, Workspace>,
) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let saved = {
            let mut store = open.store();
            project::save_resolved(&open.project, Some(&mut store), &rel_path, &theirs_hash, &text)?
        };
        view(&open, &saved.document)
    })
    .await
}

#[tauri::command]
pub async fn search(query: String, limit: u32, workspace: State<'_, Workspace>) -> Result<Vec<SearchHit>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let hits = open.store().search(&query, usize::try_from(limit).unwrap_or(20).min(200))?;
        Ok(hits
            .into_iter()
            .map(|hit| SearchHit {
                snippet_html: seam_core::render::snippet_html(&hit.snippet),
                rel_path: hit.rel_path,
                id: hit.id,
                kind: hit.kind,
                title: hit.title,
            })
            .collect())
    })
    .await
}

#[tauri::command]
pub fn render_markdown(text: String) -> String {
    seam_core::render::markdown_to_html(&text)
}

#[tauri::command]
pub async fn project_issues(workspace: State<'_, Workspace>) -> Result<Vec<IssueDto>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || Ok(seam_core::lint::lint(&open.project).issues.iter().map(IssueDto::from).collect())).await
}

/// Switches live updates between OS notifications and polling (network drives where
/// notifications from other machines do not arrive).
#[tauri::command]
pub async fn set_watch_mode(
    poll: bool,
    app: AppHandle,
    workspace: State<'_, Workspace>,
) -> Result<ProjectInfo, ErrorDto> {
    workspace.set_watch_mode(&app, poll)
}
