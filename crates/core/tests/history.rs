//! A document's history on real folders: local versions, git commits (read-only), field-level
//! diffs between any two versions, restore as a new save.

use std::fs;
use std::path::Path;
use std::process::Command;

use seam_core::history::{self, VersionSource};
use seam_core::project::{self, Project};
use seam_core::store::Store;

const CONTRACT: &str = "contracts/ticket-routing-api.md";

fn example() -> (tempfile::TempDir, Project, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let project = Project::open(&root).expect("open");
    let store = Store::open_at(&dir.path().join("store/seam.db")).expect("store");
    (dir, project, store)
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Priya Shah", "-c", "user.email=priya@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

fn replace_in(project: &Project, rel_path: &str, from: &str, to: &str) {
    let path = project.root.join(rel_path);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel_path} contains {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn local_versions_diff_field_by_field_and_restore_as_a_new_save() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let original = project.read_document(CONTRACT).expect("read");
    replace_in(&project, CONTRACT, "latency_p95_ms: 150", "latency_p95_ms: 250");
    project::index(&project, &mut store).expect("reindex");

    let versions = history::versions(&project, &store, CONTRACT).expect("versions");
    let local: Vec<_> = versions.iter().filter(|v| v.source == VersionSource::Local).collect();
    assert_eq!(local.len(), 2);
    assert_eq!(local[1].rev, original.hash, "newest first");

    let old = history::content(&project, &store, CONTRACT, &original.hash[7..19]).expect("by hash prefix");
    assert_eq!(old, original.text);
    let now = history::content(&project, &store, CONTRACT, "current").expect("current");
    let diff = history::diff(CONTRACT, &old, &now);
    assert_eq!(diff.fields.len(), 1, "{:?}", diff.fields);
    assert_eq!(diff.fields[0].path, "sla.latency_p95_ms");
    assert_eq!((diff.fields[0].old.as_deref(), diff.fields[0].new.as_deref()), (Some("150"), Some("250")));
    assert!(!diff.body_changed);
    assert!(diff.unified.contains("-  latency_p95_ms: 150") || diff.unified.contains("latency_p95_ms: 150"));

    let saved = history::restore(&project, Some(&mut store), CONTRACT, &original.hash, None).expect("restore");
    assert_eq!(saved.document.hash, original.hash);
    assert_eq!(fs::read_to_string(project.root.join(CONTRACT)).expect("read"), original.text);

    // A restore against a stale view of the file is refused and writes nothing.
    let before = fs::read(project.root.join(CONTRACT)).expect("read");
    let stale = history::restore(&project, Some(&mut store), CONTRACT, "current", Some("sha256:0000"));
    assert!(matches!(stale, Err(project::ProjectError::Conflict { .. })), "{stale:?}");
    assert_eq!(fs::read(project.root.join(CONTRACT)).expect("read"), before);

    let bad = history::content(&project, &store, CONTRACT, "abc");
    assert!(matches!(bad, Err(error) if error.to_string().contains("at least 6 hex characters")));
}

#[test]
fn rows_are_compared_by_their_key_not_their_position() {
    let old = "---\nkind: contract\nid: c\ntitle: C\ninput:\n  - {name: amount, type: number}\n  - {name: country, type: string}\n---\nBody\n";
    let new = "---\nkind: contract\nid: c\ntitle: C\ninput:\n  - {name: country, type: string, nullable: true}\n  - {name: channel, type: string}\n---\nBody changed\n";
    let diff = history::diff("contracts/c.md", old, new);
    let paths: Vec<_> = diff.fields.iter().map(|change| change.path.as_str()).collect();
    assert_eq!(paths, ["input[name=amount]", "input[name=country].nullable", "input[name=channel]"]);
    assert_eq!(diff.fields[0].new, None);
    assert_eq!(diff.fields[1].old, None);
    assert!(diff.body_changed);
}

#[test]
fn git_commits_are_versions_too_and_follow_renames() {
    let (_dir, project, mut store) = example();
    // The project is a subfolder of the repository, as in a monorepo.
    let repo = project.root.parent().expect("parent");
    git(repo, &["init", "-q"]);
    git(repo, &["add", "project"]);
    git(repo, &["commit", "-q", "-m", "Add the Larkdesk project"]);
    replace_in(&project, CONTRACT, "latency_p95_ms: 150", "latency_p95_ms: 200");
    git(repo, &["commit", "-q", "-am", "Tighten the routing latency"]);
    fs::rename(project.root.join(CONTRACT), project.root.join("contracts/routing-api.md")).expect("rename");
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "Rename the routing contract"]);
    project::index(&project, &mut store).expect("index");

    let renamed = "contracts/routing-api.md";
    let versions = history::versions(&project, &store, renamed).expect("versions");
    let commits: Vec<_> = versions.iter().filter(|v| v.source == VersionSource::Git).collect();
    let subjects: Vec<_> = commits.iter().map(|v| v.summary.as_deref().unwrap_or("")).collect();
    assert_eq!(subjects, ["Rename the routing contract", "Tighten the routing latency", "Add the Larkdesk project"]);
    assert_eq!(commits[2].author.as_deref(), Some("Priya Shah"));
    assert_eq!(commits[2].path.as_deref(), Some(CONTRACT), "the first commit had the old name");

    let first = history::content(&project, &store, renamed, &commits[2].rev).expect("first commit's text");
    assert!(first.contains("latency_p95_ms: 150"));
    let now = history::content(&project, &store, renamed, "current").expect("current");
    let diff = history::diff(renamed, &first, &now);
    assert_eq!(diff.fields.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(), ["sla.latency_p95_ms"]);

    // Restoring a git version is a new save through the normal path.
    history::restore(&project, Some(&mut store), renamed, &commits[2].rev, None).expect("restore from git");
    assert!(fs::read_to_string(project.root.join(renamed)).expect("read").contains("latency_p95_ms: 150"));
}

#[test]
fn a_folder_outside_git_has_only_local_versions() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let versions = history::versions(&project, &store, CONTRACT).expect("versions");
    assert!(versions.iter().all(|v| v.source == VersionSource::Local));
    assert_eq!(versions.len(), 1);
}

#[test]
fn a_conflict_copy_merges_into_its_original_and_moves_into_history() {
    let (_dir, project, mut store) = example();
    project::index(&project, &mut store).expect("index");
    let base = fs::read_to_string(project.root.join(CONTRACT)).expect("read");
    // Two machines edited different lines of the same version; the sync tool kept both.
    let copy_rel = "contracts/ticket-routing-api (Ana Ruiz's conflicted copy 2026-11-21).md";
    fs::write(
        project.root.join(copy_rel),
        base.replacen("action: page on-call", "action: page the on-call engineer", 1),
    )
    .expect("write the copy");
    replace_in(&project, CONTRACT, "latency_p95_ms: 150", "latency_p95_ms: 120");
    let report = project::index(&project, &mut store).expect("reindex");
    assert_eq!(report.conflict_copies, vec![(copy_rel.to_string(), CONTRACT.to_string())]);

    let sides = seam_core::copies::sides(&project, Some(&store), copy_rel).expect("sides");
    assert_eq!(sides.original_rel_path, CONTRACT);
    assert_eq!(sides.base.as_deref(), Some(base.as_str()), "the version both started from");
    assert!(sides.merged.contains("latency_p95_ms: 120") && sides.merged.contains("page the on-call engineer"));
    let copy_text = sides.copy.clone();

    // A stale view of the copy is refused, nothing written or removed.
    let stale = seam_core::copies::resolve(
        &project,
        Some(&mut store),
        copy_rel,
        &sides.original_hash,
        "sha256:00",
        &sides.merged,
    );
    assert!(matches!(stale, Err(project::ProjectError::Conflict { .. })));
    assert!(project.root.join(copy_rel).exists());

    seam_core::copies::resolve(
        &project,
        Some(&mut store),
        copy_rel,
        &sides.original_hash,
        &sides.copy_hash,
        &sides.merged,
    )
    .expect("resolve");
    assert!(!project.root.join(copy_rel).exists(), "the copy left the folder");
    assert_eq!(fs::read_to_string(project.root.join(CONTRACT)).expect("read"), sides.merged);
    let kept = history::versions(&project, &store, CONTRACT)
        .expect("versions")
        .into_iter()
        .find(|version| version.origin == "conflict-copy")
        .expect("the copy is in the original's history");
    assert_eq!(history::content(&project, &store, CONTRACT, &kept.rev).expect("content"), copy_text);
}
