//! The shell's managed state: the open project (with its store) and the recent-projects list.
//! Independent managers, so a long index never blocks reading the recent list.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use seam_core::project::{self, IndexOptions, Project};
use seam_core::store::Store;
use seam_core::sync::WatchMode;
use tauri::AppHandle;

use crate::dto::{ErrorDto, ProjectInfo, RecentProject};

pub struct OpenProject {
    pub project: Project,
    pub store: Mutex<Store>,
    /// The running watcher's stop flag; replaced when the watcher restarts in another mode.
    pub stop_watching: Mutex<Arc<AtomicBool>>,
    /// OS notifications, or polling (network file systems; chosen automatically or by the user).
    pub watch_mode: Mutex<WatchMode>,
    /// What the last whole-project check read: the next one re-reads only changed files.
    pub lint_cache: Mutex<seam_core::lint::LintCache>,
}

impl OpenProject {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens the project containing `path` and brings its index up to date (reporting progress).
    /// The whole-project check (a second full read) is not waited for: the window asks for it
    /// with `project_issues` once it shows the project.
    pub fn open(app: &AppHandle, path: &Path) -> Result<(OpenProject, ProjectInfo), ErrorDto> {
        let project = Project::discover(path)?;
        let mut store = Store::open_for_project(&project.root)?;
        let emitter = crate::events::IndexProgressEmitter::new(app, &project.root);
        let report = project::index_with_progress(&project, &mut store, IndexOptions::default(), &|progress| {
            emitter.report(progress);
        })?;
        // Saves happen while the user waits: the write-ahead log is checkpointed and the full-text
        // index merged off their path. Started after the index: a new database is built without
        // the log (`Store::finish_fresh_build`), and the merges after a large index start now.
        store.maintain_in_background()?;
        let (watch_mode, watch_note) = seam_core::sync::suggested_watch_mode(&project.root);
        let info = ProjectInfo {
            root: project.root.display().to_string(),
            name: project.name(),
            database_path: store.path().display().to_string(),
            document_count: u32::try_from(report.files).unwrap_or(u32::MAX),
            index_millis: u32::try_from(report.millis).unwrap_or(u32::MAX),
            polling: watch_mode == WatchMode::Poll,
            watch_note,
        };
        let open = OpenProject {
            project,
            store: Mutex::new(store),
            stop_watching: Mutex::new(Arc::new(AtomicBool::new(false))),
            watch_mode: Mutex::new(watch_mode),
            lint_cache: Mutex::new(seam_core::lint::LintCache::default()),
        };
        Ok((open, info))
    }

    /// Stops the running watcher (it exits within its next wait).
    fn stop_watcher(&self) {
        self.stop_watching.lock().unwrap_or_else(std::sync::PoisonError::into_inner).store(true, Ordering::Relaxed);
    }

    /// Starts watching the folder in the current mode on a thread of its own, after applying
    /// history retention; stops the previous watcher first.
    fn start_watcher(self: &Arc<OpenProject>, app: &AppHandle) {
        let stop = Arc::new(AtomicBool::new(false));
        let previous = std::mem::replace(
            &mut *self.stop_watching.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            Arc::clone(&stop),
        );
        previous.store(true, Ordering::Relaxed);
        let mode = *self.watch_mode.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = Arc::clone(self);
        let app = app.clone();
        std::thread::spawn(move || {
            let now_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX));
            if let Err(error) = open.store().prune_history(now_ms) {
                eprintln!("seam-app: history retention: {error}");
            }
            let result = project::watch_project(&open.project, &open.store, mode, &stop, |changes| {
                crate::events::emit_project_changes(&app, changes);
            });
            if let Err(error) = result {
                crate::events::emit_project_changes(
                    &app,
                    vec![seam_core::sync::Change {
                        kind: seam_core::sync::ChangeKind::Error,
                        rel_path: String::new(),
                        id: None,
                        from: None,
                        message: Some(format!("live updates are off: {error}")),
                    }],
                );
            }
        });
    }
}

#[derive(Default)]
pub struct Workspace {
    current: RwLock<Option<(Arc<OpenProject>, ProjectInfo)>>,
    /// The folder given on the command line, opened on the UI's first `current_project` call.
    pub launch_folder: Mutex<Option<PathBuf>>,
}

impl Workspace {
    pub fn with_launch_folder(folder: Option<PathBuf>) -> Workspace {
        Workspace { current: RwLock::new(None), launch_folder: Mutex::new(folder) }
    }

    pub fn current(&self) -> Result<Arc<OpenProject>, ErrorDto> {
        let guard = self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .map(|(open, _)| Arc::clone(open))
            .ok_or_else(|| ErrorDto::new("not_a_project", "no project is open"))
    }

    pub fn current_info(&self) -> Option<ProjectInfo> {
        let guard = self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.as_ref().map(|(_, info)| info.clone())
    }

    /// Makes `open` the current project and starts watching its folder; the previous project's
    /// watcher stops.
    pub fn set(&self, app: &AppHandle, open: OpenProject, info: ProjectInfo) {
        let open = Arc::new(open);
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((previous, _)) = guard.take() {
            previous.stop_watcher();
        }
        *guard = Some((Arc::clone(&open), info));
        drop(guard);
        open.start_watcher(app);
    }

    /// Switches the open project's watcher between OS notifications and polling.
    pub fn set_watch_mode(&self, app: &AppHandle, poll: bool) -> Result<ProjectInfo, ErrorDto> {
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (open, info) = guard.as_mut().ok_or_else(|| ErrorDto::new("not_a_project", "no project is open"))?;
        *open.watch_mode.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            if poll { WatchMode::Poll } else { WatchMode::Native };
        info.polling = poll;
        info.watch_note = None;
        open.start_watcher(app);
        Ok(info.clone())
    }

    pub fn take_launch_folder(&self) -> Option<PathBuf> {
        self.launch_folder.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// Recently opened projects, kept in the app's local config folder (never in a project).
pub struct Recents {
    path: PathBuf,
    lock: Mutex<()>,
}

const MAX_RECENTS: usize = 12;

impl Recents {
    pub fn new(config_dir: PathBuf) -> Recents {
        Recents { path: config_dir.join("recent-projects.json"), lock: Mutex::new(()) }
    }

    fn read(&self) -> Vec<RecentProject> {
        std::fs::read(&self.path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    pub fn list(&self) -> Vec<RecentProject> {
        let _guard = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut recents = self.read();
        for recent in &mut recents {
            recent.exists = Path::new(&recent.root).join(project::CONFIG_FILE).is_file();
        }
        recents
    }

    pub fn remember(&self, info: &ProjectInfo) -> Result<(), ErrorDto> {
        let _guard = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut recents = self.read();
        recents.retain(|recent| recent.root != info.root);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        recents.insert(
            0,
            RecentProject { root: info.root.clone(), name: info.name.clone(), opened_at_ms: now, exists: true },
        );
        recents.truncate(MAX_RECENTS);
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| ErrorDto::new("io", format!("{}: {error}", parent.display())))?;
        }
        let bytes =
            serde_json::to_vec_pretty(&recents).map_err(|error| ErrorDto::new("internal", error.to_string()))?;
        project::write_atomic(&self.path, &bytes, None).map_err(|error| {
            ErrorDto::new("io", format!("cannot save the recent projects list {}: {error:?}", self.path.display()))
        })
    }
}
