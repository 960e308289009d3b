//! Interoperability: reading and writing the formats other tools use for what Seam documents
//! (JSON Schema, MLflow signatures, ODCS data contracts, Hugging Face cards). Each format has its
//! own module that converts to and from Seam's typed model; this module holds what they share:
//! reading an input file, finding lines in it, and writing imported fields into a document through
//! the lossless edit path (`document::edit` + `project::save`).

pub mod hf;
pub mod jsonschema;
pub mod mlflow;
pub mod odcs;

use std::path::Path;

use serde_json::Value;

use crate::document::edit::{Edit, NewValue};
use crate::document::model::Field;
use crate::document::{yaml, Document, Kind, Typed, MAX_FILE_BYTES};
use crate::example;
use crate::project::{self, Project, ProjectError, SaveRequest};
use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum InteropError {
    /// The input file is not what the format expects; names the file and, when known, the line.
    #[error("{}{}: {message}", file, line.map(|line| format!(":{line}")).unwrap_or_default())]
    Input { file: String, line: Option<usize>, message: String },
    /// The document cannot take part in this import or export (wrong kind, unreadable).
    #[error("{rel_path}: {message}")]
    Document { rel_path: String, message: String },
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl InteropError {
    pub fn input(file: &str, line: Option<usize>, message: impl Into<String>) -> InteropError {
        InteropError::Input { file: file.to_string(), line, message: message.into() }
    }
}

/// A contract's list of fields: `input` or `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Inputs,
    Outputs,
}

impl Part {
    pub fn key(self) -> &'static str {
        match self {
            Part::Inputs => "input",
            Part::Outputs => "output",
        }
    }

    pub fn parse(text: &str) -> Option<Part> {
        match text {
            "inputs" | "input" => Some(Part::Inputs),
            "outputs" | "output" => Some(Part::Outputs),
            _ => None,
        }
    }
}

/// Reads an input file from where it is (it may lie outside the project; nothing is written
/// there): a regular file of at most 10 MB of UTF-8 text.
pub fn read_input_file(file: &Path) -> Result<String, InteropError> {
    let shown = file.display().to_string();
    let io = |source: std::io::Error| InteropError::Project(ProjectError::Io { path: shown.clone(), source });
    let metadata = std::fs::metadata(file).map_err(io)?;
    if !metadata.is_file() {
        return Err(InteropError::input(&shown, None, "not a file"));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(InteropError::input(&shown, None, "larger than 10 MB"));
    }
    let bytes = std::fs::read(file).map_err(io)?;
    String::from_utf8(bytes).map_err(|_| InteropError::input(&shown, None, "not UTF-8 text"))
}

/// A YAML or JSON input read into a positioned tree (for error lines) and its JSON value.
pub struct ParsedInput {
    pub file: String,
    pub tree: yaml::Node,
    pub json: Value,
}

impl ParsedInput {
    /// Parses YAML or JSON text (JSON is read as YAML 1.2, so every node keeps its line).
    pub fn parse(file: &str, text: &str) -> Result<ParsedInput, InteropError> {
        match yaml::parse(text, 0, 1) {
            Ok(Some(tree)) => {
                let json = tree.to_json();
                Ok(ParsedInput { file: file.to_string(), tree, json })
            }
            Ok(None) => Err(InteropError::input(file, None, "the file is empty")),
            Err(error) => Err(InteropError::input(file, Some(error.line), error.message)),
        }
    }

    /// The line of the node a JSON pointer reaches (or of its deepest existing parent).
    pub fn line(&self, pointer: &str) -> usize {
        self.tree.deepest_at_pointer(pointer).line
    }

    pub fn error(&self, pointer: &str, message: impl Into<String>) -> InteropError {
        InteropError::input(&self.file, Some(self.line(pointer)), message)
    }
}

/// Escapes one JSON pointer segment.
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A string as a YAML scalar: plain when that reads back as the same string, else double-quoted
/// (JSON string syntax is valid YAML).
pub fn yaml_string(text: &str) -> String {
    let plain_safe = !text.is_empty()
        && text.trim() == text
        && text.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' ' | '(' | ')' | '+'))
        && !text.starts_with(['-', '.', '+'])
        // YAML 1.1 readers (PyYAML, so huggingface_hub) take `2026-11-18` for a date and `yes`,
        // `no`, `on`, `off` for booleans: quote those too.
        && !text.starts_with(|c: char| c.is_ascii_digit())
        && !matches!(text.to_ascii_lowercase().as_str(), "yes" | "no" | "on" | "off" | "y" | "n")
        && yaml::resolve_plain_scalar(text) == Value::String(text.to_string());
    if plain_safe {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
    }
}

/// A number as YAML: integers without a fraction, others as Rust prints them (shortest exact).
pub fn yaml_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

/// Any JSON value as a one-line YAML flow value.
pub fn yaml_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.as_f64().map_or_else(|| number.to_string(), yaml_number),
        Value::String(text) => yaml_string(text),
        Value::Array(items) => format!("[{}]", items.iter().map(yaml_value).collect::<Vec<_>>().join(", ")),
        Value::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(key, value)| format!("{}: {}", yaml_string(key), yaml_value(value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A typed row (a contract field, a dataset column) as a JSON object without its null keys.
pub fn row_value<T: serde::Serialize>(row: &T) -> Value {
    let mut value = serde_json::to_value(row).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.retain(|_, value| !value.is_null());
    }
    value
}

/// Equal as data: numbers compare by value (`0` equals `0.0`).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(key, value)| y.get(key).is_some_and(|other| same_value(value, other)))
        }
        _ => a == b,
    }
}

/// One row as a flow mapping, `name` first and then `keys` in order: `{name: amount, type: number}`.
pub fn row_yaml(row: &Value, keys: &[&str]) -> String {
    let mut parts = Vec::new();
    if let Some(name) = row.get("name") {
        parts.push(format!("name: {}", yaml_value(name)));
    }
    for key in keys {
        if let Some(value) = row.get(*key).filter(|value| !value.is_null()) {
            parts.push(format!("{key}: {}", yaml_value(value)));
        }
    }
    format!("{{{}}}", parts.join(", "))
}

/// The keys of a contract field that imports write, in Seam's usual order.
pub const FIELD_KEYS: &[&str] = &["type", "unit", "range", "enum", "nullable", "description", "source"];

/// One contract field as a flow mapping: `{name: amount, type: number, unit: EUR, range: [0, 1]}`.
pub fn field_yaml(field: &Field) -> String {
    row_yaml(&row_value(field), FIELD_KEYS)
}

/// What writing imported rows into a list changed (row names per list).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldsWritten {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: Vec<String>,
}

/// How an import treats the keys of a row that already exists in the document.
#[derive(Debug, Clone, Copy)]
pub struct FieldMerge {
    /// Keys the format describes completely: absent in the import means removed from the row.
    /// Keys not listed are written when the import states them and kept otherwise.
    pub owned_keys: &'static [&'static str],
}

/// The edits that make the list at `list_key` hold exactly `rows` (JSON objects with a `name`):
/// rows are matched by name; a matched row gets only its changed `keys` rewritten (its other
/// keys, comments and layout stay), new rows are appended as flow rows, rows the import lacks are
/// removed. Appends come before removals so a block list never passes through `[]` (and keeps
/// its form).
pub fn row_edits(
    existing: &[Value],
    list_key: &str,
    rows: &[Value],
    keys: &[&str],
    merge: FieldMerge,
) -> (Vec<Edit>, FieldsWritten) {
    let name_of = |row: &Value| row.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut written = FieldsWritten::default();
    let mut appends = Vec::new();
    let mut sets = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for row in rows {
        let name = name_of(row);
        if seen.contains(&name) {
            continue; // A second row of the same name in the source: the first one counts.
        }
        seen.push(name.clone());
        let Some(position) = existing.iter().position(|existing| name_of(existing) == name) else {
            appends.push(Edit::Append { path: list_key.to_string(), value: NewValue::Yaml(row_yaml(row, keys)) });
            written.added.push(name);
            continue;
        };
        let current = &existing[position];
        // Rows are addressed by position (names may hold `]` or repeat); appends go to the end
        // and removals come last, highest position first, so positions stay valid throughout.
        let row_path = format!("{list_key}[{position}]");
        let mut changed = false;
        for key in keys {
            let old = current.get(*key).filter(|value| !value.is_null());
            let new = row.get(*key).filter(|value| !value.is_null());
            match (old, new) {
                (Some(old), Some(new)) if same_value(old, new) => {}
                (_, Some(new)) => {
                    sets.push(Edit::Set { path: format!("{row_path}.{key}"), value: NewValue::Yaml(yaml_value(new)) });
                    changed = true;
                }
                (Some(_), None) if merge.owned_keys.contains(key) => {
                    sets.push(Edit::Remove { path: format!("{row_path}.{key}") });
                    changed = true;
                }
                _ => {}
            }
        }
        if changed {
            written.updated.push(name);
        } else {
            written.unchanged.push(name);
        }
    }
    let mut removals = Vec::new();
    for (position, row) in existing.iter().enumerate().rev() {
        let name = name_of(row);
        if !seen.contains(&name) {
            removals.push(Edit::Remove { path: format!("{list_key}[{position}]") });
            written.removed.insert(0, name);
        }
    }
    let mut edits = appends;
    edits.extend(sets);
    edits.extend(removals);
    (edits, written)
}

/// `row_edits` for a contract's `input` or `output`.
pub fn field_edits(existing: &[Field], part: Part, fields: &[Field], merge: FieldMerge) -> (Vec<Edit>, FieldsWritten) {
    let existing: Vec<Value> = existing.iter().map(row_value).collect();
    let rows: Vec<Value> = fields.iter().map(row_value).collect();
    row_edits(&existing, part.key(), &rows, FIELD_KEYS, merge)
}

/// The contract a document holds, or an error naming the file.
pub fn contract_of(document: &Document) -> Result<&crate::document::model::Contract, InteropError> {
    match &document.typed {
        Some(Typed::Contract(contract)) => Ok(contract),
        _ if document.kind != Some(Kind::Contract) => Err(InteropError::Document {
            rel_path: document.rel_path.clone(),
            message: format!(
                "{} is {}, not a contract",
                document.id,
                document.kind.map_or("not a Seam document", |kind| kind.as_str())
            ),
        }),
        _ => Err(InteropError::Document {
            rel_path: document.rel_path.clone(),
            message: "the contract's front matter has errors; fix them first (`seam lint`)".to_string(),
        }),
    }
}

/// The result of an import into a contract's fields.
#[derive(Debug, Clone)]
pub struct ContractImport {
    pub rel_path: String,
    pub id: String,
    /// True when the import created the document.
    pub created: bool,
    pub inputs: Option<FieldsWritten>,
    pub outputs: Option<FieldsWritten>,
    /// Hash of the file after the import.
    pub hash: String,
    /// What the source held that Seam could not represent.
    pub notes: Vec<String>,
}

/// Writes imported fields into an existing contract (`parts` lists each part to replace with
/// its fields) in one lossless, atomic, compare-before-overwrite save.
pub fn write_contract_fields(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    parts: &[(Part, Vec<Field>)],
    merge: FieldMerge,
) -> Result<ContractImport, InteropError> {
    let document = project.read_document(rel_path)?;
    let contract = contract_of(&document)?;
    let mut edits = Vec::new();
    let mut import = ContractImport {
        rel_path: rel_path.to_string(),
        id: document.id.clone(),
        created: false,
        inputs: None,
        outputs: None,
        hash: document.hash.clone(),
        notes: Vec::new(),
    };
    for (part, fields) in parts {
        let existing = match part {
            Part::Inputs => &contract.input,
            Part::Outputs => &contract.output,
        };
        let (part_edits, written) = field_edits(existing, *part, fields, merge);
        edits.extend(part_edits);
        match part {
            Part::Inputs => import.inputs = Some(written),
            Part::Outputs => import.outputs = Some(written),
        }
    }
    if edits.is_empty() {
        return Ok(import);
    }
    let request = SaveRequest { rel_path: rel_path.to_string(), base_hash: document.hash.clone(), edits, body: None };
    let saved = project::save(project, store, &request)?;
    import.hash = saved.document.hash;
    Ok(import)
}

/// Creates a new contract from the template, titled `title`, and writes the imported fields into
/// it; the template's example rows of each imported part are replaced.
pub fn create_contract(
    project: &Project,
    store: Option<&mut Store>,
    title: &str,
    parts: &[(Part, Vec<Field>)],
    merge: FieldMerge,
) -> Result<ContractImport, InteropError> {
    let rel_path = example::create_document(project, Kind::Contract, title)?;
    let mut import = write_contract_fields(project, store, &rel_path, parts, merge)?;
    import.created = true;
    Ok(import)
}

/// A document's structured data for export, checked to be of `kind`.
pub fn document_of_kind(project: &Project, rel_path: &str, kind: Kind) -> Result<Document, InteropError> {
    let document = project.read_document(rel_path)?;
    if document.kind != Some(kind) {
        return Err(InteropError::Document {
            rel_path: rel_path.to_string(),
            message: format!(
                "{} is {}, not a {}",
                document.id,
                document.kind.map_or("not a Seam document", |kind| kind.as_str()),
                kind.as_str()
            ),
        });
    }
    if document.typed.is_none() {
        return Err(InteropError::Document {
            rel_path: rel_path.to_string(),
            message: "the front matter has errors; fix them first (`seam lint`)".to_string(),
        });
    }
    Ok(document)
}

/// Whole floats as integers (`0.0` → `0`), everywhere in `value`: Seam reads numbers as f64, and
/// exported files should say `maximum: 50`, as people write them.
pub fn tidy_numbers(value: &mut Value) {
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            if let Some(float) = number.as_f64().filter(|float| float.fract() == 0.0 && float.abs() < 1e15) {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy_numbers),
        Value::Object(entries) => entries.values_mut().for_each(tidy_numbers),
        _ => {}
    }
}

/// A JSON value as block-style YAML (what ODCS files and Hugging Face card headers look like):
/// mappings and lists as indented blocks, empty ones and scalars inline, strings plain when that
/// reads back as the same string and double-quoted otherwise. Ends with a newline.
pub fn to_block_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_block(&mut out, value, 0);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Array(items) => !items.is_empty(),
        Value::Object(entries) => !entries.is_empty(),
        _ => false,
    }
}

fn write_block(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(entries) if !entries.is_empty() => {
            for (key, value) in entries {
                out.push_str(&pad);
                out.push_str(&yaml_string(key));
                out.push(':');
                write_child(out, value, indent + 2);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Value::Object(entries) if !entries.is_empty() => {
                        // `- key: value` with the rest of the mapping aligned under the first key.
                        let mut nested = String::new();
                        write_block(&mut nested, item, indent + 2);
                        out.push(' ');
                        out.push_str(&nested[indent + 2..]);
                    }
                    _ => write_child(out, item, indent + 2),
                }
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&yaml_value(scalar));
            out.push('\n');
        }
    }
}

/// A multi-line string as a literal block (`|-`, `|` or `|+` for its trailing newlines), when
/// its text survives one: no carriage returns or tabs, no line starting with a space, no trailing
/// spaces, and not only newlines.
fn literal_block(text: &str, indent: usize) -> Option<String> {
    let content = text.trim_end_matches('\n');
    let trailing = text.len() - content.len();
    let safe = content.contains('\n')
        && !content.contains(['\r', '\t'])
        && content.lines().all(|line| !line.starts_with(' ') && !line.ends_with(' '))
        && content.lines().next().is_some_and(|line| !line.is_empty());
    if !safe {
        return None;
    }
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let pad = " ".repeat(indent);
    let mut block = format!(" |{chomp}\n");
    for line in content.split('\n') {
        if !line.is_empty() {
            block.push_str(&pad);
            block.push_str(line);
        }
        block.push('\n');
    }
    for _ in 1..trailing {
        block.push('\n');
    }
    Some(block)
}

fn write_child(out: &mut String, value: &Value, indent: usize) {
    if is_block(value) {
        out.push('\n');
        write_block(out, value, indent);
    } else if let Some(block) = value.as_str().and_then(|text| literal_block(text, indent)) {
        out.push_str(&block);
    } else {
        out.push(' ');
        out.push_str(&yaml_value(value));
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn row_edits_address_rows_by_position_so_any_name_works() {
        let text = "---\nkind: contract\ntitle: T\ninput:\n  - {name: \"a]b\", type: string}  # odd name\n  - {name: x.y, type: number}\n  - {name: gone, type: number}\n---\n";
        let mut document = crate::document::parse_document("contracts/t.md", text.as_bytes());
        let existing = document.json["input"].as_array().cloned().expect("rows");
        let rows = vec![
            json!({"name": "new", "type": "boolean"}),
            json!({"name": "x.y", "type": "integer", "unit": "ms"}),
            json!({"name": "a]b", "type": "string"}),
        ];
        let merge = FieldMerge { owned_keys: &["type", "unit"] };
        let (edits, written) = row_edits(&existing, "input", &rows, FIELD_KEYS, merge);
        assert_eq!(written.added, vec!["new"]);
        assert_eq!(written.updated, vec!["x.y"]);
        assert_eq!(written.unchanged, vec!["a]b"]);
        assert_eq!(written.removed, vec!["gone"]);
        for edit in &edits {
            let text = crate::document::edit::apply(&document, edit).expect("apply");
            document = crate::document::parse_document("contracts/t.md", text.as_bytes());
        }
        assert_eq!(
            &document.text[..document.body_start],
            "---\nkind: contract\ntitle: T\ninput:\n  - {name: \"a]b\", type: string}  # odd name\n  - {name: x.y, type: integer, unit: ms}\n  - {name: new, type: boolean}\n---\n"
        );
    }

    #[test]
    fn block_yaml_reads_back_as_the_same_value() {
        let value = json!({
            "apiVersion": "v3.1.0",
            "tags": ["a", "needs: quoting", "true", "12"],
            "empty": [], "none": {}, "null": null,
            "schema": [{"name": "t", "properties": [{"name": "x", "logicalTypeOptions": {"minimum": 0, "maximum": 1.5}}]}],
            "multi": "line one\nline two — ünïcode",
            "paragraphs": "first\n\n- item: with colon\n# not a comment\n",
            "kept": "two trailing\n\n",
            "indented": "x\n  indented second line",
            "in_list": ["a\nb"],
            "nested": [[1, 2], {"k": "v"}],
            "number_text": "2024.3", "leading": " space", "hash": "a # b", "dash": "-x",
        });
        let text = to_block_yaml(&value);
        let back = yaml::parse(&text, 0, 1).expect("parses").expect("a value").to_json();
        assert_eq!(back, value, "{text}");
        assert!(text.contains("\n  - name: t\n    properties:\n      - name: x\n"), "{text}");
        assert!(text.contains("multi: |-\n  line one\n  line two — ünïcode\n"), "{text}");
    }
}
