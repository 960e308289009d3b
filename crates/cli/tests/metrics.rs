//! `seam metrics import|show` and `seam check` on a temporary copy of the example project: exit
//! codes (0 pass, 1 a check failed, 2 bad usage or unreadable input) and the `--json` shapes of
//! docs/CLI.md.

mod common;
use common::TempProject;

use std::fs;
use std::process::Output;

use serde_json::Value;

impl TempProject {
    /// A file outside the project, as an evaluation run would be.
    fn outside(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        fs::write(&path, text).expect("write");
        path.to_str().expect("utf-8").to_string()
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("{error}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    })
}

#[test]
fn import_then_show_reports_the_new_point() {
    let project = TempProject::example();
    let file = project
        .outside("router-eval.json", r#"{"test": {"macro_f1": 0.881, "by_language": {"de": {"macro_f1": 0.79}}}}"#);
    let output =
        project.seam(&["metrics", "import", "ticket-routing-requirements", &file, "--at", "2026-11-26", "--json"]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    let report = stdout_json(&output);
    assert_eq!(report["format"], "json");
    assert_eq!(report["updated"], serde_json::json!(["f1-language-de", "queue-macro-f1"]));
    let run = report["run"].as_str().expect("run path");
    assert!(run.starts_with("metrics/ticket-routing-requirements/") && project.root.join(run).is_file());
    let sheet = fs::read_to_string(project.root.join("requirements/ticket-routing-requirements.md")).expect("read");
    assert!(sheet.contains("measured: {value: 0.79, at: 2026-11-26, source: router-eval.json}"), "{sheet}");

    let show = project.seam(&["metrics", "show", "ticket-routing-requirements", "--today", "2026-11-28", "--json"]);
    assert_eq!(code(&show), 0);
    let shown = stdout_json(&show);
    let row = shown["rows"].as_array().expect("rows").iter().find(|row| row["id"] == "f1-language-de").expect("row");
    assert_eq!(row["status"], "warn");
    let last = row["series"].as_array().expect("series").last().expect("a point").clone();
    assert_eq!((last["value"].as_f64(), last["at"].as_str()), (Some(0.79), Some("2026-11-26")));
    assert_eq!(shown["timebox"]["expired"], true);
    assert_eq!(shown["counts"]["fail"], 0);
}

#[test]
fn check_exit_codes_follow_the_verdicts() {
    let project = TempProject::example();
    // The example has failing rows: exit 1, with the findings as SARIF.
    let sarif = project.seam(&["check", "--today", "2026-11-28", "--format", "sarif"]);
    assert_eq!(code(&sarif), 1);
    let results = stdout_json(&sarif)["runs"][0]["results"].as_array().expect("results").clone();
    assert!(results.iter().any(|result| result["ruleId"] == "metric-failed" && result["level"] == "error"));

    // A metrics file that meets every row it measures: exit 0.
    let good = project.outside("good.yaml", "macro_f1: 0.9\np95_latency: 120\n");
    let output = project.seam(&["check", "--metrics", &good, "--today", "2026-11-28", "--json"]);
    let checked = stdout_json(&output);
    let routing = checked["sheets"]
        .as_array()
        .expect("sheets")
        .iter()
        .find(|sheet| sheet["id"] == "ticket-routing-requirements")
        .expect("sheet")
        .clone();
    let row = routing["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["id"] == "queue-macro-f1")
        .expect("row")
        .clone();
    assert_eq!((row["status"].as_str(), row["measured"]["value"].as_f64()), (Some("pass"), Some(0.9)));
    // The sheet's own failing row (German F1) still fails the check.
    assert_eq!(code(&output), 1);

    // A latency over the threshold: JUnit with a failure for that row.
    let slow = project.outside("slow.csv", "metric,value\np95_latency,301\n");
    let junit = project.seam(&["check", "--metrics", &slow, "--format", "junit"]);
    assert_eq!(code(&junit), 1);
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(
        xml.contains("<testcase name=\"ticket-routing-requirements/latency-p95\" classname=\"seam.check\">"),
        "{xml}"
    );
    assert!(xml.contains("p95_latency 301 ms misses the threshold &lt;= 300"), "{xml}");

    // Bad input: exit 2 with the file and line.
    let broken = project.outside("broken.json", "{\n  \"macro_f1\": 0.9,\n}\n");
    let output = project.seam(&["check", "--metrics", &broken]);
    assert_eq!(code(&output), 2);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("broken.json:3"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn unmapped_names_need_a_map_and_bad_maps_are_usage_errors() {
    let project = TempProject::example();
    let file = project.outside("renamed.json", r#"{"f1_macro": 0.87}"#);
    let output = project.seam(&["metrics", "import", "ticket-routing-requirements", &file]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("--map"), "{}", String::from_utf8_lossy(&output.stderr));

    let output =
        project.seam(&["metrics", "import", "ticket-routing-requirements", &file, "--map", "f1_macro=macro_f1@all"]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));

    let output = project.seam(&["metrics", "import", "ticket-routing-requirements", &file, "--map", "nope=macro_f1"]);
    assert_eq!(code(&output), 2);
    let lint = project.seam(&["lint"]);
    assert_eq!(
        code(&lint),
        0,
        "run files are not documents and lint stays clean: {}",
        String::from_utf8_lossy(&lint.stdout)
    );
}
