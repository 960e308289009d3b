//! Tauri commands: thin adapters that take state, convert the input, call one core function on
//! a blocking thread, and convert the result or error. No domain logic lives here.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Manager, State};

use seam_core::project::{self, SaveRequest as CoreSaveRequest};
use seam_core::store::ListFilter;

use crate::dto::{
    ConflictSides, Dashboard, DatasetView, Datasheet, DocumentSummary, DocumentView, ErrorDto, FieldEdit, IssueDto,
    MetricsImportRequest, MetricsImportResult, ProjectInfo, RecentProject, SaveRequest, SearchFilter, SearchHit,
    SectionAnswer,
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
    let handle = app.clone();
    let (open, info) = blocking(move || OpenProject::open(&handle, &path)).await?;
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
        Ok(rows.into_iter().map(DocumentSummary::from).collect())
    })
    .await
}

pub(crate) fn view(open: &OpenProject, document: &seam_core::document::Document) -> Result<DocumentView, ErrorDto> {
    // Issues only the whole project shows (unknown link targets, duplicate ids), from the index.
    let extra = seam_core::lint::issues_against_index(&open.store(), document)?;
    Ok(DocumentView::of(document, &extra))
}

/// Runs one write of a document with the store locked, then builds the view of what was written.
/// The store guard is dropped before `view`, which locks the store again.
pub(crate) fn write_then_view<E: Into<ErrorDto>>(
    open: &OpenProject,
    write: impl FnOnce(&mut seam_core::store::Store) -> Result<project::Saved, E>,
) -> Result<DocumentView, ErrorDto> {
    let saved = write(&mut open.store()).map_err(Into::into)?;
    view(open, &saved.document)
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
        let core_request = core_request(request)?;
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

fn core_request(request: SaveRequest) -> Result<CoreSaveRequest, ErrorDto> {
    Ok(CoreSaveRequest {
        rel_path: request.rel_path,
        base_hash: request.base_hash,
        edits: request.edits.into_iter().map(FieldEdit::to_core).collect::<Result<_, _>>()?,
        body: request.body,
    })
}

#[tauri::command]
pub async fn conflict_sides(request: SaveRequest, workspace: State<'_, Workspace>) -> Result<ConflictSides, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let core_request = core_request(request)?;
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
        write_then_view(&open, |store| {
            project::save_resolved(&open.project, Some(store), &rel_path, &theirs_hash, &text)
        })
    })
    .await
}

#[tauri::command]
pub async fn search(
    query: String,
    filter: SearchFilter,
    limit: u32,
    workspace: State<'_, Workspace>,
) -> Result<Vec<SearchHit>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let limit = usize::try_from(limit).unwrap_or(20).min(200);
        let hits = open.store().search_filtered(&query, &filter.into(), limit)?;
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

/// The datasheet checklist of a dataset note's body, after writing one section's answer if given.
#[tauri::command]
pub fn datasheet(body: String, answer: Option<SectionAnswer>) -> Result<Datasheet, ErrorDto> {
    let body = match answer {
        Some(answer) => seam_core::datasheet::write_answer(&body, &answer.key, &answer.text)
            .map_err(|error| ErrorDto::new("invalid", error.to_string()))?,
        None => body,
    };
    Ok(Datasheet::of(body))
}

#[tauri::command]
pub async fn project_issues(workspace: State<'_, Workspace>) -> Result<Vec<IssueDto>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        // One check at a time (the window asks for one after each save); each re-reads only the
        // files that changed since the last.
        let mut cache = open.lint_cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(seam_core::lint::lint_cached(&open.project, &mut cache).issues.iter().map(IssueDto::from).collect())
    })
    .await
}

#[tauri::command]
pub async fn backlinks(id: String, workspace: State<'_, Workspace>) -> Result<Vec<DocumentSummary>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || Ok(open.store().backlinks(&id)?.into_iter().map(DocumentSummary::from).collect())).await
}

#[tauri::command]
pub async fn create_document(kind: String, title: String, workspace: State<'_, Workspace>) -> Result<String, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let kind = seam_core::document::Kind::parse(&kind).ok_or_else(|| {
            ErrorDto::new("invalid", format!("unknown kind {kind:?}: use requirements, contract, dataset or meeting"))
        })?;
        let rel_path = seam_core::example::create_document(&open.project, kind, &title)?;
        // Index now, so the list, search and links see the new document before the watcher does.
        project::index(&open.project, &mut open.store())?;
        Ok(rel_path)
    })
    .await
}

#[tauri::command]
pub async fn dashboard(workspace: State<'_, Workspace>) -> Result<Dashboard, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let today = seam_core::metrics::date::today();
        // The lint the issues button shows, re-reading only what changed since it last ran.
        let lint = {
            let mut cache = open.lint_cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            seam_core::lint::lint_cached(&open.project, &mut cache)
        };
        let overview = seam_core::metrics::overview(&open.project, &mut open.store(), today, &lint)?;
        Ok(Dashboard::new(seam_core::metrics::date::format_day(today), &overview))
    })
    .await
}

#[tauri::command]
pub async fn import_metrics(
    request: MetricsImportRequest,
    workspace: State<'_, Workspace>,
) -> Result<MetricsImportResult, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let format = match request.format.as_deref() {
            None | Some("") => None,
            Some(text) => Some(
                seam_core::metrics::InputFormat::parse(text)
                    .ok_or_else(|| ErrorDto::new("invalid", format!("unknown metrics format `{text}`")))?,
            ),
        };
        let (text, source) = seam_core::metrics::read_metrics_file(&open.project, &PathBuf::from(&request.path))?;
        let options = seam_core::metrics::ImportOptions { format, map: request.map, at: None };
        let report =
            seam_core::metrics::import(&open.project, &mut open.store(), &request.rel_path, &source, &text, &options)?;
        Ok(MetricsImportResult {
            run_path: report.run_path,
            format: report.format.as_str().to_string(),
            updated: report.updated,
            kept_newer: report.kept_newer,
            unmapped: report.unmapped.into_iter().map(|point| point.name).collect(),
        })
    })
    .await
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

/// The dataset view of one note: schema with the documented profile, latest validation on this device.
#[tauri::command]
pub async fn dataset_view(rel_path: String, workspace: State<'_, Workspace>) -> Result<DatasetView, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let overview = {
            let store = open.store();
            seam_core::dataset::overview(&open.project, &store, &rel_path)?
        };
        Ok(DatasetView::from_core(&rel_path, overview))
    })
    .await
}
