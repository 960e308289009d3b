//! Hugging Face model cards and dataset cards (a README.md with YAML front matter). A model card
//! maps to a requirement sheet (its `model-index` results are the measured rows), a dataset card
//! to a dataset note (`dataset_info.features` is the schema; body sections are the datasheet's).
//! The mapping, and what does not survive it, is in docs/INTEROP.md.

use serde_json::{json, Map, Value};

use super::{to_block_yaml, yaml_value, InteropError, ParsedInput};
use crate::datasheet;
use crate::document::edit::{Edit, NewValue};
use crate::document::model::{Bound, Column, Dataset, RequirementSheet};
use crate::document::{split_front_matter, Document, Kind};
use crate::example::id_from_title;
use crate::project::{self, Project, SaveRequest};
use crate::store::Store;

/// Dataset card headings for each datasheet section (the first is written on export; all are
/// recognised on import, compared without case).
const SECTION_HEADINGS: [(&str, &[&str]); 7] = [
    ("motivation", &["Curation Rationale", "Motivation", "Dataset Summary"]),
    ("composition", &["Dataset Structure", "Composition", "Data Fields", "Data Instances", "Data Splits"]),
    (
        "collection",
        &["Data Collection and Processing", "Collection", "Source Data", "Initial Data Collection and Normalization"],
    ),
    ("preprocessing", &["Annotations", "Preprocessing", "Annotation process", "Preprocessing, cleaning and labelling"]),
    ("uses", &["Uses", "Direct Use", "Out-of-Scope Use", "Considerations for Using the Data"]),
    ("distribution", &["Distribution", "Licensing Information", "Dataset Sources"]),
    ("maintenance", &["Maintenance", "Dataset Card Contact", "Dataset Curators"]),
];

/// Metrics where less is better: their rows are `<=`.
const LOWER_IS_BETTER: [&str; 12] =
    ["loss", "error", "wer", "cer", "mae", "mse", "rmse", "perplexity", "latency", "ece", "brier", "log_loss"];

/// A card: its metadata (front matter as JSON) and its Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub metadata: Value,
    pub body: String,
}

impl Card {
    /// The card file: `---`, the metadata as YAML, `---`, the body.
    pub fn to_text(&self) -> String {
        format!("---\n{}---\n\n{}", to_block_yaml(&self.metadata), self.body.trim_start())
    }
}

/// Reads a card: front matter (optional, as on the Hub) and body.
pub fn parse_card(file: &str, text: &str) -> Result<Card, InteropError> {
    match split_front_matter(text) {
        Ok(Some((span, body_start))) => {
            let yaml = &text[span.yaml_start..span.yaml_end];
            let metadata = if yaml.trim().is_empty() {
                json!({})
            } else {
                // Lines in errors count from the file's first line.
                let padded = format!("{}{yaml}", "\n".repeat(span.first_line - 1));
                ParsedInput::parse(file, &padded)?.json
            };
            if !metadata.is_object() {
                return Err(InteropError::input(
                    file,
                    Some(span.first_line),
                    "the card's front matter must be a mapping",
                ));
            }
            Ok(Card { metadata, body: text[body_start..].to_string() })
        }
        Ok(None) => Ok(Card { metadata: json!({}), body: text.to_string() }),
        Err((line, message)) => Err(InteropError::input(file, Some(line), message)),
    }
}

// ------------------------------------------------------------------ export

fn number(value: f64) -> Value {
    let mut value = json!(value);
    super::tidy_numbers(&mut value);
    value
}

fn bound_text(bound: &Option<Bound>) -> String {
    match bound {
        None => String::new(),
        Some(bound) => serde_json::to_value(bound).map(|value| yaml_value(&value)).unwrap_or_default(),
    }
}

/// A requirement sheet as a model card: `model-index` holds each measured row (one result per
/// source and slice), the body is the sheet's body plus a table of every row.
pub fn export_model_card(document: &Document, sheet: &RequirementSheet) -> Card {
    let model_name = sheet.component.clone().unwrap_or_else(|| document.id.clone());
    let mut results: Vec<Value> = Vec::new();
    for row in &sheet.requirements {
        let Some(measured) = &row.measured else { continue };
        let source = measured.source.clone().unwrap_or_else(|| "evaluation".to_string());
        let mut dataset = Map::new();
        dataset.insert("name".into(), json!(source));
        dataset.insert("type".into(), json!(source));
        if let Some(slice) = row.slice.as_deref().filter(|slice| !matches!(*slice, "all" | "overall")) {
            dataset.insert("config".into(), json!(slice));
        }
        let dataset = Value::Object(dataset);
        let metric = json!({"type": row.metric, "value": number(measured.value), "name": row.id});
        match results.iter_mut().find(|result| result["dataset"] == dataset) {
            Some(result) => {
                result["metrics"].as_array_mut().into_iter().for_each(|metrics| metrics.push(metric.clone()))
            }
            None => results.push(json!({"task": {"type": "other"}, "dataset": dataset, "metrics": [metric]})),
        }
    }
    let mut metadata = Map::new();
    let tags = document.tags();
    if !tags.is_empty() {
        metadata.insert("tags".into(), json!(tags));
    }
    if !results.is_empty() {
        metadata.insert("model-index".into(), json!([{"name": model_name, "results": results}]));
    }
    let mut body = format!("# {}\n\n", document.title());
    let own_body = document.body().trim();
    if !own_body.is_empty() {
        body.push_str(own_body);
        body.push_str("\n\n");
    }
    body.push_str("## Requirements\n\n| id | quality | metric | op | target | threshold | unit | slice | measured |\n|---|---|---|---|---|---|---|---|---|\n");
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    for row in &sheet.requirements {
        let quality = row
            .quality
            .as_ref()
            .and_then(|quality| serde_json::to_value(quality).ok())
            .and_then(|value| value.as_str().map(str::to_string));
        let op = row
            .op
            .as_ref()
            .and_then(|op| serde_json::to_value(op).ok())
            .and_then(|value| value.as_str().map(str::to_string));
        let measured = row.measured.as_ref().map(|measured| {
            format!(
                "{}{}",
                yaml_value(&number(measured.value)),
                measured.at.as_deref().map(|at| format!(" ({at})")).unwrap_or_default()
            )
        });
        body.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&row.id),
            cell(quality.as_deref().unwrap_or("")),
            cell(&row.metric),
            cell(op.as_deref().unwrap_or("")),
            cell(&bound_text(&row.target)),
            cell(&bound_text(&row.threshold)),
            cell(row.unit.as_deref().unwrap_or("")),
            cell(row.slice.as_deref().unwrap_or("")),
            cell(measured.as_deref().unwrap_or("")),
        ));
    }
    Card { metadata: Value::Object(metadata), body }
}

/// The Hugging Face `datasets` dtype of a column.
fn feature_dtype(column: &Column) -> Value {
    match column.column_type.as_str() {
        "integer" => json!("int64"),
        "number" => json!("float64"),
        "boolean" => json!("bool"),
        "timestamp" => json!("timestamp[s]"),
        "category" => match &column.allowed {
            Some(values) => {
                let names: Map<String, Value> = values
                    .iter()
                    .enumerate()
                    .map(|(index, value)| {
                        (index.to_string(), json!(value.as_str().map_or_else(|| value.to_string(), str::to_string)))
                    })
                    .collect();
                json!({"class_label": {"names": names}})
            }
            None => json!("string"),
        },
        _ => json!("string"),
    }
}

/// A dataset note as a dataset card: `pretty_name`, `license`, `tags`, `dataset_info.features`,
/// and the datasheet's sections under the dataset card template's headings.
pub fn export_dataset_card(document: &Document, dataset: &Dataset) -> Card {
    let mut metadata = Map::new();
    metadata.insert("pretty_name".into(), json!(document.title()));
    if let Some(license) = &dataset.license {
        metadata.insert("license".into(), json!(license));
    }
    let tags = document.tags();
    if !tags.is_empty() {
        metadata.insert("tags".into(), json!(tags));
    }
    if !dataset.schema.is_empty() {
        let features: Vec<Value> =
            dataset.schema.iter().map(|column| json!({"name": column.name, "dtype": feature_dtype(column)})).collect();
        metadata.insert("dataset_info".into(), json!({"features": features}));
    }
    let list = datasheet::checklist(document.body());
    let mut body = format!("# {}\n\n", document.title());
    for (state, (_, headings)) in list.sections.iter().zip(SECTION_HEADINGS) {
        let text = state.text.trim();
        if text.is_empty() {
            continue;
        }
        body.push_str(&format!("## {}\n\n{text}\n\n", headings[0]));
    }
    if let Some(owner) = &dataset.owner {
        body.push_str(&format!(
            "## Dataset Card Contact\n\n{}{}\n",
            owner.name,
            owner.contact.as_deref().map(|contact| format!(" ({contact})")).unwrap_or_default()
        ));
    }
    Card { metadata: Value::Object(metadata), body }
}

// ------------------------------------------------------------------ import

/// One heading of a card body and the text below it up to the next heading.
#[derive(Debug, Clone, PartialEq)]
pub struct BodySection {
    pub title: String,
    pub text: String,
}

/// The body's sections, heading by heading (headings inside fenced code do not count); text
/// before the first heading has an empty title.
pub fn body_sections(body: &str) -> Vec<BodySection> {
    let mut sections = vec![BodySection { title: String::new(), text: String::new() }];
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if let Some(title) = heading_title(line) {
            sections.push(BodySection { title, text: String::new() });
            continue;
        }
        if let Some(section) = sections.last_mut() {
            section.text.push_str(line);
            section.text.push('\n');
        }
    }
    for section in &mut sections {
        section.text = section.text.trim().to_string();
    }
    sections
}

fn heading_title(line: &str) -> Option<String> {
    let hashes = line.bytes().take_while(|byte| *byte == b'#').count();
    if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
        return None;
    }
    Some(line[hashes..].trim().trim_end_matches('#').trim().to_string())
}

/// The datasheet section a dataset card heading answers.
fn datasheet_key(title: &str) -> Option<&'static str> {
    let title = title.to_lowercase();
    SECTION_HEADINGS
        .iter()
        .find(|(_, headings)| headings.iter().any(|heading| heading.to_lowercase() == title))
        .map(|(key, _)| *key)
}

/// A text that is a comment-free placeholder of the Hub's card template (`[More Information Needed]`).
fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text == "[More Information Needed]" || (text.starts_with("<!--") && text.ends_with("-->"))
}

/// What a card yields for a new document.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub kind: Kind,
    pub title: String,
    /// Edits to the template (header fields and rows).
    pub edits: Vec<Edit>,
    /// The list whose template rows the appended rows replace (`requirements`, `schema`).
    pub replaces: Option<&'static str>,
    /// The new document's body, built from the card's sections.
    pub body: Body,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The card's body as it is (model cards).
    Whole(String),
    /// Datasheet answers by section key, then other sections appended under their headings.
    Datasheet { answers: Vec<(&'static str, String)>, extra: Vec<BodySection> },
}

fn title_of(card: &Card, keys: &[&str], fallback: &str) -> String {
    keys.iter()
        .find_map(|key| card.metadata.get(*key).and_then(Value::as_str).map(str::to_string))
        .or_else(|| body_sections(&card.body).into_iter().nth(1).map(|section| section.title))
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| fallback.to_string())
}

fn tags_of(card: &Card, keys: &[&str]) -> Vec<String> {
    let mut tags = Vec::new();
    for key in keys {
        let values = match card.metadata.get(*key) {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many.iter().filter_map(|value| value.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        };
        for value in values {
            if !tags.contains(&value) {
                tags.push(value);
            }
        }
    }
    tags
}

fn noted_keys(card: &Card, handled: &[&str], notes: &mut Vec<String>) {
    if let Some(metadata) = card.metadata.as_object() {
        let lost: Vec<&str> = metadata.keys().map(String::as_str).filter(|key| !handled.contains(key)).collect();
        if !lost.is_empty() {
            notes.push(format!("card metadata not represented: {}", lost.join(", ")));
        }
    }
}

/// A model card as a requirement sheet: one measured row per `model-index` metric.
pub fn import_model_card(file: &str, text: &str, today: &str) -> Result<Imported, InteropError> {
    let card = parse_card(file, text)?;
    let model_index = card.metadata.get("model-index").and_then(Value::as_array).cloned().unwrap_or_default();
    let model_name =
        model_index.first().and_then(|entry| entry.get("name")).and_then(Value::as_str).map(str::to_string);
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md").to_string();
    let title = model_name.clone().unwrap_or_else(|| title_of(&card, &["model_name"], &stem));
    let mut notes = Vec::new();
    let mut edits = Vec::new();
    let mut rows = Vec::new();
    let mut used_ids: Vec<String> = Vec::new();
    for entry in &model_index {
        for result in entry.get("results").and_then(Value::as_array).into_iter().flatten() {
            let dataset = result.get("dataset");
            let dataset_text = |key: &str| dataset.and_then(|d| d.get(key)).and_then(Value::as_str);
            let source = dataset_text("name").or(dataset_text("type")).unwrap_or("model card").to_string();
            let slice = dataset_text("config").filter(|config| config.contains('=')).map(str::to_string);
            for metric in result.get("metrics").and_then(Value::as_array).into_iter().flatten() {
                let Some(metric_type) = metric.get("type").and_then(Value::as_str) else {
                    notes.push("a model-index metric without `type` was left out".to_string());
                    continue;
                };
                let Some(value) = metric.get("value").and_then(Value::as_f64) else {
                    notes.push(format!("model-index metric {metric_type}: a value that is not a number was left out"));
                    continue;
                };
                let base = metric
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|name| id_from_title(name, "") == *name)
                    .map(str::to_string)
                    .unwrap_or_else(|| {
                        let split = dataset_text("split").map(|split| format!("-{split}")).unwrap_or_default();
                        id_from_title(&format!("{metric_type}{split}"), "metric")
                    });
                let id = (1..)
                    .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
                    .find(|id| !used_ids.contains(id))
                    .unwrap_or(base);
                used_ids.push(id.clone());
                let lower = LOWER_IS_BETTER.iter().any(|name| metric_type.to_lowercase().contains(name));
                let quality = if metric_type.to_lowercase().contains("latency") { "latency" } else { "accuracy" };
                let mut row = Map::new();
                row.insert("id".into(), json!(id));
                row.insert("quality".into(), json!(quality));
                row.insert("metric".into(), json!(metric_type));
                row.insert("op".into(), json!(if lower { "<=" } else { ">=" }));
                if let Some(slice) = &slice {
                    row.insert("slice".into(), json!(slice));
                }
                row.insert("state".into(), json!("proposed"));
                row.insert("measured".into(), json!({"value": number(value), "at": today, "source": source}));
                rows.push(Value::Object(row));
            }
        }
    }
    if rows.is_empty() {
        notes.push("the card has no model-index results; the sheet keeps the template's example row".to_string());
    } else {
        for row in &rows {
            edits.push(Edit::Append { path: "requirements".to_string(), value: NewValue::Yaml(yaml_value(row)) });
        }
        notes.push("targets and thresholds are not in a model card: set them on each row".to_string());
    }
    edits.push(Edit::Set {
        path: "component".to_string(),
        value: NewValue::Text(id_from_title(&model_name.unwrap_or_else(|| title.clone()), "model")),
    });
    let tags = tags_of(&card, &["tags", "pipeline_tag", "library_name"]);
    if !tags.is_empty() {
        edits.push(Edit::Set { path: "tags".to_string(), value: NewValue::Yaml(yaml_value(&json!(tags))) });
    }
    noted_keys(&card, &["model-index", "tags", "pipeline_tag", "library_name", "model_name"], &mut notes);
    let replaces = (!rows.is_empty()).then_some("requirements");
    Ok(Imported { kind: Kind::Requirements, title, edits, replaces, body: Body::Whole(card.body.clone()), notes })
}

/// Seam's type for a `datasets` feature dtype.
fn column_of_feature(feature: &Value) -> Option<Value> {
    let name = feature.get("name")?.as_str()?;
    let dtype = feature.get("dtype");
    let mut row = Map::new();
    row.insert("name".into(), json!(name));
    match dtype {
        Some(Value::String(dtype)) => {
            let seam_type = if dtype.starts_with("int") || dtype.starts_with("uint") {
                "integer"
            } else if dtype.starts_with("float") || dtype.starts_with("decimal") {
                "number"
            } else if dtype == "bool" {
                "boolean"
            } else if dtype.starts_with("timestamp") || dtype.starts_with("date") {
                "timestamp"
            } else {
                "string"
            };
            row.insert("type".into(), json!(seam_type));
        }
        Some(Value::Object(object)) if object.contains_key("class_label") => {
            row.insert("type".into(), json!("category"));
            if let Some(names) = object["class_label"].get("names") {
                let values: Vec<Value> = match names {
                    Value::Object(map) => {
                        let mut pairs: Vec<(usize, Value)> =
                            map.iter().map(|(key, value)| (key.parse().unwrap_or(usize::MAX), value.clone())).collect();
                        pairs.sort_by_key(|(index, _)| *index);
                        pairs.into_iter().map(|(_, value)| value).collect()
                    }
                    Value::Array(list) => list.clone(),
                    _ => Vec::new(),
                };
                row.insert("enum".into(), Value::Array(values));
            }
        }
        _ => {
            row.insert("type".into(), json!("object"));
            row.insert(
                "description".into(),
                json!(format!("nested feature {}", dtype.map(Value::to_string).unwrap_or_default())),
            );
        }
    }
    Some(Value::Object(row))
}

/// A dataset card as a dataset note: `dataset_info.features` become the schema, the body's
/// sections the datasheet's answers (others are kept under their headings).
pub fn import_dataset_card(file: &str, text: &str) -> Result<Imported, InteropError> {
    let card = parse_card(file, text)?;
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md").to_string();
    let title = title_of(&card, &["pretty_name"], &stem);
    let mut notes = Vec::new();
    let mut edits = Vec::new();
    let info = match card.metadata.get("dataset_info") {
        Some(Value::Array(configs)) => {
            if configs.len() > 1 {
                notes.push(format!("dataset_info lists {} configurations; the first is read", configs.len()));
            }
            configs.first().cloned()
        }
        other => other.cloned(),
    };
    let features =
        info.as_ref().and_then(|info| info.get("features")).and_then(Value::as_array).cloned().unwrap_or_default();
    let columns: Vec<Value> = features.iter().filter_map(column_of_feature).collect();
    if columns.is_empty() {
        notes.push("the card has no dataset_info.features; the note keeps the template's example column".to_string());
    } else {
        for column in &columns {
            edits.push(Edit::Append { path: "schema".to_string(), value: NewValue::Yaml(yaml_value(column)) });
        }
    }
    if let Some(license) = card.metadata.get("license").and_then(|license| match license {
        Value::String(one) => Some(one.clone()),
        Value::Array(many) => many.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    }) {
        edits.push(Edit::Set { path: "license".to_string(), value: NewValue::Text(license) });
    }
    let tags = tags_of(&card, &["tags", "task_categories"]);
    if !tags.is_empty() {
        edits.push(Edit::Set { path: "tags".to_string(), value: NewValue::Yaml(yaml_value(&json!(tags))) });
    }
    let mut answers: Vec<(&'static str, String)> = Vec::new();
    let mut extra = Vec::new();
    for section in body_sections(&card.body) {
        if is_placeholder(&section.text) || section.title == title {
            continue;
        }
        match datasheet_key(&section.title) {
            Some(key) => match answers.iter_mut().find(|(existing, _)| *existing == key) {
                Some((_, text)) => {
                    text.push_str(&format!("\n\n**{}.** {}", section.title, section.text));
                }
                None => answers.push((key, section.text)),
            },
            None if section.title.is_empty() => answers.push(("motivation", section.text)),
            None => extra.push(section),
        }
    }
    noted_keys(&card, &["pretty_name", "license", "tags", "task_categories", "dataset_info"], &mut notes);
    let replaces = (!columns.is_empty()).then_some("schema");
    Ok(Imported { kind: Kind::Dataset, title, edits, replaces, body: Body::Datasheet { answers, extra }, notes })
}

/// What a card import wrote.
#[derive(Debug, Clone)]
pub struct Created {
    pub rel_path: String,
    pub id: String,
    pub hash: String,
    pub notes: Vec<String>,
}

/// Creates the document a card import describes: the kind's template, then the edits and the
/// body in one save.
pub fn create(project: &Project, store: Option<&mut Store>, imported: &Imported) -> Result<Created, InteropError> {
    let rel_path = crate::example::create_document(project, imported.kind, &imported.title)?;
    let document = project.read_document(&rel_path)?;
    let body = match &imported.body {
        Body::Whole(text) => text.clone(),
        Body::Datasheet { answers, extra } => {
            let mut body = document.body().to_string();
            for (key, answer) in answers {
                body = datasheet::write_answer(&body, key, answer).map_err(|error| InteropError::Document {
                    rel_path: rel_path.clone(),
                    message: error.to_string(),
                })?;
            }
            for section in extra {
                if !body.ends_with("\n\n") {
                    body.push('\n');
                }
                body.push_str(&format!("## {}\n\n{}\n", section.title, section.text));
            }
            body
        }
    };
    let mut edits = imported.edits.clone();
    if let Some(list) = imported.replaces {
        // The template's example rows go after the imported ones are appended (highest first).
        let template_rows = document.json.get(list).and_then(Value::as_array).map_or(0, Vec::len);
        edits.extend((0..template_rows).rev().map(|index| Edit::Remove { path: format!("{list}[{index}]") }));
    }
    let request = SaveRequest { rel_path: rel_path.clone(), base_hash: document.hash.clone(), edits, body: Some(body) };
    let saved = project::save(project, store, &request)?;
    Ok(Created { rel_path, id: saved.document.id.clone(), hash: saved.document.hash, notes: imported.notes.clone() })
}
