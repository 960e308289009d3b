//! Commands for negotiation: status changes, sign-offs, item states and counter-proposals,
//! discussions, meeting agendas, decisions and packets, and the local identity. Thin adapters over
//! `seam_core::negotiation`, like `commands.rs`; every write of a document returns its new view.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, State};

use crate::commands::{blocking, write_then_view};
use crate::dto::{AgendaDto, DecisionRequest, DocumentView, ErrorDto, IdentityDto, NegotiationDto};
use crate::state::{OpenProject, Workspace};
use seam_core::document::model::{ItemState, Status};
use seam_core::negotiation::{self, discussion, identity, items, lifecycle, meeting, packet, signoff, Actor};

fn settings_file(app: &AppHandle) -> Result<PathBuf, ErrorDto> {
    let dir = app
        .path()
        .app_config_dir()
        .map_err(|error| ErrorDto::new("io", format!("no settings folder on this machine: {error}")))?;
    Ok(dir.join(identity::SETTINGS_FILE))
}

fn roles_of(open: &OpenProject) -> Vec<String> {
    let mut roles: Vec<String> = open.project.config.signoff.values().flatten().cloned().collect();
    roles.sort();
    roles.dedup();
    roles
}

/// The identity, or a clear error asking for one.
fn who(app: &AppHandle, open: &OpenProject) -> Result<identity::Identity, ErrorDto> {
    Ok(identity::resolve_identity(None, Some(&settings_file(app)?), &open.project.root)?)
}

fn parse_status(text: &str) -> Result<Status, ErrorDto> {
    Status::parse(text).ok_or_else(|| ErrorDto::new("invalid", format!("\"{text}\" is not a status")))
}

fn parse_item_state(text: &str) -> Result<ItemState, ErrorDto> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| ErrorDto::new("invalid", format!("\"{text}\" is not an item state (proposed, agreed, disputed)")))
}

#[tauri::command]
pub async fn identity(app: AppHandle, workspace: State<'_, Workspace>) -> Result<IdentityDto, ErrorDto> {
    let open = workspace.current()?;
    let file = settings_file(&app)?;
    blocking(move || {
        let known_roles = roles_of(&open);
        Ok(match identity::resolve_identity(None, Some(&file), &open.project.root) {
            Ok(found) => IdentityDto {
                name: found.name,
                role: found.role,
                source: match found.source {
                    identity::IdentitySource::Git => "git",
                    _ => "settings",
                }
                .to_string(),
                known_roles,
            },
            Err(_) => {
                let settings = identity::read_settings(&file)?;
                IdentityDto { name: String::new(), role: settings.role, source: "none".to_string(), known_roles }
            }
        })
    })
    .await
}

#[tauri::command]
pub async fn set_identity(
    name: String,
    role: Option<String>,
    app: AppHandle,
    workspace: State<'_, Workspace>,
) -> Result<IdentityDto, ErrorDto> {
    let open = workspace.current()?;
    let file = settings_file(&app)?;
    blocking(move || {
        let name = name.trim().to_string();
        let role = role.map(|role| role.trim().to_string()).filter(|role| !role.is_empty());
        let settings = identity::IdentitySettings { name: (!name.is_empty()).then_some(name), role };
        identity::write_settings(&file, &settings, Some(&open.project.root))?;
        Ok(())
    })
    .await?;
    identity(app, workspace).await
}

#[tauri::command]
pub async fn negotiation(rel_path: String, workspace: State<'_, Workspace>) -> Result<NegotiationDto, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let store = open.store();
        Ok(negotiation::document_negotiation(&open.project, &store, &rel_path)?.into())
    })
    .await
}

#[tauri::command]
pub async fn set_status(
    rel_path: String,
    status: String,
    workspace: State<'_, Workspace>,
) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let to = parse_status(&status)?;
        write_then_view(&open, |store| lifecycle::set_status(&open.project, Some(store), &rel_path, to))
    })
    .await
}

/// Signs the document's current content as this machine's identity in `role`.
#[tauri::command]
pub async fn sign_off(
    rel_path: String,
    role: String,
    app: AppHandle,
    workspace: State<'_, Workspace>,
) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    let me = who(&app, &open)?;
    blocking(move || {
        write_then_view(&open, |store| {
            signoff::sign(&open.project, Some(store), &rel_path, &me.name, &role, &negotiation::now_utc())
        })
    })
    .await
}

/// What to do with one negotiable item: set its state, or accept or reject its counter-proposal.
#[tauri::command]
pub async fn item_action(
    rel_path: String,
    item: String,
    action: String,
    reason: Option<String>,
    app: AppHandle,
    workspace: State<'_, Workspace>,
) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    let me = who(&app, &open)?;
    blocking(move || {
        let actor = Actor {
            name: me.name,
            at: negotiation::now_utc(),
            reason: reason.map(|reason| reason.trim().to_string()).filter(|reason| !reason.is_empty()),
        };
        match action.as_str() {
            "accept" => {
                write_then_view(&open, |store| items::accept(&open.project, Some(store), &rel_path, &item, &actor))
            }
            "reject" => {
                write_then_view(&open, |store| items::reject(&open.project, Some(store), &rel_path, &item, &actor))
            }
            state => {
                let state = parse_item_state(state)?;
                write_then_view(&open, |store| {
                    items::set_item_state(&open.project, Some(store), &rel_path, &item, state, &actor)
                })
            }
        }
    })
    .await
}

/// Adds a comment on a document (or one of its items), or a reply to `reply_to`.
#[tauri::command]
pub async fn add_comment(
    document: String,
    item: Option<String>,
    reply_to: Option<String>,
    text: String,
    app: AppHandle,
    workspace: State<'_, Workspace>,
) -> Result<(), ErrorDto> {
    let open = workspace.current()?;
    let me = who(&app, &open)?;
    blocking(move || {
        if text.trim().is_empty() {
            return Err(ErrorDto::new("invalid", "a comment needs some text"));
        }
        let store = open.store();
        let at = negotiation::now_utc();
        match reply_to {
            Some(parent) => discussion::reply(&open.project, &store, &parent, &me.name, &at, &text)?,
            None => discussion::add_comment(
                &open.project,
                &store,
                &discussion::NewComment { document, item, author: me.name, at, reply_to: None, text },
            )?,
        };
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn resolve_thread(
    comment_id: String,
    resolved: bool,
    workspace: State<'_, Workspace>,
) -> Result<(), ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        discussion::set_resolved(&open.project, &comment_id, resolved)?;
        Ok(())
    })
    .await
}

/// Unresolved threads per document id, for the document list.
#[tauri::command]
pub async fn open_threads(
    workspace: State<'_, Workspace>,
) -> Result<std::collections::BTreeMap<String, u32>, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        Ok(discussion::unresolved_counts(&open.project)
            .into_iter()
            .map(|(id, count)| (id, u32::try_from(count).unwrap_or(u32::MAX)))
            .collect())
    })
    .await
}

/// The agenda of open items and the changes since the last meeting before `today` (the meeting's date).
#[tauri::command]
pub async fn meeting_agenda(today: String, workspace: State<'_, Workspace>) -> Result<AgendaDto, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let mut store = open.store();
        let agenda = meeting::agenda(&open.project, &mut store, &meeting::AgendaOptions { since: None, today })?;
        Ok(agenda.into())
    })
    .await
}

/// Records a decision in the meeting file and applies it to the item (or the document's status).
#[tauri::command]
pub async fn record_decision(
    request: DecisionRequest,
    app: AppHandle,
    workspace: State<'_, Workspace>,
) -> Result<DocumentView, ErrorDto> {
    let open = workspace.current()?;
    let me = who(&app, &open)?;
    blocking(move || {
        let input = meeting::DecisionInput {
            document: request.document,
            item: request.item,
            decision: request.decision,
            state: request.state.filter(|state| !state.is_empty()),
            by: me.name,
            at: negotiation::now_utc(),
        };
        write_then_view(&open, |store| meeting::decide(&open.project, store, &request.meeting_rel_path, &input))
    })
    .await
}

/// Writes the meeting packet (agenda, changes since the last meeting, open questions, decisions)
/// to `out`: printable HTML, or PDF when `out` ends in `.pdf`. Returns the path written.
#[tauri::command]
pub async fn meeting_packet(
    meeting_rel_path: String,
    out: String,
    workspace: State<'_, Workspace>,
) -> Result<String, ErrorDto> {
    let open = workspace.current()?;
    blocking(move || {
        let out = PathBuf::from(out.trim());
        if !out.is_absolute() {
            return Err(ErrorDto::new("invalid", "choose where to save the packet (a full path)"));
        }
        let html = {
            let mut store = open.store();
            let meeting = open.project.read_document(&meeting_rel_path)?;
            let today = meeting
                .json
                .get("date")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| negotiation::now_utc()[..10].to_string());
            let gathered = packet::gather(
                &open.project,
                &mut store,
                &meeting::AgendaOptions { since: None, today },
                &negotiation::now_utc(),
            )?;
            packet::to_html(&gathered)
        };
        let extension = out.extension().and_then(|ext| ext.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("pdf") => packet::write_pdf(&html, &out)?,
            Some("html" | "htm") => seam_core::project::write_atomic(&out, html.as_bytes(), None).map_err(|error| {
                let reason = match error {
                    seam_core::project::WriteError::Io(error) => error.to_string(),
                    seam_core::project::WriteError::Changed { .. } => "changed while writing".to_string(),
                };
                ErrorDto::new("io", format!("{}: {reason}", out.display()))
            })?,
            _ => {
                return Err(ErrorDto::new(
                    "invalid",
                    format!("the packet is saved as .html or .pdf: {}", out.display()),
                ))
            }
        }
        Ok(out.display().to_string())
    })
    .await
}
