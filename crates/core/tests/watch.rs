//! The watcher on a real folder: external edits, renames, deletions, sync-tool conflict copies
//! and floods reach the consumer as changes; Seam's own saves do not come back as changes.

use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use seam_core::document::edit::{Edit, NewValue};
use seam_core::project::{self, Project, SaveRequest};
use seam_core::store::Store;
use seam_core::sync::{Change, ChangeKind, WatchMode};

struct Watching {
    _dir: tempfile::TempDir,
    project: Arc<Project>,
    store: Arc<Mutex<Store>>,
    stop: Arc<AtomicBool>,
    changes: mpsc::Receiver<Vec<Change>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watching {
    fn start() -> Watching {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("project");
        seam_core::example::init_project(&root, true).expect("example");
        let project = Arc::new(Project::open(&root).expect("open"));
        let store = Arc::new(Mutex::new(Store::open_at(&dir.path().join("data/seam.db")).expect("store")));
        let stop = Arc::new(AtomicBool::new(false));
        let (sender, changes) = mpsc::channel();
        let thread = {
            let (project, store, stop) = (Arc::clone(&project), Arc::clone(&store), Arc::clone(&stop));
            std::thread::spawn(move || {
                project::watch_project(&project, &store, WatchMode::Native, &stop, |batch| {
                    let _ = sender.send(batch);
                })
                .expect("watch");
            })
        };
        let watching = Watching { _dir: dir, project, store, stop, changes, thread: Some(thread) };
        // The first batch is the initial index (no changes on a fresh store).
        watching.changes.recv_timeout(Duration::from_secs(20)).expect("initial batch");
        watching
    }

    /// Collects changes until `done` says the wanted one arrived (or 30 s pass, for loaded machines).
    fn wait_for(&self, what: &str, done: impl Fn(&[Change]) -> bool) -> Vec<Change> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(batch) = self.changes.recv_timeout(Duration::from_millis(100)) {
                seen.extend(batch);
                if done(&seen) {
                    return seen;
                }
            }
        }
        panic!("no {what} within 30 s; saw {seen:?}");
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.project.root.join(rel)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn has(changes: &[Change], kind: ChangeKind, rel_path: &str) -> bool {
    changes.iter().any(|change| change.kind == kind && change.rel_path == rel_path)
}

#[test]
fn external_changes_reach_the_consumer_and_own_saves_do_not() {
    let watching = Watching::start();
    let api = "contracts/ticket-routing-api.md";

    // An external edit.
    let text = fs::read_to_string(watching.path(api)).expect("read");
    fs::write(watching.path(api), format!("{text}\nA teammate's line.\n")).expect("write");
    watching.wait_for("changed event", |seen| has(seen, ChangeKind::Changed, api));

    // Seam's own save, then an unrelated external edit: only the latter is reported.
    let document = watching.project.read_document(api).expect("read");
    let request = SaveRequest {
        rel_path: api.to_string(),
        base_hash: document.hash,
        edits: vec![Edit::Set { path: "status".to_string(), value: NewValue::Yaml("retired".to_string()) }],
        body: None,
    };
    {
        let mut store = watching.store.lock().expect("store");
        project::save(&watching.project, Some(&mut store), &request).expect("own save");
    }
    let other = "datasets/customer-accounts.md";
    let other_text = fs::read_to_string(watching.path(other)).expect("read");
    fs::write(watching.path(other), format!("{other_text}\nMore.\n")).expect("write");
    let seen = watching.wait_for("the unrelated change", |seen| has(seen, ChangeKind::Changed, other));
    assert!(!seen.iter().any(|change| change.rel_path == api), "own save reported back: {seen:?}");

    // Rename, conflict copy, deletion.
    fs::rename(watching.path(other), watching.path("datasets/accounts.md")).expect("rename");
    let seen = watching.wait_for("renamed event", |seen| has(seen, ChangeKind::Renamed, "datasets/accounts.md"));
    let renamed = seen.iter().find(|change| change.kind == ChangeKind::Renamed).expect("renamed");
    assert_eq!(renamed.from.as_deref(), Some(other));

    let copy = "contracts/ticket-routing-api.sync-conflict-20261120-101500-ABCDEFG.md";
    fs::copy(watching.path(api), watching.path(copy)).expect("copy");
    let seen = watching.wait_for("conflict event", |seen| has(seen, ChangeKind::Conflict, copy));
    let conflict = seen.iter().find(|change| change.kind == ChangeKind::Conflict).expect("conflict");
    assert_eq!(conflict.from.as_deref(), Some(api));
    {
        let store = watching.store.lock().expect("store");
        assert!(
            store.list(&Default::default()).expect("list").iter().all(|row| row.rel_path != copy),
            "copies are not indexed"
        );
    }

    let meeting = "meetings/escalation-kickoff-2026-10-05.md";
    fs::remove_file(watching.path(meeting)).expect("delete");
    watching.wait_for("removed event", |seen| has(seen, ChangeKind::Removed, meeting));
}

#[test]
fn a_flood_of_new_files_is_indexed_completely() {
    let watching = Watching::start();
    let count = 2000;
    for index in 0..count {
        fs::write(
            watching.path(&format!("datasets/generated-{index:05}.md")),
            format!("---\nkind: dataset\nid: generated-{index:05}\ntitle: Generated {index}\nstatus: draft\nowner: {{name: Bot}}\nschema: []\n---\n"),
        )
        .expect("write");
    }
    watching.wait_for("all added events", |seen| {
        seen.iter().filter(|change| change.kind == ChangeKind::Added).count() >= count
    });
    let store = watching.store.lock().expect("store");
    assert!(store.document_count().expect("count") >= count + 10);
}

#[test]
fn mass_deletion_is_held_and_reported() {
    let watching = Watching::start();
    // Folders moved away at once, as when a synced drive drops them.
    let away = watching._dir.path().join("moved-away");
    fs::create_dir_all(&away).expect("mkdir");
    for folder in ["contracts", "datasets", "requirements"] {
        fs::rename(watching.path(folder), away.join(folder)).expect("move folder away");
    }
    let seen =
        watching.wait_for("deletions-held", |seen| seen.iter().any(|change| change.kind == ChangeKind::DeletionsHeld));
    assert!(!seen.iter().any(|change| change.kind == ChangeKind::Removed), "{seen:?}");
    let store = watching.store.lock().expect("store");
    assert!(store.document_count().expect("count") >= 9, "the index keeps the vanished documents");
}

#[test]
fn the_project_folder_vanishing_and_coming_back_loses_nothing() {
    let watching = Watching::start();
    let root = watching.project.root.clone();
    let count_before = watching.store.lock().expect("store").document_count().expect("count");
    // The drive is unmounted: the folder is gone.
    let parked = watching._dir.path().join("parked");
    fs::rename(&root, &parked).expect("move the project folder away");
    let seen = watching.wait_for("the missing folder reported", |seen| {
        seen.iter().any(|change| {
            change.kind == ChangeKind::DeletionsHeld && change.message.as_deref().is_some_and(|m| m.contains("missing"))
        })
    });
    assert!(!seen.iter().any(|change| change.kind == ChangeKind::Removed), "{seen:?}");
    assert_eq!(watching.store.lock().expect("store").document_count().expect("count"), count_before);

    // It comes back as a new folder (remounted, or restored by the sync tool), with one edit.
    copy_tree(&parked, &root);
    let contract = "contracts/ticket-routing-api.md";
    let text = fs::read_to_string(root.join(contract)).expect("read");
    fs::write(root.join(contract), text.replacen("throughput_rps: 40", "throughput_rps: 45", 1)).expect("edit");
    let seen =
        watching.wait_for("the edit after the folder came back", |seen| has(seen, ChangeKind::Changed, contract));
    assert!(!seen.iter().any(|change| change.kind == ChangeKind::Removed), "{seen:?}");
    assert_eq!(watching.store.lock().expect("store").document_count().expect("count"), count_before);

    // Live updates still work after that: a later edit arrives too.
    fs::write(root.join(contract), text.replacen("throughput_rps: 40", "throughput_rps: 50", 1)).expect("edit again");
    watching.wait_for("a later edit", |seen| has(seen, ChangeKind::Changed, contract));
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_teammates_measurement_run_is_reported_without_touching_the_index() {
    let watching = Watching::start();
    let folder = watching.path("metrics/ticket-routing-requirements");
    fs::create_dir_all(&folder).expect("metrics folder");
    let existing = fs::read_dir(&folder)
        .expect("list runs")
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "json"))
        .expect("the example records runs for this sheet");
    let rel = "metrics/ticket-routing-requirements/2026-11-29T093000Z-priya.json";
    fs::copy(&existing, watching.path(rel)).expect("a teammate's run arrives");
    let seen = watching.wait_for("a measurements change", |changes| has(changes, ChangeKind::Measurements, rel));
    assert!(
        seen.iter().all(|change| change.kind == ChangeKind::Measurements),
        "a run file is not a document: {seen:?}"
    );
    let indexed = watching.store.lock().expect("store").file_states_of(&[rel.to_string()]).expect("states");
    assert!(indexed.is_empty(), "the run file was indexed as a document: {indexed:?}");
}

#[test]
fn a_teammates_comment_is_reported_as_a_discussion_change() {
    let watching = Watching::start();
    let folder = watching.path("discussions/ticket-routing-api");
    fs::create_dir_all(&folder).expect("discussion folder");
    let rel = "discussions/ticket-routing-api/20261129T100000Z-priya-shah.md";
    fs::write(
        watching.path(rel),
        "---\ndocument: ticket-routing-api\nitem: null\nauthor: Priya Shah\nat: \"2026-11-29T10:00:00Z\"\nreply_to: null\nresolved: false\n---\nCan we keep 150 ms?\n",
    )
    .expect("a teammate comments");
    let seen = watching.wait_for("a discussion change", |changes| has(changes, ChangeKind::Discussion, rel));
    assert!(seen.iter().all(|change| change.kind == ChangeKind::Discussion), "a comment is not a document: {seen:?}");
}
