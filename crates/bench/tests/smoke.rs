//! The harness end to end on a small generated project, as CI runs it: every SPEC figure is
//! measured and reported (figures only, no timing assertions).

use std::process::Command;

#[test]
fn the_harness_measures_every_target_on_a_generated_project() {
    let folder = tempfile::tempdir().expect("tempdir");
    let project = folder.path().join("project");
    let output = Command::new(env!("CARGO_BIN_EXE_seam-bench"))
        .arg("run")
        .arg(&project)
        .args(["--documents", "1000", "--cold-runs", "1", "--reopen-runs", "2", "--event-samples", "3"])
        .args(["--search-queries", "30", "--edit-samples", "5", "--cli-set-samples", "0", "--json"])
        .arg("--work-dir")
        .arg(folder.path().join("work"))
        .output()
        .expect("run seam-bench");
    assert!(output.status.success(), "seam-bench failed: {}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(report["documents"], 1000);
    assert_eq!(report["targets"], "10k");
    let figures = report["figures"].as_array().expect("figures");
    let named = |name: &str| {
        figures.iter().find(|figure| figure["name"] == name).unwrap_or_else(|| panic!("no figure {name:?}: {report}"))
    };
    for name in [
        "cold index (empty database)",
        "reopen, nothing changed",
        "change on disk -> event p95",
        "search p99",
        "edit one field, durably saved p99",
        "indexer peak memory",
    ] {
        let figure = named(name);
        assert!(figure["value"].as_f64().is_some_and(|value| value > 0.0), "{name} was not measured: {figure}");
        assert!(figure["target"].as_f64().is_some(), "{name} has no SPEC target: {figure}");
        assert!(figure["met"].is_boolean(), "{name} was not compared with its target: {figure}");
    }
    let floor = named("floor: read every file once");
    assert!(floor["value"].as_f64().is_some_and(|value| value > 0.0));
    assert!(named("cold index (empty database)")["ratio_to_floor"].as_f64().is_some());
}
