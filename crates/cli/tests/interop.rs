//! `seam import|export` and `seam site` on a temporary copy of the example project: exit codes
//! (0 success, 2 bad usage or unreadable input, with file and line), the `--json` shapes of
//! docs/CLI.md, and files written with `--out`.

mod common;
use common::TempProject;

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

impl TempProject {
    fn outside(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().expect("utf-8").to_string()
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stdout_json(output: &Output) -> Value {
    assert_eq!(code(output), 0, "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("json on stdout")
}

#[test]
fn jsonschema_export_then_import_round_trips_through_files() {
    let project = TempProject::example();
    let schema_file = project.outside("outputs.schema.json");
    let output =
        project.seam(&["export", "jsonschema", "ticket-routing-api", "--part", "outputs", "--out", &schema_file]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    let schema: Value = serde_json::from_str(&fs::read_to_string(&schema_file).expect("written")).expect("json");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["properties"]["queue_confidence"]["maximum"], 1);

    let before = fs::read(project.root.join("contracts/ticket-routing-api.md")).expect("read");
    let report = stdout_json(&project.seam(&[
        "import",
        "jsonschema",
        &schema_file,
        "--into",
        "ticket-routing-api",
        "--part",
        "outputs",
        "--json",
    ]));
    assert_eq!(report["created"], false);
    assert_eq!(report["inputs"], Value::Null);
    assert_eq!(report["outputs"]["unchanged"].as_array().map(Vec::len), Some(6));
    assert_eq!(fs::read(project.root.join("contracts/ticket-routing-api.md")).expect("read"), before);

    let created = stdout_json(&project.seam(&[
        "import",
        "jsonschema",
        &schema_file,
        "--part",
        "inputs",
        "--title",
        "Scoring request",
        "--json",
    ]));
    assert_eq!(created["path"], "contracts/scoring-request.md");
    assert_eq!(created["created"], true);
    let lint = project.seam(&["lint"]);
    assert_eq!(code(&lint), 0, "the new contract lints clean: {}", String::from_utf8_lossy(&lint.stdout));
}

#[test]
fn bad_input_names_the_file_and_line_and_exits_2() {
    let project = TempProject::example();
    let file = project.outside("MLmodel");
    fs::write(&file, "mlflow_version: 2.9.2\nsignature:\n  inputs: '[{\"type\": \"double\"'\n").expect("write");
    let output = project.seam(&["import", "mlflow", &file, "--into", "ticket-routing-api"]);
    assert_eq!(code(&output), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{file}:3: signature inputs: not valid JSON")), "{stderr}");

    let output = project.seam(&["export", "jsonschema", "support-tickets-2025"]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("support-tickets-2025 is dataset, not a contract"));

    let output = project.seam(&["import", "odcs", &project.outside("missing.yaml")]);
    assert_eq!(code(&output), 2);
}

#[test]
fn odcs_and_hf_card_exports_write_files_that_import_again() {
    let project = TempProject::example();
    let odcs_file = project.outside("tickets.odcs.yaml");
    assert_eq!(code(&project.seam(&["export", "odcs", "support-tickets-2025", "--out", &odcs_file])), 0);
    let text = fs::read_to_string(&odcs_file).expect("written");
    assert!(text.starts_with("apiVersion: v3.1.0\nkind: DataContract\nid: support-tickets-2025\n"), "{text}");
    let report =
        stdout_json(&project.seam(&["import", "odcs", &odcs_file, "--into", "support-tickets-2025", "--json"]));
    assert_eq!(report["lists"]["schema"]["unchanged"].as_array().map(Vec::len), Some(12));

    let card = project.outside("README.md");
    assert_eq!(code(&project.seam(&["export", "hf-card", "customer-accounts", "--out", &card])), 0);
    let created = stdout_json(&project.seam(&["import", "hf-card", &card, "--json"]));
    assert_eq!(created["kind"], "dataset");
    assert_eq!(created["path"], "datasets/customer-accounts-snapshot.md");
}

#[test]
fn site_writes_an_index_and_a_page_per_document() {
    let project = TempProject::example();
    let out = project.outside("site");
    let report = stdout_json(&project.seam(&["site", "--out", &out, "--today", "2026-11-28", "--json"]));
    assert_eq!(report["documents"], 11);
    assert_eq!(report["pages"].as_array().map(Vec::len), Some(12));
    assert!(Path::new(&out).join("documents/ticket-routing-api.html").is_file());
    let again = project.seam(&["site", "--out", &out]);
    assert_eq!(code(&again), 0, "a rebuild over an earlier site");
    let refused = project.seam(&["site", "--out", project.root.to_str().expect("utf-8")]);
    assert_eq!(code(&refused), 2, "the project folder is not an earlier site");
}
