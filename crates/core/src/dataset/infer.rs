//! Inferring a dataset note's `schema:` block from a data file: type, nullability, range, an enum
//! for low-cardinality text columns, uniqueness.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::profile::{file_stats, ColumnStats};
use super::{ColumnType, ReadError};

/// Text columns with at most this many distinct values (each seen at least twice on average)
/// are inferred as `category` with an `enum`.
pub const ENUM_LIMIT: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferredColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    pub nullable: bool,
    pub range: Option<[f64; 2]>,
    #[serde(rename = "enum")]
    pub allowed: Option<Vec<String>>,
    /// `true` when every non-empty value is different (and there are at least two).
    pub unique: bool,
    pub nulls: u64,
    /// Distinct non-empty values; `None` above a million (not counted exactly).
    pub distinct: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferredSchema {
    pub data_file: String,
    pub format: String,
    pub rows: u64,
    /// Rows that could not be split into the columns (ragged CSV rows, bad JSON lines); they are
    /// left out of the inference.
    pub malformed_rows: u64,
    pub columns: Vec<InferredColumn>,
    /// The `schema:` block to paste into a dataset note.
    pub schema_yaml: String,
}

fn inferred_column(name: &str, stats: &ColumnStats) -> InferredColumn {
    let column_type = stats.inferred_type();
    let range = (column_type.is_numeric() && stats.numbers > 0).then_some([stats.min, stats.max]);
    let allowed = (column_type == ColumnType::Category).then(|| {
        let mut values: Vec<String> = stats.categories.keys().cloned().collect();
        values.sort();
        values
    });
    let distinct = stats.distinct_count();
    let unique = matches!(column_type, ColumnType::String | ColumnType::Integer | ColumnType::Timestamp)
        && stats.values >= 2
        && distinct == Some(stats.values);
    InferredColumn {
        name: name.to_string(),
        column_type,
        nullable: stats.nulls > 0,
        range,
        allowed,
        unique,
        nulls: stats.nulls,
        distinct,
    }
}

/// Reads the whole file once (streaming, every core) and infers its schema. A read error part-way
/// is an error: an inference from part of a file would be presented as the whole.
pub fn infer(data_path: &Path) -> Result<InferredSchema, ReadError> {
    let stats = file_stats(data_path)?;
    if let Some(error) = stats.read_error {
        return Err(error);
    }
    let columns: Vec<InferredColumn> =
        stats.columns.iter().zip(&stats.stats).map(|(name, column)| inferred_column(name, column)).collect();
    let schema_yaml = schema_yaml(&columns);
    Ok(InferredSchema {
        data_file: stats.data_file,
        format: stats.format,
        rows: stats.rows,
        malformed_rows: stats.malformed,
        columns,
        schema_yaml,
    })
}

/// `schema:` with one flow mapping per column, the form the example notes use.
pub fn schema_yaml(columns: &[InferredColumn]) -> String {
    let mut out = String::from("schema:\n");
    for column in columns {
        let mut parts =
            vec![format!("name: {}", yaml_text(&column.name)), format!("type: {}", column.column_type.as_str())];
        if let Some([low, high]) = column.range {
            parts.push(format!("range: [{}, {}]", number_text(low), number_text(high)));
        }
        if let Some(values) = &column.allowed {
            parts.push(format!(
                "enum: [{}]",
                values.iter().map(|value| yaml_text(value)).collect::<Vec<_>>().join(", ")
            ));
        }
        parts.push(format!("nullable: {}", column.nullable));
        if column.unique {
            parts.push("unique: true".to_string());
        }
        out.push_str(&format!("  - {{{}}}\n", parts.join(", ")));
    }
    out
}

fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

/// A text value as YAML flow text: plain when it reads back as the same text, else double-quoted
/// (JSON string syntax is valid YAML).
pub fn yaml_text(text: &str) -> String {
    let plain_safe = !text.is_empty()
        && text.chars().next().is_some_and(|first| first.is_alphabetic() || first == '_')
        && text.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '/'))
        && !text.ends_with(' ')
        && !matches!(text.to_ascii_lowercase().as_str(), "true" | "false" | "null" | "nan" | "inf")
        && text.parse::<f64>().is_err();
    if plain_safe {
        text.to_string()
    } else {
        serde_json::Value::String(text.to_string()).to_string()
    }
}
