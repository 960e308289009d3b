//! Dataset checks as data. A new case is a new folder or file:
//! - `cases/dataset/NAME/note.md` + `data.{csv,tsv,jsonl,parquet}` → `expected.json` (the
//!   validation report, 3 samples per check) and `expected.txt` (the same report as text);
//! - `cases/drift/NAME/note.md` + `reference.csv` + `new.csv` → `profile.expected.json` (the
//!   profile of the reference) and `expected.json` (the drift report);
//! - `cases/infer/NAME.{csv,jsonl}` → `NAME.expected.yaml` (the inferred schema block).
//!
//! Every validation case runs twice, with tiny batches on several workers and with one large
//! batch on one worker, and both reports must be identical: results do not depend on batching.
//! Run with UPDATE_EXPECT=1 to write the expected files, then review the diff.
//! Cases that need large or binary files (a multi-megabyte line, Parquet) build them in a temp
//! folder below.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use seam_core::dataset::drift::{drift, Thresholds};
use seam_core::dataset::infer::infer;
use seam_core::dataset::profile::profile;
use seam_core::dataset::validate::{validate, CheckStatus, ValidateOptions, ValidationReport};
use seam_core::document::model::Dataset;
use seam_core::document::{parse_document, Typed};

fn case_root(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases").join(folder)
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .expect("case folder exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
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

fn note(path: &Path) -> Dataset {
    let bytes = fs::read(path).expect("read note");
    let document = parse_document("datasets/note.md", &bytes);
    assert!(document.issues.is_empty(), "{}: {:?}", path.display(), document.issues);
    match document.typed {
        Some(Typed::Dataset(dataset)) => dataset,
        other => panic!("{} is not a dataset note: {other:?}", path.display()),
    }
}

fn data_file(case: &Path, stem: &str) -> PathBuf {
    entries(case)
        .into_iter()
        .find(|path| path.file_stem().and_then(|stem| stem.to_str()) == Some(stem) && path.extension().is_some())
        .unwrap_or_else(|| panic!("{} has no {stem}.* file", case.display()))
}

/// The report with the data file named by its file name only (the case folder differs per machine).
fn validate_case(dataset: &Dataset, data: &Path, options: &ValidateOptions) -> ValidationReport {
    let mut report = validate(dataset, data, options).expect("the note can be checked");
    let name = data.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
    report.data_file = name.clone();
    if let Some(error) = &mut report.read_error {
        error.path = name;
    }
    report
}

fn json(value: &impl serde::Serialize) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).expect("serialize");
    text.push('\n');
    text.into_bytes()
}

#[test]
fn validation_cases() {
    let mut failures = Vec::new();
    for case in entries(&case_root("dataset")) {
        let dataset = note(&case.join("note.md"));
        let data = data_file(&case, "data");
        let small_batches = ValidateOptions { samples: 3, batch_rows: 2, threads: 3 };
        let one_batch = ValidateOptions { samples: 3, batch_rows: 100_000, threads: 1 };
        let report = validate_case(&dataset, &data, &small_batches);
        let again = validate_case(&dataset, &data, &one_batch);
        if report != again {
            failures.push(format!("{}: the report depends on batching", case.display()));
        }
        check(&case.join("expected.json"), &json(&report), &mut failures);
        check(&case.join("expected.txt"), report.to_text().as_bytes(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn drift_cases() {
    let mut failures = Vec::new();
    for case in entries(&case_root("drift")) {
        let dataset = note(&case.join("note.md"));
        let mut reference = profile(&case.join("reference.csv"), Some(&dataset)).expect("profile the reference");
        reference.data_file = "reference.csv".to_string();
        check(&case.join("profile.expected.json"), &json(&reference), &mut failures);
        let mut report = drift(&reference, &case.join("new.csv"), Thresholds::of(&dataset));
        report.data_file = "new.csv".to_string();
        check(&case.join("expected.json"), &json(&report), &mut failures);
        check(&case.join("expected.txt"), report.to_text().as_bytes(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn drift_is_flagged_only_where_the_data_shifted() {
    let flagged = |name: &str| {
        let case = case_root("drift").join(name);
        let dataset = note(&case.join("note.md"));
        let reference = profile(&case.join("reference.csv"), Some(&dataset)).expect("profile");
        let report = drift(&reference, &case.join("new.csv"), Thresholds::of(&dataset));
        report.columns.iter().filter(|column| column.drifted).map(|column| column.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(flagged("stable"), Vec::<String>::new());
    assert_eq!(flagged("numeric-shift"), vec!["amount".to_string()]);
    assert_eq!(flagged("category-shift"), vec!["region".to_string()]);
    assert_eq!(flagged("new-category"), vec!["region".to_string()]);
}

#[test]
fn infer_cases() {
    let mut failures = Vec::new();
    for data in entries(&case_root("infer")) {
        let name = data.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        if name.contains(".expected") {
            continue;
        }
        let schema = infer(&data).expect("infer");
        let expected =
            data.with_file_name(format!("{}.expected.yaml", name.rsplit_once('.').map_or(name, |(stem, _)| stem)));
        let mut text = schema.schema_yaml.clone();
        text.push_str(&format!("# rows: {}, malformed rows: {}\n", schema.rows, schema.malformed_rows));
        check(&expected, text.as_bytes(), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_inferred_schema_is_a_valid_note_that_its_own_data_passes() {
    let data = case_root("infer").join("accounts.csv");
    let schema = infer(&data).expect("infer");
    let text = format!(
        "---\nkind: dataset\ntitle: Inferred\nstatus: draft\nowner: {{name: Data}}\n{}---\n",
        schema.schema_yaml
    );
    let document = parse_document("datasets/inferred.md", text.as_bytes());
    assert!(document.issues.is_empty(), "{:?}\n{text}", document.issues);
    let Some(Typed::Dataset(dataset)) = document.typed else { panic!("not a dataset note") };
    let report = validate(&dataset, &data, &ValidateOptions::default()).expect("validate");
    assert!(report.passed, "{}", report.to_text());
}

#[test]
fn a_multi_megabyte_line_is_one_row_and_its_sample_is_cut() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data.csv");
    let huge = "x".repeat(5 * 1024 * 1024);
    fs::write(&data, format!("id,text\n1,short\n2,{huge}\nthree,{huge}\n")).expect("write");
    let dataset = note_from_yaml(
        "schema:\n  - {name: id, type: integer}\n  - {name: text, type: string, pattern: \"[a-z]{1,10}\"}\n",
    );
    let report = validate(&dataset, &data, &ValidateOptions::default()).expect("validate");
    assert!(report.complete);
    assert_eq!(report.rows, 3);
    let pattern = report.checks.iter().find(|check| check.check == "pattern").expect("pattern check");
    assert_eq!(pattern.failing, 2);
    let sample = pattern.samples[0].value.as_deref().expect("a value");
    assert!(sample.len() < 200 && sample.ends_with(&format!("({} bytes)", huge.len())), "{sample}");
    let id_type = report.checks.iter().find(|check| check.check == "type" && check.column.as_deref() == Some("id"));
    assert_eq!(id_type.map(|check| (check.failing, check.samples[0].row)), Some((1, 3)));
}

fn note_from_yaml(rest: &str) -> Dataset {
    let text = format!("---\nkind: dataset\ntitle: Test\nstatus: draft\nowner: {{name: Data}}\n{rest}---\n");
    let document = parse_document("datasets/test.md", text.as_bytes());
    assert!(document.issues.is_empty(), "{:?}", document.issues);
    match document.typed {
        Some(Typed::Dataset(dataset)) => dataset,
        other => panic!("not a dataset note: {other:?}"),
    }
}

/// Writes a Parquet file with the given message type; `write` fills the columns in order.
fn write_parquet(
    path: &Path,
    message: &str,
    write: impl Fn(usize, &mut parquet::file::writer::SerializedColumnWriter<'_>),
) {
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = Arc::new(parquet::schema::parser::parse_message_type(message).expect("message type"));
    let file = fs::File::create(path).expect("create");
    let mut writer =
        SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build())).expect("writer");
    let mut row_group = writer.next_row_group().expect("row group");
    let mut column = 0;
    while let Some(mut column_writer) = row_group.next_column().expect("next column") {
        write(column, &mut column_writer);
        column_writer.close().expect("close column");
        column += 1;
    }
    row_group.close().expect("close row group");
    writer.close().expect("close file");
}

#[test]
fn parquet_files_are_checked_like_csv() {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("scores.parquet");
    write_parquet(
        &data,
        "message scores { REQUIRED INT64 id; OPTIONAL DOUBLE score; REQUIRED BYTE_ARRAY region (UTF8); }",
        |column, writer| match column {
            0 => {
                writer.typed::<Int64Type>().write_batch(&[1, 2, 2, 4], None, None).expect("ids");
            }
            1 => {
                writer.typed::<DoubleType>().write_batch(&[0.5, 1.5, 0.25], Some(&[1, 1, 0, 1]), None).expect("scores");
            }
            _ => {
                let regions: Vec<ByteArray> =
                    ["EMEA", "AMER", "LATAM", "APAC"].iter().map(|text| ByteArray::from(*text)).collect();
                writer.typed::<ByteArrayType>().write_batch(&regions, None, None).expect("regions");
            }
        },
    );
    let dataset = note_from_yaml(
        "schema:\n  - {name: id, type: integer, unique: true}\n  - {name: score, type: number, range: [0, 1], nullable: false}\n  - {name: region, type: category, enum: [EMEA, AMER, APAC]}\n",
    );
    let report =
        validate(&dataset, &data, &ValidateOptions { samples: 3, batch_rows: 1, threads: 2 }).expect("validate");
    assert!(report.complete, "{}", report.to_text());
    assert_eq!(report.rows, 4);
    let failing = |column: &str, check: &str| {
        report
            .checks
            .iter()
            .find(|result| result.column.as_deref() == Some(column) && result.check == check)
            .map(|result| (result.failing, result.samples.iter().map(|sample| sample.row).collect::<Vec<_>>()))
    };
    assert_eq!(failing("id", "unique"), Some((1, vec![3])));
    assert_eq!(failing("score", "range"), Some((1, vec![2])));
    assert_eq!(failing("score", "nullable"), Some((1, vec![3])));
    assert_eq!(failing("region", "enum"), Some((1, vec![3])));
    assert_eq!(failing("id", "type"), Some((0, vec![])));
}

#[test]
fn a_parquet_column_of_an_unknown_type_is_a_file_error_naming_it() {
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("blobs.parquet");
    write_parquet(&data, "message blobs { REQUIRED INT64 id; REQUIRED BYTE_ARRAY payload; }", |column, writer| {
        match column {
            0 => {
                writer.typed::<Int64Type>().write_batch(&[1, 2], None, None).expect("ids");
            }
            _ => {
                let payloads = vec![ByteArray::from(vec![0u8, 159, 146, 150]), ByteArray::from(vec![1u8])];
                writer.typed::<ByteArrayType>().write_batch(&payloads, None, None).expect("payloads");
            }
        }
    });
    let dataset = note_from_yaml("schema:\n  - {name: id, type: integer}\n  - {name: payload, type: string}\n");
    let report = validate(&dataset, &data, &ValidateOptions::default()).expect("validate");
    assert!(!report.complete && !report.passed);
    let error = report.read_error.expect("a file error");
    assert!(error.message.contains("\"payload\"") && error.message.contains("BYTE_ARRAY"), "{}", error.message);
    assert!(report.checks.is_empty());
    assert!(infer(&data).is_err());
    // A column the note does not name may have any type: it is only reported as extra.
    let only_id = note_from_yaml("schema:\n  - {name: id, type: integer}\n");
    let report = validate(&only_id, &data, &ValidateOptions::default()).expect("validate");
    assert!(report.complete);
    let header = report.checks.iter().find(|check| check.check == "header").expect("header check");
    assert_eq!(header.status, CheckStatus::Failed);
    assert_eq!(header.message.as_deref(), Some("not in the note's schema: payload"));
}
