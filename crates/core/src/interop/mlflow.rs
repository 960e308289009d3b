//! MLflow model signatures: the `signature` of an `MLmodel` file (YAML whose `inputs` and
//! `outputs` are JSON strings) read into a contract's inputs and outputs. Column-based
//! signatures (`[{"type": "double", "name": "amount", "required": true}]`) and tensor-based ones
//! (`[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]`) are read.

use serde_json::Value;

use super::{InteropError, ParsedInput, Part};
use crate::document::model::Field;

/// Keys an MLflow signature describes: the type and whether a value is required. Units, ranges,
/// enums and descriptions of existing rows are kept.
pub const OWNED_KEYS: &[&str] = &["type", "nullable"];

/// What an `MLmodel` file yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub inputs: Option<Vec<Field>>,
    pub outputs: Option<Vec<Field>>,
    /// The model's identity, for the report: `run_id`, `model_uuid`, flavors.
    pub run_id: Option<String>,
    pub model_uuid: Option<String>,
    pub notes: Vec<String>,
}

/// Reads the `signature` of an `MLmodel` file.
pub fn import(file: &str, text: &str) -> Result<Imported, InteropError> {
    let input = ParsedInput::parse(file, text)?;
    let Some(signature) = input.json.get("signature") else {
        return Err(input.error(
            "",
            "no `signature` in this MLmodel; log the model with a signature (mlflow.models.infer_signature)",
        ));
    };
    if !signature.is_object() {
        return Err(input.error("/signature", "`signature` must be a mapping with `inputs` and `outputs`"));
    }
    let text_of = |value: &Value| value.as_str().map(str::to_string);
    let mut imported = Imported {
        inputs: None,
        outputs: None,
        run_id: input.json.get("run_id").and_then(text_of),
        model_uuid: input.json.get("model_uuid").and_then(text_of),
        notes: Vec::new(),
    };
    for (key, part) in [("inputs", Part::Inputs), ("outputs", Part::Outputs)] {
        let pointer = format!("/signature/{key}");
        let specs = match signature.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::String(json)) => serde_json::from_str::<Value>(json)
                .map_err(|error| input.error(&pointer, format!("signature {key}: not valid JSON ({error})")))?,
            // Some writers store the list itself rather than its JSON text.
            Some(list @ Value::Array(_)) => list.clone(),
            Some(_) => return Err(input.error(&pointer, format!("signature {key}: expected a JSON string"))),
        };
        let Value::Array(specs) = specs else {
            return Err(input.error(&pointer, format!("signature {key}: expected a list of column or tensor specs")));
        };
        let mut fields = Vec::new();
        for (index, spec) in specs.iter().enumerate() {
            let field = field_of(spec, part, index, specs.len())
                .map_err(|message| input.error(&pointer, format!("signature {key}[{index}]: {message}")))?;
            if spec.get("name").is_none() {
                imported.notes.push(format!("{key}[{index}] has no name; called `{}`", field.name));
            }
            fields.push(field);
        }
        match part {
            Part::Inputs => imported.inputs = Some(fields),
            Part::Outputs => imported.outputs = Some(fields),
        }
    }
    if signature.get("params").is_some_and(|params| !params.is_null()) {
        imported
            .notes
            .push("the signature's `params` (inference parameters) are not part of a contract's fields".into());
    }
    if imported.inputs.is_none() && imported.outputs.is_none() {
        return Err(input.error("/signature", "the signature has neither `inputs` nor `outputs`"));
    }
    Ok(imported)
}

/// Seam's type for an MLflow column type.
fn column_type(mlflow_type: &str) -> Option<&'static str> {
    Some(match mlflow_type {
        "boolean" => "boolean",
        "integer" | "long" => "integer",
        "float" | "double" => "number",
        "string" | "binary" => "string",
        "datetime" => "timestamp",
        "array" => "array",
        "object" | "map" => "object",
        _ => return None,
    })
}

/// Seam's type for a numpy dtype of a tensor.
fn dtype_type(dtype: &str) -> &'static str {
    if dtype.starts_with("float") {
        "number"
    } else if dtype.starts_with("int") || dtype.starts_with("uint") {
        "integer"
    } else if dtype == "bool" {
        "boolean"
    } else if dtype.starts_with("datetime64") {
        "timestamp"
    } else {
        "string"
    }
}

fn field_of(spec: &Value, part: Part, index: usize, count: usize) -> Result<Field, String> {
    let mlflow_type = spec.get("type").and_then(Value::as_str).ok_or("no `type`")?;
    let name = match spec.get("name").and_then(Value::as_str) {
        Some(name) => name.to_string(),
        None if count == 1 => part.key().to_string(),
        None => format!("{}_{index}", part.key()),
    };
    // MLflow's ColSpec defaults to required.
    let required = spec.get("required").and_then(Value::as_bool).unwrap_or(true);
    let (field_type, description) = if mlflow_type == "tensor" {
        let tensor = spec.get("tensor-spec").ok_or("a tensor without `tensor-spec`")?;
        let dtype = tensor.get("dtype").and_then(Value::as_str).ok_or("a tensor-spec without `dtype`")?;
        let shape = tensor.get("shape").map(|shape| format!(", shape {shape}")).unwrap_or_default();
        (dtype_type(dtype).to_string(), Some(format!("tensor of {dtype}{shape}")))
    } else {
        let seam_type = column_type(mlflow_type).ok_or_else(|| format!("unknown MLflow type `{mlflow_type}`"))?;
        let description = match mlflow_type {
            "binary" => Some("binary (bytes)".to_string()),
            "array" | "object" | "map" => {
                let inner = spec.get("items").or_else(|| spec.get("properties")).or_else(|| spec.get("values"));
                Some(format!("MLflow {mlflow_type}{}", inner.map(|inner| format!(" of {inner}")).unwrap_or_default()))
            }
            _ => None,
        };
        (seam_type.to_string(), description)
    };
    Ok(Field {
        name,
        field_type,
        unit: None,
        range: None,
        allowed: None,
        nullable: Some(!required),
        description,
        source: None,
        state: None,
        state_by: None,
        state_at: None,
        state_reason: None,
        proposed: None,
    })
}

/// Types a signature cannot tell apart from the contract's more precise one: MLflow calls a
/// category a string, so an existing `category` (or a `timestamp` read as text) stays.
fn keep_precise_type(existing: &[Field], fields: &mut [Field]) {
    for field in fields {
        let Some(row) = existing.iter().find(|row| row.name == field.name) else { continue };
        if field.field_type == "string" && matches!(row.field_type.as_str(), "category" | "timestamp") {
            field.field_type = row.field_type.clone();
        }
    }
}

/// Writes a signature into an existing contract (see `super::write_contract_fields`), keeping
/// the contract's `category` and `timestamp` where the signature only says `string`.
pub fn write_into(
    project: &crate::project::Project,
    store: Option<&mut crate::store::Store>,
    rel_path: &str,
    imported: &Imported,
) -> Result<super::ContractImport, InteropError> {
    let document = project.read_document(rel_path)?;
    let contract = super::contract_of(&document)?;
    let mut parts = Vec::new();
    if let Some(inputs) = &imported.inputs {
        let mut fields = inputs.clone();
        keep_precise_type(&contract.input, &mut fields);
        parts.push((Part::Inputs, fields));
    }
    if let Some(outputs) = &imported.outputs {
        let mut fields = outputs.clone();
        keep_precise_type(&contract.output, &mut fields);
        parts.push((Part::Outputs, fields));
    }
    let merge = super::FieldMerge { owned_keys: OWNED_KEYS };
    let mut import = super::write_contract_fields(project, store, rel_path, &parts, merge)?;
    import.notes = imported.notes.clone();
    Ok(import)
}

/// The parts a signature fills, for a new contract.
pub fn parts(imported: &Imported) -> Vec<(Part, Vec<Field>)> {
    let mut parts = Vec::new();
    if let Some(inputs) = &imported.inputs {
        parts.push((Part::Inputs, inputs.clone()));
    }
    if let Some(outputs) = &imported.outputs {
        parts.push((Part::Outputs, outputs.clone()));
    }
    parts
}
