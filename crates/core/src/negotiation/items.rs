//! Item states: requirement rows, contract fields (`input`, `output`), SLA entries and dataset
//! schema columns each carry a state (proposed, agreed, disputed) with who set it, when and why,
//! and at most one counter-proposal. The agreed values stay in the item's own fields; the
//! counter-proposal sits beside them in `proposed` until it is accepted (its values move in) or
//! rejected. SLA entries keep their state in `sla_states.<key>`, beside the `sla` mapping.

use serde_json::Value;

use super::{save_edits, yaml_inline, yaml_text, Actor, NegotiationError};
use crate::document::edit::{self, Edit, NewValue};
use crate::document::model::ItemState;
use crate::document::{parse_document, Document, Kind, Severity};
use crate::project::{Project, ProjectError, Saved};
use crate::store::Store;

/// Which list or mapping an item lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Requirement,
    Input,
    Output,
    Sla,
    Column,
}

/// Where one item is: its id as the CLI and meeting files name it, and the paths (docs/PATHS.md)
/// of its state record and of its values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemRef {
    /// Requirement row id, field or column name, or `sla.<key>`.
    pub id: String,
    pub kind: ItemKind,
    /// Path of the mapping that holds `state`, `state_by`, … and `proposed`.
    pub state_path: String,
    /// Path of the item's values: the row itself, or `sla` for SLA entries (whose one value is
    /// `sla.<key>`, proposed as `value`).
    pub value_path: String,
}

impl ItemRef {
    fn field_path(&self, field: &str) -> String {
        match self.kind {
            ItemKind::Sla => self.value_path.clone(),
            _ => format!("{}.{field}", self.value_path),
        }
    }
}

/// A counter-proposal as the app shows it: each proposed value next to the agreed one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProposalView {
    pub by: Option<String>,
    pub at: Option<String>,
    pub reason: Option<String>,
    pub values: Vec<ProposedValue>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProposedValue {
    pub field: String,
    /// The agreed value (None when the field is not set).
    pub current: Option<Value>,
    pub proposed: Value,
}

/// One negotiable item of a document and its state.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemStatus {
    #[serde(flatten)]
    pub item: ItemRef,
    pub state: Option<ItemState>,
    pub state_by: Option<String>,
    pub state_at: Option<String>,
    pub state_reason: Option<String>,
    pub proposal: Option<ProposalView>,
    pub line: Option<usize>,
}

fn selector_value(text: &str) -> bool {
    !text.is_empty() && !text.contains(['[', ']'])
}

/// Every negotiable item of `document`, in file order.
pub fn items(document: &Document) -> Vec<ItemStatus> {
    let refs = item_refs(document);
    refs.into_iter()
        .map(|item| {
            let record = json_at(&document.json, &item.state_path).cloned().unwrap_or(Value::Null);
            let values = match item.kind {
                ItemKind::Sla => document.json.get("sla").cloned().unwrap_or(Value::Null),
                _ => record.clone(),
            };
            let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_string);
            let proposal = record.get("proposed").and_then(Value::as_object).map(|proposed| ProposalView {
                by: proposed.get("by").and_then(Value::as_str).map(str::to_string),
                at: proposed.get("at").and_then(Value::as_str).map(str::to_string),
                reason: proposed.get("reason").and_then(Value::as_str).map(str::to_string),
                values: proposed
                    .iter()
                    .filter(|(key, _)| !matches!(key.as_str(), "by" | "at" | "reason"))
                    .map(|(field, value)| ProposedValue {
                        field: field.clone(),
                        current: match item.kind {
                            ItemKind::Sla => values.get(item.id.trim_start_matches("sla.")).cloned(),
                            _ => values.get(field).cloned(),
                        },
                        proposed: value.clone(),
                    })
                    .collect(),
            });
            let line = document.tree.as_ref().map(|tree| tree.deepest_at_pointer(&pointer_of(document, &item)).line);
            ItemStatus {
                state: text("state").as_deref().and_then(ItemState::parse),
                state_by: text("state_by"),
                state_at: text("state_at"),
                state_reason: text("state_reason"),
                proposal,
                line,
                item,
            }
        })
        .collect()
}

fn pointer_of(document: &Document, item: &ItemRef) -> String {
    let list = match item.kind {
        ItemKind::Requirement => "requirements",
        ItemKind::Input => "input",
        ItemKind::Output => "output",
        ItemKind::Column => "schema",
        ItemKind::Sla => return format!("/sla/{}", item.id.trim_start_matches("sla.")),
    };
    let key = if item.kind == ItemKind::Requirement { "id" } else { "name" };
    let index = document
        .json
        .get(list)
        .and_then(Value::as_array)
        .and_then(|rows| rows.iter().position(|row| row.get(key).and_then(Value::as_str) == Some(item.id.as_str())))
        .unwrap_or(0);
    format!("/{list}/{index}")
}

/// The value at a simple path of the forms `items` builds (`list[key=value]`, `a.b`).
fn json_at<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    let segments = edit::parse_path(path).ok()?;
    let mut node = json;
    for segment in segments {
        node = match segment {
            edit::Segment::Key(key) => node.get(&key)?,
            edit::Segment::Index(index) => node.get(index)?,
            edit::Segment::Select { key, value } => {
                node.as_array()?.iter().find(|row| row.get(&key).is_some_and(|found| scalar_text(found) == value))?
            }
        };
    }
    Some(node)
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn item_refs(document: &Document) -> Vec<ItemRef> {
    let json = &document.json;
    let names = |list: &str, key: &str| -> Vec<String> {
        json.get(list)
            .and_then(Value::as_array)
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| row.get(key).map(scalar_text))
                    .filter(|name| selector_value(name))
                    .collect()
            })
            .unwrap_or_default()
    };
    let row = |list: &str, key: &str, kind: ItemKind, name: String| {
        let path = format!("{list}[{key}={name}]");
        ItemRef { id: name, kind, state_path: path.clone(), value_path: path }
    };
    let mut refs = Vec::new();
    match document.kind {
        Some(Kind::Requirements) => {
            refs.extend(
                names("requirements", "id").into_iter().map(|id| row("requirements", "id", ItemKind::Requirement, id)),
            );
        }
        Some(Kind::Contract) => {
            let inputs = names("input", "name");
            let outputs = names("output", "name");
            for name in &inputs {
                let mut item = row("input", "name", ItemKind::Input, name.clone());
                if outputs.contains(name) {
                    item.id = format!("input.{name}");
                }
                refs.push(item);
            }
            for name in &outputs {
                let mut item = row("output", "name", ItemKind::Output, name.clone());
                if inputs.contains(name) {
                    item.id = format!("output.{name}");
                }
                refs.push(item);
            }
            if let Some(sla) = json.get("sla").and_then(Value::as_object) {
                for key in sla.keys().filter(|key| selector_value(key) && !key.contains('.')) {
                    refs.push(ItemRef {
                        id: format!("sla.{key}"),
                        kind: ItemKind::Sla,
                        state_path: format!("sla_states.{key}"),
                        value_path: format!("sla.{key}"),
                    });
                }
            }
        }
        Some(Kind::Dataset) => {
            refs.extend(names("schema", "name").into_iter().map(|name| row("schema", "name", ItemKind::Column, name)));
        }
        Some(Kind::Meeting) | None => {}
    }
    refs
}

/// Finds the item `item` names in `document`: a requirement row id, a contract field name
/// (`input.NAME` / `output.NAME` when both lists have it), `sla.KEY` (or just `KEY`), or a
/// dataset column name.
pub fn find_item(document: &Document, item: &str) -> Result<ItemRef, NegotiationError> {
    let refs = item_refs(document);
    let wanted = item.trim();
    let found: Vec<&ItemRef> = refs
        .iter()
        .filter(|candidate| {
            candidate.id == wanted
                || (candidate.kind == ItemKind::Sla && candidate.id.trim_start_matches("sla.") == wanted)
                || (candidate.kind == ItemKind::Input
                    && format!("input.{}", candidate.id.trim_start_matches("input.")) == wanted)
                || (candidate.kind == ItemKind::Output
                    && format!("output.{}", candidate.id.trim_start_matches("output.")) == wanted)
        })
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let known: Vec<&str> = refs.iter().map(|candidate| candidate.id.as_str()).collect();
            Err(NegotiationError::refused(
                &document.rel_path,
                "unknown-item",
                if known.is_empty() {
                    format!("no item \"{wanted}\": this document has no negotiable items")
                } else {
                    format!("no item \"{wanted}\"; its items are {}", known.join(", "))
                },
            ))
        }
        _ => Err(NegotiationError::refused(
            &document.rel_path,
            "unknown-item",
            format!(
                "\"{wanted}\" names several items: {}",
                found.iter().map(|candidate| candidate.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

fn editable(project: &Project, rel_path: &str) -> Result<Document, NegotiationError> {
    let document = project.read_document(rel_path)?;
    if document.read_only || document.kind.is_none() {
        return Err(NegotiationError::refused(
            rel_path,
            "not-editable",
            "the file is not a readable document; fix the errors `seam lint` reports first",
        ));
    }
    Ok(document)
}

/// The edits that record `state` on `item` by `actor` (the reason is removed when none is given).
fn state_edits(document: &Document, item: &ItemRef, state: ItemState, actor: &Actor) -> Vec<Edit> {
    let set = |key: &str, value: NewValue| Edit::Set { path: format!("{}.{key}", item.state_path), value };
    let mut edits = vec![
        set("state", NewValue::Yaml(state.as_str().to_string())),
        set("state_by", NewValue::Yaml(yaml_text(&actor.name))),
        set("state_at", NewValue::Yaml(yaml_text(&actor.at))),
    ];
    match &actor.reason {
        Some(reason) => edits.push(set("state_reason", NewValue::Yaml(yaml_text(reason)))),
        None => {
            if json_at(&document.json, &item.state_path).and_then(|record| record.get("state_reason")).is_some() {
                edits.push(Edit::Remove { path: format!("{}.state_reason", item.state_path) });
            }
        }
    }
    edits
}

/// Sets the state of one item, recording who, when and why.
pub fn set_item_state(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    item: &str,
    state: ItemState,
    actor: &Actor,
) -> Result<Saved, NegotiationError> {
    let document = editable(project, rel_path)?;
    let item = find_item(&document, item)?;
    let edits = state_edits(&document, &item, state, actor);
    save_edits(project, store, &document, edits)
}

/// Fields a counter-proposal may not carry: the item's key and the negotiation bookkeeping.
const NOT_PROPOSABLE: [&str; 10] =
    ["id", "name", "state", "state_by", "state_at", "state_reason", "proposed", "by", "at", "reason"];

/// Proposes new values for fields of one item (for an SLA entry the one field is `value`). The
/// agreed values stay where they are; the proposal replaces any earlier one and sets the item's
/// state to `proposed`. Each value is YAML text as `seam set` reads it; a value that would not be
/// valid in that field is refused.
pub fn propose(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    item: &str,
    values: &[(String, NewValue)],
    actor: &Actor,
) -> Result<Saved, NegotiationError> {
    let document = editable(project, rel_path)?;
    let item = find_item(&document, item)?;
    if values.is_empty() {
        return Err(NegotiationError::refused(
            rel_path,
            "empty-proposal",
            "a counter-proposal needs at least one value",
        ));
    }
    let mut entries = Vec::new();
    for (field, value) in values {
        if NOT_PROPOSABLE.contains(&field.as_str()) || field.is_empty() || field.contains(['.', '[', ']']) {
            return Err(NegotiationError::refused(
                rel_path,
                "bad-proposal",
                format!("\"{field}\" cannot be proposed; propose one of the item's value fields (e.g. threshold, target, type, range)"),
            ));
        }
        if item.kind == ItemKind::Sla && field != "value" {
            return Err(NegotiationError::refused(
                rel_path,
                "bad-proposal",
                format!("an SLA entry has one value: propose `value`, not \"{field}\""),
            ));
        }
        // The proposed value must be valid where it would go once accepted.
        let trial = edit::set_value(&document, &item.field_path(field), value).map_err(ProjectError::from)?;
        let trial = parse_document(rel_path, trial.as_bytes());
        let introduced = trial.issues.iter().find(|issue| {
            issue.severity == Severity::Error
                && !document.issues.iter().any(|known| known.code == issue.code && known.message == issue.message)
        });
        if let Some(issue) = introduced {
            return Err(NegotiationError::refused(
                rel_path,
                "bad-proposal",
                format!("{field} = {} would make {}", value_yaml(value), issue.message),
            ));
        }
        entries.push(format!("{}: {}", yaml_text(field), value_yaml(value)));
    }
    entries.push(format!("by: {}", yaml_text(&actor.name)));
    entries.push(format!("at: {}", yaml_text(&actor.at)));
    if let Some(reason) = &actor.reason {
        entries.push(format!("reason: {}", yaml_text(reason)));
    }
    let mut edits = vec![Edit::Set {
        path: format!("{}.proposed", item.state_path),
        value: NewValue::Yaml(format!("{{{}}}", entries.join(", "))),
    }];
    edits.extend(state_edits(&document, &item, ItemState::Proposed, actor));
    save_edits(project, store, &document, edits)
}

fn value_yaml(value: &NewValue) -> String {
    match value {
        NewValue::Yaml(text) => text.clone(),
        NewValue::Text(text) => yaml_text(text),
    }
}

/// Accepts the item's counter-proposal: its values move into the item's fields, the proposal is
/// removed and the item becomes `agreed` (by `actor`).
pub fn accept(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    item: &str,
    actor: &Actor,
) -> Result<Saved, NegotiationError> {
    let document = editable(project, rel_path)?;
    let item = find_item(&document, item)?;
    let proposal = open_proposal(&document, &item)?;
    let mut edits: Vec<Edit> = proposal
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "by" | "at" | "reason"))
        .map(|(field, value)| Edit::Set { path: item.field_path(field), value: NewValue::Yaml(yaml_inline(value)) })
        .collect();
    edits.push(Edit::Remove { path: format!("{}.proposed", item.state_path) });
    let mut actor = actor.clone();
    if actor.reason.is_none() {
        let by = proposal.get("by").and_then(Value::as_str).unwrap_or("someone");
        actor.reason = Some(format!("accepted the counter-proposal by {by}"));
    }
    edits.extend(state_edits(&document, &item, ItemState::Agreed, &actor));
    save_edits(project, store, &document, edits)
}

/// Rejects the item's counter-proposal: the proposal is removed, the agreed values stay, and the
/// item is `disputed` (the parties still disagree) until someone sets another state.
pub fn reject(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    item: &str,
    actor: &Actor,
) -> Result<Saved, NegotiationError> {
    let document = editable(project, rel_path)?;
    let item = find_item(&document, item)?;
    let proposal = open_proposal(&document, &item)?;
    let mut actor = actor.clone();
    if actor.reason.is_none() {
        let by = proposal.get("by").and_then(Value::as_str).unwrap_or("someone");
        actor.reason = Some(format!("rejected the counter-proposal by {by}"));
    }
    let mut edits = vec![Edit::Remove { path: format!("{}.proposed", item.state_path) }];
    edits.extend(state_edits(&document, &item, ItemState::Disputed, &actor));
    save_edits(project, store, &document, edits)
}

fn open_proposal(document: &Document, item: &ItemRef) -> Result<serde_json::Map<String, Value>, NegotiationError> {
    json_at(&document.json, &item.state_path)
        .and_then(|record| record.get("proposed"))
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| {
            NegotiationError::refused(
                &document.rel_path,
                "no-proposal",
                format!("item {} has no open counter-proposal", item.id),
            )
        })
}
