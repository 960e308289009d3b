//! ODCS 3.1 (Open Data Contract Standard) data contracts: a dataset note or a contract exported
//! as an ODCS document, and ODCS documents imported into a dataset note or a contract. The
//! mapping, and what does not survive it, is in docs/INTEROP.md.

use serde_json::{json, Map, Value};

use super::{pointer_segment, row_value, InteropError, ParsedInput};
use crate::document::edit::{Edit, NewValue};
use crate::document::model::{Column, Contract, Dataset, Field, Status};
use crate::document::{Document, Kind};
use crate::project::{self, Project, SaveRequest};
use crate::store::Store;

pub const API_VERSION: &str = "v3.1.0";

/// Keys of a dataset column that imports write, in Seam's usual order.
pub const COLUMN_KEYS: &[&str] =
    &["type", "unit", "range", "enum", "nullable", "unique", "pattern", "label", "description"];

/// Keys ODCS describes completely (everything it maps; `max_null_fraction` and `state` stay).
pub const OWNED_KEYS: &[&str] =
    &["type", "unit", "range", "enum", "nullable", "unique", "pattern", "label", "description", "source"];

fn status_to_odcs(status: Option<&Status>) -> &'static str {
    match status {
        Some(Status::Draft) | None => "draft",
        Some(Status::Proposed) => "proposed",
        Some(Status::Agreed) => "active",
        Some(Status::Superseded) => "deprecated",
        Some(Status::Retired) => "retired",
    }
}

fn status_from_odcs(status: &str) -> &'static str {
    match status {
        "proposed" => "proposed",
        "active" | "approved" | "agreed" => "agreed",
        "deprecated" | "superseded" => "superseded",
        "retired" => "retired",
        _ => "draft",
    }
}

fn custom(property: &str, value: Value) -> Value {
    json!({"property": property, "value": value})
}

/// The ODCS logical type of a Seam type, and whether Seam's type needs `seamType` to come back.
fn logical_type(seam_type: &str) -> (&'static str, bool) {
    match seam_type {
        "string" => ("string", false),
        "integer" => ("integer", false),
        "number" => ("number", false),
        "boolean" => ("boolean", false),
        "timestamp" => ("timestamp", false),
        "date" => ("date", false),
        "array" => ("array", false),
        "object" => ("object", false),
        _ => ("string", true),
    }
}

/// One ODCS property from a Seam row (a dataset column or a contract field, as JSON).
fn property(row: &Value, pii_fields: &[String]) -> Value {
    let text = |key: &str| row.get(key).and_then(Value::as_str);
    let name = text("name").unwrap_or_default();
    let seam_type = text("type").unwrap_or("string");
    let (logical, mark) = logical_type(seam_type);
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("logicalType".into(), json!(logical));
    if let Some(description) = text("description") {
        out.insert("description".into(), json!(description));
    }
    if let Some(nullable) = row.get("nullable").and_then(Value::as_bool) {
        out.insert("required".into(), json!(!nullable));
    }
    if let Some(unique) = row.get("unique").and_then(Value::as_bool) {
        out.insert("unique".into(), json!(unique));
    }
    let mut options = Map::new();
    if matches!(logical, "integer" | "number") {
        if let Some(range) = row.get("range").and_then(Value::as_array) {
            if let Some(min) = range.first().filter(|value| value.is_number()) {
                options.insert("minimum".into(), min.clone());
            }
            if let Some(max) = range.get(1).filter(|value| value.is_number()) {
                options.insert("maximum".into(), max.clone());
            }
        }
    }
    if logical == "string" {
        if let Some(pattern) = text("pattern") {
            options.insert("pattern".into(), json!(pattern));
        }
    }
    if !options.is_empty() {
        out.insert("logicalTypeOptions".into(), Value::Object(options));
    }
    if pii_fields.iter().any(|field| field == name) {
        out.insert("classification".into(), json!("pii"));
    }
    let mut customs = Vec::new();
    if mark {
        customs.push(custom("seamType", json!(seam_type)));
    }
    if let Some(values) = row.get("enum") {
        customs.push(custom("enum", values.clone()));
    }
    if let Some(unit) = text("unit") {
        customs.push(custom("unit", json!(unit)));
    }
    if row.get("label").and_then(Value::as_bool) == Some(true) {
        customs.push(custom("label", json!(true)));
    }
    if let Some(source) = text("source") {
        customs.push(custom("source", json!(source)));
    }
    // A range ODCS cannot state on this logical type travels as a custom property.
    if !matches!(logical, "integer" | "number") {
        if let Some(range) = row.get("range") {
            customs.push(custom("range", range.clone()));
        }
    }
    if !customs.is_empty() {
        out.insert("customProperties".into(), Value::Array(customs));
    }
    Value::Object(out)
}

fn schema_object(name: &str, physical_type: &str, description: Option<&str>, properties: Vec<Value>) -> Value {
    let mut object =
        json!({"name": name, "logicalType": "object", "physicalType": physical_type, "properties": properties});
    if let Some(description) = description {
        object["description"] = json!(description);
    }
    object
}

fn head(document: &Document) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("apiVersion".into(), json!(API_VERSION));
    out.insert("kind".into(), json!("DataContract"));
    out.insert("id".into(), json!(document.id));
    out.insert("name".into(), json!(document.title()));
    out.insert("version".into(), json!(document.version().unwrap_or_else(|| "0.0.0".to_string())));
    let status = document.json.get("status").and_then(|status| serde_json::from_value::<Status>(status.clone()).ok());
    out.insert("status".into(), json!(status_to_odcs(status.as_ref())));
    let tags = document.tags();
    if !tags.is_empty() {
        out.insert("tags".into(), json!(tags));
    }
    out
}

/// The first paragraph of a datasheet section, when answered.
fn section_text(body: &str, key: &str) -> Option<String> {
    let list = crate::datasheet::checklist(body);
    let state = list.sections.iter().find(|state| state.section.key == key)?;
    if state.answer != crate::datasheet::Answer::Answered {
        return None;
    }
    let text = state.text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A dataset note as an ODCS 3.1 data contract.
pub fn export_dataset(document: &Document, dataset: &Dataset) -> Value {
    let mut out = head(document);
    let body = document.body();
    let mut description = Map::new();
    if let Some(purpose) = section_text(body, "motivation") {
        description.insert("purpose".into(), json!(purpose));
    }
    if let Some(usage) = section_text(body, "uses") {
        description.insert("usage".into(), json!(usage));
    }
    let mut limitations: Vec<String> =
        dataset.quality.iter().flat_map(|quality| quality.known_issues.clone()).collect();
    limitations.extend(dataset.biases.iter().cloned());
    if !limitations.is_empty() {
        description.insert(
            "limitations".into(),
            json!(limitations.iter().map(|item| format!("- {item}")).collect::<Vec<_>>().join("\n")),
        );
    }
    if !description.is_empty() {
        out.insert("description".into(), Value::Object(description));
    }
    let pii: Vec<String> = dataset.privacy.iter().flat_map(|privacy| privacy.fields.clone()).collect();
    let properties = dataset.schema.iter().map(|column| property(&row_value(column), &pii)).collect();
    out.insert("schema".into(), json!([schema_object(&document.id, "table", Some(&document.title()), properties)]));
    if let Some(owner) = &dataset.owner {
        let mut members: Vec<Value> = Vec::new();
        let mut member = json!({"username": owner.contact.clone().unwrap_or_else(|| owner.name.clone()), "name": owner.name, "role": "owner"});
        if owner.contact.is_none() {
            member.as_object_mut().map(|object| object.remove("name"));
        }
        members.push(member);
        for person in &dataset.common.owners {
            let mut member = json!({"username": person.name, "name": person.name});
            if let Some(role) = &person.role {
                member["role"] = json!(role);
            }
            members.push(member);
        }
        out.insert("team".into(), json!({"name": owner.name, "members": members}));
        if let Some(contact) = &owner.contact {
            let url = if contact.contains('@') && !contact.contains(':') {
                format!("mailto:{contact}")
            } else {
                contact.clone()
            };
            out.insert("support".into(), json!([{"channel": "owner", "url": url, "tool": if url.starts_with("mailto:") { "email" } else { "other" }}]));
        }
    }
    if let Some(access) = &dataset.access {
        let roles: Vec<Value> = access
            .granted_to
            .iter()
            .map(|team| {
                let mut role = json!({"role": team, "access": "read"});
                if let Some(approval) = &access.approval {
                    role["firstLevelApprovers"] = json!(approval);
                }
                if let Some(policy) = &access.policy {
                    role["description"] = json!(format!("access policy: {policy}"));
                }
                role
            })
            .collect();
        if !roles.is_empty() {
            out.insert("roles".into(), Value::Array(roles));
        }
    }
    let mut sla = Vec::new();
    if let Some(refresh) = dataset.drift.as_ref().and_then(|drift| drift.refresh.clone()) {
        sla.push(json!({"property": "frequency", "value": refresh, "description": "how often the data is refreshed"}));
    }
    if let Some(days) = dataset.privacy.as_ref().and_then(|privacy| privacy.retention_days) {
        sla.push(json!({"property": "retention", "value": days, "unit": "d"}));
    }
    if !sla.is_empty() {
        out.insert("slaProperties".into(), Value::Array(sla));
    }
    let mut customs = vec![custom("seamKind", json!("dataset"))];
    if let Some(license) = &dataset.license {
        customs.push(custom("license", json!(license)));
    }
    if let Some(basis) = dataset.privacy.as_ref().and_then(|privacy| privacy.legal_basis.clone()) {
        customs.push(custom("legalBasis", json!(basis)));
    }
    out.insert("customProperties".into(), Value::Array(customs));
    let mut value = Value::Object(out);
    super::tidy_numbers(&mut value);
    value
}

/// A contract as an ODCS 3.1 data contract: its inputs and outputs are two schema objects.
pub fn export_contract(document: &Document, contract: &Contract) -> Value {
    let mut out = head(document);
    let properties = |fields: &[Field]| fields.iter().map(|field| property(&row_value(field), &[])).collect::<Vec<_>>();
    out.insert(
        "schema".into(),
        json!([
            schema_object("input", "request", Some("what the consumer sends"), properties(&contract.input)),
            schema_object("output", "response", Some("what the model returns"), properties(&contract.output)),
        ]),
    );
    if let Some(provider) = &contract.provider {
        let mut team = json!({"name": provider.team.clone().unwrap_or_else(|| provider.component.clone())});
        let members: Vec<Value> =
            document.owners().iter().map(|name| json!({"username": name, "name": name})).collect();
        if !members.is_empty() {
            team["members"] = Value::Array(members);
        }
        out.insert("team".into(), team);
    }
    let roles: Vec<Value> = contract
        .consumers
        .iter()
        .map(|consumer| {
            json!({"role": consumer.team.clone().unwrap_or_else(|| consumer.component.clone()), "access": "read",
                   "description": format!("consumer: {}", consumer.component)})
        })
        .collect();
    if !roles.is_empty() {
        out.insert("roles".into(), Value::Array(roles));
    }
    if let Some(sla) = &contract.sla {
        let mut properties = Vec::new();
        if let Some(latency) = sla.latency_p95_ms {
            properties
                .push(json!({"property": "latency", "value": latency, "unit": "ms", "description": "95th percentile"}));
        }
        if let Some(throughput) = sla.throughput_rps {
            properties.push(json!({"property": "throughput", "value": throughput, "unit": "rps"}));
        }
        if let Some(availability) = sla.availability {
            properties.push(json!({"property": "generalAvailability", "value": availability, "unit": "%"}));
        }
        if !properties.is_empty() {
            out.insert("slaProperties".into(), Value::Array(properties));
        }
    }
    out.insert("customProperties".into(), json!([custom("seamKind", json!("contract"))]));
    let mut value = Value::Object(out);
    super::tidy_numbers(&mut value);
    value
}

/// One schema object of an ODCS document.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedObject {
    pub name: String,
    /// Rows as JSON objects with Seam's column keys (`name`, `type`, `unit`, `range`, …).
    pub rows: Vec<Value>,
}

/// What an ODCS document yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    /// Seam's status for the ODCS status.
    pub status: Option<&'static str>,
    pub tags: Vec<String>,
    /// `seamKind` when the document came from Seam.
    pub seam_kind: Option<String>,
    pub objects: Vec<ImportedObject>,
    pub owner_name: Option<String>,
    pub owner_contact: Option<String>,
    pub granted_to: Vec<String>,
    pub purpose: Option<String>,
    pub usage: Option<String>,
    pub notes: Vec<String>,
}

fn customs_of(value: &Value) -> Map<String, Value> {
    value
        .get("customProperties")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| Some((item.get("property")?.as_str()?.to_string(), item.get("value")?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads an ODCS document (YAML or JSON).
pub fn import(file: &str, text: &str) -> Result<Imported, InteropError> {
    let input = ParsedInput::parse(file, text)?;
    let root = &input.json;
    if root.get("kind").and_then(Value::as_str) != Some("DataContract") {
        return Err(input.error("/kind", "not an ODCS data contract (`kind: DataContract` missing)"));
    }
    let api_version = root.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let mut notes = Vec::new();
    if !api_version.starts_with("v3.") {
        notes.push(format!("apiVersion {api_version:?}: read as ODCS 3.x"));
    }
    let text_at = |key: &str| root.get(key).and_then(Value::as_str).map(str::to_string);
    let version = match root.get("version") {
        Some(Value::String(version)) => Some(version.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    };
    let customs = customs_of(root);
    let mut objects = Vec::new();
    let schema = root.get("schema").and_then(Value::as_array).cloned().unwrap_or_default();
    for (index, object) in schema.iter().enumerate() {
        let pointer = format!("/schema/{index}");
        let name = object
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| input.error(&pointer, "a schema object without `name`"))?
            .to_string();
        let mut rows = Vec::new();
        let properties = object.get("properties").and_then(Value::as_array).cloned().unwrap_or_default();
        for (property_index, property) in properties.iter().enumerate() {
            let property_pointer = format!("{pointer}/properties/{property_index}");
            rows.push(row_of(&input, property, &property_pointer, &name, &mut notes)?);
        }
        objects.push(ImportedObject { name, rows });
    }
    for key in ["servers", "quality", "price", "authoritativeDefinitions"] {
        if root.get(key).is_some() {
            notes.push(format!(
                "`{key}` is not represented in Seam (line {})",
                input.line(&format!("/{}", pointer_segment(key)))
            ));
        }
    }
    let team = root.get("team");
    let members: Vec<&Value> = match team {
        Some(Value::Object(team)) => {
            team.get("members").and_then(Value::as_array).map(|m| m.iter().collect()).unwrap_or_default()
        }
        Some(Value::Array(members)) => members.iter().collect(),
        _ => Vec::new(),
    };
    let owner_member = members
        .iter()
        .find(|member| {
            member.get("role").and_then(Value::as_str).is_some_and(|role| role.eq_ignore_ascii_case("owner"))
        })
        .or(members.first());
    let owner_name = team
        .and_then(|team| team.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| owner_member.and_then(|member| member.get("name").and_then(Value::as_str)).map(str::to_string));
    let support_mail = root.get("support").and_then(Value::as_array).and_then(|items| {
        items.iter().find_map(|item| item.get("url")?.as_str()?.strip_prefix("mailto:").map(str::to_string))
    });
    let owner_contact = support_mail.or_else(|| {
        owner_member
            .and_then(|member| member.get("username")?.as_str().filter(|name| name.contains('@')).map(str::to_string))
    });
    let granted_to = root
        .get("roles")
        .and_then(Value::as_array)
        .map(|roles| roles.iter().filter_map(|role| role.get("role")?.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let description = root.get("description");
    let description_text = |key: &str| description.and_then(|d| d.get(key)).and_then(Value::as_str).map(str::to_string);
    Ok(Imported {
        id: text_at("id"),
        name: text_at("name"),
        version,
        status: text_at("status").map(|status| status_from_odcs(&status)),
        tags: root
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| tags.iter().filter_map(|tag| tag.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        seam_kind: customs.get("seamKind").and_then(Value::as_str).map(str::to_string),
        objects,
        owner_name,
        owner_contact,
        granted_to,
        purpose: description_text("purpose"),
        usage: description_text("usage"),
        notes,
    })
}

fn seam_type_of(logical: &str, has_enum: bool) -> Option<&'static str> {
    Some(match logical {
        "string" if has_enum => "category",
        "string" => "string",
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "timestamp" | "date" | "time" => "timestamp",
        "array" => "array",
        "object" => "object",
        _ => return None,
    })
}

fn row_of(
    input: &ParsedInput,
    property: &Value,
    pointer: &str,
    object: &str,
    notes: &mut Vec<String>,
) -> Result<Value, InteropError> {
    let name = property
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| input.error(pointer, format!("a property of `{object}` without `name`")))?;
    let customs = customs_of(property);
    let allowed = customs.get("enum").filter(|values| values.is_array()).cloned();
    let field_type = match customs.get("seamType").and_then(Value::as_str) {
        Some(seam_type) => seam_type.to_string(),
        None => {
            let logical = property.get("logicalType").and_then(Value::as_str).unwrap_or("string");
            if property.get("logicalType").is_none() {
                notes.push(format!("{object}.{name}: no logicalType; read as string (line {})", input.line(pointer)));
            }
            seam_type_of(logical, allowed.is_some())
                .ok_or_else(|| {
                    input.error(
                        &format!("{pointer}/logicalType"),
                        format!("{object}.{name}: unknown logicalType `{logical}`"),
                    )
                })?
                .to_string()
        }
    };
    let mut row = Map::new();
    row.insert("name".into(), json!(name));
    row.insert("type".into(), json!(field_type));
    if let Some(unit) = customs.get("unit") {
        row.insert("unit".into(), unit.clone());
    }
    let options = property.get("logicalTypeOptions");
    let bound = |key: &str| options.and_then(|options| options.get(key)).filter(|value| value.is_number()).cloned();
    let (min, max) = (bound("minimum").or(bound("exclusiveMinimum")), bound("maximum").or(bound("exclusiveMaximum")));
    if min.is_some() || max.is_some() {
        row.insert("range".into(), json!([min, max]));
    } else if let Some(range) = customs.get("range") {
        row.insert("range".into(), range.clone());
    }
    if let Some(values) = allowed {
        row.insert("enum".into(), values);
    }
    if let Some(required) = property.get("required").and_then(Value::as_bool) {
        row.insert("nullable".into(), json!(!required));
    }
    if let Some(unique) = property.get("unique").and_then(Value::as_bool) {
        row.insert("unique".into(), json!(unique));
    }
    if let Some(pattern) = options.and_then(|options| options.get("pattern")).and_then(Value::as_str) {
        row.insert("pattern".into(), json!(pattern));
    }
    if customs.get("label").and_then(Value::as_bool) == Some(true) {
        row.insert("label".into(), json!(true));
    }
    if let Some(description) = property.get("description").and_then(Value::as_str) {
        row.insert("description".into(), json!(description));
    }
    if let Some(source) = customs.get("source") {
        row.insert("source".into(), source.clone());
    }
    if property.get("quality").is_some() {
        notes.push(format!("{object}.{name}: quality rules are not represented (line {})", input.line(pointer)));
    }
    if property.get("properties").is_some() || property.get("items").is_some() {
        notes.push(format!(
            "{object}.{name}: nested properties are kept as one {field_type} column (line {})",
            input.line(pointer)
        ));
    }
    Ok(Value::Object(row))
}

/// Rows read as contract fields (dataset-only keys dropped).
pub fn rows_as_fields(rows: &[Value]) -> Vec<Field> {
    rows.iter()
        .filter_map(|row| {
            let mut row = row.clone();
            if let Some(object) = row.as_object_mut() {
                object.retain(|key, _| key == "name" || super::FIELD_KEYS.contains(&key.as_str()));
            }
            serde_json::from_value(row).ok()
        })
        .collect()
}

/// Rows read as dataset columns (`source` dropped: a dataset is the source).
pub fn rows_as_columns(rows: &[Value]) -> Vec<Column> {
    rows.iter()
        .filter_map(|row| {
            let mut row = row.clone();
            if let Some(object) = row.as_object_mut() {
                object.retain(|key, _| key == "name" || COLUMN_KEYS.contains(&key.as_str()));
            }
            serde_json::from_value(row).ok()
        })
        .collect()
}

/// What an ODCS import wrote.
#[derive(Debug, Clone)]
pub struct WrittenImport {
    pub rel_path: String,
    pub id: String,
    pub created: bool,
    /// Per list written (`schema`, `input`, `output`): the rows added, updated, removed, unchanged.
    pub lists: Vec<(String, super::FieldsWritten)>,
    pub hash: String,
    pub notes: Vec<String>,
}

/// Which of the document's lists each imported schema object fills: a dataset's `schema` takes
/// the object named like the note (else the first); a contract's `input` and `output` take the
/// objects of those names (else the first object is the input).
fn lists_for(imported: &Imported, kind: Kind, id: &str, notes: &mut Vec<String>) -> Vec<(&'static str, Vec<Value>)> {
    let named = |name: &str| imported.objects.iter().find(|object| object.name == name);
    match kind {
        Kind::Contract => {
            let input = named("input").or_else(|| imported.objects.first().filter(|_| named("output").is_none()));
            let output = named("output");
            let mut lists = Vec::new();
            if let Some(object) = input {
                lists.push(("input", object.rows.clone()));
            }
            if let Some(object) = output {
                lists.push(("output", object.rows.clone()));
            }
            for object in &imported.objects {
                if !input.is_some_and(|input| std::ptr::eq(input, object))
                    && !output.is_some_and(|output| std::ptr::eq(output, object))
                {
                    notes.push(format!("schema object `{}` is neither `input` nor `output`; left out", object.name));
                }
            }
            lists
        }
        _ => {
            let Some(object) = named(id).or(imported.objects.first()) else { return Vec::new() };
            for other in imported.objects.iter().filter(|other| !std::ptr::eq(*other, object)) {
                notes.push(format!(
                    "schema object `{}` left out: a dataset note holds one table (`{}` was read)",
                    other.name, object.name
                ));
            }
            vec![("schema", object.rows.clone())]
        }
    }
}

/// Writes an ODCS document into a dataset note or contract: the schema rows always (matched by
/// name, edited in place); on a document the import just created, also its header (status,
/// version, tags, owner, access, and the datasheet's motivation and uses). One save.
pub fn write_into(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    imported: &Imported,
    created: bool,
) -> Result<WrittenImport, InteropError> {
    let document = project.read_document(rel_path)?;
    let kind = match document.kind {
        Some(kind @ (Kind::Dataset | Kind::Contract)) if document.typed.is_some() => kind,
        Some(Kind::Dataset | Kind::Contract) => {
            return Err(InteropError::Document {
                rel_path: rel_path.to_string(),
                message: "the front matter has errors; fix them first (`seam lint`)".to_string(),
            })
        }
        other => {
            return Err(InteropError::Document {
                rel_path: rel_path.to_string(),
                message: format!(
                    "{} is {}; ODCS imports into a dataset note or a contract",
                    document.id,
                    other.map_or("not a Seam document", Kind::as_str)
                ),
            })
        }
    };
    let mut notes = imported.notes.clone();
    let mut edits = Vec::new();
    let mut lists = Vec::new();
    let merge = super::FieldMerge { owned_keys: OWNED_KEYS };
    for (key, rows) in lists_for(imported, kind, &document.id, &mut notes) {
        let keys = if kind == Kind::Dataset { COLUMN_KEYS } else { super::FIELD_KEYS };
        let rows: Vec<Value> = if kind == Kind::Dataset {
            rows_as_columns(&rows).iter().map(row_value).collect()
        } else {
            rows_as_fields(&rows).iter().map(row_value).collect()
        };
        let existing = document.json.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        let (list_edits, written) = super::row_edits(&existing, key, &rows, keys, merge);
        edits.extend(list_edits);
        lists.push((key.to_string(), written));
    }
    let mut body = None;
    if created {
        let text = |value: &str| NewValue::Text(value.to_string());
        let mut set = |path: &str, value: NewValue| edits.push(Edit::Set { path: path.to_string(), value });
        if let Some(status) = imported.status {
            set("status", NewValue::Yaml(status.to_string()));
        }
        if let Some(version) = &imported.version {
            // Quoted so `2024.3` stays text.
            set("version", NewValue::Yaml(serde_json::to_string(version).unwrap_or_default()));
        }
        if !imported.tags.is_empty() {
            set("tags", NewValue::Yaml(super::yaml_value(&json!(imported.tags))));
        }
        if kind == Kind::Dataset {
            if let Some(name) = &imported.owner_name {
                set("owner.name", text(name));
            }
            if let Some(contact) = &imported.owner_contact {
                set("owner.contact", text(contact));
            }
            if !imported.granted_to.is_empty() {
                set("access.granted_to", NewValue::Yaml(super::yaml_value(&json!(imported.granted_to))));
            }
            let mut new_body = document.body().to_string();
            for (key, answer) in [("motivation", &imported.purpose), ("uses", &imported.usage)] {
                if let Some(answer) = answer {
                    new_body = crate::datasheet::write_answer(&new_body, key, answer).map_err(|error| {
                        InteropError::Document { rel_path: rel_path.to_string(), message: error.to_string() }
                    })?;
                }
            }
            if new_body != document.body() {
                body = Some(new_body);
            }
        }
    }
    let mut hash = document.hash.clone();
    if !edits.is_empty() || body.is_some() {
        let request = SaveRequest { rel_path: rel_path.to_string(), base_hash: document.hash.clone(), edits, body };
        hash = project::save(project, store, &request)?.document.hash;
    }
    Ok(WrittenImport { rel_path: rel_path.to_string(), id: document.id, created, lists, hash, notes })
}

/// Creates a dataset note or contract (from the kind's template) for an ODCS document.
pub fn create(
    project: &Project,
    store: Option<&mut Store>,
    imported: &Imported,
    kind: Kind,
) -> Result<WrittenImport, InteropError> {
    let title =
        imported.name.clone().or_else(|| imported.id.clone()).unwrap_or_else(|| "Imported data contract".to_string());
    let rel_path = crate::example::create_document(project, kind, &title)?;
    write_into(project, store, &rel_path, imported, true)
}
