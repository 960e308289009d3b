//! Negotiation (docs/NEGOTIATION.md): the status lifecycle, sign-offs bound to a hash of the
//! content they approved, item states with counter-proposals, the local identity, discussions,
//! and meetings (agenda, decisions, packet). Every write of a document goes through
//! `project::save` (lossless in-place edits, compare before overwrite).

pub mod discussion;
pub mod hash;
pub mod identity;
pub mod items;
pub mod lifecycle;
pub mod meeting;
pub mod packet;
pub mod signoff;

use crate::document::edit::Edit;
use crate::document::Document;
use crate::project::{self, Project, ProjectError, SaveRequest, Saved};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum NegotiationError {
    /// The operation is not allowed in the document's present state; nothing was written.
    /// `code` is stable (docs/NEGOTIATION.md) so a front end can branch on it.
    #[error("{rel_path}: {message} (nothing was written)")]
    Refused { rel_path: String, code: &'static str, message: String },
    /// No identity could be found, or the settings file is unusable.
    #[error("{0}")]
    Identity(String),
    /// The PDF renderer is missing or failed.
    #[error("{0}")]
    Renderer(String),
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Metrics(#[from] crate::metrics::MetricsError),
}

impl NegotiationError {
    pub(crate) fn refused(rel_path: &str, code: &'static str, message: impl Into<String>) -> NegotiationError {
        NegotiationError::Refused { rel_path: rel_path.to_string(), code, message: message.into() }
    }
}

/// Who does something and when: the name recorded, the UTC time (`2026-11-20T10:00:00Z`) and an
/// optional reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub at: String,
    pub reason: Option<String>,
}

/// Now in UTC as `YYYY-MM-DDTHH:MM:SSZ`, the form every `at` of this module takes.
pub fn now_utc() -> String {
    crate::metrics::date::now_stamps().0
}

/// Applies `edits` to `document` in one save based on its hash.
pub(crate) fn save_edits(
    project: &Project,
    store: Option<&mut Store>,
    document: &Document,
    edits: Vec<Edit>,
) -> Result<Saved, NegotiationError> {
    let request =
        SaveRequest { rel_path: document.rel_path.clone(), base_hash: document.hash.clone(), edits, body: None };
    Ok(project::save(project, store, &request)?)
}

/// A value as one line of YAML for a flow collection: plain text when it reads back as the same
/// text, else double-quoted (JSON string syntax is valid YAML).
pub(crate) fn yaml_inline(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => yaml_text(text),
        serde_json::Value::Array(items) => {
            format!("[{}]", items.iter().map(yaml_inline).collect::<Vec<_>>().join(", "))
        }
        serde_json::Value::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(key, value)| format!("{}: {}", yaml_text(key), yaml_inline(value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// A string as a YAML scalar that reads back as exactly that string.
pub(crate) fn yaml_text(text: &str) -> String {
    let plain_safe = !text.is_empty()
        && text.trim() == text
        && text.chars().next().is_some_and(char::is_alphanumeric)
        && text.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/' | '@' | '+'))
        && crate::document::yaml::resolve_plain_scalar(text) == serde_json::Value::String(text.to_string());
    if plain_safe {
        text.to_string()
    } else {
        serde_json::Value::String(text.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_yaml_reads_back_as_the_same_value() {
        let value = serde_json::json!({
            "name": "Tomás Herrera", "at": "2026-11-20T10:00:00Z", "n": 0.8, "flag": "true",
            "list": [1, "a, b"], "quote": "say \"hi\": now", "empty": "", "date": "2026-11-18",
        });
        let text = yaml_inline(&value);
        let node = crate::document::yaml::parse(&text, 0, 1).expect("parses").expect("a node");
        assert_eq!(node.to_json(), value, "{text}");
        assert!(text.starts_with("{name: Tomás Herrera, at: \"2026-11-20T10:00:00Z\""), "{text}");
    }
}
