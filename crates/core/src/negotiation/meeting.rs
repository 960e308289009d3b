//! Meetings: creating one from the template, the agenda built from what is open in the project
//! (disputed items, counter-proposals, proposed documents, stale sign-offs, unresolved threads,
//! failing checks) with the changes since the last meeting, and recording a decision — which
//! sets the item's state (or the document's status) and adds a row to the meeting's `decisions`.

use serde_json::Value;

use super::discussion::{self, Thread};
use super::items::{self, ItemRef};
use super::signoff::signoff_report;
use super::{lifecycle, save_edits, yaml_inline, Actor, NegotiationError};
use crate::document::edit::{Edit, NewValue};
use crate::document::model::{ItemState, Status};
use crate::document::{Document, Kind, Severity};
use crate::history::{self, FieldChange};
use crate::metrics::date::parse_day;
use crate::project::{Project, Saved};
use crate::store::Store;

/// Someone at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attendee {
    pub name: String,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub attendees: Vec<Attendee>,
    /// Who runs the meeting (the `owners` entry); None keeps the list empty.
    pub owner: Option<Attendee>,
}

fn person_yaml(person: &Attendee) -> Value {
    match &person.role {
        Some(role) => serde_json::json!({"name": person.name, "role": role}),
        None => serde_json::json!({"name": person.name}),
    }
}

/// Creates `meetings/<id>.md` from the meeting template (id from the title, never replacing a
/// file) and fills in date, attendees and owner. Returns its path.
pub fn create_meeting(
    project: &Project,
    store: Option<&mut Store>,
    meeting: &NewMeeting,
) -> Result<String, NegotiationError> {
    if parse_day(&meeting.date).is_none() || meeting.date.len() != 10 {
        return Err(NegotiationError::refused(
            "meetings/",
            "bad-date",
            format!("\"{}\" is not a date of the form 2026-11-24", meeting.date),
        ));
    }
    let rel_path = crate::example::create_document(project, Kind::Meeting, &meeting.title)?;
    let document = project.read_document(&rel_path)?;
    let attendees = Value::Array(meeting.attendees.iter().map(person_yaml).collect());
    let owners = Value::Array(meeting.owner.iter().map(person_yaml).collect());
    let edits = vec![
        Edit::Set { path: "date".to_string(), value: NewValue::Yaml(meeting.date.clone()) },
        Edit::Set { path: "owners".to_string(), value: NewValue::Yaml(yaml_inline(&owners)) },
        Edit::Set { path: "attendees".to_string(), value: NewValue::Yaml(yaml_inline(&attendees)) },
    ];
    save_edits(project, store, &document, edits)?;
    Ok(rel_path)
}

/// Why something is on the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgendaKind {
    DisputedItem,
    CounterProposal,
    ProposedDocument,
    StaleSignoff,
    UnresolvedThread,
    FailingCheck,
}

impl AgendaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AgendaKind::DisputedItem => "disputed-item",
            AgendaKind::CounterProposal => "counter-proposal",
            AgendaKind::ProposedDocument => "proposed-document",
            AgendaKind::StaleSignoff => "stale-signoff",
            AgendaKind::UnresolvedThread => "unresolved-thread",
            AgendaKind::FailingCheck => "failing-check",
        }
    }

    /// A heading for the agenda section.
    pub fn heading(self) -> &'static str {
        match self {
            AgendaKind::DisputedItem => "Disputed items",
            AgendaKind::CounterProposal => "Open counter-proposals",
            AgendaKind::ProposedDocument => "Documents waiting for agreement",
            AgendaKind::StaleSignoff => "Stale sign-offs",
            AgendaKind::UnresolvedThread => "Unresolved discussions",
            AgendaKind::FailingCheck => "Failing checks",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgendaEntry {
    pub kind: AgendaKind,
    pub document: String,
    pub title: String,
    pub rel_path: String,
    pub item: Option<String>,
    /// One line saying what is open.
    pub summary: String,
}

/// What changed in one document since the last meeting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocumentChanges {
    pub document: String,
    pub title: String,
    pub rel_path: String,
    /// The version compared against (`sha256:…` or `git:…`) and when it was seen or committed.
    pub from_rev: String,
    pub from_at_ms: i64,
    /// False when no kept version is older than `since`: the changes are counted from the
    /// oldest version Seam has, which is newer than the last meeting.
    pub complete: bool,
    pub fields: Vec<FieldChange>,
    pub body_changed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Agenda {
    /// The newest meeting dated before `today`, if any.
    pub last_meeting: Option<String>,
    /// Changes are counted from this day (`--since`, else the last meeting's date).
    pub since: Option<String>,
    pub entries: Vec<AgendaEntry>,
    pub changes: Vec<DocumentChanges>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaOptions {
    /// `YYYY-MM-DD`: count changes from this day instead of the last meeting's date.
    pub since: Option<String>,
    /// `YYYY-MM-DD`: meetings before this day count as earlier meetings; failing checks are judged on it.
    pub today: String,
}

fn meeting_date(document: &Document) -> Option<String> {
    document.json.get("date").and_then(Value::as_str).filter(|date| parse_day(date).is_some()).map(str::to_string)
}

/// The newest meeting dated before `today`: (id, date).
pub fn last_meeting(documents: &[Document], today: &str) -> Option<(String, String)> {
    let today = parse_day(today)?;
    documents
        .iter()
        .filter(|document| document.kind == Some(Kind::Meeting))
        .filter_map(|document| meeting_date(document).map(|date| (document.id.clone(), date)))
        .filter(|(_, date)| parse_day(date).is_some_and(|day| day < today))
        .max_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)))
}

/// Builds the agenda from the project as it is now.
pub fn agenda(project: &Project, store: &mut Store, options: &AgendaOptions) -> Result<Agenda, NegotiationError> {
    let today = parse_day(&options.today).ok_or_else(|| {
        NegotiationError::refused(
            "meetings/",
            "bad-date",
            format!("\"{}\" is not a date of the form 2026-11-24", options.today),
        )
    })?;
    if let Some(since) = &options.since {
        if parse_day(since).is_none() {
            return Err(NegotiationError::refused(
                "meetings/",
                "bad-date",
                format!("\"{since}\" is not a date of the form 2026-11-24"),
            ));
        }
    }
    crate::project::index(project, store)?;
    let mut documents = project.read_all();
    documents.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let last = last_meeting(&documents, &options.today);
    let since = options.since.clone().or_else(|| last.as_ref().map(|(_, date)| date.clone()));
    let mut entries = Vec::new();
    let title_of = |id: &str| documents.iter().find(|document| document.id == id).map(Document::title);
    for document in documents.iter().filter(|document| document.kind.is_some() && document.kind != Some(Kind::Meeting))
    {
        let entry = |kind, item: Option<String>, summary: String| AgendaEntry {
            kind,
            document: document.id.clone(),
            title: document.title(),
            rel_path: document.rel_path.clone(),
            item,
            summary,
        };
        let status = document.status();
        if matches!(status.as_deref(), Some("superseded" | "retired")) {
            continue;
        }
        for item in items::items(document) {
            let reason = item.state_reason.as_deref().map(|reason| format!(": {reason}")).unwrap_or_default();
            if item.state == Some(ItemState::Disputed) {
                let by = item.state_by.as_deref().map(|by| format!(" (by {by})")).unwrap_or_default();
                entries.push(entry(
                    AgendaKind::DisputedItem,
                    Some(item.item.id.clone()),
                    format!("{} is disputed{by}{reason}", item.item.id),
                ));
            }
            if let Some(proposal) = &item.proposal {
                let values: Vec<String> = proposal
                    .values
                    .iter()
                    .map(|value| {
                        format!(
                            "{} {} → {}",
                            value.field,
                            value.current.as_ref().map_or_else(|| "(none)".to_string(), Value::to_string),
                            value.proposed
                        )
                    })
                    .collect();
                entries.push(entry(
                    AgendaKind::CounterProposal,
                    Some(item.item.id.clone()),
                    format!(
                        "{}: {} proposes {}{}",
                        item.item.id,
                        proposal.by.as_deref().unwrap_or("someone"),
                        values.join(", "),
                        proposal.reason.as_deref().map(|reason| format!(" ({reason})")).unwrap_or_default()
                    ),
                ));
            }
        }
        let report = signoff_report(&project.config, document);
        if status.as_deref() == Some("proposed") {
            let waiting = if report.missing_roles.is_empty() {
                "every required role has signed; it can be agreed".to_string()
            } else {
                format!("waiting for sign-off by {}", report.missing_roles.join(", "))
            };
            entries.push(entry(
                AgendaKind::ProposedDocument,
                None,
                format!("{} is proposed: {waiting}", document.title()),
            ));
        }
        for stale in report.stale() {
            entries.push(entry(
                AgendaKind::StaleSignoff,
                None,
                format!("{} ({}) signed on {}; the content changed since", stale.name, stale.role, stale.at),
            ));
        }
    }
    let (threads, _) = discussion::threads(project, store, None)?;
    for thread in threads.iter().filter(|thread| !thread.resolved) {
        entries.push(thread_entry(thread, title_of(&thread.document)));
    }
    for report in crate::metrics::project_reports(project, store, today)? {
        for finding in
            crate::metrics::findings(&report).into_iter().filter(|finding| finding.severity == Severity::Error)
        {
            entries.push(AgendaEntry {
                kind: AgendaKind::FailingCheck,
                document: report.id.clone(),
                title: report.title.clone(),
                rel_path: report.rel_path.clone(),
                item: finding.row.clone(),
                summary: format!("{}: {}", finding.rule.as_str(), finding.message),
            });
        }
    }
    entries.sort_by(|a, b| (a.kind, &a.document, &a.item).cmp(&(b.kind, &b.document, &b.item)));
    let changes = match &since {
        Some(since) => changes_since(project, store, &documents, since)?,
        None => Vec::new(),
    };
    Ok(Agenda { last_meeting: last.map(|(id, _)| id), since, entries, changes })
}

fn thread_entry(thread: &Thread, title: Option<String>) -> AgendaEntry {
    let first = thread.comments[0].text.lines().next().unwrap_or("").to_string();
    let first =
        if first.chars().count() > 120 { format!("{}…", first.chars().take(119).collect::<String>()) } else { first };
    AgendaEntry {
        kind: AgendaKind::UnresolvedThread,
        document: thread.document.clone(),
        title: title.unwrap_or_else(|| thread.document.clone()),
        rel_path: thread.comments[0].rel_path.clone(),
        item: thread.item.clone(),
        summary: format!(
            "{} ({} comment{}; {} waits on {}): {first}",
            thread.comments[0].author,
            thread.comments.len(),
            if thread.comments.len() == 1 { "" } else { "s" },
            thread.last_author,
            if thread.waiting_on.is_empty() { "nobody".to_string() } else { thread.waiting_on.join(", ") }
        ),
    }
}

/// Field diffs of every document (meetings aside) from its newest kept version older than
/// `since` (or its oldest kept version) to the file on disk.
pub fn changes_since(
    project: &Project,
    store: &Store,
    documents: &[Document],
    since: &str,
) -> Result<Vec<DocumentChanges>, NegotiationError> {
    let since_ms = parse_day(since).map_or(0, |day| day * 86_400_000);
    let mut changes = Vec::new();
    for document in documents.iter().filter(|document| document.kind.is_some() && document.kind != Some(Kind::Meeting))
    {
        let versions = history::versions(project, store, &document.rel_path)?;
        let older = versions.iter().find(|version| version.at_ms < since_ms);
        let (baseline, complete) = match older {
            Some(version) => (version, true),
            None => match versions.last() {
                Some(version) => (version, false),
                None => continue,
            },
        };
        let Ok(old) = history::content(project, store, &document.rel_path, &baseline.rev) else { continue };
        if old == document.text {
            continue;
        }
        let diff = history::diff(&document.rel_path, &old, &document.text);
        if diff.fields.is_empty() && !diff.body_changed {
            continue;
        }
        changes.push(DocumentChanges {
            document: document.id.clone(),
            title: document.title(),
            rel_path: document.rel_path.clone(),
            from_rev: baseline.rev.clone(),
            from_at_ms: baseline.at_ms,
            complete,
            fields: diff.fields,
            body_changed: diff.body_changed,
        });
    }
    Ok(changes)
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    /// The document's id.
    pub document: String,
    pub item: Option<String>,
    pub decision: String,
    /// With `item`: an item state (proposed, agreed, disputed); without: a document status.
    pub state: Option<String>,
    pub by: String,
    pub at: String,
}

/// Records a decision: first sets the item's state (or the document's status) — refused like any
/// such change — then appends `{document, item, decision, by, state}` to the meeting's
/// `decisions`. Returns the meeting as saved.
pub fn decide(
    project: &Project,
    store: &mut Store,
    meeting_rel_path: &str,
    input: &DecisionInput,
) -> Result<Saved, NegotiationError> {
    let meeting = project.read_document(meeting_rel_path)?;
    if meeting.kind != Some(Kind::Meeting) || meeting.read_only {
        return Err(NegotiationError::refused(
            meeting_rel_path,
            "not-a-meeting",
            "decisions are recorded in a meeting file (kind: meeting)",
        ));
    }
    if input.decision.trim().is_empty() {
        return Err(NegotiationError::refused(
            meeting_rel_path,
            "empty-decision",
            "a decision needs its text (--decision)",
        ));
    }
    let rows = store.document_by_id(&input.document)?;
    let Some(row) = rows.first() else {
        return Err(crate::project::ProjectError::NotFound { what: format!("with id \"{}\"", input.document) }.into());
    };
    let target_path = row.rel_path.clone();
    let target = project.read_document(&target_path)?;
    let item: Option<ItemRef> = match &input.item {
        Some(item) => Some(items::find_item(&target, item)?),
        None => None,
    };
    let actor = Actor {
        name: input.by.clone(),
        at: input.at.clone(),
        reason: Some(format!("{} ({})", input.decision.trim(), meeting.id)),
    };
    match (&input.state, &item) {
        (Some(state), Some(item)) => {
            let state = ItemState::parse(state).ok_or_else(|| {
                NegotiationError::refused(
                    &target_path,
                    "bad-state",
                    format!("\"{state}\" is not an item state: use proposed, agreed or disputed"),
                )
            })?;
            items::set_item_state(project, Some(store), &target_path, &item.id, state, &actor)?;
        }
        (Some(status), None) => {
            let status = Status::parse(status).ok_or_else(|| {
                NegotiationError::refused(
                    &target_path,
                    "bad-state",
                    format!(
                        "\"{status}\" is not a document status: use {} (or give --item for an item state)",
                        Status::ALL.join(", ")
                    ),
                )
            })?;
            lifecycle::set_status(project, Some(store), &target_path, status)?;
        }
        (None, _) => {}
    }
    let mut row = serde_json::Map::new();
    row.insert("document".to_string(), Value::from(target.id.clone()));
    if let Some(item) = &item {
        row.insert("item".to_string(), Value::from(item.id.clone()));
    }
    row.insert("decision".to_string(), Value::from(input.decision.trim()));
    row.insert("by".to_string(), Value::from(input.by.clone()));
    if let Some(state) = &input.state {
        row.insert("state".to_string(), Value::from(state.clone()));
    }
    let meeting = project.read_document(meeting_rel_path)?;
    save_edits(
        project,
        Some(store),
        &meeting,
        vec![Edit::Append { path: "decisions".to_string(), value: NewValue::Yaml(yaml_inline(&Value::Object(row))) }],
    )
}
