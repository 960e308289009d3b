//! JSON Schema (draft 2020-12) for a contract's inputs and outputs, both ways. One part is an
//! object schema with one property per field; the whole contract is an object with `input` and
//! `output` properties. The mapping (and what does not survive it) is in docs/INTEROP.md.

use serde_json::{json, Map, Value};

use super::{pointer_segment, InteropError, ParsedInput, Part};
use crate::document::model::{Contract, Field, ItemState};

pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keys a JSON Schema describes completely: an import that lacks one removes it from the row.
pub const OWNED_KEYS: &[&str] = &["type", "unit", "range", "enum", "nullable", "description", "source"];

/// The JSON Schema type (and `format`) of a Seam field type, and whether Seam's type needs
/// `x-seam-type` to come back (it is not what the JSON type reads back as).
fn json_type(seam_type: &str, has_enum: bool) -> (&'static str, Option<&'static str>, bool) {
    match seam_type {
        "number" => ("number", None, false),
        "integer" => ("integer", None, false),
        "boolean" => ("boolean", None, false),
        "timestamp" => ("string", Some("date-time"), false),
        // A string with an enum reads back as a category, so a plain string with one is marked.
        "string" => ("string", None, has_enum),
        "category" => ("string", None, !has_enum),
        "array" => ("array", None, false),
        "object" => ("object", None, false),
        _ => ("string", None, true),
    }
}

/// The schema of one field.
pub fn field_schema(field: &Field) -> Value {
    let (base, format, mark) = json_type(&field.field_type, field.allowed.is_some());
    let nullable = field.nullable == Some(true);
    let mut schema = Map::new();
    schema.insert("type".into(), if nullable { json!([base, "null"]) } else { json!(base) });
    if let Some(format) = format {
        schema.insert("format".into(), json!(format));
    }
    if mark {
        schema.insert("x-seam-type".into(), json!(field.field_type));
    }
    let mut description = field.description.clone();
    if let Some(unit) = &field.unit {
        schema.insert("x-unit".into(), json!(unit));
        description = Some(match description {
            Some(text) => format!("{text} (unit: {unit})"),
            None => format!("(unit: {unit})"),
        });
    }
    if let Some(description) = description {
        schema.insert("description".into(), json!(description));
    }
    if let Some([min, max]) = field.range {
        if let Some(min) = min {
            schema.insert("minimum".into(), json!(min));
        }
        if let Some(max) = max {
            schema.insert("maximum".into(), json!(max));
        }
    }
    if let Some(values) = &field.allowed {
        let mut values = values.clone();
        // With `type: [T, "null"]`, an enum must list null too or null never validates.
        if nullable {
            values.push(Value::Null);
        }
        schema.insert("enum".into(), Value::Array(values));
    }
    if let Some(source) = &field.source {
        schema.insert("x-seam-source".into(), json!(source));
    }
    if let Some(state) = &field.state {
        schema.insert("x-seam-state".into(), serde_json::to_value(state).unwrap_or(Value::Null));
    }
    Value::Object(schema)
}

/// An object schema with one property per field; every field is required (its key is always
/// present), and nullable ones may be null.
pub fn fields_schema(fields: &[Field]) -> Value {
    let properties: Map<String, Value> = fields.iter().map(|field| (field.name.clone(), field_schema(field))).collect();
    let required: Vec<Value> = fields.iter().map(|field| json!(field.name)).collect();
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

/// The schema of a contract's inputs, outputs, or both (an object with `input` and `output`).
pub fn export(id: &str, title: &str, version: Option<&str>, contract: &Contract, part: Option<Part>) -> Value {
    let mut schema = match part {
        Some(Part::Inputs) => fields_schema(&contract.input),
        Some(Part::Outputs) => fields_schema(&contract.output),
        None => json!({
            "type": "object",
            "properties": {"input": fields_schema(&contract.input), "output": fields_schema(&contract.output)},
            "required": ["input", "output"],
        }),
    };
    let suffix = match part {
        Some(Part::Inputs) => " — inputs",
        Some(Part::Outputs) => " — outputs",
        None => "",
    };
    let mut head = Map::new();
    head.insert("$schema".into(), json!(DIALECT));
    head.insert("title".into(), json!(format!("{title}{suffix}")));
    head.insert("x-seam-contract".into(), json!(id));
    if let Some(version) = version {
        head.insert("x-seam-version".into(), json!(version));
    }
    if let Some(body) = schema.as_object_mut() {
        head.append(body);
    }
    let mut value = Value::Object(head);
    super::tidy_numbers(&mut value);
    value
}

/// What a JSON Schema file yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub title: Option<String>,
    pub inputs: Option<Vec<Field>>,
    pub outputs: Option<Vec<Field>>,
    /// What the schema held that a contract field cannot (nested objects, combinators…).
    pub notes: Vec<String>,
}

/// Reads a JSON Schema file. With `part`, the file's root is that part's object schema; without,
/// the root must have `input` and/or `output` object properties (as `export` writes them).
pub fn import(file: &str, text: &str, part: Option<Part>) -> Result<Imported, InteropError> {
    let input = ParsedInput::parse(file, text)?;
    let root = &input.json;
    if !root.is_object() {
        return Err(input.error("", "a JSON Schema must be an object"));
    }
    let title = root.get("title").and_then(Value::as_str).map(str::to_string);
    let mut notes = Vec::new();
    let mut imported = Imported { title, inputs: None, outputs: None, notes: Vec::new() };
    match part {
        Some(part) => {
            let fields = object_fields(&input, root, "", &mut notes)?;
            match part {
                Part::Inputs => imported.inputs = Some(fields),
                Part::Outputs => imported.outputs = Some(fields),
            }
        }
        None => {
            for (key, part) in [("input", Part::Inputs), ("output", Part::Outputs)] {
                let pointer = format!("/properties/{key}");
                if root.pointer(&pointer).is_none() {
                    continue;
                }
                let fields = object_fields(&input, root, &pointer, &mut notes)?;
                match part {
                    Part::Inputs => imported.inputs = Some(fields),
                    Part::Outputs => imported.outputs = Some(fields),
                }
            }
            if imported.inputs.is_none() && imported.outputs.is_none() {
                return Err(input.error(
                    "",
                    "the schema has no `input` or `output` property; give --part inputs|outputs to read its properties as one part",
                ));
            }
        }
    }
    imported.notes = notes;
    Ok(imported)
}

/// Follows a local `$ref` (`#/$defs/x`, `#/definitions/x`), a few levels deep.
fn resolve_ref<'a>(
    input: &ParsedInput,
    root: &'a Value,
    schema: &'a Value,
    pointer: &str,
) -> Result<&'a Value, InteropError> {
    let mut current = schema;
    for _ in 0..8 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else { return Ok(current) };
        let Some(target) = reference.strip_prefix('#') else {
            return Err(input.error(
                pointer,
                format!("`$ref: {reference}` points outside this file; only local references (#/...) are read"),
            ));
        };
        current = root
            .pointer(target)
            .ok_or_else(|| input.error(pointer, format!("`$ref: {reference}` points at nothing in this file")))?;
    }
    Err(input.error(pointer, "`$ref` chain longer than 8 steps (a cycle?)"))
}

/// The fields of the object schema at `pointer`.
fn object_fields(
    input: &ParsedInput,
    root: &Value,
    pointer: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<Field>, InteropError> {
    let schema = root.pointer(pointer).unwrap_or(&Value::Null);
    let schema = resolve_ref(input, root, schema, pointer)?;
    let Some(properties) = schema.get("properties") else {
        return Err(input.error(pointer, "expected an object schema with `properties`"));
    };
    let Some(properties) = properties.as_object() else {
        return Err(input.error(&format!("{pointer}/properties"), "`properties` must be an object"));
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    for (name, property) in properties {
        let property_pointer = format!("{pointer}/properties/{}", pointer_segment(name));
        let property = resolve_ref(input, root, property, &property_pointer)?;
        fields.push(field_of(input, name, property, required.contains(&name.as_str()), &property_pointer, notes)?);
    }
    Ok(fields)
}

/// One property as a contract field.
fn field_of(
    input: &ParsedInput,
    name: &str,
    schema: &Value,
    required: bool,
    pointer: &str,
    notes: &mut Vec<String>,
) -> Result<Field, InteropError> {
    if !schema.is_object() {
        return Err(input.error(pointer, format!("property `{name}`: expected a schema object")));
    }
    for combinator in ["anyOf", "oneOf", "allOf", "not", "if"] {
        if schema.get(combinator).is_some() {
            notes.push(format!(
                "{name}: `{combinator}` is not represented in a contract field (line {})",
                input.line(pointer)
            ));
        }
    }
    let mut types: Vec<&str> = match schema.get("type") {
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        Some(_) => {
            return Err(input.error(
                &format!("{pointer}/type"),
                format!("property `{name}`: `type` must be a string or a list of strings"),
            ))
        }
        None => Vec::new(),
    };
    let has_null = types.contains(&"null");
    types.retain(|kind| *kind != "null");
    let mut allowed: Option<Vec<Value>> = schema.get("enum").and_then(Value::as_array).cloned();
    let enum_has_null = allowed.as_ref().is_some_and(|values| values.contains(&Value::Null));
    if let Some(values) = allowed.as_mut() {
        values.retain(|value| !value.is_null());
    }
    let format = schema.get("format").and_then(Value::as_str);
    let field_type = if let Some(seam_type) = schema.get("x-seam-type").and_then(Value::as_str) {
        seam_type.to_string()
    } else {
        match types.first().copied() {
            Some("integer") => "integer".to_string(),
            Some("number") => "number".to_string(),
            Some("boolean") => "boolean".to_string(),
            Some("string") if matches!(format, Some("date-time" | "date")) => "timestamp".to_string(),
            Some("string") if allowed.is_some() => "category".to_string(),
            Some("string") => "string".to_string(),
            Some(other @ ("array" | "object")) => {
                notes.push(format!(
                    "{name}: a nested {other} is kept as type `{other}` without its inner schema (line {})",
                    input.line(pointer)
                ));
                other.to_string()
            }
            Some(other) => {
                return Err(
                    input.error(&format!("{pointer}/type"), format!("property `{name}`: unknown type `{other}`"))
                )
            }
            None if allowed.is_some() => "category".to_string(),
            None => {
                return Err(
                    input.error(pointer, format!("property `{name}` has no `type`; Seam needs one for every field"))
                )
            }
        }
    };
    if types.len() > 1 {
        notes.push(format!("{name}: several types {types:?}; the first is kept (line {})", input.line(pointer)));
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let minimum = number("minimum").or(number("exclusiveMinimum"));
    let maximum = number("maximum").or(number("exclusiveMaximum"));
    if number("exclusiveMinimum").is_some() || number("exclusiveMaximum").is_some() {
        notes.push(format!(
            "{name}: an exclusive bound is read as an inclusive range end (line {})",
            input.line(pointer)
        ));
    }
    let range = (minimum.is_some() || maximum.is_some()).then_some([minimum, maximum]);
    let unit = schema.get("x-unit").and_then(Value::as_str).map(str::to_string);
    let mut description = schema.get("description").and_then(Value::as_str).map(str::to_string);
    if let (Some(unit), Some(text)) = (&unit, &description) {
        // `export` appends the unit to the description; take it off again.
        let suffix = format!("(unit: {unit})");
        if let Some(stripped) = text.strip_suffix(&suffix) {
            let stripped = stripped.trim_end();
            description = (!stripped.is_empty()).then(|| stripped.to_string());
        }
    }
    let state = schema.get("x-seam-state").and_then(|value| serde_json::from_value::<ItemState>(value.clone()).ok());
    Ok(Field {
        name: name.to_string(),
        field_type,
        unit,
        range,
        allowed,
        nullable: Some(has_null || enum_has_null || !required),
        description,
        source: schema.get("x-seam-source").and_then(Value::as_str).map(str::to_string),
        state,
        state_by: None,
        state_at: None,
        state_reason: None,
        proposed: None,
    })
}
