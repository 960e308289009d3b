//! `seam status`, `signoff`, `signoffs`, `item`, `items`, `discuss`, `meeting` and `whoami`: the
//! negotiation commands over `seam_core::negotiation` (docs/NEGOTIATION.md, docs/CLI.md).

use std::path::Path;

use anyhow::{anyhow, Result};
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use seam_core::document::edit::NewValue;
use seam_core::document::model::{ItemState, Status};
use seam_core::negotiation::discussion::{self, NewComment, Thread};
use seam_core::negotiation::identity::{self, Identity};
use seam_core::negotiation::{items, lifecycle, meeting, now_utc, packet, signoff, Actor};
use seam_core::project::{self, Project};
use seam_core::store::Store;

use crate::{print_json, resolve_id};

#[derive(Args)]
pub struct StatusArgs {
    pub id: String,
    /// draft | proposed | agreed | superseded | retired
    pub status: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct SignoffArgs {
    pub id: String,
    /// Your name (default: the local identity: settings file, else `git config user.name`).
    #[arg(long = "as", value_name = "NAME")]
    pub as_name: Option<String>,
    /// The role you sign for (default: the role in the identity settings).
    #[arg(long)]
    pub role: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct SignoffsArgs {
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ItemArgs {
    pub id: String,
    /// A requirement row id, a contract field name (`input.NAME` / `output.NAME` when both have
    /// it), `sla.KEY`, or a dataset column name.
    pub item: String,
    #[command(subcommand)]
    pub action: ItemAction,
}

#[derive(Subcommand)]
pub enum ItemAction {
    /// Set the item's state (proposed, agreed, disputed).
    State {
        state: String,
        #[arg(long = "as", value_name = "NAME")]
        as_name: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Propose a new value for one of the item's fields (`value` for an SLA entry); the agreed
    /// value stays until the proposal is accepted.
    Propose {
        field: String,
        value: String,
        #[arg(long = "as", value_name = "NAME")]
        as_name: Option<String>,
        #[arg(long)]
        reason: String,
        /// Write VALUE as a string even if it reads as YAML.
        #[arg(long)]
        string: bool,
    },
    /// Accept the open counter-proposal: its values move in, the item becomes agreed.
    Accept {
        #[arg(long = "as", value_name = "NAME")]
        as_name: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reject the open counter-proposal: the agreed values stay, the item becomes disputed.
    Reject {
        #[arg(long = "as", value_name = "NAME")]
        as_name: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Args)]
pub struct ItemsArgs {
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct DiscussArgs {
    #[command(subcommand)]
    pub command: Option<DiscussCommand>,
    /// The document to comment on.
    #[arg(required = true)]
    pub id: Option<String>,
    /// The comment (Markdown).
    #[arg(required = true)]
    pub text: Option<String>,
    /// Comment on one item of the document.
    #[arg(long)]
    pub item: Option<String>,
    #[arg(long = "as", value_name = "NAME")]
    pub as_name: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum DiscussCommand {
    /// Reply to a comment (its id from `seam discuss list`).
    Reply {
        comment: String,
        text: String,
        #[arg(long = "as", value_name = "NAME")]
        as_name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Mark the thread of COMMENT resolved.
    Resolve { comment: String },
    /// Reopen the thread of COMMENT.
    Reopen { comment: String },
    /// The threads on a document: comments, resolved or not, who waits on whom.
    List {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

fn open(start: &Path) -> Result<(Project, Store)> {
    let project = Project::discover(start)?;
    let mut store = Store::open_for_project(&project.root)?;
    project::index(&project, &mut store)?;
    Ok((project, store))
}

/// The identity for `--as` (explicit, else the settings file, else git's user.name).
pub fn identity_for(project: &Project, explicit: Option<&str>) -> Result<Identity> {
    let settings = identity::default_settings_file();
    Ok(identity::resolve_identity(explicit, settings.as_deref(), &project.root)?)
}

fn actor(project: &Project, explicit: Option<&str>, reason: Option<&str>) -> Result<Actor> {
    let identity = identity_for(project, explicit)?;
    Ok(Actor { name: identity.name, at: now_utc(), reason: reason.map(str::to_string) })
}

pub fn run_status(start: &Path, args: &StatusArgs) -> Result<()> {
    let (project, mut store) = open(start)?;
    let rel_path = resolve_id(&project, &store, &args.id)?;
    let status = Status::parse(&args.status)
        .ok_or_else(|| anyhow!("\"{}\" is not a status: use one of {}", args.status, Status::ALL.join(", ")))?;
    let before = project.read_document(&rel_path)?;
    let saved = lifecycle::set_status(&project, Some(&mut store), &rel_path, status)?;
    let changed = saved.document.hash != before.hash;
    if args.json {
        return print_json(&json!({
            "path": rel_path, "from": before.status(), "status": status.as_str(), "changed": changed,
            "hash": saved.document.hash,
        }));
    }
    if changed {
        println!("{rel_path}: {} → {}", before.status().unwrap_or_else(|| "(none)".to_string()), status.as_str());
    } else {
        println!("{rel_path}: already {}", status.as_str());
    }
    Ok(())
}

pub fn run_signoff(start: &Path, args: &SignoffArgs) -> Result<()> {
    let (project, mut store) = open(start)?;
    let rel_path = resolve_id(&project, &store, &args.id)?;
    let identity = identity_for(&project, args.as_name.as_deref())?;
    let role = args.role.clone().or(identity.role.clone()).ok_or_else(|| {
        anyhow!("which role do you sign for? give --role ROLE (or set `role` in the identity settings)")
    })?;
    let saved = signoff::sign(&project, Some(&mut store), &rel_path, &identity.name, &role, &now_utc())?;
    let report = signoff::signoff_report(&project.config, &saved.document);
    if args.json {
        return print_json(&json!({
            "path": rel_path, "name": identity.name, "role": role, "hash": report.content_hash,
            "missing_roles": report.missing_roles,
        }));
    }
    println!("{rel_path}: signed by {} as {role} ({})", identity.name, report.content_hash);
    if report.missing_roles.is_empty() {
        println!("every required role has signed the current content");
    } else {
        println!("still missing: {}", report.missing_roles.join(", "));
    }
    Ok(())
}

pub fn run_signoffs(start: &Path, args: &SignoffsArgs) -> Result<()> {
    let (project, store) = open(start)?;
    let rel_path = resolve_id(&project, &store, &args.id)?;
    let document = project.read_document(&rel_path)?;
    let report = signoff::signoff_report(&project.config, &document);
    let mut rows = Vec::new();
    for state in &report.signoffs {
        let since =
            if state.current { None } else { signoff::changes_since(&project, &store, &rel_path, &state.hash)? };
        rows.push((state, since));
    }
    if args.json {
        return print_json(&json!({
            "path": rel_path,
            "status": document.status(),
            "content_hash": report.content_hash,
            "required_roles": report.required_roles,
            "missing_roles": report.missing_roles,
            "signoffs": rows.iter().map(|(state, since)| json!({
                "name": state.name, "role": state.role, "at": state.at, "hash": state.hash,
                "current": state.current, "role_required": state.role_required,
                "signed_version": since.as_ref().map(|since| &since.version.rev),
                "changes": since.as_ref().map(|since| json!({
                    "fields": since.diff.fields, "body_changed": since.diff.body_changed,
                })),
            })).collect::<Vec<_>>(),
        }));
    }
    println!("{rel_path}: content {}", report.content_hash);
    println!(
        "required roles: {}",
        if report.required_roles.is_empty() { "none".to_string() } else { report.required_roles.join(", ") }
    );
    for (state, since) in &rows {
        let verdict = if state.current {
            "current".to_string()
        } else {
            match since {
                Some(since) => format!("STALE: signed on version {}, changed since", since.version.rev),
                None => "STALE: signed on a version Seam no longer has".to_string(),
            }
        };
        println!("  {} ({}) at {}: {verdict}", state.name, state.role, state.at);
        if let Some(since) = since {
            for field in &since.diff.fields {
                println!(
                    "      {}: {} → {}",
                    field.path,
                    field.old.as_deref().unwrap_or("(absent)"),
                    field.new.as_deref().unwrap_or("(absent)")
                );
            }
            if since.diff.body_changed {
                println!("      (body changed)");
            }
        }
    }
    if !report.missing_roles.is_empty() {
        println!("missing a current sign-off: {}", report.missing_roles.join(", "));
    }
    Ok(())
}

pub fn run_item(start: &Path, args: &ItemArgs) -> Result<()> {
    let (project, mut store) = open(start)?;
    let rel_path = resolve_id(&project, &store, &args.id)?;
    let (saved, what) = match &args.action {
        ItemAction::State { state, as_name, reason } => {
            let state = ItemState::parse(state)
                .ok_or_else(|| anyhow!("\"{state}\" is not an item state: use proposed, agreed or disputed"))?;
            let actor = actor(&project, as_name.as_deref(), reason.as_deref())?;
            (
                items::set_item_state(&project, Some(&mut store), &rel_path, &args.item, state, &actor)?,
                format!("state {}", state.as_str()),
            )
        }
        ItemAction::Propose { field, value, as_name, reason, string } => {
            let actor = actor(&project, as_name.as_deref(), Some(reason))?;
            let value = if *string { NewValue::Text(value.clone()) } else { NewValue::from_cli(value) };
            let values = vec![(field.clone(), value)];
            (
                items::propose(&project, Some(&mut store), &rel_path, &args.item, &values, &actor)?,
                format!("proposed {field}"),
            )
        }
        ItemAction::Accept { as_name, reason } => {
            let actor = actor(&project, as_name.as_deref(), reason.as_deref())?;
            (
                items::accept(&project, Some(&mut store), &rel_path, &args.item, &actor)?,
                "accepted the counter-proposal".to_string(),
            )
        }
        ItemAction::Reject { as_name, reason } => {
            let actor = actor(&project, as_name.as_deref(), reason.as_deref())?;
            (
                items::reject(&project, Some(&mut store), &rel_path, &args.item, &actor)?,
                "rejected the counter-proposal".to_string(),
            )
        }
    };
    let _ = saved;
    println!("{rel_path}: {}: {what}", args.item);
    Ok(())
}

pub fn run_items(start: &Path, args: &ItemsArgs) -> Result<()> {
    let (project, store) = open(start)?;
    let rel_path = resolve_id(&project, &store, &args.id)?;
    let document = project.read_document(&rel_path)?;
    let list = items::items(&document);
    if args.json {
        return print_json(&serde_json::to_value(&list)?);
    }
    for item in &list {
        println!(
            "{:<28} {:<9} {}{}",
            item.item.id,
            item.state.map_or("-", ItemState::as_str),
            item.state_by.as_deref().map(|by| format!("by {by}")).unwrap_or_default(),
            item.state_reason.as_deref().map(|reason| format!(": {reason}")).unwrap_or_default()
        );
        if let Some(proposal) = &item.proposal {
            for value in &proposal.values {
                println!(
                    "    proposed {}: {} → {} (by {})",
                    value.field,
                    value.current.as_ref().map_or_else(|| "(none)".to_string(), Value::to_string),
                    value.proposed,
                    proposal.by.as_deref().unwrap_or("?")
                );
            }
        }
    }
    Ok(())
}

pub fn thread_json(thread: &Thread) -> Value {
    json!({
        "id": thread.id, "document": thread.document, "item": thread.item, "resolved": thread.resolved,
        "participants": thread.participants, "last_author": thread.last_author, "waiting_on": thread.waiting_on,
        "comments": thread.comments.iter().map(|comment| json!({
            "id": comment.id, "path": comment.rel_path, "author": comment.author, "at": comment.at,
            "reply_to": comment.reply_to, "text": comment.text,
        })).collect::<Vec<_>>(),
    })
}

fn comment_json(comment: &discussion::Comment) -> Value {
    json!({
        "id": comment.id, "path": comment.rel_path, "document": comment.document, "item": comment.item,
        "author": comment.author, "at": comment.at, "reply_to": comment.reply_to, "resolved": comment.resolved,
    })
}

pub fn run_discuss(start: &Path, args: &DiscussArgs) -> Result<()> {
    let (project, store) = open(start)?;
    match &args.command {
        None => {
            let (Some(id), Some(text)) = (&args.id, &args.text) else {
                return Err(anyhow!("give a document id and the comment text: seam discuss ID \"text\""));
            };
            let rel_path = resolve_id(&project, &store, id)?;
            let document = project.read_document(&rel_path)?;
            let author = identity_for(&project, args.as_name.as_deref())?.name;
            let comment = discussion::add_comment(
                &project,
                &store,
                &NewComment {
                    document: document.id.clone(),
                    item: args.item.clone(),
                    author,
                    at: now_utc(),
                    reply_to: None,
                    text: text.clone(),
                },
            )?;
            if args.json {
                return print_json(&comment_json(&comment));
            }
            println!("{}: comment {}", comment.rel_path, comment.id);
            Ok(())
        }
        Some(DiscussCommand::Reply { comment, text, as_name, json }) => {
            let author = identity_for(&project, as_name.as_deref())?.name;
            let written = discussion::reply(&project, &store, comment, &author, &now_utc(), text)?;
            if *json {
                return print_json(&comment_json(&written));
            }
            println!("{}: reply {} to {comment}", written.rel_path, written.id);
            Ok(())
        }
        Some(DiscussCommand::Resolve { comment }) => {
            let root = discussion::set_resolved(&project, comment, true)?;
            println!("{}: thread {} resolved", root.rel_path, root.id);
            Ok(())
        }
        Some(DiscussCommand::Reopen { comment }) => {
            let root = discussion::set_resolved(&project, comment, false)?;
            println!("{}: thread {} reopened", root.rel_path, root.id);
            Ok(())
        }
        Some(DiscussCommand::List { id, json }) => {
            let rel_path = resolve_id(&project, &store, id)?;
            let document = project.read_document(&rel_path)?;
            let (threads, issues) = discussion::threads(&project, &store, Some(&document.id))?;
            for issue in &issues {
                eprintln!("{}", issue.display());
            }
            if *json {
                return print_json(&Value::Array(threads.iter().map(thread_json).collect()));
            }
            for thread in &threads {
                println!(
                    "{} {}{} — {}",
                    if thread.resolved { "[resolved]" } else { "[open]" },
                    thread.id,
                    thread.item.as_deref().map(|item| format!(" on {item}")).unwrap_or_default(),
                    if thread.resolved {
                        format!("{} comments", thread.comments.len())
                    } else {
                        format!("{} waits on {}", thread.last_author, thread.waiting_on.join(", "))
                    }
                );
                for comment in &thread.comments {
                    println!("    {} ({}): {}", comment.author, comment.at, comment.text.lines().next().unwrap_or(""));
                }
            }
            Ok(())
        }
    }
}

pub fn run_whoami(start: &Path, json: bool) -> Result<()> {
    let project = Project::discover(start)?;
    let identity = identity_for(&project, None)?;
    if json {
        return print_json(&serde_json::to_value(&identity)?);
    }
    println!(
        "{}{} (from {})",
        identity.name,
        identity.role.as_deref().map(|role| format!(", {role}")).unwrap_or_default(),
        match identity.source {
            identity::IdentitySource::Explicit => "--as",
            identity::IdentitySource::Settings => "the identity settings",
            identity::IdentitySource::Git => "git config user.name",
        }
    );
    Ok(())
}

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// Create meetings/<id>.md from the template.
    New {
        #[arg(long)]
        title: String,
        /// YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        date: Option<String>,
        /// NAME:ROLE (or just NAME); repeat for each attendee.
        #[arg(long = "attendee", value_name = "NAME:ROLE")]
        attendees: Vec<String>,
        /// Who runs the meeting (default: the local identity).
        #[arg(long = "as", value_name = "NAME")]
        as_name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The agenda: disputed items, counter-proposals, proposed documents, stale sign-offs,
    /// unresolved threads, failing checks; and the changes since the last meeting.
    Agenda {
        /// Count changes from this day (YYYY-MM-DD) instead of the last meeting's date.
        #[arg(long)]
        since: Option<String>,
        /// Judge "earlier meetings" and checks as of this day (default: today, UTC).
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record a decision in MEETING and set the item's state (or, without --item, the document's status).
    Decide {
        meeting: String,
        #[arg(long)]
        document: String,
        #[arg(long)]
        item: Option<String>,
        #[arg(long)]
        decision: String,
        /// With --item: proposed, agreed or disputed; without: a document status.
        #[arg(long)]
        state: Option<String>,
        #[arg(long = "as", value_name = "NAME")]
        as_name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write the meeting packet: FILE.html (self-contained) or FILE.pdf (printed by headless Chromium).
    Packet {
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

fn today_utc() -> String {
    now_utc()[..10].to_string()
}

fn agenda_options(since: &Option<String>, today: &Option<String>) -> meeting::AgendaOptions {
    meeting::AgendaOptions { since: since.clone(), today: today.clone().unwrap_or_else(today_utc) }
}

fn agenda_json(agenda: &meeting::Agenda) -> Value {
    json!({
        "last_meeting": agenda.last_meeting,
        "since": agenda.since,
        "items": agenda.entries.iter().map(|entry| json!({
            "kind": entry.kind.as_str(), "document": entry.document, "title": entry.title, "path": entry.rel_path,
            "item": entry.item, "summary": entry.summary,
        })).collect::<Vec<_>>(),
        "changes": agenda.changes.iter().map(|change| json!({
            "document": change.document, "title": change.title, "path": change.rel_path, "from": change.from_rev,
            "from_at_ms": change.from_at_ms, "complete": change.complete, "fields": change.fields,
            "body_changed": change.body_changed,
        })).collect::<Vec<_>>(),
    })
}

pub fn run_meeting(start: &Path, command: &MeetingCommand) -> Result<()> {
    let (project, mut store) = open(start)?;
    match command {
        MeetingCommand::New { title, date, attendees, as_name, json } => {
            let attendees: Vec<meeting::Attendee> = attendees
                .iter()
                .map(|text| match text.split_once(':') {
                    Some((name, role)) => meeting::Attendee {
                        name: name.trim().to_string(),
                        role: Some(role.trim().to_string()).filter(|role| !role.is_empty()),
                    },
                    None => meeting::Attendee { name: text.trim().to_string(), role: None },
                })
                .collect();
            let owner = match identity_for(&project, as_name.as_deref()) {
                Ok(identity) => {
                    let role = identity.role.clone().or_else(|| {
                        attendees
                            .iter()
                            .find(|attendee| attendee.name == identity.name)
                            .and_then(|attendee| attendee.role.clone())
                    });
                    Some(meeting::Attendee { name: identity.name, role })
                }
                Err(_) if as_name.is_none() => None,
                Err(error) => return Err(error),
            };
            let new = meeting::NewMeeting {
                title: title.clone(),
                date: date.clone().unwrap_or_else(today_utc),
                attendees,
                owner,
            };
            let rel_path = meeting::create_meeting(&project, Some(&mut store), &new)?;
            let document = project.read_document(&rel_path)?;
            if *json {
                return print_json(&json!({"id": document.id, "path": rel_path}));
            }
            println!("{rel_path}: created meeting {}", document.id);
            Ok(())
        }
        MeetingCommand::Agenda { since, today, json } => {
            let agenda = meeting::agenda(&project, &mut store, &agenda_options(since, today))?;
            if *json {
                return print_json(&agenda_json(&agenda));
            }
            match (&agenda.last_meeting, &agenda.since) {
                (Some(last), Some(since)) => println!("Last meeting: {last} ({since})"),
                (None, Some(since)) => println!("Changes since {since}"),
                _ => println!("No earlier meeting"),
            }
            let mut heading = None;
            for entry in &agenda.entries {
                if heading != Some(entry.kind) {
                    println!("\n{}", entry.kind.heading());
                    heading = Some(entry.kind);
                }
                println!(
                    "  - {}{}: {}",
                    entry.document,
                    entry.item.as_deref().map(|item| format!(" / {item}")).unwrap_or_default(),
                    entry.summary
                );
            }
            if !agenda.changes.is_empty() {
                println!("\nChanges since the last meeting");
            }
            for change in &agenda.changes {
                println!(
                    "  {} ({}){}",
                    change.document,
                    change.rel_path,
                    if change.complete { "" } else { " — since the oldest version kept" }
                );
                for field in &change.fields {
                    println!(
                        "      {}: {} → {}",
                        field.path,
                        field.old.as_deref().unwrap_or("(absent)"),
                        field.new.as_deref().unwrap_or("(absent)")
                    );
                }
                if change.body_changed {
                    println!("      (body changed)");
                }
            }
            Ok(())
        }
        MeetingCommand::Decide { meeting: meeting_id, document, item, decision, state, as_name, json } => {
            let meeting_rel = resolve_id(&project, &store, meeting_id)?;
            let by = identity_for(&project, as_name.as_deref())?.name;
            let input = meeting::DecisionInput {
                document: document.clone(),
                item: item.clone(),
                decision: decision.clone(),
                state: state.clone(),
                by,
                at: now_utc(),
            };
            let saved = meeting::decide(&project, &mut store, &meeting_rel, &input)?;
            if *json {
                return print_json(&json!({"meeting": meeting_rel, "hash": saved.document.hash}));
            }
            println!(
                "{meeting_rel}: decision on {document}{} recorded{}",
                item.as_deref().map(|item| format!(" / {item}")).unwrap_or_default(),
                state.as_deref().map(|state| format!("; now {state}")).unwrap_or_default()
            );
            Ok(())
        }
        MeetingCommand::Packet { since, today, out } => {
            let packet = packet::gather(&project, &mut store, &agenda_options(since, today), &now_utc())?;
            let html = packet::to_html(&packet);
            let extension = out.extension().and_then(|extension| extension.to_str()).map(str::to_ascii_lowercase);
            match extension.as_deref() {
                Some("html" | "htm") => {
                    project::write_atomic(out, html.as_bytes(), None)
                        .map_err(|error| anyhow!("{}: {error:?}", out.display()))?;
                }
                Some("pdf") => packet::write_pdf(&html, out)?,
                _ => return Err(anyhow!("--out must end in .html or .pdf: {}", out.display())),
            }
            println!(
                "{}: {} agenda items, {} changed documents, {} open questions, {} meetings' decisions",
                out.display(),
                packet.agenda.entries.len(),
                packet.agenda.changes.len(),
                packet.open_questions.len(),
                packet.decisions.len()
            );
            Ok(())
        }
    }
}
