//! `seam check` as CI runs it, on temporary copies of the example project: every check in one
//! pass, `[check]` severities and ignores in seam.toml, `--data`, `--against` a git revision and
//! a local history version, `diff` classifying contract changes, and JUnit / SARIF output
//! validated against the JUnit XSD (xmllint) and the SARIF 2.1.0 JSON schema
//! (tests/fixtures/schemas, see the README there).

mod common;
use common::TempProject;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

impl TempProject {
    /// Appends `text` to the project's seam.toml.
    fn configure(&self, text: &str) {
        let path = self.root.join("seam.toml");
        let mut config = fs::read_to_string(&path).expect("seam.toml");
        config.push_str(text);
        fs::write(&path, config).expect("write seam.toml");
    }

    fn edit(&self, rel_path: &str, from: &str, to: &str) {
        let path = self.root.join(rel_path);
        let text = fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{rel_path} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }

    fn git(&self, args: &[&str]) {
        let output = Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"])
            .args(args)
            .current_dir(&self.root)
            .output()
            .expect("git is installed");
        assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{error}: {}", text(output)))
}

fn rules(report: &Value, key: &str) -> Vec<String> {
    report[key]
        .as_array()
        .expect("a list")
        .iter()
        .map(|finding| finding["rule"].as_str().expect("rule").to_string())
        .collect()
}

/// The example's deliberate errors (two failed requirement rows, two bad data rows) as warnings.
const QUIET: &str = "\n[check.severity]\nmetric-failed = \"warning\"\ndata-check-failed = \"warning\"\n";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas").join(name)
}

/// The example project's seam.toml validates `customer-accounts` against its data file (two
/// failing checks) and ignores the research sheet's unmeasured rows; with the router's SLA raised
/// over its sheet's budget, every kind of finding is there: metric rows, data, consistency,
/// ignored.
fn project_with_every_kind_of_finding() -> TempProject {
    let project = TempProject::example();
    project.edit("contracts/ticket-routing-api.md", "sla: {latency_p95_ms: 150,", "sla: {latency_p95_ms: 200,");
    project
}

#[test]
fn one_pass_reports_every_kind_of_finding_with_both_documents() {
    let project = project_with_every_kind_of_finding();
    let output = project.seam(&["check", "--today", "2026-11-20", "--json"]);
    assert_eq!(code(&output), 1, "{}", text(&output));
    let report = stdout_json(&output);
    let found = rules(&report, "findings");
    for rule in ["metric-failed", "metric-below-target", "data-check-failed", "sla-over-budget"] {
        assert!(found.iter().any(|found| found == rule), "no {rule} in {found:?}");
    }
    let sla = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["rule"] == "sla-over-budget")
        .expect("the SLA finding");
    assert_eq!(sla["path"], "contracts/ticket-routing-api.md");
    assert_eq!(sla["line"], 44);
    assert_eq!(sla["related"][0]["path"], "requirements/ticket-routing-requirements.md");
    assert_eq!(sla["related"][0]["field"], "budgets.inference.latency_p95_ms");
    assert!(sla["related"][0]["line"].as_u64().is_some(), "{sla}");
    let data: Vec<&Value> =
        report["findings"].as_array().expect("findings").iter().filter(|f| f["rule"] == "data-check-failed").collect();
    assert_eq!(data.len(), 2, "{data:?}");
    assert!(data.iter().all(|finding| finding["path"] == "datasets/customer-accounts.md"));
    assert!(data
        .iter()
        .any(|finding| finding["row"] == "seats" && finding["message"].as_str().unwrap_or("").contains("row 57")));
    let ignored = rules(&report, "ignored");
    assert_eq!(ignored, vec!["metric-missing"; 3], "{report}");
    assert!(report["ignored"][0]["reason"].as_str().expect("reason").contains("January pilot"), "{report}");
    // Raising the SLA changed an agreed contract: its sign-offs are no longer current.
    assert!(found.iter().any(|found| found == "agreed-without-signoff"), "{found:?}");
    assert_eq!(
        report["errors"].as_u64(),
        Some(6),
        "2 metric rows, 2 data checks, 1 SLA, the stale agreement: {report}"
    );
}

#[test]
fn junit_output_validates_against_the_junit_xsd() {
    let project = project_with_every_kind_of_finding();
    let output = project.seam(&["check", "--today", "2026-11-20", "--format", "junit"]);
    assert_eq!(code(&output), 1, "{}", text(&output));
    let check_xml = project.dir.path().join("check.xml");
    fs::write(&check_xml, &output.stdout).expect("write");
    let xml = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(xml.contains("<failure type=\"sla-over-budget\""), "{xml}");
    assert!(xml.contains("<testcase name=\"datasets/customer-accounts.md\""), "{xml}");

    project.edit("contracts/ticket-routing-api.md", "kind: contract", "kind: [contract");
    let lint = project.seam(&["lint", "--format", "junit"]);
    assert_eq!(code(&lint), 1, "{}", text(&lint));
    let lint_xml = project.dir.path().join("lint.xml");
    fs::write(&lint_xml, &lint.stdout).expect("write");

    for file in [&check_xml, &lint_xml] {
        let validated = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(fixture("junit-10.xsd"))
            .arg(file)
            .output()
            .expect("xmllint (libxml2-utils, installed by scripts/setup.sh)");
        assert!(validated.status.success(), "{}: {}", file.display(), text(&validated));
    }
}

#[test]
fn sarif_output_validates_against_the_sarif_schema() {
    // The published 2.1.0 schema's `language` patterns have a stray `]` that strict regex engines
    // refuse; Seam never writes `language`, so they are replaced by their intent (a two-letter
    // language, optionally with a region) to let the rest of the schema compile.
    let published = fs::read_to_string(fixture("sarif-schema-2.1.0.json")).expect("schema");
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(published.matches(stray).count(), 2, "the vendored schema changed");
    let schema: Value =
        serde_json::from_str(&published.replace(stray, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#)).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let project = project_with_every_kind_of_finding();
    project.configure("\n[check.severity]\nmetric-below-target = \"info\"\n");
    let output = project.seam(&["check", "--today", "2026-11-20", "--format", "sarif"]);
    assert_eq!(code(&output), 1, "{}", text(&output));
    let sarif = stdout_json(&output);
    let errors: Vec<String> =
        validator.iter_errors(&sarif).map(|error| format!("{error} at {}", error.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|rule| rule["id"] == "sla-over-budget")
        .expect("the rule of each result is described");
    assert!(rule["shortDescription"]["text"].as_str().is_some_and(|text| text.contains("latency budget")), "{rule}");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|result| result["level"] == "note"), "info findings are notes");
    assert!(results.iter().any(|result| result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "requirements/ticket-routing-requirements.md"));
    let suppressed: Vec<&Value> = results.iter().filter(|result| result.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 3);
    assert!(suppressed[0]["suppressions"][0]["justification"].as_str().expect("reason").contains("January pilot"));

    project.edit("contracts/ticket-routing-api.md", "kind: contract", "kind: [contract");
    let lint = project.seam(&["lint", "--format", "sarif"]);
    let lint_sarif = stdout_json(&lint);
    let errors: Vec<String> = validator.iter_errors(&lint_sarif).map(|error| error.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn an_ignore_entry_without_a_reason_is_an_error_naming_seam_toml_and_its_line() {
    let project = TempProject::example();
    let lines = fs::read_to_string(project.root.join("seam.toml")).expect("seam.toml").lines().count();
    project
        .configure("\n[check.severity]\nmetric-failed = \"warning\"\n\n[[check.ignore]]\nrule = \"metric-missing\"\n");
    let output = project.seam(&["check", "--today", "2026-11-20"]);
    assert_eq!(code(&output), 1, "{}", text(&output));
    let expected =
        format!("seam.toml:{}: error[check-config]: [[check.ignore]] for metric-missing has no `reason`", lines + 5);
    assert!(text(&output).contains(&expected), "{expected}\n{}", text(&output));
}

#[test]
fn severities_decide_the_exit_code() {
    let project = TempProject::example();
    let output = project.seam(&["check", "--today", "2026-11-20", "--json"]);
    assert_eq!(code(&output), 1, "the example's two failed rows and two bad data rows: {}", text(&output));
    project.configure(
        "\n[check.severity]\nmetric-failed = \"info\"\nmetric-missing = \"off\"\ndata-check-failed = \"warning\"\n",
    );
    let output = project.seam(&["check", "--today", "2026-11-20", "--json"]);
    assert_eq!(code(&output), 0, "{}", text(&output));
    let report = stdout_json(&output);
    assert_eq!(report["errors"], 0);
    assert_eq!(report["infos"], 2);
    assert!(!rules(&report, "findings").iter().any(|rule| rule == "metric-missing"));
}

#[test]
fn data_option_checks_a_file_from_the_working_directory() {
    let project = TempProject::example();
    project.configure("\n[check.severity]\nmetric-failed = \"warning\"\n");
    let clean = project.dir.path().join("accounts.csv");
    let original = fs::read_to_string(project.root.join("data/customer-accounts-2026-11.csv")).expect("data");
    fs::write(&clean, original.replace(",Apac,", ",APAC,").replacen(",0,", ",1,", 1)).expect("write");
    let output = project.run(
        project.dir.path(),
        &[
            "-C",
            project.root.to_str().expect("utf-8"),
            "check",
            "--today",
            "2026-11-20",
            "--data",
            "customer-accounts=accounts.csv",
        ],
    );
    assert_eq!(code(&output), 0, "the repaired file passes every data check: {}", text(&output));
    assert!(!text(&output).contains("data-check-failed"), "{}", text(&output));
    let broken = project.seam(&["check", "--today", "2026-11-20", "--data", "customer-accounts=/no/such/file.csv"]);
    assert_eq!(code(&broken), 1, "{}", text(&broken));
    assert!(text(&broken).contains("data-unreadable"), "{}", text(&broken));
    let unknown = project.seam(&["check", "--data", "no-such-note=x.csv"]);
    assert_eq!(code(&unknown), 2, "{}", text(&unknown));
    assert!(text(&unknown).contains("no dataset note with id \"no-such-note\""), "{}", text(&unknown));
}

#[test]
fn against_a_git_revision_fails_until_the_version_is_bumped_enough() {
    let project = TempProject::example();
    project.configure(QUIET);
    let not_git = project.seam(&["check", "--against", "HEAD"]);
    assert_eq!(code(&not_git), 2, "no repository yet: {}", text(&not_git));
    project.git(&["init", "-q"]);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "example"]);

    let unchanged = project.seam(&["check", "--today", "2026-11-20", "--against", "HEAD"]);
    assert_eq!(code(&unchanged), 0, "{}", text(&unchanged));

    // A contract added since HEAD is new: nothing to compare it with.
    fs::write(
        project.root.join("contracts/new-api.md"),
        "---\nkind: contract\nid: new-api\ntitle: New API\nstatus: draft\nversion: 0.1.0\n\
         provider: {component: ticket-router, team: support-ml}\ninput: []\noutput: []\n---\n",
    )
    .expect("write");
    // Remove the `priority` output without touching the version.
    project.edit(
        "contracts/ticket-routing-api.md",
        "  - {name: priority, type: category, enum: [p1, p2, p3, p4], nullable: false}\n",
        "",
    );
    let output = project.seam(&["check", "--today", "2026-11-20", "--against", "HEAD", "--json"]);
    assert_eq!(code(&output), 1, "{}", text(&output));
    let report = stdout_json(&output);
    let bump = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["rule"] == "contract-version-bump")
        .unwrap_or_else(|| panic!("no contract-version-bump: {report}"));
    assert_eq!(bump["path"], "contracts/ticket-routing-api.md");
    assert_eq!(bump["line"], 6);
    let about_new: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["path"] == "contracts/new-api.md")
        .collect();
    assert!(about_new.is_empty(), "{about_new:?}");
    assert!(bump["message"].as_str().expect("message").contains("need a major bump"), "{bump}");
    assert!(rules(&report, "findings").contains(&"contract-breaking-change".to_string()));

    let diff = project.seam(&["diff", "ticket-routing-api", "--from", "git:HEAD", "--json"]);
    assert_eq!(code(&diff), 0, "{}", text(&diff));
    let diff = stdout_json(&diff);
    assert_eq!(diff["required_bump"], "major");
    assert_eq!(diff["version_from"], "1.4.0");
    assert_eq!(diff["bumped_enough"], false);
    assert_eq!(diff["changes"][0]["path"], "output[name=priority]");
    assert_eq!(diff["changes"][0]["kind"], "field-removed");
    assert_eq!(diff["changes"][0]["breaking"], true);
    assert!(diff["fields"].as_array().is_some_and(|fields| !fields.is_empty()), "the field diff stays: {diff}");

    let set = project.seam(&["set", "ticket-routing-api", "version", "2.0.0"]);
    assert_eq!(code(&set), 0, "{}", text(&set));
    // The agreed contract changed, so its sign-offs are stale: it goes back to negotiation.
    let reopened = project.seam(&["status", "ticket-routing-api", "proposed"]);
    assert_eq!(code(&reopened), 0, "{}", text(&reopened));
    let bumped = project.seam(&["check", "--today", "2026-11-20", "--against", "HEAD", "--json"]);
    assert_eq!(code(&bumped), 0, "{}", text(&bumped));
    let report = stdout_json(&bumped);
    assert!(!rules(&report, "findings").contains(&"contract-version-bump".to_string()));
    assert!(rules(&report, "findings").contains(&"contract-breaking-change".to_string()), "the change stays visible");

    let text_diff = project.seam(&["diff", "ticket-routing-api", "--from", "git:HEAD"]);
    let shown = text(&text_diff);
    assert!(shown.contains("field-removed") && shown.contains("bumped enough"), "{shown}");
}

#[test]
fn against_a_local_history_version() {
    let project = TempProject::example();
    project.configure(QUIET);
    let history = project.seam(&["history", "ticket-routing-api", "--json"]);
    assert_eq!(code(&history), 0, "{}", text(&history));
    let rev = stdout_json(&history)[0]["rev"].as_str().expect("rev").trim_start_matches("sha256:")[..12].to_string();
    project.edit("contracts/ticket-routing-api.md", "sla: {latency_p95_ms: 150,", "sla: {latency_p95_ms: 120,");
    project.edit("contracts/ticket-routing-api.md", "version: 1.4.0", "version: 1.4.1");
    let output = project.seam(&["check", "--today", "2026-11-20", "--against", &rev, "--json"]);
    assert_eq!(code(&output), 1, "tightening the SLA is minor, 1.4.1 a patch: {}", text(&output));
    let report = stdout_json(&output);
    assert!(rules(&report, "findings").contains(&"contract-version-bump".to_string()), "{report}");
    let missing = project.seam(&["check", "--against", "abcdef123456"]);
    assert_eq!(code(&missing), 2, "{}", text(&missing));
}

#[test]
fn the_documented_workflow_is_a_valid_github_actions_workflow_running_seam_check() {
    let workflow_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/seam-check.yml");
    let workflow = fs::read_to_string(&workflow_path).expect("docs/examples/seam-check.yml");
    let tree = seam_core::document::yaml::parse(&workflow, 0, 1).expect("valid YAML").expect("not empty");
    let instance = tree.to_json();
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(fixture("github-workflow.json")).expect("schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("the workflow schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&instance).map(|error| format!("{error} at {}", error.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Every seam invocation in it is one this seam accepts.
    let runs: Vec<&str> =
        workflow.lines().filter_map(|line| line.split_once("seam -C ").map(|(_, rest)| rest)).collect();
    assert!(runs.len() >= 3, "{runs:?}");
    let project = TempProject::example();
    project.git(&["init", "-q"]);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "example"]);
    for run in runs {
        let command = run.split(" > ").next().expect("command").replace("\"${{ steps.base.outputs.rev }}\"", "HEAD");
        // The first word is the project folder ("$SEAM_PROJECT"); TempProject passes its own.
        let args: Vec<String> = command.split_whitespace().skip(1).map(str::to_string).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = project.seam(&args);
        assert_eq!(code(&output), 1, "the example's deliberate errors, not bad usage: {args:?}: {}", text(&output));
    }
}

#[test]
fn bad_data_entries_and_lint_ignores_by_document_id() {
    let project = TempProject::example();
    // A broken contract: a lint error, ignored by the document's id; and two bad [check.data] lines.
    project.edit("contracts/escalation-risk-feed.md", "version:", "version: [");
    let entry = "customer-accounts = \"data/customer-accounts-2026-11.csv\"\n";
    let config = fs::read_to_string(project.root.join("seam.toml")).expect("seam.toml");
    let entry_line = config[..config.find(entry).expect("the example's [check.data] entry")].lines().count() + 1;
    project.edit(
        "seam.toml",
        entry,
        &format!("{entry}no-such-note = \"data/x.csv\"\nsupport-tickets-2025 = \"../outside.csv\"\n"),
    );
    project.configure(
        "\n[[check.ignore]]\nrule = \"yaml-syntax\"\ndocument = \"escalation-risk-feed\"\nreason = \"being rewritten\"\n",
    );
    let output = project.seam(&["check", "--today", "2026-11-20", "--json"]);
    assert_eq!(code(&output), 1, "{}", text(&output));
    let report = stdout_json(&output);
    let config: Vec<(u64, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["rule"] == "check-config")
        .map(|finding| {
            (finding["line"].as_u64().expect("line"), finding["message"].as_str().expect("message").to_string())
        })
        .collect();
    let first = u64::try_from(entry_line).expect("line") + 1;
    assert_eq!(config.len(), 2, "{config:?}");
    assert_eq!(config[0].0, first);
    assert!(config[0].1.contains("no-such-note: no dataset note has this id"), "{config:?}");
    assert_eq!(config[1].0, first + 1);
    assert!(config[1].1.contains("must be inside the project"), "{config:?}");
    let broken =
        |finding: &&Value| finding["path"] == "contracts/escalation-risk-feed.md" && finding["rule"] == "yaml-syntax";
    assert!(!report["findings"].as_array().expect("findings").iter().any(|finding| broken(&finding)), "{report}");
    let ignored = rules(&report, "ignored");
    assert!(ignored.contains(&"yaml-syntax".to_string()), "{report}");
}
