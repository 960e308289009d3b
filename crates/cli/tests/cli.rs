//! The `seam` binary on temporary projects: real files, a real SQLite database (in a temporary
//! data folder), the exit codes and `--json` shapes of docs/CLI.md.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct TempProject {
    _dir: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

impl TempProject {
    fn example() -> TempProject {
        let project = TempProject::bare();
        let output = project.seam_in(project.root.parent().expect("parent"), &["init", "project", "--example"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        project
    }

    fn bare() -> TempProject {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("project");
        let data = dir.path().join("data");
        TempProject { root, data, _dir: dir }
    }

    fn seam_in(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_seam"))
            .args(args)
            .current_dir(cwd)
            .env("SEAM_DATA_DIR", &self.data)
            .output()
            .expect("run seam")
    }

    fn seam(&self, args: &[&str]) -> Output {
        let mut all = vec!["-C", self.root.to_str().expect("utf-8 path")];
        all.extend_from_slice(args);
        self.seam_in(Path::new("/"), &all)
    }

    fn json(&self, args: &[&str]) -> Value {
        let output = self.seam(args);
        assert!(output.status.success(), "seam {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).expect("valid JSON")
    }

    fn write(&self, rel: &str, text: &[u8]) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

#[test]
fn example_project_is_lint_clean_and_indexes() {
    let project = TempProject::example();
    let lint = project.seam(&["lint"]);
    assert_eq!(code(&lint), 0, "{}{}", String::from_utf8_lossy(&lint.stdout), String::from_utf8_lossy(&lint.stderr));
    let index = project.json(&["index", "--json"]);
    assert!(index["files"].as_u64().expect("files") >= 8);
    let database = index["database"].as_str().expect("database path");
    assert!(Path::new(database).starts_with(&project.data), "database {database} must live in the data folder");
    assert!(!Path::new(database).starts_with(&project.root));
    let list = project.json(&["list", "--json", "--kind", "contract"]);
    let kinds: Vec<&str> =
        list.as_array().expect("array").iter().map(|row| row["kind"].as_str().expect("kind")).collect();
    assert!(kinds.len() >= 2 && kinds.iter().all(|kind| *kind == "contract"), "{kinds:?}");
}

#[test]
fn set_changes_only_the_value_and_show_reads_it_back() {
    let project = TempProject::example();
    let list = project.json(&["list", "--json", "--kind", "requirements"]);
    let sheet = &list[0];
    let id = sheet["id"].as_str().expect("id");
    let path = project.root.join(sheet["path"].as_str().expect("path"));
    let shown = project.json(&["show", id, "--json"]);
    let row_id = shown["front_matter"]["requirements"][0]["id"].as_str().expect("row id").to_string();
    let before = fs::read_to_string(&path).expect("read");

    let field = format!("requirements[id={row_id}].threshold");
    let output = project.seam(&["set", id, &field, "0.5"]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    let after = fs::read_to_string(&path).expect("read");
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.trim_start().starts_with("threshold: 0.5"), "{changed:?}");

    let shown = project.json(&["show", id, "--json"]);
    assert_eq!(shown["front_matter"]["requirements"][0]["threshold"], serde_json::json!(0.5));

    // Setting the same value again writes nothing.
    let again = project.json(&["set", id, &field, "0.5", "--json"]);
    assert_eq!(again["changed"], serde_json::json!(false));
}

#[test]
fn set_refuses_bad_values_and_missing_rows_without_writing() {
    let project = TempProject::example();
    let list = project.json(&["list", "--json", "--kind", "contract"]);
    let id = list[0]["id"].as_str().expect("id");
    let path = project.root.join(list[0]["path"].as_str().expect("path"));
    let before = fs::read(&path).expect("read");
    for args in [
        vec!["set", id, "status", "bogus"],
        vec!["set", id, "input[name=no-such-field].type", "string"],
        vec!["set", id, "input[0", "x"],
        vec!["set", id, "input[0].nullable", "perhaps"],
        vec!["set", id, "provider.component", "[1, 2]"],
        vec!["set", "no-such-document", "status", "agreed"],
    ] {
        let output = project.seam(&args);
        assert_eq!(code(&output), 2, "{args:?}: {}", String::from_utf8_lossy(&output.stdout));
        assert!(!output.stderr.is_empty());
    }
    assert_eq!(fs::read(&path).expect("read"), before, "a refused edit must not touch the file");
}

#[test]
fn search_finds_words_from_bodies_and_fields() {
    let project = TempProject::example();
    project.write(
        "datasets/zebra-notes.md",
        b"---\nkind: dataset\nid: zebra-notes\ntitle: Zebra crossings\nstatus: draft\nowner: {name: Maps team}\nschema:\n  - {name: x, type: number}\n---\nA quokka appears in the body.\n",
    );
    let hits = project.json(&["search", "quokka", "--json"]);
    assert_eq!(hits[0]["id"], serde_json::json!("zebra-notes"), "{hits}");
    let prefix = project.json(&["search", "zebr", "--json"]);
    assert!(prefix.as_array().expect("array").iter().any(|hit| hit["id"] == "zebra-notes"));
    let hostile = project.seam(&["search", "\"AND( -:*", "--json"]);
    assert_eq!(code(&hostile), 0);
}

#[test]
fn bad_files_are_reported_with_file_and_line_and_the_rest_still_indexes() {
    let project = TempProject::example();
    project.write("contracts/broken-yaml.md", b"---\nkind: contract\ntitle: x\nstatus: [draft\n---\n");
    project.write("datasets/latin1.md", b"---\nkind: dataset\ntitle: caf\xe9\n---\n");
    project.write("meetings/binary.md", b"\x00\x01\x02");
    project.write("meetings/empty.md", b"");
    project.write("requirements/big.md", &vec![b'a'; 11 * 1024 * 1024]);
    project.write(
        "requirements/dup.md",
        b"---\nkind: requirements\nid: dup\ntitle: A\nstatus: draft\nrequirements: []\nlinks: [no-such-doc]\n---\n",
    );
    project.write(
        "requirements/dup2.md",
        b"---\nkind: requirements\nid: dup\ntitle: B\nstatus: draft\nrequirements:\n  - {id: r, op: '>>'}\n---\n",
    );
    let broken_before = fs::read(project.root.join("contracts/broken-yaml.md")).expect("read");

    let lint = project.seam(&["lint", "--json"]);
    assert_eq!(code(&lint), 1);
    let report: Value = serde_json::from_slice(&lint.stdout).expect("json");
    let issues = report["issues"].as_array().expect("issues");
    let has = |path: &str, code: &str, line: Option<u64>| {
        issues.iter().any(|issue| {
            issue["path"] == path && issue["code"] == code && (line.is_none() || issue["line"].as_u64() == line)
        })
    };
    assert!(has("contracts/broken-yaml.md", "yaml-syntax", Some(5)), "{issues:#?}");
    assert!(has("datasets/latin1.md", "not-utf8", Some(3)));
    assert!(has("meetings/binary.md", "binary-file", None));
    assert!(has("meetings/empty.md", "empty-file", Some(1)));
    assert!(has("requirements/big.md", "too-large", None));
    assert!(has("requirements/dup.md", "duplicate-id", Some(3)));
    assert!(has("requirements/dup2.md", "duplicate-id", Some(3)));
    assert!(has("requirements/dup.md", "unknown-link", Some(7)));
    assert!(has("requirements/dup2.md", "required-field", Some(7)));
    assert!(has("requirements/dup2.md", "field-shape", Some(7)));

    // The rest still indexes, and nothing bad was rewritten.
    let index = project.json(&["index", "--json"]);
    assert!(index["files"].as_u64().expect("files") >= 15);
    let list = project.json(&["list", "--json"]);
    assert!(list.as_array().expect("list").iter().any(|row| row["path"] == "contracts/broken-yaml.md"));
    assert!(list.as_array().expect("list").iter().filter(|row| row["kind"] == "contract").count() >= 2);
    assert_eq!(fs::read(project.root.join("contracts/broken-yaml.md")).expect("read"), broken_before);

    let refused = project.seam(&["set", "contracts/broken-yaml.md", "status", "agreed"]);
    assert_eq!(code(&refused), 2);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("contracts/broken-yaml.md:5"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(fs::read(project.root.join("contracts/broken-yaml.md")).expect("read"), broken_before);

    for format in ["junit", "sarif", "text"] {
        let output = project.seam(&["lint", "--format", format]);
        assert_eq!(code(&output), 1, "{format}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("broken-yaml.md"), "{format}");
    }
}

#[test]
fn not_a_project_and_missing_folders_are_usage_errors() {
    let project = TempProject::bare();
    fs::create_dir_all(&project.root).expect("mkdir");
    let output = project.seam(&["list"]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a Seam project"));
    let missing = project.seam_in(Path::new("/"), &["-C", "/no/such/folder", "lint"]);
    assert_eq!(code(&missing), 2);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/no/such/folder"));
    let usage = project.seam(&["frobnicate"]);
    assert_eq!(code(&usage), 2);
}

#[test]
fn project_is_discovered_from_a_subfolder_and_the_database_can_be_deleted() {
    let project = TempProject::example();
    let from_sub = project.seam_in(&project.root.join("contracts"), &["list", "--json"]);
    assert_eq!(code(&from_sub), 0);
    let first: Value = serde_json::from_slice(&from_sub.stdout).expect("json");
    fs::remove_dir_all(&project.data).expect("delete the local store");
    let rebuilt = project.json(&["list", "--json"]);
    assert_eq!(first, rebuilt, "the store is rebuilt from the folder");
}

#[test]
fn init_creates_an_empty_project_and_refuses_non_empty_folders() {
    let project = TempProject::bare();
    let output = project.seam_in(Path::new("/"), &["init", project.root.to_str().expect("utf-8")]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    assert!(project.root.join("seam.toml").is_file());
    assert!(project.root.join("requirements").is_dir());
    let lint = project.seam(&["lint"]);
    assert_eq!(code(&lint), 0);
    let again = project.seam_in(Path::new("/"), &["init", project.root.to_str().expect("utf-8")]);
    assert_eq!(code(&again), 2);
}

#[test]
fn datasheet_lists_open_sections_and_strict_fails_until_they_are_answered() {
    let project = TempProject::example();
    let report = project.json(&["datasheet", "ticket-sla-events", "--json"]);
    assert_eq!(report["path"], "datasets/ticket-sla-events.md");
    assert_eq!(report["total"], 7);
    assert_eq!(report["done"], 5);
    let open: Vec<&str> = report["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter(|section| section["state"] == "unanswered")
        .map(|section| section["key"].as_str().expect("key"))
        .collect();
    assert_eq!(open, ["distribution", "maintenance"]);
    let text = fs::read_to_string(project.root.join("datasets/ticket-sla-events.md")).expect("read");
    let heading_line = text.lines().position(|line| line == "## Distribution").expect("heading") + 1;
    let distribution = &report["sections"][5];
    assert_eq!(distribution["line"], heading_line, "lines count in the file");
    assert_eq!(code(&project.seam(&["datasheet", "ticket-sla-events", "--strict"])), 1);

    let answered = text
        .replace(
            "_Who can get this dataset, where is it stored, and under which terms?_",
            "Not applicable: internal only.",
        )
        .replace(
            "_Who maintains it, how are errors reported, and when will it be updated or deleted?_",
            "Data platform.",
        );
    project.write("datasets/ticket-sla-events.md", answered.as_bytes());
    let output = project.seam(&["datasheet", "ticket-sla-events", "--strict"]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("7 of 7"));
    assert_eq!(code(&project.seam(&["datasheet", "ticket-routing-api"])), 2, "a contract has no datasheet");
}
