//! Interoperability on a real copy of the example project: JSON Schema both ways (round trips,
//! cases as data under tests/cases/interop/jsonschema), imports written in place through the
//! lossless edit path.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use seam_core::document::model::{Field, Typed};
use seam_core::interop::{self, hf, jsonschema, mlflow, odcs, FieldMerge, Part};
use seam_core::project::{self, Project};
use seam_core::store::Store;

fn example() -> (tempfile::TempDir, Project, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let project = Project::open(&root).expect("open");
    let mut store = Store::open_at(&dir.path().join("store/seam.db")).expect("store");
    project::index(&project, &mut store).expect("index");
    (dir, project, store)
}

fn cases(format: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/interop").join(format)
}

fn contract_fields(project: &Project, rel_path: &str) -> (Vec<Field>, Vec<Field>) {
    let document = project.read_document(rel_path).expect("read");
    match document.typed {
        Some(Typed::Contract(contract)) => (contract.input, contract.output),
        other => panic!("{rel_path} is not a contract: {other:?}"),
    }
}

/// What a JSON Schema round trip keeps: everything, except that an absent `nullable` reads back as false.
fn normalized(fields: &[Field]) -> Vec<Field> {
    fields
        .iter()
        .cloned()
        .map(|mut field| {
            field.nullable = Some(field.nullable.unwrap_or(false));
            field
        })
        .collect()
}

const CONTRACTS: [&str; 2] = ["contracts/ticket-routing-api.md", "contracts/escalation-risk-feed.md"];

#[test]
fn jsonschema_export_is_a_valid_schema_that_checks_instances() {
    let (_dir, project, _store) = example();
    let document = project.read_document(CONTRACTS[1]).expect("read");
    let contract = interop::contract_of(&document).expect("contract");
    let schema = jsonschema::export(&document.id, &document.title(), Some("0.3.0"), contract, Some(Part::Inputs));
    assert!(::jsonschema::meta::is_valid(&schema), "the export is a valid draft 2020-12 schema: {schema:#}");
    let validator = ::jsonschema::validator_for(&schema).expect("compile");
    let good = json!({
        "ticket_id": "tk_1", "queue": "billing", "priority": "p2", "sla_due_at": null,
        "minutes_since_last_agent_reply": 30, "customer_replies_since_agent": 2, "reopen_count": 0,
        "plan_tier": "business", "region": "EMEA"
    });
    assert!(validator.is_valid(&good), "{:?}", validator.iter_errors(&good).map(|e| e.to_string()).collect::<Vec<_>>());
    let mut out_of_range = good.clone();
    out_of_range["reopen_count"] = json!(51);
    assert!(!validator.is_valid(&out_of_range), "range [0, 50] becomes maximum 50");
    let mut bad_enum = good.clone();
    bad_enum["region"] = json!("LATAM");
    assert!(!validator.is_valid(&bad_enum), "enum is kept");
    let mut null_not_allowed = good.clone();
    null_not_allowed["region"] = Value::Null;
    assert!(!validator.is_valid(&null_not_allowed), "nullable: false rejects null");
    let mut missing = good;
    missing.as_object_mut().expect("object").remove("ticket_id");
    assert!(!validator.is_valid(&missing), "every field is required");
    let unit = &schema["properties"]["minutes_since_last_agent_reply"];
    assert_eq!(unit["x-unit"], "minutes");
    assert_eq!(unit["type"], json!(["integer", "null"]));
}

#[test]
fn jsonschema_round_trip_keeps_every_field_and_leaves_the_file_byte_identical() {
    let (_dir, project, mut store) = example();
    for rel_path in CONTRACTS {
        let before = fs::read(project.root.join(rel_path)).expect("read");
        let document = project.read_document(rel_path).expect("read");
        let contract = interop::contract_of(&document).expect("contract");
        let schema = jsonschema::export(&document.id, &document.title(), None, contract, None);
        let text = serde_json::to_string_pretty(&schema).expect("json");
        let imported = jsonschema::import("exported.json", &text, None).expect("import");
        let (input, output) = contract_fields(&project, rel_path);
        assert_eq!(imported.inputs.as_deref().map(normalized), Some(normalized(&input)), "{rel_path} inputs");
        assert_eq!(imported.outputs.as_deref().map(normalized), Some(normalized(&output)), "{rel_path} outputs");
        let parts =
            vec![(Part::Inputs, imported.inputs.expect("inputs")), (Part::Outputs, imported.outputs.expect("outputs"))];
        let merge = FieldMerge { owned_keys: jsonschema::OWNED_KEYS };
        let written =
            interop::write_contract_fields(&project, Some(&mut store), rel_path, &parts, merge).expect("write");
        let inputs = written.inputs.expect("inputs");
        assert!(inputs.added.is_empty() && inputs.removed.is_empty(), "{inputs:?}");
        let after = fs::read(project.root.join(rel_path)).expect("read");
        // Every field of the example states `nullable`, so nothing at all changes.
        assert!(input.iter().chain(&output).all(|field| field.nullable.is_some()));
        assert_eq!(before, after, "{rel_path} unchanged by its own round trip");
    }
}

#[test]
fn jsonschema_import_edits_only_the_changed_rows() {
    let (_dir, project, mut store) = example();
    let rel_path = CONTRACTS[0];
    let before = fs::read_to_string(project.root.join(rel_path)).expect("read");
    let document = project.read_document(rel_path).expect("read");
    let contract = interop::contract_of(&document).expect("contract");
    let mut schema = jsonschema::export(&document.id, &document.title(), None, contract, Some(Part::Outputs));
    let properties = schema["properties"].as_object_mut().expect("properties");
    properties["queue_confidence"]["maximum"] = json!(0.99);
    properties.remove("explanation");
    properties.insert("latency_ms".to_string(), json!({"type": "integer", "minimum": 0, "x-unit": "ms"}));
    let text = serde_json::to_string(&schema).expect("json");
    let imported = jsonschema::import("outputs.json", &text, Some(Part::Outputs)).expect("import");
    let merge = FieldMerge { owned_keys: jsonschema::OWNED_KEYS };
    let parts = vec![(Part::Outputs, imported.outputs.expect("outputs"))];
    let written = interop::write_contract_fields(&project, Some(&mut store), rel_path, &parts, merge).expect("write");
    let outputs = written.outputs.expect("outputs");
    assert_eq!(outputs.added, vec!["latency_ms"]);
    assert_eq!(outputs.updated, vec!["queue_confidence"]);
    assert_eq!(outputs.removed, vec!["explanation"]);
    assert!(written.inputs.is_none(), "inputs untouched");

    let after = fs::read_to_string(project.root.join(rel_path)).expect("read");
    let old_lines: Vec<&str> = before.lines().collect();
    let new_lines: Vec<&str> = after.lines().collect();
    let gone: Vec<&&str> = old_lines.iter().filter(|line| !new_lines.contains(line)).collect();
    let added: Vec<&&str> = new_lines.iter().filter(|line| !old_lines.contains(line)).collect();
    assert_eq!(gone.len(), 3, "queue_confidence's line and explanation's two lines: {gone:#?}");
    assert_eq!(added.len(), 2, "queue_confidence's new line and latency_ms: {added:#?}");
    assert!(after.contains("range: [0, 0.99]"), "{after}");
    assert!(
        after.contains("  - {name: latency_ms, type: integer, unit: ms, range: [0, null], nullable: true}\n"),
        "{after}"
    );
    assert!(
        before.contains("# measured at the router's load balancer")
            && after.contains("# measured at the router's load balancer")
    );
    let (_, output) = contract_fields(&project, rel_path);
    assert_eq!(output.len(), 6);
}

#[test]
fn jsonschema_import_creates_a_new_contract_from_the_template() {
    let (_dir, project, mut store) = example();
    let text = fs::read_to_string(cases("jsonschema").join("order-events.schema.json")).expect("read");
    let imported = jsonschema::import("order-events.schema.json", &text, Some(Part::Inputs)).expect("import");
    let merge = FieldMerge { owned_keys: jsonschema::OWNED_KEYS };
    let title = imported.title.clone().expect("title");
    let parts = vec![(Part::Inputs, imported.inputs.clone().expect("inputs"))];
    let created = interop::create_contract(&project, Some(&mut store), &title, &parts, merge).expect("create");
    assert!(created.created);
    assert_eq!(created.rel_path, "contracts/order-scoring-request.md");
    let document = project.read_document(&created.rel_path).expect("read");
    assert!(document.issues.is_empty(), "{:?}", document.issues);
    let lint = seam_core::lint::lint(&project);
    let own: Vec<_> = lint.issues.iter().filter(|issue| issue.rel_path == created.rel_path).collect();
    assert!(own.is_empty(), "the template's `requirements: null` names no document: {own:?}");
    let (input, output) = contract_fields(&project, &created.rel_path);
    assert_eq!(input, imported.inputs.expect("inputs"));
    assert_eq!(output.len(), 1, "the template's output row stays until outputs are imported");
    assert!(
        document
            .text
            .contains("input:\n  - {name: order_id, type: string, nullable: false, description: UUID of the order}\n"),
        "{}",
        document.text
    );
}

/// Each `NAME.schema.json` under tests/cases/interop/jsonschema is read as one part; its
/// `NAME.expected.json` holds the fields and notes, or the error.
#[test]
fn jsonschema_import_cases() {
    let dir = cases("jsonschema");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("cases")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".schema.json").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "cases found: {names:?}");
    for name in names {
        let file = format!("{name}.schema.json");
        let text = fs::read_to_string(dir.join(&file)).expect("read case");
        let expected: Value =
            serde_json::from_str(&fs::read_to_string(dir.join(format!("{name}.expected.json"))).expect("expected"))
                .expect("expected json");
        match jsonschema::import(&file, &text, Some(Part::Inputs)) {
            Ok(imported) => {
                let fields = serde_json::to_value(imported.inputs.expect("inputs")).expect("fields");
                assert_eq!(fields, expected["fields"], "case {name}");
                assert_eq!(json!(imported.notes), expected["notes"], "case {name}");
            }
            Err(error) => assert_eq!(json!(error.to_string()), expected["error"], "case {name}"),
        }
    }
}

/// Each `NAME.expected.json` under tests/cases/interop/mlflow holds what `NAME.MLmodel` yields:
/// the fields and notes, or the error.
#[test]
fn mlflow_signature_cases() {
    let dir = cases("mlflow");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("cases")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".expected.json").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 4, "cases found: {names:?}");
    for name in names {
        let file = format!("{name}.MLmodel");
        let text = fs::read_to_string(dir.join(&file)).expect("read case");
        let expected: Value =
            serde_json::from_str(&fs::read_to_string(dir.join(format!("{name}.expected.json"))).expect("expected"))
                .expect("expected json");
        match mlflow::import(&file, &text) {
            Ok(imported) => {
                assert_eq!(serde_json::to_value(imported.inputs).expect("inputs"), expected["inputs"], "case {name}");
                assert_eq!(
                    serde_json::to_value(imported.outputs).expect("outputs"),
                    expected["outputs"],
                    "case {name}"
                );
                assert_eq!(json!(imported.notes), expected["notes"], "case {name}");
            }
            Err(error) => assert_eq!(json!(error.to_string()), expected["error"], "case {name}"),
        }
    }
}

#[test]
fn mlflow_signature_of_the_deployed_model_matches_the_agreed_contract() {
    let (_dir, project, mut store) = example();
    let rel_path = CONTRACTS[0];
    let before = fs::read(project.root.join(rel_path)).expect("read");
    let text = fs::read_to_string(cases("mlflow").join("ticket-router.MLmodel")).expect("read");
    let imported = mlflow::import("ticket-router.MLmodel", &text).expect("import");
    assert_eq!(imported.run_id.as_deref(), Some("4f2b7c9e1a3d4e5f8a9b0c1d2e3f4a5b"));
    assert_eq!(imported.notes.len(), 1, "params are noted: {:?}", imported.notes);
    let written = mlflow::write_into(&project, Some(&mut store), rel_path, &imported).expect("write");
    let inputs = written.inputs.expect("inputs");
    assert_eq!(inputs.unchanged.len(), 9, "categories and timestamps stay, nothing else differs: {inputs:?}");
    assert_eq!(written.outputs.expect("outputs").unchanged.len(), 6);
    assert_eq!(fs::read(project.root.join(rel_path)).expect("read"), before, "nothing to write");
}

#[test]
fn mlflow_signature_of_a_new_model_version_rewrites_only_what_changed() {
    let (_dir, project, mut store) = example();
    let rel_path = CONTRACTS[0];
    let before = fs::read_to_string(project.root.join(rel_path)).expect("read");
    let text = fs::read_to_string(cases("mlflow").join("ticket-router-v2.MLmodel")).expect("read");
    let imported = mlflow::import("ticket-router-v2.MLmodel", &text).expect("import");
    let written = mlflow::write_into(&project, Some(&mut store), rel_path, &imported).expect("write");
    let inputs = written.inputs.expect("inputs");
    assert_eq!(inputs.added, vec!["requester_locale"]);
    assert_eq!(inputs.updated, vec!["language", "open_tickets_30d"]);
    assert_eq!(written.outputs.expect("outputs").removed, vec!["explanation"]);

    let after = fs::read_to_string(project.root.join(rel_path)).expect("read");
    assert!(
        after.contains("    nullable: false        # null when the detector is unsure"),
        "the block row keeps its comment: {after}"
    );
    assert!(
        after.contains("  - {name: open_tickets_30d, type: number, unit: tickets, range: [0, 500], nullable: false,"),
        "unit and range survive (a signature says nothing about them): {after}"
    );
    assert!(after.contains("  - {name: requester_locale, type: string, nullable: true}\n"));
    assert!(!after.contains("name: explanation"));
    let unchanged_lines = before.lines().filter(|line| after.lines().any(|new| new == *line)).count();
    assert_eq!(
        before.lines().count() - unchanged_lines,
        4,
        "language's nullable, the first line of open_tickets_30d, explanation's two lines"
    );
    let document = project.read_document(rel_path).expect("read");
    assert!(document.issues.is_empty(), "{:?}", document.issues);
}

fn odcs_validator() -> ::jsonschema::Validator {
    let text = fs::read_to_string(cases("odcs").join("odcs-3.1.0.schema.json")).expect("vendored schema");
    let schema: Value = serde_json::from_str(&text).expect("schema json");
    ::jsonschema::validator_for(&schema).expect("the official schema compiles")
}

/// Every dataset note and contract of the example exports to an ODCS document the official
/// v3.1.0 schema accepts; the YAML text is read back (as any ODCS tool would) before validating.
#[test]
fn odcs_export_of_every_example_document_validates_against_the_official_schema() {
    let (_dir, project, _store) = example();
    let validator = odcs_validator();
    let mut exported = 0;
    for document in project.read_all() {
        let value = match &document.typed {
            Some(Typed::Dataset(dataset)) => odcs::export_dataset(&document, dataset),
            Some(Typed::Contract(contract)) => odcs::export_contract(&document, contract),
            _ => continue,
        };
        let text = interop::to_block_yaml(&value);
        let read_back = seam_core::document::yaml::parse(&text, 0, 1).expect("yaml").expect("value").to_json();
        assert_eq!(read_back, value, "{} YAML reads back", document.id);
        let errors: Vec<String> =
            validator.iter_errors(&read_back).map(|error| format!("{} at {}", error, error.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}\n{text}", document.id);
        exported += 1;
    }
    assert_eq!(exported, 7, "5 dataset notes and 2 contracts");
    // The validator is not lenient: a wrong status type and an unknown top-level key fail.
    let document = project.read_document("datasets/support-tickets-2025.md").expect("read");
    let Some(Typed::Dataset(dataset)) = &document.typed else { panic!("dataset") };
    let mut broken = odcs::export_dataset(&document, dataset);
    broken["schema"][0]["properties"][0]["logicalType"] = json!("varchar");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn odcs_round_trip_of_a_dataset_note_keeps_its_columns_and_header() {
    let (_dir, project, mut store) = example();
    let rel_path = "datasets/support-tickets-2025.md";
    let document = project.read_document(rel_path).expect("read");
    let Some(Typed::Dataset(dataset)) = &document.typed else { panic!("dataset") };
    let text = interop::to_block_yaml(&odcs::export_dataset(&document, dataset));
    let imported = odcs::import("support-tickets-2025.odcs.yaml", &text).expect("import");
    assert_eq!(imported.seam_kind.as_deref(), Some("dataset"));

    // Into the note itself: nothing to change, not one byte.
    let before = fs::read(project.root.join(rel_path)).expect("read");
    let written = odcs::write_into(&project, Some(&mut store), rel_path, &imported, false).expect("write");
    assert_eq!(written.lists[0].1.unchanged.len(), dataset.schema.len());
    assert_eq!(fs::read(project.root.join(rel_path)).expect("read"), before);

    // As a new note: the same columns, header and datasheet answers.
    fs::remove_file(project.root.join(rel_path)).expect("remove the original so the id is free");
    let created =
        odcs::create(&project, Some(&mut store), &imported, seam_core::document::Kind::Dataset).expect("create");
    let copy = project.read_document(&created.rel_path).expect("read");
    assert!(copy.issues.is_empty(), "{:?}", copy.issues);
    let Some(Typed::Dataset(copied)) = &copy.typed else { panic!("dataset") };
    assert_eq!(copied.schema, dataset.schema);
    assert_eq!(copy.version(), document.version());
    assert_eq!(copy.status(), document.status());
    assert_eq!(copy.tags(), document.tags());
    assert_eq!(copied.owner, dataset.owner);
    assert_eq!(
        copied.access.as_ref().map(|access| &access.granted_to),
        dataset.access.as_ref().map(|access| &access.granted_to)
    );
    let checklist = seam_core::datasheet::checklist(copy.body());
    let motivation = &checklist.sections[0];
    assert!(motivation.text.starts_with("Created in January 2026 to train"), "{}", motivation.text);
}

#[test]
fn odcs_import_of_a_foreign_contract_creates_a_dataset_note_and_a_contract() {
    let (_dir, project, mut store) = example();
    let file = "payments-transactions.odcs.yaml";
    let text = fs::read_to_string(cases("odcs").join(file)).expect("read");
    let imported = odcs::import(file, &text).expect("import");
    assert_eq!(imported.owner_name.as_deref(), Some("payments-data"));
    assert_eq!(imported.owner_contact.as_deref(), Some("mrivera@example.com"));
    assert_eq!(imported.granted_to, vec!["risk-ml", "finance-bi"]);
    assert_eq!(imported.status, Some("agreed"));
    assert!(
        imported.notes.iter().any(|note| note.contains("`servers`") && note.contains("line 16")),
        "{:?}",
        imported.notes
    );
    assert!(imported.notes.iter().any(|note| note.contains("card_holder_name: quality rules")), "{:?}", imported.notes);

    let created =
        odcs::create(&project, Some(&mut store), &imported, seam_core::document::Kind::Dataset).expect("create");
    assert!(created.notes.iter().any(|note| note.contains("`merchants` left out")), "{:?}", created.notes);
    let note = project.read_document(&created.rel_path).expect("read");
    assert!(note.issues.is_empty(), "{:?}", note.issues);
    let Some(Typed::Dataset(dataset)) = &note.typed else { panic!("dataset") };
    let amount = dataset.schema.iter().find(|column| column.name == "amount").expect("amount");
    assert_eq!(
        (amount.column_type.as_str(), amount.unit.as_deref(), amount.range),
        ("number", Some("EUR"), Some([Some(0.0), Some(100000.0)]))
    );
    let country = dataset.schema.iter().find(|column| column.name == "country").expect("country");
    assert_eq!(country.pattern.as_deref(), Some("^[A-Z]{2}$"));
    let id = dataset.schema.iter().find(|column| column.name == "transaction_id").expect("id");
    assert_eq!((id.unique, id.nullable), (Some(true), Some(false)));
    assert_eq!(
        dataset.schema.iter().map(|column| column.name.as_str()).collect::<Vec<_>>(),
        vec!["transaction_id", "amount", "country", "card_holder_name", "authorised_at", "is_fraud"]
    );
    assert_eq!(note.version().as_deref(), Some("1.2.0"));
    assert!(note.text.contains("## Uses\n\nFraud model training and monitoring"), "{}", note.text);

    let contract =
        odcs::create(&project, Some(&mut store), &imported, seam_core::document::Kind::Contract).expect("create");
    let (input, _) = contract_fields(&project, &contract.rel_path);
    assert_eq!(input.len(), 6, "the first schema object becomes the inputs");
    assert!(project.read_document(&contract.rel_path).expect("read").issues.is_empty());

    let bad =
        "apiVersion: v3.1.0\nkind: DataContract\nschema:\n  - name: t\n    properties:\n      - logicalType: string\n";
    let error = odcs::import("bad.odcs.yaml", bad).expect_err("no name");
    assert_eq!(error.to_string(), "bad.odcs.yaml:6: a property of `t` without `name`");
}

/// A Python with `huggingface_hub`: a virtual environment under Cargo's target tmp dir, created
/// (and huggingface_hub installed from PyPI) on first use. Without Python the test fails here.
fn python_with_huggingface_hub() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hf-venv");
    let python = venv.join("bin/python");
    let has_hub = |python: &Path| {
        std::process::Command::new(python)
            .args(["-c", "import huggingface_hub"])
            .output()
            .is_ok_and(|output| output.status.success())
    };
    if has_hub(&python) {
        return python;
    }
    let created = std::process::Command::new("python3").args(["-m", "venv"]).arg(&venv).output().unwrap_or_else(|error| {
        panic!("this test needs Python 3 (python3 on PATH, with the venv module) to load cards with huggingface_hub: {error}")
    });
    assert!(
        created.status.success(),
        "python3 -m venv {} failed (install python3-venv): {}",
        venv.display(),
        String::from_utf8_lossy(&created.stderr)
    );
    let installed = std::process::Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "huggingface_hub==0.36.0"])
        .output()
        .expect("run pip");
    assert!(
        installed.status.success(),
        "pip install huggingface_hub failed (PyPI must be reachable): {}",
        String::from_utf8_lossy(&installed.stderr)
    );
    assert!(has_hub(&python), "huggingface_hub installed but cannot be imported");
    python
}

/// Every requirement sheet and dataset note of the example, exported as a card, loads in
/// huggingface_hub (`ModelCard.load` / `DatasetCard.load`) with exactly the metadata Seam wrote.
#[test]
fn hf_cards_load_in_huggingface_hub_with_the_same_metadata() {
    let python = python_with_huggingface_hub();
    let (dir, project, _store) = example();
    let out = dir.path().join("cards");
    fs::create_dir_all(&out).expect("cards dir");
    let mut expected = serde_json::Map::new();
    let mut listing = Vec::new();
    for document in project.read_all() {
        let (card, class) = match &document.typed {
            Some(Typed::Requirements(sheet)) => (hf::export_model_card(&document, sheet), "ModelCard"),
            Some(Typed::Dataset(dataset)) => (hf::export_dataset_card(&document, dataset), "DatasetCard"),
            _ => continue,
        };
        let path = out.join(format!("{}.md", document.id));
        let text = card.to_text();
        fs::write(&path, &text).expect("write card");
        let read_back = hf::parse_card("card", &text).expect("parse");
        assert_eq!(read_back.metadata, card.metadata, "{} reads back", document.id);
        expected.insert(document.id.clone(), card.metadata);
        listing.push(json!([document.id, class, path]));
    }
    assert_eq!(listing.len(), 7, "2 requirement sheets and 5 dataset notes");
    let script = r#"
import json, sys
from huggingface_hub import ModelCard, DatasetCard
out = {}
for doc_id, cls, path in json.load(sys.stdin):
    card = (ModelCard if cls == "ModelCard" else DatasetCard).load(path)
    out[doc_id] = card.data.to_dict()
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run python");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(json!(listing).to_string().as_bytes()).expect("write listing");
    }
    let output = child.wait_with_output().expect("python output");
    assert!(output.status.success(), "huggingface_hub failed: {}", String::from_utf8_lossy(&output.stderr));
    let loaded: Value = serde_json::from_slice(&output.stdout).expect("json from python");
    for (id, metadata) in &expected {
        assert_eq!(&loaded[id], metadata, "{id}: huggingface_hub reads the metadata Seam wrote");
    }
    let sheet = &loaded["ticket-routing-requirements"]["model-index"][0];
    assert_eq!(sheet["name"], "ticket-router");
    assert!(sheet["results"].as_array().is_some_and(|results| !results.is_empty()));
    let features = &loaded["support-tickets-2025"]["dataset_info"]["features"];
    assert_eq!(features[4]["dtype"]["class_label"]["names"]["1"], "web_form");
}

#[test]
fn hf_dataset_card_imports_as_a_dataset_note_with_datasheet_answers() {
    let (_dir, project, mut store) = example();
    let file = "tickets-dataset-card.md";
    let text = fs::read_to_string(cases("hf").join(file)).expect("read");
    let imported = hf::import_dataset_card(file, &text).expect("import");
    let created = hf::create(&project, Some(&mut store), &imported).expect("create");
    assert_eq!(created.rel_path, "datasets/helpdesk-tickets-public-sample.md");
    assert_eq!(created.notes, vec!["card metadata not represented: language, size_categories, configs"]);
    let note = project.read_document(&created.rel_path).expect("read");
    assert!(note.issues.is_empty(), "{:?}", note.issues);
    let Some(Typed::Dataset(dataset)) = &note.typed else { panic!("dataset") };
    let schema: Vec<(&str, &str)> =
        dataset.schema.iter().map(|column| (column.name.as_str(), column.column_type.as_str())).collect();
    assert_eq!(
        schema,
        vec![("text", "string"), ("label", "category"), ("created", "timestamp"), ("replies", "integer")]
    );
    assert_eq!(dataset.schema[1].allowed, Some(vec![json!("billing"), json!("technical"), json!("other")]));
    assert_eq!(dataset.license.as_deref(), Some("cc-by-4.0"));
    assert_eq!(note.tags(), vec!["support", "text-classification"]);
    let checklist = seam_core::datasheet::checklist(note.body());
    let answer = |key: &str| {
        checklist
            .sections
            .iter()
            .find(|state| state.section.key == key)
            .map(|state| state.text.clone())
            .unwrap_or_default()
    };
    assert!(answer("motivation").contains("realistic, redacted support corpus"), "{}", note.body());
    assert!(answer("composition").starts_with("One row per ticket"));
    assert!(answer("collection").starts_with("Exported from opted-in workspaces"));
    assert!(answer("preprocessing").starts_with("Queues set by agents"));
    assert!(answer("uses").starts_with("Training queue classifiers"));
    assert!(
        note.body().contains("## Dataset Description\n\nA public sample of 40,000 helpdesk tickets"),
        "{}",
        note.body()
    );
    assert!(note.body().contains("## Citation\n\n```\n## Not a heading inside code"), "{}", note.body());
}

#[test]
fn hf_model_card_imports_as_a_requirement_sheet_with_measured_rows() {
    let (_dir, project, mut store) = example();
    let file = "sentiment-model-card.md";
    let text = fs::read_to_string(cases("hf").join(file)).expect("read");
    let imported = hf::import_model_card(file, &text, "2026-11-28").expect("import");
    let created = hf::create(&project, Some(&mut store), &imported).expect("create");
    let sheet_doc = project.read_document(&created.rel_path).expect("read");
    assert!(sheet_doc.issues.is_empty(), "{:?}", sheet_doc.issues);
    let Some(Typed::Requirements(sheet)) = &sheet_doc.typed else { panic!("requirements") };
    assert_eq!(sheet.component.as_deref(), Some("distilbert-sst2-support"));
    let rows: Vec<(&str, &str, f64)> = sheet
        .requirements
        .iter()
        .map(|row| {
            (row.id.as_str(), row.metric.as_str(), row.measured.as_ref().map_or(f64::NAN, |measured| measured.value))
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("accuracy-validation", "accuracy", 0.9106),
            ("f1-validation", "f1", 0.9123),
            ("loss-validation", "loss", 0.2874)
        ]
    );
    assert_eq!(sheet.requirements[2].op, Some(seam_core::document::model::Op::AtMost), "loss: less is better");
    assert!(sheet_doc.body().contains("## Intended uses & limitations"));
    assert_eq!(sheet_doc.tags(), vec!["generated_from_trainer", "sentiment", "text-classification", "transformers"]);
    assert!(
        created.notes.iter().any(|note| note.contains("language, license, datasets, metrics, base_model")),
        "{:?}",
        created.notes
    );
}
