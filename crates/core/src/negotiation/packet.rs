//! The meeting packet: one self-contained, printable HTML page (inline CSS, no scripts, no
//! external resources) with the agenda, the changes since the last meeting, the open questions
//! (unresolved threads) and the decisions of the last meeting; and a PDF of that page printed by
//! headless Chromium, a real rendering engine.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::discussion::{self, Thread};
use super::meeting::{self, Agenda, AgendaKind, AgendaOptions};
use super::NegotiationError;
use crate::document::Kind;
use crate::metrics::date::parse_day;
use crate::project::Project;
use crate::store::Store;

/// The decisions one meeting recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MeetingDecisions {
    pub meeting: String,
    pub title: String,
    pub date: Option<String>,
    pub decisions: Vec<DecisionRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecisionRow {
    pub document: String,
    pub item: Option<String>,
    pub decision: String,
    pub by: Option<String>,
    pub state: Option<String>,
}

/// Everything the packet shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Packet {
    pub project: String,
    /// When the packet was made (UTC).
    pub generated_at: String,
    pub agenda: Agenda,
    /// Unresolved threads: the open questions.
    pub open_questions: Vec<Thread>,
    /// Decisions of the meetings on or after `since` (the last meeting), oldest first.
    pub decisions: Vec<MeetingDecisions>,
}

/// Gathers the packet's content: the agenda (as `meeting::agenda` builds it), the open threads
/// and the decisions recorded since the last meeting.
pub fn gather(
    project: &Project,
    store: &mut Store,
    options: &AgendaOptions,
    generated_at: &str,
) -> Result<Packet, NegotiationError> {
    let agenda = meeting::agenda(project, store, options)?;
    let (threads, _) = discussion::threads(project, store, None)?;
    let open_questions = threads.into_iter().filter(|thread| !thread.resolved).collect();
    let since_day = agenda.since.as_deref().and_then(parse_day);
    let mut decisions: Vec<MeetingDecisions> = project
        .read_all()
        .into_iter()
        .filter(|document| document.kind == Some(Kind::Meeting))
        .filter_map(|document| {
            let date = document.json.get("date").and_then(Value::as_str).map(str::to_string);
            let day = date.as_deref().and_then(parse_day);
            if since_day.is_some_and(|since| day.is_none_or(|day| day < since)) {
                return None;
            }
            let rows: Vec<DecisionRow> = document
                .json
                .get("decisions")
                .and_then(Value::as_array)
                .map(|rows| {
                    rows.iter()
                        .map(|row| {
                            let text = |key: &str| row.get(key).and_then(Value::as_str).map(str::to_string);
                            DecisionRow {
                                document: text("document").unwrap_or_default(),
                                item: text("item"),
                                decision: text("decision").unwrap_or_default(),
                                by: text("by"),
                                state: text("state"),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            (!rows.is_empty()).then(|| MeetingDecisions {
                meeting: document.id.clone(),
                title: document.title(),
                date,
                decisions: rows,
            })
        })
        .collect();
    decisions.sort_by(|a, b| (&a.date, &a.meeting).cmp(&(&b.date, &b.meeting)));
    Ok(Packet { project: project.name(), generated_at: generated_at.to_string(), agenda, open_questions, decisions })
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "
  @page { size: A4; margin: 18mm 16mm; }
  body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; font-size: 10.5pt; line-height: 1.45; color: #1d232b; margin: 0 auto; max-width: 48rem; padding: 1rem; }
  h1 { font-size: 19pt; margin: 0 0 .2rem; }
  h2 { font-size: 13.5pt; border-bottom: 2px solid #2f5d8a; padding-bottom: .15rem; margin-top: 1.6rem; page-break-after: avoid; }
  h3 { font-size: 11pt; margin: 1rem 0 .3rem; page-break-after: avoid; }
  .meta { color: #55606c; margin: 0 0 1rem; }
  table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; }
  th, td { border: 1px solid #c9d1da; padding: .25rem .45rem; text-align: left; vertical-align: top; }
  th { background: #eef2f6; font-weight: 600; }
  tr { page-break-inside: avoid; }
  code { font-family: 'DejaVu Sans Mono', monospace; font-size: 9.5pt; background: #f2f4f7; padding: 0 .2rem; border-radius: 2px; }
  .old { color: #8a1f1f; text-decoration: line-through; }
  .new { color: #1f6a2c; }
  .tag { display: inline-block; font-size: 8.5pt; border: 1px solid #9aa6b2; border-radius: 3px; padding: 0 .3rem; color: #37424d; }
  .thread { border-left: 3px solid #2f5d8a; padding: .1rem .7rem; margin: .6rem 0; page-break-inside: avoid; }
  .comment { margin: .35rem 0; }
  .who { font-weight: 600; }
  .empty { color: #55606c; font-style: italic; }
";

/// The packet as one self-contained HTML page.
pub fn to_html(packet: &Packet) -> String {
    let mut html = String::new();
    let title = format!("{} — meeting packet", packet.project);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str(&format!("<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n", escape(&title)));
    html.push_str(&format!("<h1>{}</h1>\n", escape(&title)));
    let since = match (&packet.agenda.last_meeting, &packet.agenda.since) {
        (Some(last), Some(since)) => {
            format!("Changes since {} (last meeting: <code>{}</code>)", escape(since), escape(last))
        }
        (None, Some(since)) => format!("Changes since {}", escape(since)),
        _ => "No earlier meeting".to_string(),
    };
    html.push_str(&format!("<p class=\"meta\">Prepared {} · {since}</p>\n", escape(&packet.generated_at)));

    html.push_str("<h2>1. Agenda</h2>\n");
    if packet.agenda.entries.is_empty() {
        html.push_str("<p class=\"empty\">Nothing is open.</p>\n");
    }
    let mut number = 0;
    for kind in [
        AgendaKind::DisputedItem,
        AgendaKind::CounterProposal,
        AgendaKind::ProposedDocument,
        AgendaKind::StaleSignoff,
        AgendaKind::UnresolvedThread,
        AgendaKind::FailingCheck,
    ] {
        let entries: Vec<_> = packet.agenda.entries.iter().filter(|entry| entry.kind == kind).collect();
        if entries.is_empty() {
            continue;
        }
        html.push_str(&format!(
            "<h3>{}</h3>\n<table>\n<tr><th>#</th><th>Document</th><th>Item</th><th>What is open</th></tr>\n",
            kind.heading()
        ));
        for entry in entries {
            number += 1;
            html.push_str(&format!(
                "<tr><td>{number}</td><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
                escape(&entry.title),
                escape(&entry.document),
                entry.item.as_deref().map(|item| format!("<code>{}</code>", escape(item))).unwrap_or_default(),
                escape(&entry.summary)
            ));
        }
        html.push_str("</table>\n");
    }

    html.push_str("<h2>2. Changes since the last meeting</h2>\n");
    if packet.agenda.changes.is_empty() {
        html.push_str("<p class=\"empty\">No document changed.</p>\n");
    }
    for change in &packet.agenda.changes {
        html.push_str(&format!(
            "<h3>{} <code>{}</code>{}</h3>\n",
            escape(&change.title),
            escape(&change.rel_path),
            if change.complete { "" } else { " <span class=\"tag\">since the oldest version kept</span>" }
        ));
        if !change.fields.is_empty() {
            html.push_str("<table>\n<tr><th>Field</th><th>Before</th><th>Now</th></tr>\n");
            for field in &change.fields {
                html.push_str(&format!(
                    "<tr><td><code>{}</code></td><td class=\"old\">{}</td><td class=\"new\">{}</td></tr>\n",
                    escape(&field.path),
                    escape(field.old.as_deref().unwrap_or("(absent)")),
                    escape(field.new.as_deref().unwrap_or("(absent)"))
                ));
            }
            html.push_str("</table>\n");
        }
        if change.body_changed {
            html.push_str("<p>The text (body) changed.</p>\n");
        }
    }

    html.push_str("<h2>3. Open questions</h2>\n");
    if packet.open_questions.is_empty() {
        html.push_str("<p class=\"empty\">No unresolved discussion.</p>\n");
    }
    for thread in &packet.open_questions {
        html.push_str(&format!(
            "<div class=\"thread\"><p><code>{}</code>{} — {} waits on {}</p>\n",
            escape(&thread.document),
            thread.item.as_deref().map(|item| format!(" · <code>{}</code>", escape(item))).unwrap_or_default(),
            escape(&thread.last_author),
            escape(&if thread.waiting_on.is_empty() { "nobody".to_string() } else { thread.waiting_on.join(", ") })
        ));
        for comment in &thread.comments {
            html.push_str(&format!(
                "<div class=\"comment\"><span class=\"who\">{}</span> <span class=\"meta\">{}</span>{}</div>\n",
                escape(&comment.author),
                escape(&comment.at),
                crate::render::markdown_to_html(&comment.text)
            ));
        }
        html.push_str("</div>\n");
    }

    html.push_str("<h2>4. Decisions</h2>\n");
    if packet.decisions.is_empty() {
        html.push_str("<p class=\"empty\">No decisions recorded since the last meeting.</p>\n");
    }
    for meeting in &packet.decisions {
        html.push_str(&format!(
            "<h3>{} <code>{}</code>{}</h3>\n<table>\n<tr><th>Document</th><th>Item</th><th>Decision</th><th>By</th><th>State</th></tr>\n",
            escape(&meeting.title),
            escape(&meeting.meeting),
            meeting.date.as_deref().map(|date| format!(" · {}", escape(date))).unwrap_or_default()
        ));
        for decision in &meeting.decisions {
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape(&decision.document),
                decision.item.as_deref().map(|item| format!("<code>{}</code>", escape(item))).unwrap_or_default(),
                escape(&decision.decision),
                escape(decision.by.as_deref().unwrap_or("")),
                escape(decision.state.as_deref().unwrap_or(""))
            ));
        }
        html.push_str("</table>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// The Chromium binary: `$SEAM_CHROMIUM`, else the first of `chromium`, `chromium-browser`,
/// `google-chrome`, `google-chrome-stable` on the PATH.
pub fn chromium_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SEAM_CHROMIUM").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// How long Chromium may take to print.
const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

/// Prints `html` to the PDF file `out` with headless Chromium (a temporary copy of the page and a
/// throw-away browser profile in the system temp folder). Errors say how to install Chromium
/// when it is missing.
pub fn write_pdf(html: &str, out: &Path) -> Result<(), NegotiationError> {
    let binary = chromium_binary().ok_or_else(|| {
        NegotiationError::Renderer(
            "making a PDF needs Chromium, which was not found: install it (Debian/Ubuntu: `apt-get install chromium`) or set SEAM_CHROMIUM to its path; or write HTML with --out FILE.html".to_string(),
        )
    })?;
    let work = std::env::temp_dir().join(format!(
        "seam-packet-{}-{}",
        std::process::id(),
        crate::metrics::date::now_stamps().1
    ));
    std::fs::create_dir_all(&work)
        .map_err(|error| NegotiationError::Renderer(format!("{}: {error}", work.display())))?;
    let result = print_with(&binary, &work, html, out);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn print_with(binary: &Path, work: &Path, html: &str, out: &Path) -> Result<(), NegotiationError> {
    let page = work.join("packet.html");
    std::fs::write(&page, html).map_err(|error| NegotiationError::Renderer(format!("{}: {error}", page.display())))?;
    let pdf = work.join("packet.pdf");
    // Chromium's messages go to a file: a pipe nobody reads while waiting could fill and stall it.
    let log_path = work.join("chromium.log");
    let log = std::fs::File::create(&log_path)
        .map_err(|error| NegotiationError::Renderer(format!("{}: {error}", log_path.display())))?;
    let mut child = Command::new(binary)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run"])
        .arg(format!("--user-data-dir={}", work.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|error| NegotiationError::Renderer(format!("could not start {}: {error}", binary.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(NegotiationError::Renderer(format!(
                    "{} did not finish printing within {} s",
                    binary.display(),
                    PRINT_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(error) => return Err(NegotiationError::Renderer(format!("{}: {error}", binary.display()))),
        }
    };
    let bytes = std::fs::read(&pdf).ok().filter(|bytes| bytes.starts_with(b"%PDF"));
    let Some(bytes) = bytes.filter(|_| status.success()) else {
        let stderr = std::fs::read_to_string(&log_path).unwrap_or_default();
        let last: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(NegotiationError::Renderer(format!(
            "{} could not print the packet ({status}): {}",
            binary.display(),
            last.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )));
    };
    crate::project::write_atomic(out, &bytes, None).map_err(|error| {
        NegotiationError::Renderer(format!(
            "{}: {}",
            out.display(),
            match error {
                crate::project::WriteError::Io(error) => error.to_string(),
                crate::project::WriteError::Changed { .. } => "changed while writing".to_string(),
            }
        ))
    })
}
