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

/// A stale sign-off with the version it was made on and what changed since (None when no kept
/// version has the content it signed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaleSignoff {
    pub signoff: signoff::SignoffState,
    pub since: Option<signoff::ChangesSinceSignoff>,
}

/// Everything about one document's negotiation, for a document view in one call.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocumentNegotiation {
    pub rel_path: String,
    pub id: String,
    pub status: Option<crate::document::model::Status>,
    /// The statuses the lifecycle allows next.
    pub next_statuses: Vec<crate::document::model::Status>,
    /// `agreed` is among `next_statuses` and every required role has a current sign-off.
    pub can_agree: bool,
    pub signoffs: signoff::SignoffReport,
    pub stale: Vec<StaleSignoff>,
    pub items: Vec<items::ItemStatus>,
    pub threads: Vec<discussion::Thread>,
}

/// The negotiation state of the document at `rel_path`: status and allowed next statuses,
/// sign-offs (stale ones with their signed version and the diff since), item states and
/// discussion threads.
pub fn document_negotiation(
    project: &Project,
    store: &Store,
    rel_path: &str,
) -> Result<DocumentNegotiation, NegotiationError> {
    use crate::document::model::Status;
    let document = project.read_document(rel_path)?;
    let status = document.status().as_deref().and_then(Status::parse);
    let next_statuses = lifecycle::next_statuses(status);
    let signoffs = signoff::signoff_report(&project.config, &document);
    let mut stale = Vec::new();
    for state in signoffs.stale() {
        let since = if hash::is_well_formed(&state.hash) {
            signoff::changes_since(project, store, rel_path, &state.hash)?
        } else {
            None
        };
        stale.push(StaleSignoff { signoff: state.clone(), since });
    }
    let (threads, _) = discussion::threads(project, store, Some(&document.id))?;
    Ok(DocumentNegotiation {
        rel_path: rel_path.to_string(),
        id: document.id.clone(),
        can_agree: next_statuses.contains(&Status::Agreed) && signoffs.missing_roles.is_empty(),
        status,
        next_statuses,
        stale,
        items: items::items(&document),
        threads,
        signoffs,
    })
}
