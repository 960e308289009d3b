//! Project-level behaviour on real folders and a real SQLite file: incremental indexing, safe
//! saves (compare before overwrite, atomic write), and path confinement.

use std::fs;
use std::path::Path;

use seam_core::document::edit::{Edit, NewValue};
use seam_core::project::{self, Project, ProjectError, SaveRequest};
use seam_core::store::Store;

fn example() -> (tempfile::TempDir, Project, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let project = Project::open(&root).expect("open");
    let store = Store::open_at(&dir.path().join("store/seam.db")).expect("store");
    (dir, project, store)
}

fn first_contract(project: &Project) -> String {
    project.document_paths().into_iter().find(|path| path.starts_with("contracts/")).expect("a contract")
}

#[test]
fn index_is_incremental_and_notices_changes_and_deletions() {
    let (_dir, project, mut store) = example();
    let first = project::index(&project, &mut store).expect("index");
    assert!(first.files >= 8);
    assert_eq!(first.parsed, first.files);
    let again = project::index(&project, &mut store).expect("reindex");
    assert_eq!(again.parsed, 0, "nothing changed, nothing re-read");

    let contract = first_contract(&project);
    let path = project.root.join(&contract);
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replace("status:", "status:  ")).expect("edit");
    let removed = project.document_paths().into_iter().find(|path| path.starts_with("meetings/")).expect("a meeting");
    fs::remove_file(project.root.join(&removed)).expect("delete");

    let third = project::index(&project, &mut store).expect("reindex");
    assert_eq!(third.parsed, 1);
    assert_eq!(third.removed, 1);
    assert!(store.list(&Default::default()).expect("list").iter().all(|row| row.rel_path != removed));
    assert_eq!(store.revisions(&removed).expect("revisions").len(), 1, "history survives deletion");
    assert_eq!(store.revisions(&contract).expect("revisions").len(), 2);
}

fn status_edit(rel_path: &str, base_hash: &str, status: &str) -> SaveRequest {
    SaveRequest {
        rel_path: rel_path.to_string(),
        base_hash: base_hash.to_string(),
        edits: vec![Edit::Set { path: "status".to_string(), value: NewValue::Yaml(status.to_string()) }],
        body: None,
    }
}

#[test]
fn save_merges_with_a_change_made_on_disk_since_it_was_read() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let contract = first_contract(&project);
    let read = project.read_document(&contract).expect("read");
    // A teammate appends a paragraph after we read the file.
    let path = project.root.join(&contract);
    fs::write(&path, format!("{}\nTheir paragraph.\n", read.text)).expect("their write");

    let saved =
        project::save(&project, Some(&mut store), &status_edit(&contract, &read.hash, "retired")).expect("clean merge");
    assert!(saved.merged_with_disk);
    let on_disk = fs::read_to_string(&path).expect("read");
    assert!(on_disk.contains("status: retired"), "{on_disk}");
    assert!(on_disk.ends_with("Their paragraph.\n"), "their edit is kept");
}

#[test]
fn overlapping_edits_are_a_conflict_and_nothing_is_written() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let contract = first_contract(&project);
    let read = project.read_document(&contract).expect("read");
    let path = project.root.join(&contract);
    let status_line = read.text.lines().find(|line| line.starts_with("status:")).expect("status line");
    let theirs = read.text.replacen(status_line, "status: superseded", 1);
    fs::write(&path, &theirs).expect("their write");

    let request = status_edit(&contract, &read.hash, "retired");
    match project::save(&project, Some(&mut store), &request) {
        Err(ProjectError::Conflict { rel_path, .. }) => assert_eq!(rel_path, contract),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(fs::read_to_string(&path).expect("read"), theirs, "their edit is intact");

    // The merge view gets all three sides, and a resolved text saves against theirs.
    let sides = project::conflict_sides(&project, Some(&store), &request).expect("sides");
    assert_eq!(sides.base.as_deref(), Some(read.text.as_str()));
    assert!(sides.mine.contains("status: retired"));
    assert_eq!(sides.theirs, theirs);
    assert!(sides.merged.contains("<<<<<<<"));
    let refused = project::save_resolved(&project, Some(&mut store), &contract, &sides.theirs_hash, &sides.merged);
    assert!(matches!(refused, Err(ProjectError::Invalid { .. })), "markers are not a resolution");
    let resolved = sides.mine.clone();
    project::save_resolved(&project, Some(&mut store), &contract, &sides.theirs_hash, &resolved).expect("resolved");
    assert_eq!(fs::read_to_string(&path).expect("read"), resolved);

    // Without the base version (no store), Seam cannot merge and refuses.
    let stale = status_edit(&contract, &read.hash, "draft");
    assert!(matches!(project::save(&project, None, &stale), Err(ProjectError::Conflict { .. })));
}

#[test]
fn save_writes_atomically_records_the_revision_and_leaves_no_temp_files() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let contract = first_contract(&project);
    let read = project.read_document(&contract).expect("read");
    let request = SaveRequest {
        rel_path: contract.clone(),
        base_hash: read.hash.clone(),
        edits: vec![Edit::Set { path: "title".to_string(), value: NewValue::Text("Renamed: contract".to_string()) }],
        body: Some("New body.\n".to_string()),
    };
    let saved = project::save(&project, Some(&mut store), &request).expect("save").document;
    let on_disk = fs::read_to_string(project.root.join(&contract)).expect("read");
    assert_eq!(on_disk, saved.text);
    assert!(on_disk.contains("title: \"Renamed: contract\""));
    assert!(on_disk.ends_with("---\nNew body.\n"));
    // Front matter other than the title line is byte-identical.
    let old_front = &read.text[..read.body_start];
    let new_front = &on_disk[..saved.body_start];
    let differing: Vec<_> = old_front.lines().zip(new_front.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(differing.len(), 1, "{differing:?}");

    let revisions = store.revisions(&contract).expect("revisions");
    assert!(revisions.iter().any(|revision| revision.hash == saved.hash && revision.origin == "written"));
    let leftovers: Vec<_> = fs::read_dir(project.root.join("contracts"))
        .expect("list")
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

#[test]
fn paths_outside_the_project_are_refused() {
    let (dir, project, _store) = example();
    fs::write(dir.path().join("secret.md"), "---\nkind: contract\n---\n").expect("write outside");
    for path in ["../secret.md", "/etc/passwd", "contracts/../../secret.md", ""] {
        assert!(matches!(project.resolve(path), Err(ProjectError::OutsideProject { .. })), "{path} must be refused");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.md"), project.root.join("contracts/link.md"))
            .expect("symlink");
        assert!(matches!(project.read_document("contracts/link.md"), Err(ProjectError::OutsideProject { .. })));
    }
}

#[test]
fn discovery_walks_upwards_and_reports_non_projects() {
    let (dir, project, _store) = example();
    let found = Project::discover(&project.root.join("contracts")).expect("discover");
    assert_eq!(found.root, project.root);
    assert!(matches!(Project::discover(dir.path()), Err(ProjectError::NotAProject { .. })));
    assert!(matches!(Project::discover(Path::new("/no/such/place")), Err(ProjectError::NoSuchFolder { .. })));
    fs::write(project.root.join("seam.toml"), "[project\nname = 1\n").expect("break config");
    match Project::open(&project.root) {
        Err(ProjectError::BadConfig { path, .. }) => {
            assert!(path.ends_with("seam.toml:1"), "{path}")
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn stale_temp_files_of_killed_saves_are_removed_and_symlink_loops_are_harmless() {
    let (_dir, project, mut store) = example();
    let stale = project.root.join("contracts/.ticket-routing-api.md.seam-99999.tmp");
    let fresh = project.root.join("contracts/.ticket-routing-api.md.seam-99998.tmp");
    fs::write(&stale, "half a file").expect("write");
    fs::write(&fresh, "a save in progress").expect("write");
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options().write(true).open(&stale).expect("open").set_modified(an_hour_ago).expect("age it");
    let removed = project.remove_stale_temp_files();
    assert_eq!(removed, vec![stale.clone()]);
    assert!(fresh.exists(), "a recent temp file may belong to a save in progress");

    #[cfg(unix)]
    std::os::unix::fs::symlink(&project.root, project.root.join("datasets/loop")).expect("symlink loop");
    let report = project::index(&project, &mut store).expect("index with a symlink loop");
    assert!(report.files >= 8);
}

#[test]
fn index_paths_reindexes_only_the_reported_files_and_leaves_the_rest_to_the_full_index() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let contract = first_contract(&project);
    let path = project.root.join(&contract);
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replace("## Purpose", "## Purpose, zanzibarite")).expect("edit");
    let added = "contracts/new-contract.md";
    fs::write(project.root.join(added), text.replace("id: ", "id: new-")).expect("add");

    let paths = vec![contract.clone(), added.to_string()];
    let report = project::index_paths(&project, &mut store, &paths).expect("index paths").expect("handled alone");
    assert_eq!(report.parsed, 2);
    let kinds: Vec<(&str, &str)> =
        report.changes.iter().map(|change| (change.kind.as_str(), change.rel_path.as_str())).collect();
    assert_eq!(kinds, [("changed", contract.as_str()), ("added", added)]);
    assert_eq!(store.search("zanzibarite ", 5).expect("search").len(), 1);
    assert_eq!(report.files, store.document_count().expect("count"));
    // Nothing left for the whole-folder run to find.
    assert_eq!(project::index(&project, &mut store).expect("index").parsed, 0);
    // Unchanged files are not re-read.
    let again = project::index_paths(&project, &mut store, &paths).expect("index paths").expect("handled alone");
    assert_eq!(again.parsed, 0);
    assert!(again.changes.is_empty());

    // What only the whole folder can judge is handed back.
    fs::remove_file(project.root.join(added)).expect("delete");
    let copy = "contracts/api (1).md";
    fs::write(project.root.join(copy), &text).expect("copy");
    for batch in [vec![added.to_string()], vec![copy.to_string()], vec!["contracts".to_string()], vec![]] {
        assert!(project::index_paths(&project, &mut store, &batch).expect("index paths").is_none(), "{batch:?}");
    }
}

#[test]
fn undoing_an_edit_writes_the_earlier_bytes_back_not_a_reformatted_value() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let rel = "requirements/sheet.md";
    let original = "---\nkind: requirements\nid: sheet\ntitle: Sheet\nstatus: draft\nrequirements:\n  - id: recall\n    metric: recall\n    op: \">=\"\n    target: 0.90   # agreed with ops\n    threshold: 0.80\n---\nBody.\n";
    fs::write(project.root.join(rel), original).expect("write");
    project::index(&project, &mut store).expect("index the new sheet");
    let set = |base_hash: &str, value: &str| SaveRequest {
        rel_path: rel.to_string(),
        base_hash: base_hash.to_string(),
        edits: vec![Edit::Set {
            path: "requirements[0].threshold".to_string(),
            value: NewValue::Yaml(value.to_string()),
        }],
        body: None,
    };
    let first = project.read_document(rel).expect("read");
    let changed = project::save(&project, Some(&mut store), &set(&first.hash, "0.85")).expect("save").document;
    assert!(changed.text.contains("threshold: 0.85"));
    // Undo in the app sends the value as the UI holds it: 0.8.
    let undone = project::save(&project, Some(&mut store), &set(&changed.hash, "0.8")).expect("undo").document;
    assert_eq!(undone.text, original, "the earlier bytes, trailing zero and comment included");
    assert_eq!(fs::read_to_string(project.root.join(rel)).expect("read"), original);
    // A value no recent version had is written as given.
    let other = project::save(&project, Some(&mut store), &set(&undone.hash, "0.7")).expect("save").document;
    assert!(other.text.contains("threshold: 0.7\n") && other.text.contains("0.90   # agreed with ops"));
}

#[test]
fn the_walk_lists_documents_comments_and_conflict_copies_in_path_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    let files = [
        "seam.toml",
        "notes.md",
        "notes (1).md",
        "notes (Alice's conflicted copy 2026-11-20).md",
        "plan.sync-conflict-20261120-101500-ABCDEFG.md",
        "Report.md",
        "Report-LAPTOP7.md",
        "lonely (1).md",
        "README.md",
        "discussions.md",
        "a/x.md",
        "a/readme.MD",
        "a/notes.txt",
        "a/.hidden.md",
        "a-b/x.md",
        "a/deeper/y.md",
        "a/node_modules/pkg/z.md",
        "node_modules/pkg/z.md",
        ".git/x.md",
        ".obsidian/y.md",
        "discussions/REQ-1/comment.md",
        "discussions/.drafts/draft.md",
        "sub/discussions/e.md",
    ];
    for rel in files {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, if rel == "seam.toml" { "" } else { "# x\n" }).expect("write");
    }
    // Symbolic links are neither followed nor listed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("notes.md"), root.join("link.md")).expect("symlink");
        std::os::unix::fs::symlink(root.join("a"), root.join("linked-folder")).expect("symlink");
    }
    let project = Project::open(&root).expect("open");

    let with_copies = [
        "Report-LAPTOP7.md",
        "Report.md",
        "a-b/x.md",
        "a/deeper/y.md",
        "a/x.md",
        "discussions.md",
        "lonely (1).md",
        "notes (1).md",
        "notes (Alice's conflicted copy 2026-11-20).md",
        "notes.md",
        "plan.sync-conflict-20261120-101500-ABCDEFG.md",
        "sub/discussions/e.md",
    ];
    let entries = project.disk_entries();
    assert_eq!(entries.iter().map(|entry| entry.rel_path.as_str()).collect::<Vec<_>>(), with_copies);
    for entry in &entries {
        let metadata = fs::metadata(root.join(&entry.rel_path)).expect("metadata");
        assert_eq!(entry.size, metadata.len(), "{}", entry.rel_path);
        assert!(entry.mtime_ns > 0, "{}", entry.rel_path);
    }

    let documents = [
        "Report.md",
        "a-b/x.md",
        "a/deeper/y.md",
        "a/x.md",
        "discussions.md",
        "lonely (1).md",
        "notes.md",
        "sub/discussions/e.md",
    ];
    assert_eq!(project.document_paths(), documents);
    let copies = [
        ("Report-LAPTOP7.md", "Report.md"),
        ("notes (1).md", "notes.md"),
        ("notes (Alice's conflicted copy 2026-11-20).md", "notes.md"),
        ("plan.sync-conflict-20261120-101500-ABCDEFG.md", "plan.md"),
    ];
    let copies: Vec<(String, String)> =
        copies.iter().map(|(copy, original)| (copy.to_string(), original.to_string())).collect();
    assert_eq!(project.conflict_copies(), copies);
    assert_eq!(project.comment_paths(), ["discussions/REQ-1/comment.md"]);

    let store_dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open_at(&store_dir.path().join("seam.db")).expect("store");
    let first = project::index(&project, &mut store).expect("index");
    assert_eq!(first.files, documents.len());
    assert_eq!(first.conflict_copies, copies);
    let again = project::index(&project, &mut store).expect("reindex");
    assert_eq!((again.parsed, again.removed, again.files), (0, 0, documents.len()));
    assert!(again.changes.is_empty());
}

#[test]
fn a_cached_lint_rereads_only_changed_files_and_reports_what_a_full_lint_does() {
    use seam_core::lint::{lint, lint_cached, LintCache};
    let (_dir, project, _store) = example();
    let same = |a: &seam_core::lint::LintReport, b: &seam_core::lint::LintReport| {
        assert_eq!(format!("{:?}", a.issues), format!("{:?}", b.issues));
        assert_eq!((a.documents, a.comments), (b.documents, b.comments));
    };
    let mut cache = LintCache::default();
    let first = lint_cached(&project, &mut cache);
    assert_eq!(first.reread, first.documents + first.comments, "the first run reads everything");
    same(&first, &lint(&project));
    assert_eq!(lint_cached(&project, &mut cache).reread, 0, "nothing changed, nothing read");

    // A link to an id that does not exist, a new document duplicating an id, a removed meeting
    // and a conflict copy: each shows in the cached report exactly as in a full one.
    let contract = first_contract(&project);
    let path = project.root.join(&contract);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains("\nlinks: ["));
    fs::write(&path, text.replacen("\nlinks: [", "\nlinks: [no-such-document, ", 1)).expect("edit");
    fs::write(project.root.join("contracts/copy.md"), &text).expect("duplicate");
    let meeting = project.document_paths().into_iter().find(|path| path.starts_with("meetings/")).expect("a meeting");
    fs::remove_file(project.root.join(&meeting)).expect("delete");
    let stem = contract.trim_end_matches(".md");
    fs::write(project.root.join(format!("{stem} (conflicted copy).md")), &text).expect("conflict copy");

    let cached = lint_cached(&project, &mut cache);
    assert_eq!(cached.reread, 2, "the edited document and the new one");
    let full = lint(&project);
    same(&cached, &full);
    // `seam check` lints the documents it has already parsed: the same report.
    same(&seam_core::lint::lint_parsed(&project, &project.read_all()), &full);
    assert!(full.issues.iter().any(|issue| issue.code == "duplicate-id"), "{:?}", full.issues);
    assert!(full.issues.iter().any(|issue| issue.code == "unknown-link" && issue.rel_path == contract));
    assert!(full.issues.iter().any(|issue| issue.code == "sync-conflict-copy"));
    assert!(full.issues.iter().all(|issue| issue.rel_path != meeting));
}
