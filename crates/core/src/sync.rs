//! Sync with the folder: a pure planner that decides what the index must do from (what the
//! store knows, what is on disk), recognition of sync-tool conflict copies, and the watcher that
//! turns file-system events into index runs and change reports.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use crate::store::FileState;

/// One Markdown file found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskEntry {
    pub rel_path: String,
    pub size: u64,
    pub mtime_ns: i64,
}

/// What changed, as reported to the CLI (`seam watch`) and the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
    Renamed,
    /// A sync tool's conflict copy (or a file with git conflict markers) appeared.
    Conflict,
    Error,
    /// Many files vanished at once; the deletions were not applied.
    DeletionsHeld,
    /// A recorded measurement run under `metrics/` appeared, changed or vanished (a teammate's
    /// import): not a document, but the dashboard draws it.
    Measurements,
    /// A comment file under `discussions/` appeared, changed or vanished (not a document).
    Discussion,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Removed => "removed",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Conflict => "conflict",
            ChangeKind::Error => "error",
            ChangeKind::DeletionsHeld => "deletions-held",
            ChangeKind::Measurements => "measurements",
            ChangeKind::Discussion => "discussion",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub rel_path: String,
    pub id: Option<String>,
    /// The old path of a rename; the original document of a conflict copy.
    pub from: Option<String>,
    pub message: Option<String>,
}

/// Deletions the planner refused to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldDeletions {
    pub vanished: usize,
    pub known: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// New files, and files whose size or mtime differ from the store's: read, hash, parse.
    pub read: Vec<String>,
    /// Indexed files that are gone from disk.
    pub remove: Vec<String>,
    /// (copy, original) pairs: never indexed as documents.
    pub conflict_copies: Vec<(String, String)>,
    pub held_deletions: Option<HeldDeletions>,
}

/// Options of one planning run.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Apply deletions even when most documents vanished (the user confirmed it).
    pub allow_mass_deletion: bool,
    /// The project folder itself is missing (unmounted drive): nothing is deleted.
    pub root_missing: bool,
    /// Documents removed by earlier runs in the last few seconds: a deletion spread over several
    /// event batches counts as one.
    pub recently_removed: usize,
}

/// Below this many indexed documents, losing half of them is not treated as an accident.
const MASS_DELETION_MIN_KNOWN: usize = 4;

/// Decides what the index must do. Pure: same inputs, same plan.
pub fn plan<S: BuildHasher>(known: &HashMap<String, FileState, S>, disk: &[DiskEntry], options: PlanOptions) -> Plan {
    // The paths on disk, which the conflict-copy patterns look originals up in; only needed when
    // some name could be a copy at all.
    let may_have_copies = disk.iter().any(|entry| may_be_conflict_copy(file_name(&entry.rel_path)));
    let disk_paths: HashSet<&str> =
        if may_have_copies { disk.iter().map(|entry| entry.rel_path.as_str()).collect() } else { HashSet::new() };
    let mut result = Plan::default();
    let mut documents: Vec<&str> = Vec::with_capacity(disk.len());
    // Documents on disk that the store knows: when that is all it knows (and no path was counted
    // twice, which paths in strictly increasing order rule out), nothing vanished.
    let mut known_on_disk = 0;
    let distinct = disk.windows(2).all(|pair| pair[0].rel_path < pair[1].rel_path);
    for entry in disk {
        let original = if may_have_copies { conflict_copy_original(&entry.rel_path, &disk_paths) } else { None };
        match original {
            Some(original) => result.conflict_copies.push((entry.rel_path.clone(), original)),
            None => {
                documents.push(entry.rel_path.as_str());
                let state = known.get(&entry.rel_path);
                known_on_disk += usize::from(state.is_some());
                let unchanged = state.is_some_and(|state| state.size == entry.size && state.mtime_ns == entry.mtime_ns);
                if !unchanged {
                    result.read.push(entry.rel_path.clone());
                }
            }
        }
    }
    let mut vanished: Vec<String> = if distinct && known_on_disk == known.len() {
        Vec::new()
    } else {
        let documents: HashSet<&str> = documents.into_iter().collect();
        known.keys().filter(|path| !documents.contains(path.as_str())).cloned().collect()
    };
    vanished.sort();
    let before = known.len() + options.recently_removed;
    let gone = vanished.len() + options.recently_removed;
    let too_many = before >= MASS_DELETION_MIN_KNOWN && gone * 2 > before;
    if !vanished.is_empty() && (options.root_missing || too_many) && !options.allow_mass_deletion {
        result.held_deletions = Some(HeldDeletions { vanished: gone, known: before });
    } else {
        result.remove = vanished;
    }
    result.read.sort();
    result.conflict_copies.sort();
    result
}

/// The last component of a project-relative path.
fn file_name(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or(rel_path, |(_, name)| name)
}

static DROPBOX_OR_NEXTCLOUD: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?P<stem>.+?) \((?:[^()]*'s )?conflicted copy[^()]*\)$").ok());
static SYNCTHING: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?P<stem>.+?)\.sync-conflict-\d{8}-\d{6}(?:-[A-Z0-9]+)?$").ok());
static NUMBERED_COPY: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^(?P<stem>.+?) \(\d+\)$").ok());
static DEVICE_SUFFIX: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?P<stem>.+?)-(?P<device>[A-Z0-9]+(?:-[A-Z0-9]+)*)$").ok());

/// If `rel_path` is a sync tool's conflict copy, the path of the document it copies.
/// Dropbox (`name (X's conflicted copy 2026-11-20).md`), Nextcloud (`name (conflicted copy
/// 2026-11-20 101500).md`) and Syncthing (`name.sync-conflict-20261120-101500-ABCDEFG.md`) are
/// recognised by name alone; Google Drive (`name (1).md`) and OneDrive (`name-LAPTOP7.md`) only
/// when the original exists beside the copy, since their patterns are also ordinary names.
pub fn conflict_copy_original(rel_path: &str, existing: &HashSet<&str>) -> Option<String> {
    if !may_be_conflict_copy(file_name(rel_path)) {
        return None;
    }
    let (folder, name) = match rel_path.rsplit_once('/') {
        Some((folder, name)) => (format!("{folder}/"), name),
        None => (String::new(), rel_path),
    };
    let stem = name.strip_suffix(".md")?;
    let original_of = |regex: &LazyLock<Option<Regex>>| -> Option<String> {
        let captures = regex.as_ref()?.captures(stem)?;
        Some(format!("{folder}{}.md", &captures["stem"]))
    };
    if let Some(original) = original_of(&DROPBOX_OR_NEXTCLOUD).or_else(|| original_of(&SYNCTHING)) {
        return Some(original);
    }
    for regex in [&NUMBERED_COPY, &DEVICE_SUFFIX] {
        if let Some(original) = original_of(regex) {
            let device_has_letter = regex
                .as_ref()
                .and_then(|r| r.captures(stem))
                .and_then(|c| c.name("device"))
                .is_none_or(|device| device.as_str().bytes().any(|b| b.is_ascii_uppercase()));
            if existing.contains(original.as_str()) && device_has_letter {
                return Some(original);
            }
        }
    }
    None
}

/// Whether a file name could be a conflict copy at all, without a regular expression: every
/// pattern above needs a `(`, `.sync-conflict-`, or an uppercase device name. Most names have
/// none of them, and this is asked of every file on every index run.
pub fn may_be_conflict_copy(name: &str) -> bool {
    name.bytes().any(|b| b == b'(' || b.is_ascii_uppercase()) || name.contains(".sync-conflict-")
}

/// How the watcher learns about changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// OS notifications (inotify, FSEvents, ReadDirectoryChangesW).
    Native,
    /// Polling, for network file systems where notifications do not arrive.
    Poll,
}

/// File systems where change notifications from other machines do not arrive.
const NETWORK_FILE_SYSTEMS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "afs",
    "ceph",
    "glusterfs",
    "davfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.davfs2",
    "fuse.s3fs",
    "fuse.gcsfuse",
    "fuse.glusterfs",
];

/// The watch mode that suits the folder at `root`, with the reason when it is polling: a
/// network file system (from /proc/mounts on Linux) needs polling; anything else uses OS
/// notifications. Elsewhere than Linux, always OS notifications.
pub fn suggested_watch_mode(root: &Path) -> (WatchMode, Option<String>) {
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match mount_file_system(&mounts, &root) {
        Some((mount_point, fs_type)) if NETWORK_FILE_SYSTEMS.contains(&fs_type.as_str()) => (
            WatchMode::Poll,
            Some(format!("{} is on a network file system ({fs_type} at {mount_point}): polling", root.display())),
        ),
        _ => (WatchMode::Native, None),
    }
}

/// The mount point and file-system type of the longest mount point containing `path`, from
/// the text of /proc/mounts (space-separated; spaces in paths escaped as `\040`).
pub fn mount_file_system(mounts: &str, path: &Path) -> Option<(String, String)> {
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let _device = fields.next()?;
            let mount_point = fields.next()?.replace("\\040", " ");
            let fs_type = fields.next()?.to_string();
            Some((mount_point, fs_type))
        })
        .filter(|(mount_point, _)| path.starts_with(mount_point))
        .max_by_key(|(mount_point, _)| mount_point.len())
}

/// What the watcher reports to its consumer.
#[derive(Debug)]
pub enum WatchSignal {
    /// Some paths changed (project-relative, `/` separators); empty means "rescan everything".
    Paths(Vec<String>),
    Error(String),
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: Box<dyn std::any::Any + Send>,
}

/// Debounce window: short, so a change reaches the index well within the 100 ms target.
const DEBOUNCE: Duration = Duration::from_millis(40);

fn relative(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let text = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    let hidden = text.split('/').any(|part| part.starts_with('.'));
    (!hidden && !text.is_empty()).then_some(text)
}

/// Whether an event can mean a file's content or presence changed. Reading is not: opening a
/// folder to list it or a file to read it raises access events (inotify `IN_OPEN`,
/// `IN_CLOSE_NOWRITE`), and the index's own walk would otherwise report every folder it listed,
/// which sends the next batch through a whole-folder index again. A write ends with
/// `IN_CLOSE_WRITE`, which is kept; so are metadata changes other than the access time (a chmod
/// can make a file readable again).
fn changes_content(kind: &notify_debouncer_full::notify::EventKind) -> bool {
    use notify_debouncer_full::notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
    use notify_debouncer_full::notify::EventKind;
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Watches `root` recursively and sends debounced signals. Seam's own temporary files and
/// everything under hidden folders are filtered out here; whether a change is Seam's own write
/// is decided by the index (its size, mtime and hash are already in the store).
pub fn watch(root: &Path, mode: WatchMode, sender: mpsc::Sender<WatchSignal>) -> Result<Watcher, String> {
    use notify_debouncer_full::notify::{self, RecursiveMode};
    use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, RecommendedCache};

    let root_for_events: PathBuf = root.to_path_buf();
    let handler = move |result: DebounceEventResult| {
        let signal = match result {
            Ok(events) => {
                if events.iter().any(|event| event.need_rescan()) {
                    WatchSignal::Paths(Vec::new())
                } else {
                    let mut paths: Vec<String> = events
                        .iter()
                        .filter(|event| changes_content(&event.kind))
                        .flat_map(|event| event.paths.iter())
                        .filter_map(|path| relative(&root_for_events, path))
                        .collect();
                    paths.sort();
                    paths.dedup();
                    if paths.is_empty() {
                        return;
                    }
                    WatchSignal::Paths(paths)
                }
            }
            Err(errors) => WatchSignal::Error(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        };
        let _ = sender.send(signal);
    };
    let watch_error = |error: notify::Error| format!("cannot watch {}: {error}", root.display());
    match mode {
        WatchMode::Native => {
            let mut debouncer = new_debouncer_opt::<_, notify::RecommendedWatcher, RecommendedCache>(
                DEBOUNCE,
                None,
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )
            .map_err(watch_error)?;
            debouncer.watch(root, RecursiveMode::Recursive).map_err(watch_error)?;
            Ok(Watcher { _debouncer: Box::new(debouncer) })
        }
        WatchMode::Poll => {
            let config =
                notify::Config::default().with_poll_interval(Duration::from_secs(2)).with_compare_contents(false);
            let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, RecommendedCache>(
                DEBOUNCE,
                None,
                handler,
                RecommendedCache::new(),
                config,
            )
            .map_err(watch_error)?;
            debouncer.watch(root, RecursiveMode::Recursive).map_err(watch_error)?;
            Ok(Watcher { _debouncer: Box::new(debouncer) })
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn reading_the_folder_is_not_a_change() {
        use notify_debouncer_full::notify::event::{
            AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind, RemoveKind, RenameMode,
        };
        use notify_debouncer_full::notify::EventKind;
        for quiet in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
        ] {
            assert!(!super::changes_content(&quiet), "{quiet:?}");
        }
        for change in [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
            EventKind::Remove(RemoveKind::File),
            EventKind::Any,
        ] {
            assert!(super::changes_content(&change), "{change:?}");
        }
    }

    #[test]
    fn network_file_systems_are_found_by_the_longest_mount_point() {
        let mounts = "/dev/vda / ext4 rw,relatime 0 0\n\
                      server:/export /mnt/team nfs4 rw,relatime 0 0\n\
                      //nas/share /mnt/team/smb\\040drive cifs rw 0 0\n\
                      tmpfs /tmp tmpfs rw 0 0\n";
        let found = |path: &str| mount_file_system(mounts, Path::new(path)).map(|(_, fs)| fs);
        assert_eq!(found("/home/ana/project").as_deref(), Some("ext4"));
        assert_eq!(found("/mnt/team/fraud").as_deref(), Some("nfs4"));
        assert_eq!(found("/mnt/team/smb drive/fraud").as_deref(), Some("cifs"));
        assert_eq!(found("/mnt/teamwork").as_deref(), Some("ext4"), "a prefix of a name is not a parent folder");
    }

    use super::*;

    fn state(size: u64, mtime_ns: i64) -> FileState {
        FileState { size, mtime_ns, hash: format!("h{size}") }
    }

    fn entry(path: &str, size: u64, mtime_ns: i64) -> DiskEntry {
        DiskEntry { rel_path: path.to_string(), size, mtime_ns }
    }

    #[test]
    fn conflict_copies_are_recognised() {
        let existing: HashSet<&str> =
            ["contracts/api.md", "contracts/api (1).md", "contracts/api-LAPTOP7.md", "contracts/ticket-routing-api.md"]
                .into();
        let check = |path: &str| conflict_copy_original(path, &existing);
        assert_eq!(
            check("contracts/api (Ana Ruiz's conflicted copy 2026-11-20).md").as_deref(),
            Some("contracts/api.md")
        );
        assert_eq!(check("contracts/api (conflicted copy 2026-11-20 101500).md").as_deref(), Some("contracts/api.md"));
        assert_eq!(
            check("contracts/api.sync-conflict-20261120-101500-ABCDEFG.md").as_deref(),
            Some("contracts/api.md")
        );
        assert_eq!(check("contracts/api (1).md").as_deref(), Some("contracts/api.md"));
        assert_eq!(check("contracts/api-LAPTOP7.md").as_deref(), Some("contracts/api.md"));
        // Ordinary names stay documents.
        assert_eq!(check("contracts/ticket-routing-api.md"), None);
        assert_eq!(check("contracts/other (1).md"), None, "no original beside it");
        assert_eq!(check("contracts/api.md"), None);
    }

    #[test]
    fn planner_reads_new_and_changed_files_and_removes_vanished_ones() {
        let known: HashMap<String, FileState> = [
            ("a.md", state(1, 1)),
            ("b.md", state(2, 2)),
            ("c.md", state(3, 3)),
            ("d.md", state(4, 4)),
            ("e.md", state(5, 5)),
        ]
        .into_iter()
        .map(|(path, state)| (path.to_string(), state))
        .collect();
        let disk = vec![
            entry("a.md", 1, 1),
            entry("b.md", 2, 9),
            entry("c.md", 3, 3),
            entry("d.md", 4, 4),
            entry("f.md", 6, 6),
        ];
        let plan = plan(&known, &disk, PlanOptions::default());
        assert_eq!(plan.read, vec!["b.md", "f.md"]);
        assert_eq!(plan.remove, vec!["e.md"]);
        assert_eq!(plan.held_deletions, None);
    }

    #[test]
    fn planner_holds_mass_deletions_and_a_missing_root() {
        let known: HashMap<String, FileState> =
            (0..10).map(|index| (format!("doc{index}.md"), state(index, index as i64))).collect();
        let disk: Vec<DiskEntry> = (0..4).map(|index| entry(&format!("doc{index}.md"), index, index as i64)).collect();
        let held = plan(&known, &disk, PlanOptions::default());
        assert!(held.remove.is_empty());
        assert_eq!(held.held_deletions, Some(HeldDeletions { vanished: 6, known: 10 }));
        let allowed = plan(&known, &disk, PlanOptions { allow_mass_deletion: true, ..PlanOptions::default() });
        assert_eq!(allowed.remove.len(), 6);
        let one_gone: Vec<DiskEntry> =
            (0..9).map(|index| entry(&format!("doc{index}.md"), index, index as i64)).collect();
        let root_missing = plan(&known, &one_gone, PlanOptions { root_missing: true, ..PlanOptions::default() });
        assert!(root_missing.remove.is_empty());
    }
}
