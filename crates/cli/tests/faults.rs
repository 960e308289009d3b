//! Permission faults on a real folder: a file Seam may not read, a folder Seam may not write.
//! Each gets a clear error naming the file, and nothing is lost. File permissions do not bind
//! root, so when the tests run as root the `seam` binary runs as an unprivileged user (setpriv).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const CONTRACT: &str = "contracts/ticket-routing-api.md";
const NOBODY: &str = "65534";

struct Unprivileged {
    _dir: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
    seam: PathBuf,
}

fn running_as_root() -> bool {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().any(|line| line.starts_with("Uid:") && line.split_whitespace().nth(1) == Some("0"))
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

impl Unprivileged {
    /// The example project, readable by everyone, and a data folder the unprivileged user owns.
    fn example() -> Unprivileged {
        let dir = tempfile::tempdir().expect("tempdir");
        chmod(dir.path(), 0o755);
        let root = dir.path().join("project");
        seam_core_init(&root);
        let data = dir.path().join("data");
        fs::create_dir(&data).expect("data folder");
        chmod(&data, 0o777);
        // The build folder may not be reachable by another user: run a copy of the binary.
        let seam = dir.path().join("seam");
        fs::copy(env!("CARGO_BIN_EXE_seam"), &seam).expect("copy the binary");
        chmod(&seam, 0o755);
        Unprivileged { _dir: dir, root, data, seam }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut command = if running_as_root() {
            let mut command = Command::new("setpriv");
            command.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups", "--"]).arg(&self.seam);
            command
        } else {
            Command::new(&self.seam)
        };
        command
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .env("SEAM_DATA_DIR", &self.data)
            .env("HOME", &self.data)
            .output()
            .expect("run seam")
    }

    fn json(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(output.status.success(), "seam {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).expect("valid JSON")
    }
}

fn seam_core_init(root: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_seam"))
        .args(["init", root.to_str().expect("utf-8 path"), "--example"])
        .output()
        .expect("seam init");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // Everyone may read the project; only its owner may write it.
    for entry in walk(root) {
        chmod(&entry, if entry.is_dir() { 0o755 } else { 0o644 });
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all.extend(walk(&path));
        } else {
            all.push(path);
        }
    }
    all
}

fn title_of(project: &Unprivileged, path: &str) -> String {
    let listed = project.json(&["list", "--json"]);
    let row = listed.as_array().expect("array").iter().find(|row| row["path"] == path).expect("listed").clone();
    row["title"].as_str().expect("title").to_string()
}

#[test]
fn an_unreadable_file_keeps_its_last_version_and_is_read_again_once_readable() {
    let project = Unprivileged::example();
    project.json(&["index", "--json"]);
    let title = title_of(&project, CONTRACT);

    // Someone edits the contract and leaves it unreadable for Seam.
    let path = project.root.join(CONTRACT);
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replacen(&format!("title: {title}"), "title: Ticket routing API v2", 1)).expect("edit");
    chmod(&path, 0o600);

    let report = project.json(&["index", "--json"]);
    let issue = report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .find(|issue| issue["path"] == CONTRACT)
        .unwrap_or_else(|| panic!("an issue for the unreadable file in {report}"))
        .clone();
    assert_eq!(issue["code"], "io");
    assert!(issue["message"].as_str().expect("message").contains("ermission denied"), "{issue}");
    assert_eq!(title_of(&project, CONTRACT), title, "the last version read stays listed");

    chmod(&path, 0o644);
    project.json(&["index", "--json"]);
    assert_eq!(title_of(&project, CONTRACT), "Ticket routing API v2");
    let history = project.json(&["history", "ticket-routing-api", "--json"]);
    assert_eq!(history.as_array().expect("versions").len(), 2, "no empty version was recorded: {history}");
}

#[test]
fn a_folder_seam_may_not_write_refuses_the_save_and_changes_nothing() {
    let project = Unprivileged::example();
    let path = project.root.join(CONTRACT);
    let before = fs::read(&path).expect("read");

    let output = project.run(&["set", "ticket-routing-api", "sla.throughput_rps", "60"]);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stdout));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("contracts"), "the error names the place: {stderr}");
    assert!(stderr.contains("ermission denied"), "{stderr}");
    assert_eq!(fs::read(&path).expect("read"), before, "the file is untouched");
    let leftovers: Vec<_> = fs::read_dir(project.root.join("contracts"))
        .expect("read dir")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().to_string())
        .filter(|name| !name.ends_with(".md"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");
}
