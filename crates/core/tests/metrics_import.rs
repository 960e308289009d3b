//! `metrics::import` on a real copy of the example project and a real SQLite file: `measured`
//! is written in place (only its bytes change), the run lands in `metrics/<sheet-id>/`, the
//! store's time series follows the folder, older runs never overwrite newer measurements, and
//! the research time-box is judged against the series.

use std::collections::BTreeMap;
use std::fs;

use seam_core::document::model::Typed;
use seam_core::metrics::{self, date, CheckpointStatus, ImportOptions, RowStatus};
use seam_core::project::{self, Project};
use seam_core::store::Store;

const SHEET: &str = "requirements/ticket-routing-requirements.md";

/// The example project without its recorded runs, so each test starts from an empty series.
fn example() -> (tempfile::TempDir, Project, Store) {
    let (dir, project, store) = example_with_runs();
    fs::remove_dir_all(project.root.join("metrics")).expect("remove the example's runs");
    (dir, project, store)
}

fn example_with_runs() -> (tempfile::TempDir, Project, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let project = Project::open(&root).expect("open");
    let mut store = Store::open_at(&dir.path().join("store/seam.db")).expect("store");
    project::index(&project, &mut store).expect("index");
    (dir, project, store)
}

fn day(text: &str) -> i64 {
    date::parse_day(text).expect("date")
}

#[test]
fn import_writes_measured_in_place_and_a_run_file() {
    let (_dir, project, mut store) = example();
    let before = fs::read_to_string(project.root.join(SHEET)).expect("read");
    let text = r#"{"test": {"macro_f1": 0.874, "by_priority": {"p1": {"recall": 0.93}}, "loss": 0.41}}"#;
    let options = ImportOptions { at: Some("2026-11-25".to_string()), ..Default::default() };
    let report =
        metrics::import(&project, &mut store, SHEET, "runs/eval-2026-11-25.json", text, &options).expect("import");
    assert_eq!(report.updated, vec!["p1-recall", "queue-macro-f1"]);
    assert_eq!(report.unmapped.len(), 1);
    assert!(report.run_path.starts_with("metrics/ticket-routing-requirements/"), "{}", report.run_path);

    let after = fs::read_to_string(project.root.join(SHEET)).expect("read");
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(old, new)| old != new).collect();
    assert_eq!(before.lines().count(), after.lines().count(), "no line added or removed");
    assert_eq!(changed.len(), 2, "exactly the two measured lines change: {changed:#?}");
    assert!(after
        .contains("measured: {value: 0.874, at: 2026-11-25, source: runs/eval-2026-11-25.json}\n\n  - id: p1-recall"));
    assert!(
        after.contains(
            "measured: {value: 0.93, at: 2026-11-25, source: runs/eval-2026-11-25.json}   # meets threshold only"
        ),
        "the comment after the value survives"
    );

    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(project.root.join(&report.run_path)).expect("run")).expect("json");
    assert_eq!(run["sheet"], "ticket-routing-requirements");
    assert_eq!(run["points"].as_array().map(Vec::len), Some(2));

    let series = store.metric_series("ticket-routing-requirements").expect("series");
    assert_eq!(series.len(), 2);
    assert!(series.iter().all(|point| point.at == "2026-11-25"));

    // The run file is not a document and lint stays clean.
    let lint = seam_core::lint::lint(&project);
    assert_eq!(lint.error_count(), 0, "{:#?}", lint.issues);
    assert!(!project.document_paths().iter().any(|path| path.starts_with("metrics/")));
}

#[test]
fn an_older_run_joins_the_series_but_keeps_the_newer_measured_value() {
    let (_dir, project, mut store) = example();
    let options = ImportOptions { at: Some("2026-10-01".to_string()), ..Default::default() };
    let before = fs::read(project.root.join(SHEET)).expect("read");
    let report =
        metrics::import(&project, &mut store, SHEET, "old.yaml", "macro_f1: 0.83\n", &options).expect("import");
    assert!(report.updated.is_empty());
    assert_eq!(report.kept_newer, vec!["queue-macro-f1"]);
    assert_eq!(fs::read(project.root.join(SHEET)).expect("read"), before, "sheet untouched");

    let sheet = metrics::one_report(&project, &mut store, SHEET, day("2026-11-28")).expect("report");
    let row = sheet.rows.iter().find(|row| row.id == "queue-macro-f1").expect("row");
    let values: Vec<(String, f64)> = row.series.iter().map(|point| (point.at.clone(), point.value)).collect();
    assert_eq!(values, vec![("2026-10-01".to_string(), 0.83), ("2026-11-02".to_string(), 0.86)]);
    assert_eq!(row.status, RowStatus::Pass);
}

#[test]
fn store_follows_run_files_added_and_removed_on_disk() {
    let (_dir, project, mut store) = example();
    let folder = project.root.join("metrics/ticket-routing-requirements");
    fs::create_dir_all(&folder).expect("mkdir");
    let run = r#"{"sheet": "ticket-routing-requirements", "imported_at": "2026-11-20T10:00:00Z",
        "source": "teammate.json", "format": "json",
        "points": [{"requirement": "latency-p95", "metric": "p95_latency", "slice": null, "name": "p95_latency", "value": 141, "at": "2026-11-19"}]}"#;
    fs::write(folder.join("20261120T100000Z-teammate.json"), run).expect("write");
    assert_eq!(metrics::refresh_store(&project, &mut store).expect("refresh"), 1);
    assert_eq!(store.metric_series("ticket-routing-requirements").expect("series").len(), 1);
    assert_eq!(metrics::refresh_store(&project, &mut store).expect("refresh"), 0, "unchanged files are skipped");
    fs::remove_file(folder.join("20261120T100000Z-teammate.json")).expect("rm");
    assert_eq!(metrics::refresh_store(&project, &mut store).expect("refresh"), 1);
    assert!(store.metric_series("ticket-routing-requirements").expect("series").is_empty());
}

#[test]
fn a_broken_run_file_is_a_lint_error_with_its_line() {
    let (_dir, project, _store) = example();
    let folder = project.root.join("metrics/ticket-routing-requirements");
    fs::create_dir_all(&folder).expect("mkdir");
    fs::write(
        folder.join("20261120T100000Z-broken.json"),
        "{\n  \"sheet\": \"ticket-routing-requirements\",\n  oops\n}\n",
    )
    .expect("write");
    let lint = seam_core::lint::lint(&project);
    let issue = lint.issues.iter().find(|issue| issue.code == "metrics-run").expect("metrics-run issue");
    assert_eq!(issue.rel_path, "metrics/ticket-routing-requirements/20261120T100000Z-broken.json");
    assert_eq!(issue.line, Some(3));
}

#[test]
fn timebox_counts_days_and_judges_checkpoints_against_the_series() {
    let (_dir, project, mut store) = example();
    // The router sheet: 6 weeks from 2026-09-14; checkpoints 2026-10-05 (macro_f1 >= 0.84) and
    // 2026-10-26 (macro_f1 >= 0.78 on language=de).
    let csv = "date,metric,slice,value\n2026-10-03,macro_f1,all,0.845\n2026-10-24,macro_f1,language=de,0.74\n";
    metrics::import(&project, &mut store, SHEET, "history.csv", csv, &ImportOptions::default()).expect("import");

    let during = metrics::one_report(&project, &mut store, SHEET, day("2026-10-12")).expect("report");
    let timebox = during.timebox.as_ref().expect("timebox");
    assert_eq!((timebox.total_days, timebox.elapsed_days, timebox.remaining_days), (42, 28, 14));
    assert!(!timebox.expired);
    assert_eq!(timebox.checkpoints[0].status, CheckpointStatus::Passed);
    assert_eq!(timebox.checkpoints[0].evidence.as_deref(), Some("macro_f1 0.845 on 2026-10-03"));
    assert_eq!(timebox.checkpoints[1].status, CheckpointStatus::Upcoming);

    let after = metrics::one_report(&project, &mut store, SHEET, day("2026-11-28")).expect("report");
    let timebox = after.timebox.as_ref().expect("timebox");
    assert_eq!((timebox.elapsed_days, timebox.remaining_days), (42, 0));
    assert!(timebox.expired);
    assert_eq!(timebox.ends, "2026-10-26");
    assert_eq!(timebox.checkpoints[1].status, CheckpointStatus::Missed);
    assert!(timebox.fallback.as_deref().is_some_and(|fallback| fallback.starts_with("keep router v1")));
    let findings = metrics::findings(&after);
    let rules: Vec<&str> = findings.iter().map(|finding| finding.rule.as_str()).collect();
    assert!(rules.contains(&"checkpoint-missed") && rules.contains(&"timebox-expired"), "{rules:?}");
}

#[test]
fn budgets_compare_measured_rows_with_limits() {
    let (_dir, project, mut store) = example();
    let report = metrics::one_report(&project, &mut store, SHEET, day("2026-11-28")).expect("report");
    let lines: BTreeMap<&str, (Option<f64>, &str)> =
        report.budgets.iter().map(|line| (line.budget, (line.measured, line.status.as_str()))).collect();
    assert_eq!(lines["training.max_hours"], (Some(3.2), "pass"));
    assert_eq!(lines["inference.latency_p95_ms"], (Some(118.0), "pass"));
    assert_eq!(lines["inference.cost_per_1k_usd"], (None, "missing"));

    // Over budget once a slower latency is imported.
    metrics::import(&project, &mut store, SHEET, "load-test.yaml", "p95_latency: 180\n", &ImportOptions::default())
        .expect("import");
    let report = metrics::one_report(&project, &mut store, SHEET, day("2026-11-28")).expect("report");
    let latency = report.budgets.iter().find(|line| line.budget == "inference.latency_p95_ms").expect("line");
    assert_eq!((latency.measured, latency.status), (Some(180.0), RowStatus::Fail));
    let row = report.rows.iter().find(|row| row.id == "latency-p95").expect("row");
    assert_eq!(row.status, RowStatus::Warn);
    assert!(metrics::findings(&report).iter().any(|finding| finding.rule.as_str() == "budget-exceeded"));
}

#[test]
fn import_refuses_a_document_that_is_not_a_sheet() {
    let (_dir, project, mut store) = example();
    let contract = project.document_paths().into_iter().find(|path| path.starts_with("contracts/")).expect("contract");
    let error = metrics::import(&project, &mut store, &contract, "x.json", "{\"a\": 1}", &ImportOptions::default())
        .expect_err("not a sheet");
    assert!(error.to_string().contains("is not a requirement sheet"), "{error}");
    let document = project.read_document(SHEET).expect("read");
    assert!(matches!(document.typed, Some(Typed::Requirements(_))));
}

#[test]
fn the_example_project_tells_its_story_from_its_runs() {
    let (_dir, project, mut store) = example_with_runs();
    let lint = seam_core::lint::lint(&project);
    assert_eq!(lint.error_count(), 0, "{:#?}", lint.issues);
    let reports = metrics::project_reports(&project, &mut store, day("2026-11-28")).expect("reports");
    let escalation = reports.iter().find(|report| report.id == "escalation-risk-requirements").expect("sheet");
    let timebox = escalation.timebox.as_ref().expect("timebox");
    assert_eq!((timebox.remaining_days, timebox.expired), (2, false));
    let statuses: Vec<&str> = timebox.checkpoints.iter().map(|checkpoint| checkpoint.status.as_str()).collect();
    assert_eq!(statuses, vec!["passed", "due"], "checkpoint 1 passed with 0.34; checkpoint 2 not measured");
    let ap = escalation.rows.iter().find(|row| row.id == "average-precision").expect("row");
    assert_eq!(ap.series.iter().map(|point| point.value).collect::<Vec<_>>(), vec![0.31, 0.34, 0.38]);
    assert_eq!(ap.status, RowStatus::Warn);

    let router = reports.iter().find(|report| report.id == "ticket-routing-requirements").expect("sheet");
    let timebox = router.timebox.as_ref().expect("timebox");
    assert!(timebox.expired);
    let statuses: Vec<&str> = timebox.checkpoints.iter().map(|checkpoint| checkpoint.status.as_str()).collect();
    assert_eq!(statuses, vec!["passed", "missed"]);
    let counts: Vec<usize> = [RowStatus::Pass, RowStatus::Warn, RowStatus::Fail, RowStatus::Missing]
        .map(|status| router.count(status))
        .to_vec();
    assert_eq!(counts, vec![5, 1, 1, 1]);
}

#[test]
fn the_dashboard_overview_is_the_graph_of_components_contracts_and_datasets_with_open_issues() {
    let (_dir, project, mut store) = example();
    let lint = seam_core::lint::lint(&project);
    let overview = metrics::overview(&project, &mut store, day("2026-11-20"), &lint).expect("overview");
    let sheets: Vec<(&str, Option<&str>)> =
        overview.sheets.iter().map(|sheet| (sheet.rel_path.as_str(), sheet.component.as_deref())).collect();
    assert_eq!(
        sheets,
        [
            ("requirements/escalation-risk-requirements.md", Some("escalation-predictor")),
            ("requirements/ticket-routing-requirements.md", Some("ticket-router")),
        ]
    );
    let node = |key: &str| overview.graph.nodes.iter().find(|node| node.key == key).unwrap_or_else(|| panic!("{key}"));
    // A component takes its sheet's file, the worst verdict of its rows, and the sheet's issues.
    let router = node("component:ticket-router");
    assert_eq!(router.rel_path.as_deref(), Some("requirements/ticket-routing-requirements.md"));
    assert!(router.status.is_some());
    // Open issues: lint issues of the file plus unresolved comments on the document.
    let unresolved_on = |id: &str| {
        project
            .comment_paths()
            .iter()
            .filter_map(|rel| {
                fs::read(project.root.join(rel)).ok().map(|bytes| seam_core::document::parse_comment(rel, &bytes))
            })
            .filter(|comment| comment.json.get("document").and_then(|value| value.as_str()) == Some(id))
            .filter(|comment| !comment.json.get("resolved").and_then(|value| value.as_bool()).unwrap_or(false))
            .count()
    };
    let lint_of = |rel: &str| lint.issues.iter().filter(|issue| issue.rel_path == rel).count();
    assert_eq!(
        router.open_issues,
        lint_of("requirements/ticket-routing-requirements.md") + unresolved_on("ticket-routing-requirements")
    );
    let tickets = node("support-tickets-2025");
    assert_eq!(
        tickets.open_issues,
        lint_of(tickets.rel_path.as_deref().expect("file")) + unresolved_on("support-tickets-2025")
    );
    assert!(router.open_issues + tickets.open_issues > 0, "the example has open discussions");
    let edge = |from: &str, to: &str, relation: &str| {
        overview.graph.edges.iter().any(|edge| edge.from == from && edge.to == to && edge.relation == relation)
    };
    assert!(edge("component:ticket-router", "ticket-routing-api", "provides"));
    assert!(edge("ticket-routing-api", "component:inbox-service", "consumes"));
    assert!(edge("ticket-routing-api", "support-tickets-2025", "uses"));
    assert_eq!(overview.graph.nodes.len(), 12);
}
