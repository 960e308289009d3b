//! Navigation queries on the bundled example project, as data. A new case is a new file
//! `cases/navigation/NAME.query` → `NAME.expected` (one `rel_path` per line, in result order).
//!
//! A `.query` file has one directive per line (`#` starts a comment):
//! - `search TEXT` — full-text query (may be empty: `search`), with optional filter lines
//!   `kind K`, `status S`, `owner NAME`, `tag T`, and `limit N` (default 50);
//! - `backlinks ID` — the documents that link to ID.
//!
//! Run with UPDATE_EXPECT=1 to write the expected files, then review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use seam_core::project::{self, Project};
use seam_core::store::{SearchFilter, Store};

fn example() -> (tempfile::TempDir, Project, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let project = Project::open(&root).expect("open");
    let mut store = Store::open_at(&dir.path().join("store/seam.db")).expect("store");
    project::index(&project, &mut store).expect("index");
    (dir, project, store)
}

/// Runs one `.query` file and returns the result lines, or an error naming the file and line.
fn run_case(store: &Store, case: &Path) -> Result<String, String> {
    let text = fs::read_to_string(case).map_err(|error| format!("{}: {error}", case.display()))?;
    let mut search: Option<String> = None;
    let mut backlinks: Option<String> = None;
    let mut filter = SearchFilter::default();
    let mut limit = 50;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let value = Some(rest.trim().to_string());
        match word {
            "search" => search = value,
            "backlinks" => backlinks = value,
            "kind" => filter.kind = value,
            "status" => filter.status = value,
            "owner" => filter.owner = value,
            "tag" => filter.tag = value,
            "limit" => {
                limit = rest.trim().parse().map_err(|_| format!("{}:{}: bad limit", case.display(), index + 1))?;
            }
            other => return Err(format!("{}:{}: unknown directive `{other}`", case.display(), index + 1)),
        }
    }
    let paths: Vec<String> = match (search, backlinks) {
        (Some(query), None) => store
            .search_filtered(&query, &filter, limit)
            .map_err(|error| error.to_string())?
            .into_iter()
            .map(|hit| hit.rel_path)
            .collect(),
        (None, Some(id)) => {
            store.backlinks(&id).map_err(|error| error.to_string())?.into_iter().map(|row| row.rel_path).collect()
        }
        _ => return Err(format!("{}: needs exactly one `search` or `backlinks` line", case.display())),
    };
    Ok(paths.iter().map(|path| format!("{path}\n")).collect())
}

#[test]
fn navigation_cases() {
    let (_dir, _project, store) = example();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/navigation");
    let mut cases: Vec<PathBuf> = fs::read_dir(&folder)
        .expect("case folder exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "query"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", folder.display());
    let mut failures = Vec::new();
    for case in &cases {
        let actual = match run_case(&store, case) {
            Ok(actual) => actual,
            Err(error) => {
                failures.push(error);
                continue;
            }
        };
        let expected_path = case.with_extension("expected");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            fs::write(&expected_path, &actual).expect("write expected");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => {
                failures.push(format!("{}:\n--- expected\n{expected}--- actual\n{actual}", expected_path.display()))
            }
            Err(_) => failures.push(format!("{} is missing (run with UPDATE_EXPECT=1)", expected_path.display())),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn body_links_count_as_backlinks_and_follow_edits() {
    let (_dir, project, mut store) = example();
    let before: Vec<String> =
        store.backlinks("customer-accounts").expect("backlinks").into_iter().map(|row| row.rel_path).collect();
    let meeting = "meetings/escalation-kickoff-2026-10-05.md";
    assert!(!before.iter().any(|path| path == meeting), "the example meeting does not link to customer-accounts yet");

    // A wiki link in the body makes the meeting a backlink; one inside code does not.
    let path = project.root.join(meeting);
    let original = fs::read_to_string(&path).expect("read");
    fs::write(
        &path,
        format!("{original}\nSee [[customer-accounts|the accounts snapshot]]; not `[[support-tickets-2023]]`.\n"),
    )
    .expect("append a link");
    project::index(&project, &mut store).expect("reindex");
    let after: Vec<String> =
        store.backlinks("customer-accounts").expect("backlinks").into_iter().map(|row| row.rel_path).collect();
    assert!(after.iter().any(|path| path == meeting), "{after:?}");
    let code_span: Vec<String> =
        store.backlinks("support-tickets-2023").expect("backlinks").into_iter().map(|row| row.rel_path).collect();
    assert!(!code_span.iter().any(|path| path == meeting), "a link inside a code span counted: {code_span:?}");

    // Removing the link removes the backlink at the next index.
    fs::write(&path, &original).expect("restore");
    project::index(&project, &mut store).expect("reindex");
    let restored: Vec<String> =
        store.backlinks("customer-accounts").expect("backlinks").into_iter().map(|row| row.rel_path).collect();
    assert_eq!(restored, before);
}

#[test]
fn a_filter_is_applied_before_the_limit() {
    let (_dir, _project, store) = example();
    // Many documents mention tickets, and the best-ranked is not a meeting. A filter applied after
    // the limit would find nothing; applied in SQL before it, the best meeting comes back.
    let filter = SearchFilter { kind: Some("meeting".to_string()), ..SearchFilter::default() };
    let unfiltered = store.search("tickets", 1).expect("search");
    assert_eq!(unfiltered.len(), 1);
    assert!(!unfiltered[0].rel_path.starts_with("meetings/"), "{unfiltered:?}");
    let filtered = store.search_filtered("tickets", &filter, 1).expect("search");
    assert_eq!(filtered.len(), 1);
    assert!(filtered[0].rel_path.starts_with("meetings/"), "{filtered:?}");
    assert!(!filtered[0].snippet.is_empty(), "a filtered hit still has a snippet");
}

#[test]
fn index_reports_progress_up_to_the_total() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let project = Project::open(&root).expect("open");
    let mut store = Store::open_at(&dir.path().join("store/seam.db")).expect("store");
    let seen = std::sync::Mutex::new(Vec::new());
    let report = project::index_with_progress(&project, &mut store, project::IndexOptions::default(), &|progress| {
        seen.lock().expect("lock").push(progress);
    })
    .expect("index");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen.first().map(|progress| progress.done), Some(0), "the first report comes before any file");
    assert!(seen.iter().all(|progress| progress.total == report.parsed), "{seen:?}");
    assert_eq!(seen.iter().map(|progress| progress.done).max(), Some(report.parsed));
    assert_eq!(seen.len(), report.parsed + 1, "one report per file, plus the first");

    // Nothing changed: nothing to read, and the one report says so.
    let seen = std::sync::Mutex::new(Vec::new());
    project::index_with_progress(&project, &mut store, project::IndexOptions::default(), &|progress| {
        seen.lock().expect("lock").push(progress);
    })
    .expect("reindex");
    assert_eq!(seen.into_inner().expect("lock"), vec![project::IndexProgress { done: 0, total: 0 }]);
}
