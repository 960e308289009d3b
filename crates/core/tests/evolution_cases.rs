//! Contract evolution as data: each folder under `cases/evolution/` holds two versions of one
//! contract (`old.md`, `new.md`) and `expected`: every change with its bump, whether it breaks
//! consumers, its kind, path and detail, then the bump required and whether the version field
//! was bumped enough. Run with UPDATE_EXPECT=1 to write the expected files, then review the diff.

use std::fs;
use std::path::Path;

use seam_core::evolution::{classify_texts, Evolution};

fn describe(evolution: &Evolution) -> String {
    let mut out = String::new();
    for change in &evolution.changes {
        out.push_str(&format!(
            "{:<6} {:<9} {:<20} {}: {}\n",
            change.bump.as_str(),
            if change.breaking { "breaking" } else { "-" },
            change.kind,
            change.path,
            change.detail
        ));
    }
    out.push_str(&format!(
        "required: {}; version {} -> {} ({}); bumped enough: {}\n",
        evolution.required_bump.as_str(),
        evolution.version_from.as_deref().unwrap_or("none"),
        evolution.version_to.as_deref().unwrap_or("none"),
        evolution.actual_bump.map_or("not comparable", |bump| bump.as_str()),
        evolution.bumped_enough
    ));
    out
}

#[test]
fn evolution_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/evolution");
    let mut cases: Vec<_> = fs::read_dir(&root).expect("cases folder").flatten().map(|entry| entry.path()).collect();
    cases.sort();
    assert!(cases.len() >= 20, "expected the evolution cases in {}", root.display());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for case in cases.iter().filter(|case| case.is_dir()) {
        let old = fs::read_to_string(case.join("old.md")).expect("old.md");
        let new = fs::read_to_string(case.join("new.md")).expect("new.md");
        let actual = match classify_texts("contracts/api.md", &old, &new) {
            Ok(evolution) => describe(&evolution),
            Err(error) => format!("error: {error}\n"),
        };
        let expected_path = case.join("expected");
        if update {
            fs::write(&expected_path, &actual).expect("write expected");
            continue;
        }
        let expected =
            fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("{} is missing", expected_path.display()));
        if expected != actual {
            failures.push(format!("{}:\n--- expected\n{expected}--- actual\n{actual}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_file_that_is_not_a_contract_is_refused_by_name() {
    let dataset = "---\nkind: dataset\nid: d\ntitle: D\nstatus: draft\nowner: {name: x}\nschema: []\n---\n";
    let error = classify_texts("datasets/d.md", dataset, dataset).expect_err("not a contract");
    assert!(error.to_string().contains("datasets/d.md (old version) is not a contract"), "{error}");
}
