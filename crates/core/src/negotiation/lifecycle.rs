//! The document status lifecycle as data: which status may follow which, and which step needs
//! the required sign-offs. A document without a status counts as `draft`.

use super::signoff::{self, SignoffReport};
use super::{save_edits, NegotiationError};
use crate::document::edit::{Edit, NewValue};
use crate::document::model::Status;
use crate::project::{Project, Saved};
use crate::store::Store;

/// One allowed step of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
    /// The step is refused unless every role `seam.toml` requires has signed the current content.
    pub needs_signoffs: bool,
    /// What the step means, for help texts and docs/NEGOTIATION.md.
    pub meaning: &'static str,
}

const fn step(from: Status, to: Status, needs_signoffs: bool, meaning: &'static str) -> Transition {
    Transition { from, to, needs_signoffs, meaning }
}

/// Every allowed transition (docs/NEGOTIATION.md has the same table).
pub const TRANSITIONS: [Transition; 10] = [
    step(Status::Draft, Status::Proposed, false, "put forward for review and sign-off"),
    step(Status::Draft, Status::Retired, false, "abandoned before it was proposed"),
    step(Status::Proposed, Status::Draft, false, "taken back for rework"),
    step(Status::Proposed, Status::Agreed, true, "every required role signed the current content"),
    step(Status::Proposed, Status::Retired, false, "dropped without agreement"),
    step(Status::Agreed, Status::Proposed, false, "reopened for renegotiation"),
    step(Status::Agreed, Status::Superseded, false, "replaced by a newer document"),
    step(Status::Agreed, Status::Retired, false, "no longer in force"),
    step(Status::Superseded, Status::Retired, false, "the replaced document is withdrawn too"),
    step(Status::Retired, Status::Draft, false, "revived as a new draft"),
];

const RECORD_DRAFT: Transition = step(Status::Draft, Status::Draft, false, "the implicit draft status written down");

/// The transition from `from` (None: no status, counted as draft) to `to`, if allowed.
pub fn transition(from: Option<Status>, to: Status) -> Option<&'static Transition> {
    let from = from.unwrap_or(Status::Draft);
    TRANSITIONS.iter().find(|transition| transition.from == from && transition.to == to)
}

/// The statuses a document in `from` may move to, in lifecycle order.
pub fn next_statuses(from: Option<Status>) -> Vec<Status> {
    let from = from.unwrap_or(Status::Draft);
    TRANSITIONS.iter().filter(|transition| transition.from == from).map(|transition| transition.to).collect()
}

/// What moving the document to `to` would do: Ok(None) when it already has that status,
/// Ok(Some(transition)) when allowed, or the refusal.
pub fn check_transition(
    rel_path: &str,
    from: Option<Status>,
    to: Status,
    signoffs: &SignoffReport,
) -> Result<Option<&'static Transition>, NegotiationError> {
    if from == Some(to) {
        return Ok(None);
    }
    if from.is_none() && to == Status::Draft {
        // A document without a status already counts as draft; writing it down is no step.
        return Ok(Some(&RECORD_DRAFT));
    }
    let Some(transition) = transition(from, to) else {
        let from_text = from.map_or("draft (no status)", Status::as_str);
        let allowed: Vec<&str> = next_statuses(from).into_iter().map(Status::as_str).collect();
        return Err(NegotiationError::refused(
            rel_path,
            "transition-not-allowed",
            format!(
                "a document that is {from_text} cannot become {}; from {from_text} it can become {}",
                to.as_str(),
                if allowed.is_empty() { "nothing else".to_string() } else { allowed.join(", ") }
            ),
        ));
    };
    if transition.needs_signoffs && !signoffs.missing_roles.is_empty() {
        return Err(NegotiationError::refused(
            rel_path,
            "signoffs-missing",
            format!(
                "it can become {} only when every required role has signed its current content; missing: {} (sign with `seam signoff`)",
                to.as_str(),
                signoffs.missing_roles.join(", ")
            ),
        ));
    }
    Ok(Some(transition))
}

/// Moves the document at `rel_path` to status `to`, writing the value in place. Refused when the
/// lifecycle does not allow the step or a required sign-off is missing or stale.
pub fn set_status(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    to: Status,
) -> Result<Saved, NegotiationError> {
    let document = project.read_document(rel_path)?;
    if document.read_only || document.kind.is_none() {
        return Err(NegotiationError::refused(
            rel_path,
            "not-editable",
            "the file is not a readable document; fix the errors `seam lint` reports first",
        ));
    }
    let from = document.status().as_deref().and_then(Status::parse);
    if document.status().is_some() && from.is_none() {
        return Err(NegotiationError::refused(
            rel_path,
            "transition-not-allowed",
            format!(
                "its status \"{}\" is not a status; set one with `seam set`",
                document.status().unwrap_or_default()
            ),
        ));
    }
    let report = signoff::signoff_report(&project.config, &document);
    if check_transition(rel_path, from, to, &report)?.is_none() {
        return Ok(Saved { document, merged_with_disk: false });
    }
    save_edits(
        project,
        store,
        &document,
        vec![Edit::Set { path: "status".to_string(), value: NewValue::Yaml(to.as_str().to_string()) }],
    )
}
