//! `seam dataset …` on a copy of the example project and its November accounts snapshot: the exit
//! codes (0 pass, 1 checks failed or drift, 2 unreadable), the `--json` shapes of docs/CLI.md, the
//! profile file written next to the note, and the benchmark harness's generator on a tiny file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Example {
    _dir: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

impl Example {
    fn new() -> Example {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("project");
        let data = dir.path().join("data");
        let example = Example { root, data, _dir: dir };
        let output = example.seam(&["init", example.root.to_str().expect("utf-8"), "--example"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        example
    }

    fn seam(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_seam"))
            .args(args)
            .current_dir(self.root.parent().expect("parent"))
            .env("SEAM_DATA_DIR", &self.data)
            .output()
            .expect("run seam")
    }

    fn in_project(&self, args: &[&str]) -> Output {
        let mut all = vec!["-C", self.root.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        self.seam(&all)
    }

    fn file(&self, rel: &str) -> String {
        self.root.join(rel).to_str().expect("utf-8").to_string()
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn check<'a>(report: &'a Value, column: Option<&str>, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|check| check["column"].as_str() == column && check["check"] == name)
        .unwrap_or_else(|| panic!("no {column:?} {name} check in {report:#}"))
}

#[test]
fn validate_reports_the_planted_violations_of_the_example_snapshot() {
    let example = Example::new();
    let data = example.file("data/customer-accounts-2026-11.csv");
    let output = example.in_project(&["dataset", "validate", "customer-accounts", &data, "--json"]);
    assert_eq!(code(&output), 1, "{}", String::from_utf8_lossy(&output.stderr));
    let report = stdout_json(&output);
    assert_eq!(report["rows"], 240);
    assert_eq!(report["complete"], true);
    assert_eq!(report["passed"], false);
    let seats = check(&report, Some("seats"), "range");
    assert_eq!(seats["status"], "failed");
    assert_eq!(seats["failing"], 1);
    assert_eq!(seats["samples"][0]["row"], 57);
    assert_eq!(seats["samples"][0]["line"], 58);
    assert_eq!(seats["samples"][0]["value"], "0");
    let region = check(&report, Some("region"), "enum");
    assert_eq!(region["samples"][0]["value"], "Apac");
    assert_eq!(check(&report, Some("workspace_id"), "unique")["status"], "passed");
    assert_eq!(check(&report, None, "row-count")["status"], "passed");

    // Text output: one line per check, the samples under the failed ones.
    let output = example.in_project(&["dataset", "validate", "customer-accounts", &data]);
    assert_eq!(code(&output), 1);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("FAIL seats: range [1, 5000] — 1 failing rows"), "{text}");
    assert!(text.contains("row 57 (line 58): \"0\""), "{text}");
    assert!(text.contains("240 rows"), "{text}");
}

#[test]
fn validate_exits_0_when_everything_passes_and_2_when_the_file_is_unreadable() {
    let example = Example::new();
    let good = example.root.join("good.csv");
    let original = fs::read_to_string(example.file("data/customer-accounts-2026-11.csv")).expect("read");
    let fixed = original.replace(",EMEA,0,retail,", ",EMEA,1,retail,").replace(",Apac,", ",APAC,");
    fs::write(&good, fixed).expect("write");
    let output = example.in_project(&["dataset", "validate", "customer-accounts", good.to_str().expect("utf-8")]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stdout));

    let empty = example.root.join("empty.csv");
    fs::write(&empty, "").expect("write");
    let output =
        example.in_project(&["dataset", "validate", "customer-accounts", empty.to_str().expect("utf-8"), "--json"]);
    assert_eq!(code(&output), 2);
    let report = stdout_json(&output);
    assert_eq!(report["complete"], false);
    assert_eq!(report["passed"], false);
    assert!(report["read_error"]["message"].as_str().expect("message").contains("empty"), "{report:#}");

    let missing = example.in_project(&["dataset", "validate", "customer-accounts", "/nonexistent/file.csv"]);
    assert_eq!(code(&missing), 2);
    assert!(String::from_utf8_lossy(&missing.stdout).contains("INCOMPLETE"));

    let not_a_dataset =
        example.in_project(&["dataset", "validate", "ticket-routing-api", good.to_str().expect("utf-8")]);
    assert_eq!(code(&not_a_dataset), 2);
    assert!(String::from_utf8_lossy(&not_a_dataset.stderr).contains("is not a dataset note"));
}

#[test]
fn infer_prints_a_schema_block_that_validates_its_own_data() {
    let example = Example::new();
    let data = example.file("data/customer-accounts-2026-11.csv");
    let output = example.seam(&["dataset", "infer", &data]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    let block = String::from_utf8(output.stdout).expect("utf-8");
    assert!(block.starts_with("schema:\n"), "{block}");
    assert!(block.contains("{name: workspace_id, type: string, nullable: false, unique: true}"), "{block}");
    assert!(
        block.contains("{name: region, type: category, enum: [AMER, APAC, Apac, EMEA], nullable: false}"),
        "{block}"
    );
    assert!(block.contains("{name: seats, type: integer, range: [0, "), "{block}");
    assert!(block.contains("{name: snapshot_date, type: timestamp, nullable: false}"), "{block}");

    let json = stdout_json(&example.seam(&["dataset", "infer", &data, "--json"]));
    assert_eq!(json["rows"], 240);
    assert_eq!(json["schema_yaml"], block.as_str());
    let industry =
        json["columns"].as_array().expect("columns").iter().find(|c| c["name"] == "industry").expect("industry");
    assert_eq!(industry["nullable"], true);
}

#[test]
fn profile_is_written_next_to_the_note_and_drift_compares_with_it() {
    let example = Example::new();
    let data = example.file("data/customer-accounts-2026-11.csv");
    let output = example.in_project(&["dataset", "drift", "customer-accounts", &data]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no documented profile"), "{output:?}");

    let output = example.in_project(&["dataset", "profile", "customer-accounts", &data, "--json"]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    let written = stdout_json(&output);
    assert_eq!(written["path"], "datasets/customer-accounts.profile.json");
    let on_disk: Value = serde_json::from_str(
        &fs::read_to_string(example.root.join("datasets/customer-accounts.profile.json")).expect("profile file"),
    )
    .expect("profile JSON");
    assert_eq!(on_disk, written["profile"]);
    assert_eq!(on_disk["rows"], 240);
    let seats = on_disk["columns"].as_array().expect("columns").iter().find(|c| c["name"] == "seats").expect("seats");
    assert_eq!(seats["histogram"]["counts"].as_array().map(Vec::len), Some(100));
    // The profile is a project file but not a document: lint stays clean.
    assert_eq!(code(&example.in_project(&["lint"])), 0);

    // The same data has not drifted; a snapshot where APAC tripled has.
    let output = example.in_project(&["dataset", "drift", "customer-accounts", &data, "--json"]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stdout));
    let report = stdout_json(&output);
    assert_eq!(report["drifted"], false);
    assert_eq!(report["thresholds"]["stated"], true);

    let original = fs::read_to_string(&data).expect("read");
    let shifted: String = original
        .lines()
        .enumerate()
        .map(|(index, line)| {
            if index % 3 == 1 {
                line.replace(",EMEA,", ",APAC,").replace(",AMER,", ",APAC,")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let shifted_path = example.root.join("shifted.csv");
    fs::write(&shifted_path, shifted + "\n").expect("write");
    let output =
        example.in_project(&["dataset", "drift", "customer-accounts", shifted_path.to_str().expect("utf-8"), "--json"]);
    assert_eq!(code(&output), 1, "{}", String::from_utf8_lossy(&output.stdout));
    let report = stdout_json(&output);
    let region = report["columns"].as_array().expect("columns").iter().find(|c| c["name"] == "region").expect("region");
    assert_eq!(region["drifted"], true);
    assert_eq!(region["method"], "categorical");
}

#[test]
fn the_benchmark_generator_writes_data_the_benchmark_note_accepts_but_for_the_planted_rows() {
    let python = ["python3", "python"].into_iter().find(|name| Command::new(name).arg("--version").output().is_ok());
    let Some(python) = python else {
        panic!("the benchmark harness needs Python 3 on PATH");
    };
    let example = Example::new();
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/dataset");
    fs::copy(bench.join("note.md"), example.root.join("datasets/bench-transactions.md")).expect("copy the note");
    let data = example.root.join("tiny.csv");
    let generated = Command::new(python)
        .arg(bench.join("generate.py"))
        .arg(&data)
        .args(["--bytes", "200"])
        .output()
        .expect("run the generator");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let output =
        example.in_project(&["dataset", "validate", "bench-transactions", data.to_str().expect("utf-8"), "--json"]);
    let report = stdout_json(&output);
    assert_eq!(report["rows"], 10_000);
    assert_eq!(report["complete"], true);
    let failed: Vec<String> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|check| check["status"] == "failed")
        .map(|check| format!("{}:{}:{}", check["column"].as_str().unwrap_or("-"), check["check"], check["failing"]))
        .collect();
    assert_eq!(
        failed,
        ["transaction_id:\"unique\":1", "amount:\"range\":1", "currency:\"enum\":1", "created_at:\"type\":1"]
    );
    assert_eq!(code(&output), 1);
}
