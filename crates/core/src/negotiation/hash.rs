//! The content a sign-off approves, and its hash. A sign-off stays current while the document's
//! *normalized content* is unchanged; docs/NEGOTIATION.md defines it:
//!
//! - the front matter as JSON (YAML comments, quoting, key order and layout do not count), without
//!   the negotiation bookkeeping: `status`, `signoffs`, `sla_states`, and in the rows of
//!   `requirements`, `input`, `output` and `schema` the keys `state`, `state_by`, `state_at`,
//!   `state_reason` and `proposed`; and `requirements[].measured` (measurements are imported facts,
//!   not agreed terms). Object keys are sorted; numbers are compared as numbers (`0.90` = `0.9`).
//! - the Markdown body with line endings made `\n`, trailing whitespace removed from each line,
//!   and leading and trailing blank lines removed.
//!
//! The hash is `sha256:` + the lowercase hex SHA-256 of `seam-content-1\n` + the compact JSON +
//! `\n` + the body.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::document::Document;

/// Keys removed from the top level of the front matter.
pub const EXCLUDED_TOP_KEYS: [&str; 3] = ["status", "signoffs", "sla_states"];
/// Lists whose rows carry item states, and the keys removed from each of their rows.
pub const ITEM_LISTS: [&str; 4] = ["requirements", "input", "output", "schema"];
pub const EXCLUDED_ITEM_KEYS: [&str; 5] = ["state", "state_by", "state_at", "state_reason", "proposed"];

/// The normalized content of a document (front matter JSON line, then the body).
pub fn normalized_content(document: &Document) -> String {
    let front_matter = normalized_front_matter(&document.json);
    let mut content = String::from("seam-content-1\n");
    content.push_str(&front_matter.to_string());
    content.push('\n');
    content.push_str(&normalized_body(document.body()));
    content
}

/// `sha256:<hex>` of the normalized content.
pub fn content_hash(document: &Document) -> String {
    let digest = Sha256::digest(normalized_content(document).as_bytes());
    let mut hex = String::from("sha256:");
    for byte in digest {
        use std::fmt::Write;
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Whether `text` has the form of a content hash: `sha256:` and 64 lowercase hex digits.
pub fn is_well_formed(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

fn normalized_front_matter(json: &Value) -> Value {
    let mut json = json.clone();
    if let Value::Object(top) = &mut json {
        for key in EXCLUDED_TOP_KEYS {
            top.remove(key);
        }
        for list in ITEM_LISTS {
            if let Some(Value::Array(rows)) = top.get_mut(list) {
                for row in rows.iter_mut() {
                    if let Value::Object(row) = row {
                        for key in EXCLUDED_ITEM_KEYS {
                            row.remove(key);
                        }
                        if list == "requirements" {
                            row.remove("measured");
                        }
                    }
                }
            }
        }
    }
    sorted(json)
}

fn sorted(value: Value) -> Value {
    match value {
        Value::Object(entries) => {
            let mut pairs: Vec<(String, Value)> = entries.into_iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(pairs.into_iter().map(|(key, value)| (key, sorted(value))).collect::<Map<_, _>>())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        Value::Number(number) => match number.as_f64() {
            // 0.90, 0.9 and 9e-1 are one number; integers stay integers.
            Some(float) if !number.is_i64() && !number.is_u64() && float.fract() == 0.0 && float.abs() < 1e15 => {
                Value::from(float as i64)
            }
            _ => Value::Number(number),
        },
        other => other,
    }
}

fn normalized_body(body: &str) -> String {
    let unified = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|line| !line.is_empty());
    let last = lines.iter().rposition(|line| !line.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => {
            let mut text = lines[first..=last].join("\n");
            text.push('\n');
            text
        }
        _ => String::new(),
    }
}
