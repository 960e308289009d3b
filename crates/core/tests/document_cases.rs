//! Document tests as data. A new case is a new file:
//! - `cases/set/NAME.md` + `NAME.set` (one edit per line: `PATH = VALUE` sets, `PATH += VALUE`
//!   appends a list item, `- PATH` removes an item or key, `PATH -> N` moves an item to position
//!   N; VALUE is read as on the command line) → `NAME.expected.md` (the file after the edits) or
//!   `NAME.expected.err` (the error text); a case without `.set` must round-trip byte-identical.
//! - `cases/parse/NAME.md` → `NAME.expected` (one issue per line: `line severity[code] field: message`).
//!
//! - `cases/datasheet/NAME.md` (a dataset note's body) → `NAME.expected` (the checklist); with
//!   `NAME.answer` (blocks `=== KEY` followed by the answer text), also `NAME.expected.md` (the
//!   body after writing those answers).
//! - `cases/plan/NAME.plan` (lines `known PATH SIZE MTIME`, `disk PATH SIZE MTIME`, `option …`)
//!   → `NAME.expected` (the sync planner's decision).
//!
//! Run with UPDATE_EXPECT=1 to write the expected files, then review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use seam_core::datasheet::{checklist, write_answer, Answer};
use seam_core::document::edit::{apply, Edit, NewValue};
use seam_core::document::parse_document;
use seam_core::store::FileState;
use seam_core::sync::{plan, DiskEntry, PlanOptions};

fn cases(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases").join(folder);
    let mut found: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("case folder exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            (name.ends_with(".md") || name.ends_with(".plan")) && !name.contains(".expected")
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no cases in {}", dir.display());
    found
}

fn check(expected_path: &Path, actual: &[u8], failures: &mut Vec<String>) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(expected_path, actual).expect("write expected");
        return;
    }
    match fs::read(expected_path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{}:\n--- expected\n{}\n--- actual\n{}",
            expected_path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        )),
        Err(_) => failures.push(format!("{} is missing (run with UPDATE_EXPECT=1)", expected_path.display())),
    }
}

fn sibling(case: &Path, suffix: &str) -> PathBuf {
    let stem = case.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    case.with_file_name(format!("{stem}{suffix}"))
}

#[test]
fn set_cases() {
    let mut failures = Vec::new();
    for case in cases("set") {
        let original = fs::read(&case).expect("read case");
        let rel_path = format!("requirements/{}", case.file_name().and_then(|n| n.to_str()).unwrap_or_default());
        let script = fs::read_to_string(sibling(&case, ".set")).unwrap_or_default();
        let mut text = String::from_utf8(original.clone()).expect("cases are UTF-8");
        let mut error = None;
        for line in script.lines().filter(|line| !line.trim().is_empty()) {
            let document = parse_document(&rel_path, text.as_bytes());
            match apply(&document, &edit_of_line(line)) {
                Ok(new_text) => text = new_text,
                Err(failure) => {
                    error = Some(failure.to_string());
                    break;
                }
            }
        }
        match error {
            Some(message) => check(&sibling(&case, ".expected.err"), format!("{message}\n").as_bytes(), &mut failures),
            None if script.trim().is_empty() => {
                if text.as_bytes() != original.as_slice() {
                    failures.push(format!("{}: round trip changed the file", case.display()));
                }
            }
            None => check(&sibling(&case, ".expected.md"), text.as_bytes(), &mut failures),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// One line of a `.set` script as an edit.
fn edit_of_line(line: &str) -> Edit {
    if let Some(path) = line.strip_prefix("- ") {
        return Edit::Remove { path: path.trim().to_string() };
    }
    if let Some((path, value)) = line.split_once(" += ") {
        return Edit::Append { path: path.trim().to_string(), value: NewValue::from_cli(value) };
    }
    if let Some((path, to)) = line.split_once(" -> ") {
        return Edit::Move {
            path: path.trim().to_string(),
            to: to.trim().parse().expect("`PATH -> N`: N is a number"),
        };
    }
    let (path, value) = line.split_once(" = ").expect("`PATH = VALUE` lines");
    Edit::Set { path: path.trim().to_string(), value: NewValue::from_cli(value) }
}

#[test]
fn parse_cases() {
    let mut failures = Vec::new();
    for case in cases("parse") {
        let bytes = fs::read(&case).expect("read case");
        let name = case.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let document = parse_document(&format!("contracts/{name}"), &bytes);
        let mut report = String::new();
        report.push_str(&format!(
            "kind: {:?}, id: {}, read_only: {}, typed: {}\n",
            document.kind,
            document.id,
            document.read_only,
            document.typed.is_some()
        ));
        for issue in &document.issues {
            report.push_str(&format!(
                "{} {}[{}] {}: {}\n",
                issue.line.map_or_else(|| "-".to_string(), |line| line.to_string()),
                issue.severity.as_str(),
                issue.code,
                issue.field.as_deref().unwrap_or("-"),
                issue.message
            ));
        }
        check(&sibling(&case, ".expected"), report.as_bytes(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn plan_cases() {
    let mut failures = Vec::new();
    for case in cases("plan") {
        let script = fs::read_to_string(&case).expect("read case");
        let mut known = std::collections::HashMap::new();
        let mut disk = Vec::new();
        let mut options = PlanOptions::default();
        for line in script.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')) {
            let (word, rest) = line.split_once(' ').expect("`WORD ARGS` lines");
            if word == "option" {
                match rest {
                    "allow-mass-deletion" => options.allow_mass_deletion = true,
                    "root-missing" => options.root_missing = true,
                    other if other.starts_with("recently-removed ") => {
                        options.recently_removed = other["recently-removed ".len()..].parse().expect("a count");
                    }
                    other => panic!("unknown option {other}"),
                }
                continue;
            }
            // PATH may contain spaces: SIZE and MTIME are the last two words.
            let mut parts = rest.rsplitn(3, ' ');
            let mtime: i64 = parts.next().and_then(|n| n.parse().ok()).expect("mtime");
            let size: u64 = parts.next().and_then(|n| n.parse().ok()).expect("size");
            let path = parts.next().expect("path").to_string();
            match word {
                "known" => {
                    known.insert(path, FileState { size, mtime_ns: mtime, hash: format!("sha256:{size}") });
                }
                "disk" => disk.push(DiskEntry { rel_path: path, size, mtime_ns: mtime }),
                other => panic!("unknown line kind {other}"),
            }
        }
        let decided = plan(&known, &disk, options);
        let mut report = String::new();
        for path in &decided.read {
            report.push_str(&format!("read {path}\n"));
        }
        for path in &decided.remove {
            report.push_str(&format!("remove {path}\n"));
        }
        for (copy, original) in &decided.conflict_copies {
            report.push_str(&format!("conflict-copy {copy} -> {original}\n"));
        }
        if let Some(held) = decided.held_deletions {
            report.push_str(&format!("hold deletions: {} of {} vanished\n", held.vanished, held.known));
        }
        check(&case.with_extension("expected"), report.as_bytes(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn datasheet_cases() {
    let mut failures = Vec::new();
    for case in cases("datasheet") {
        let body = fs::read_to_string(&case).expect("cases are UTF-8");
        let list = checklist(&body);
        let mut report = format!("{}/{} done\n", list.done(), list.total());
        for state in &list.sections {
            let line = state.line.map_or_else(|| "-".to_string(), |line| line.to_string());
            let detail = match &state.answer {
                Answer::Answered => format!(": {}", state.text.lines().next().unwrap_or_default()),
                Answer::NotApplicable { reason } => format!(": {reason}"),
                Answer::Unanswered { why } => format!(": {why}"),
                Answer::Missing => format!(" (would go at byte {})", state.content.start),
            };
            report.push_str(&format!("{line} {} {}{detail}\n", state.section.key, state.answer.as_str()));
        }
        check(&sibling(&case, ".expected"), report.as_bytes(), &mut failures);

        let Ok(script) = fs::read_to_string(sibling(&case, ".answer")) else { continue };
        let mut text = body.clone();
        for block in script.split("=== ").filter(|block| !block.trim().is_empty()) {
            let (key, answer) = block.split_once('\n').unwrap_or((block, ""));
            match write_answer(&text, key.trim(), answer) {
                Ok(new_text) => text = new_text,
                Err(error) => failures.push(format!("{}: {error}", case.display())),
            }
        }
        check(&sibling(&case, ".expected.md"), text.as_bytes(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
