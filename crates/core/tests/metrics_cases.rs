//! Metrics tests as data. A new case is a new file:
//! - `cases/metrics/import/NAME.<ext>` (a metrics file, read against `cases/metrics/sheet.md`),
//!   with optional `NAME.args` (lines `map NAME=TARGET`, `format FORMAT`) → `NAME.expected`: the
//!   format read, each point's row (or `unmapped`), and every row's verdict after the values are
//!   applied — or the error.
//! - `cases/metrics/check/*.cases`: one threshold check per line with its expected status.
//!
//! Run with UPDATE_EXPECT=1 to write the expected files, then review the diff.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use seam_core::document::model::{Requirement, Typed};
use seam_core::document::parse_document;
use seam_core::metrics::check::format_number;
use seam_core::metrics::{evaluate, map_points, parse_metrics, InputFormat};

fn cases_dir(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/metrics").join(folder)
}

fn sheet_rows() -> Vec<Requirement> {
    let path = cases_dir("").join("sheet.md");
    let document = parse_document("sheet.md", &fs::read(&path).expect("read sheet"));
    assert!(document.issues.is_empty(), "the case sheet must be clean: {:?}", document.issues);
    match document.typed {
        Some(Typed::Requirements(sheet)) => sheet.requirements,
        other => panic!("sheet.md is not a requirement sheet: {other:?}"),
    }
}

/// What one import case produces, as text.
fn run_import_case(case: &Path, rows: &[Requirement]) -> String {
    let name = case.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let text = fs::read_to_string(case).expect("read case");
    let mut rules = Vec::new();
    let mut format = None;
    if let Ok(args) = fs::read_to_string(case.with_extension("args")) {
        for line in args.lines().map(str::trim).filter(|line| !line.is_empty()) {
            match line.split_once(' ') {
                Some(("map", rule)) => rules.push(rule.to_string()),
                Some(("format", value)) => format = Some(InputFormat::parse(value).expect("known format")),
                _ => panic!("{}: bad args line `{line}`", case.display()),
            }
        }
    }
    let parsed = match parse_metrics(&name, &text, format) {
        Ok(parsed) => parsed,
        Err(error) => return format!("error: {error}\n"),
    };
    let mapping = match map_points(&name, rows, &parsed.points, &rules) {
        Ok(mapping) => mapping,
        Err(error) => return format!("format: {}\nerror: {error}\n", parsed.format.as_str()),
    };
    let mut out = format!("format: {}\n", parsed.format.as_str());
    if let Some(at) = &parsed.at {
        out.push_str(&format!("run at: {at}\n"));
    }
    for assignment in &mapping.assignments {
        let point = &assignment.point;
        out.push_str(&format!(
            "{} <- {} = {}{}{}{}\n",
            assignment.requirement,
            point.name,
            format_number(point.value),
            point.at.as_ref().map(|at| format!(" at {at}")).unwrap_or_default(),
            point.line.map(|line| format!(" (line {line})")).unwrap_or_default(),
            if assignment.explicit { " [--map]" } else { "" }
        ));
    }
    for point in &mapping.unmapped {
        out.push_str(&format!(
            "unmapped: {} (metric {}{}) = {}{}\n",
            point.name,
            point.metric,
            point.slice.as_ref().map(|slice| format!(", slice {slice}")).unwrap_or_default(),
            format_number(point.value),
            point.line.map(|line| format!(" (line {line})")).unwrap_or_default()
        ));
    }
    let latest = mapping.latest();
    for row in rows {
        let verdict = evaluate(row, latest.get(row.id.as_str()).map(|point| point.value));
        out.push_str(&format!("  {:<8} {}: {}\n", verdict.status.as_str(), row.id, verdict.message));
    }
    out
}

#[test]
fn import_cases() {
    let rows = sheet_rows();
    let dir = cases_dir("import");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("case folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.ends_with(".args") && !name.ends_with(".expected")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "expected the import cases in {}", dir.display());
    let mut failures = Vec::new();
    for case in cases {
        let actual = run_import_case(&case, &rows);
        let expected_path = PathBuf::from(format!("{}.expected", case.display()));
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            fs::write(&expected_path, &actual).expect("write expected");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!("{}:\n--- expected\n{expected}--- actual\n{actual}", case.display())),
            Err(_) => failures.push(format!("{} is missing (run with UPDATE_EXPECT=1)", expected_path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn optional(text: &str) -> Option<&str> {
    (text != "-").then_some(text)
}

#[test]
fn threshold_boundary_cases() {
    let path = cases_dir("check").join("boundaries.cases");
    let text = fs::read_to_string(&path).expect("read cases");
    let mut failures = Vec::new();
    let mut count = 0;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let columns: Vec<&str> = line.split('|').map(str::trim).collect();
        let [op, target, threshold, tolerance, measured, expected] = columns[..] else {
            panic!("{}:{}: expected 6 columns", path.display(), number + 1);
        };
        let mut yaml = String::from(
            "---\nkind: requirements\ntitle: t\nstatus: draft\nrequirements:\n  - id: row\n    metric: m\n",
        );
        if let Some(op) = optional(op) {
            yaml.push_str(&format!("    op: \"{op}\"\n"));
        }
        for (key, value) in [("target", target), ("threshold", threshold), ("tolerance", tolerance)] {
            if let Some(value) = optional(value) {
                yaml.push_str(&format!("    {key}: {value}\n"));
            }
        }
        yaml.push_str("---\n");
        let document = parse_document("case.md", yaml.as_bytes());
        let Some(Typed::Requirements(sheet)) = &document.typed else {
            panic!("{}:{}: row does not parse: {:?}", path.display(), number + 1, document.issues);
        };
        let value = optional(measured).map(|value| value.parse::<f64>().expect("measured is a number"));
        let verdict = evaluate(&sheet.requirements[0], value);
        count += 1;
        if verdict.status.as_str() != expected {
            failures.push(format!(
                "{}:{}: `{raw}` gave {} ({})",
                path.display(),
                number + 1,
                verdict.status.as_str(),
                verdict.message
            ));
        }
    }
    assert!(count > 20, "expected the boundary cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn verdict_messages_name_the_numbers() {
    let rows = sheet_rows();
    let row = rows.iter().find(|row| row.id == "latency-p95").expect("row");
    let verdict = evaluate(row, Some(301.0));
    assert_eq!(verdict.message, "p95_latency 301 ms misses the threshold <= 300");
    let by_id: BTreeMap<&str, &Requirement> = rows.iter().map(|row| (row.id.as_str(), row)).collect();
    let verdict = evaluate(by_id["coverage"], Some(0.92));
    assert_eq!(
        verdict.message,
        "share_of_tickets_auto_routed 0.92 ratio meets the threshold between [0.6, 0.95] but not the target [0.7, 0.9]"
    );
}
