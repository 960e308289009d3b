//! Consistency checks as data: each folder under `cases/consistency/` is a small project, and its
//! `expected` file lists the findings `consistency::check` must report, one per line with the
//! other documents it names (`  see PATH:LINE DOCUMENT FIELD`). An empty `expected` is a case
//! that must pass. Run with UPDATE_EXPECT=1 to write the expected files, then review the diff.

use std::fs;
use std::path::Path;

use seam_core::check::Finding;
use seam_core::document::Severity;
use seam_core::project::Project;

fn describe(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        let line = finding.line.map_or_else(|| "?".to_string(), |line| line.to_string());
        out.push_str(&format!(
            "{} {}:{line} {} [{}]: {}\n",
            finding.severity.as_str(),
            finding.rel_path,
            finding.rule.as_str(),
            finding.row.as_deref().unwrap_or(""),
            finding.message
        ));
        for other in &finding.related {
            let line = other.line.map_or_else(|| "?".to_string(), |line| line.to_string());
            out.push_str(&format!(
                "  see {}:{line} {} {}\n",
                other.rel_path,
                other.document.as_deref().unwrap_or(""),
                other.field.as_deref().unwrap_or("")
            ));
        }
    }
    out
}

#[test]
fn consistency_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/consistency");
    let mut cases: Vec<_> = fs::read_dir(&root).expect("cases folder").flatten().map(|entry| entry.path()).collect();
    cases.sort();
    assert!(cases.len() >= 6, "expected the consistency cases in {}", root.display());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for case in cases.iter().filter(|case| case.is_dir()) {
        let project = Project::open(case).expect("case project");
        let documents = project.read_all();
        for document in &documents {
            let errors: Vec<_> = document.issues.iter().filter(|issue| issue.severity == Severity::Error).collect();
            assert!(errors.is_empty(), "{}: case documents must be valid: {errors:?}", case.display());
        }
        let actual = describe(&seam_core::consistency::check(&documents));
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
