//! The real app in a real window: two people sign a contract under their own names, it becomes
//! agreed, a third person's edit on disk makes both sign-offs stale and the app says so with what
//! changed; a discussion is started and resolved; in meeting mode a decision on an agenda item is
//! recorded in the meeting file and the packet is printed to PDF.
//!
//! Needs a display (`xvfb-run -a`), `tauri-driver`, WebKitWebDriver, a built `seam-app`,
//! Chromium and `pdftotext`; `scripts/test.sh` provides them.

use std::fs;
use std::process::Command;

use seam_e2e::{AppSession, WAIT_TIMEOUT};
use thirtyfour::prelude::*;

const CONTRACT: &str = "contracts/escalation-risk-feed.md";

async fn open(app: &AppSession, rel_path: &str) {
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
    app.check("open the document", item.click().await).await;
    app.wait_for(&format!(r#"body[data-doc-ready="{rel_path}"]"#)).await;
}

async fn click(app: &AppSession, css: &str) {
    let element = app.wait_for(css).await;
    app.scroll_to_middle(&element).await;
    app.check(&format!("click {css}"), element.click().await).await;
}

/// Sets the identity through the dialog (opened by the top bar's button).
async fn become_someone(app: &AppSession, name: &str, role: &str) {
    if app.find_all(r#"[data-testid="identity-dialog"]"#).await.is_empty() {
        click(app, r#"[data-testid="identity-button"]"#).await;
    }
    let input = app.wait_for(r#"[data-testid="identity-name"]"#).await;
    app.check("clear the name", input.clear().await).await;
    app.check("type the name", input.send_keys(name).await).await;
    let select = app.wait_for(r#"[data-testid="identity-role"]"#).await;
    let select = thirtyfour::components::SelectElement::new(&select).await.expect("a select");
    app.check("choose the role", select.select_by_value(role).await).await;
    click(app, r#"[data-testid="identity-save"]"#).await;
    let button = app.wait_for(r#"[data-testid="identity-button"]"#).await;
    app.wait_until(&format!("the identity {name}"), WAIT_TIMEOUT, async || {
        let text = button.text().await.map_err(|error| error.to_string())?;
        if text.contains(name) {
            Ok(())
        } else {
            Err(text)
        }
    })
    .await;
}

async fn signoff_states(app: &AppSession) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for row in app.find_all(r#"[data-testid="signoff"]"#).await {
        let role = row.attr("data-role").await.ok().flatten().unwrap_or_default();
        let current = row.attr("data-current").await.ok().flatten().unwrap_or_default();
        out.push((role, current));
    }
    out
}

async fn wait_for_signoffs(app: &AppSession, what: &str, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    app.wait_until(what, WAIT_TIMEOUT, async || {
        let seen = signoff_states(app).await;
        if seen == expected {
            Ok(())
        } else {
            Err(format!("{seen:?}"))
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_sign_a_contract_and_a_third_persons_edit_makes_the_signoffs_stale() {
    let app = AppSession::start_on_example("negotiation").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    open(&app, CONTRACT).await;
    app.wait_for(r#"[data-testid="negotiation"][data-status="draft"]"#).await;

    // Draft → proposed: a lifecycle step, no sign-off needed.
    click(&app, r#"[data-testid="status-to-proposed"]"#).await;
    app.wait_for(r#"[data-testid="negotiation"][data-status="proposed"][data-can-agree="false"]"#).await;
    let agree = app.wait_for(r#"[data-testid="status-to-agreed"]"#).await;
    assert!(!app.check("agree enabled?", agree.is_enabled().await).await, "agreement waits for the sign-offs");

    // The engineer signs; Seam asks who is signing first (no git name on this machine).
    click(&app, r#"[data-testid="signoff-button"]"#).await;
    app.wait_for(r#"[data-testid="identity-dialog"]"#).await;
    become_someone(&app, "Lukas Brenner", "engineer").await;
    click(&app, r#"[data-testid="signoff-button"]"#).await;
    wait_for_signoffs(&app, "the engineer's sign-off", &[("engineer", "true")]).await;

    // The data scientist signs on the same machine under her own name.
    become_someone(&app, "Aiko Watanabe", "data-scientist").await;
    click(&app, r#"[data-testid="signoff-button"]"#).await;
    wait_for_signoffs(&app, "both sign-offs", &[("engineer", "true"), ("data-scientist", "true")]).await;
    click(&app, r#"[data-testid="status-to-agreed"][class~="primary"]"#).await;
    app.wait_for(r#"[data-testid="negotiation"][data-status="agreed"]"#).await;

    let text = String::from_utf8_lossy(&app.read_project_file(CONTRACT)).into_owned();
    assert!(text.contains("status: agreed"), "the status in the file");
    assert!(
        text.contains("name: Lukas Brenner, role: engineer")
            && text.contains("name: Aiko Watanabe, role: data-scientist")
    );

    // A third person widens an input range in their editor; the file arrives through the folder.
    let edited = text.replace(
        "{name: customer_replies_since_agent, type: integer, unit: messages, range: [0, 200]",
        "{name: customer_replies_since_agent, type: integer, unit: messages, range: [0, 500]",
    );
    assert_ne!(edited, text, "the fixture has the range to widen");
    fs::write(app.project_file(CONTRACT), edited).expect("the third person's edit");
    wait_for_signoffs(&app, "both sign-offs stale", &[("engineer", "false"), ("data-scientist", "false")]).await;
    let stale = app.wait_for(r#"[data-testid="signoff-stale"]"#).await;
    let stale_text = app.check("stale text", stale.text().await).await;
    assert!(stale_text.contains("changed since") && stale_text.contains("the version of"), "{stale_text}");
    let changes = app.wait_for(r#"[data-testid="signoff-changes"]"#).await;
    let changes_text = app.check("changes text", changes.text().await).await;
    assert!(changes_text.contains("customer_replies_since_agent") && changes_text.contains("500"), "{changes_text}");
    app.wait_for(r#"[data-testid="missing-roles"]"#).await;
    let signoffs = app.wait_for(r#"[data-testid="signoffs"]"#).await;
    app.scroll_to_middle(&signoffs).await;
    app.screenshot("negotiation-stale.png").await.ok();

    // A discussion on the contract: started, counted in the list, resolved.
    let comment = app.wait_for(r#"[data-testid="comment-text"]"#).await;
    app.scroll_to_middle(&comment).await;
    app.check("type a comment", comment.send_keys("Who widened the reply range, and does the model cope?").await).await;
    click(&app, r#"[data-testid="comment-post"]"#).await;
    app.wait_for(r#"[data-testid="thread"][data-resolved="false"]"#).await;
    app.wait_for(r#"[data-testid="doc-item"][data-rel-path="contracts/escalation-risk-feed.md"] [data-testid="doc-thread-count"]"#).await;
    let files: Vec<_> = fs::read_dir(app.project_file("discussions/escalation-risk-feed"))
        .expect("the discussion folder")
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().ends_with("-aiko-watanabe.md"))
        .collect();
    assert_eq!(files.len(), 1, "one comment file by its author");
    click(&app, r#"[data-testid="thread-resolve"]"#).await;
    app.wait_until("the thread resolved", WAIT_TIMEOUT, async || {
        if app.find_all(r#"[data-testid="thread"][data-resolved="false"]"#).await.is_empty() {
            Ok(())
        } else {
            Err("open".to_owned())
        }
    })
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_records_a_decision_on_an_agenda_item_and_prints_its_packet() {
    let app = AppSession::start_on_example("meeting").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    let meeting = "meetings/routing-v2-negotiation-2026-11-10.md";
    open(&app, meeting).await;
    app.wait_for(r#"[data-testid="meeting-mode"]"#).await;
    become_someone(&app, "Priya Shah", "product-owner").await;

    // A disputed requirement from the agenda: record the decision and agree the item.
    let entry_css = r#"[data-testid="agenda-entry"][data-kind="disputed-item"]"#;
    let entry = app.wait_for(entry_css).await;
    let document = app.check("entry document", entry.attr("data-document").await).await.unwrap_or_default();
    let item = app.check("entry item", entry.attr("data-item").await).await.unwrap_or_default();
    assert!(!document.is_empty() && !item.is_empty(), "a disputed item names its document and item");
    app.scroll_to_middle(&entry).await;
    app.screenshot("meeting-agenda.png").await.ok();
    let text = app.check("decision box", entry.find(By::Css(r#"[data-testid="decision-text"]"#)).await).await;
    app.check("type the decision", text.send_keys("Keep it, measure again in January").await).await;
    let state = app.check("state select", entry.find(By::Css(r#"[data-testid="decision-state"]"#)).await).await;
    let state = thirtyfour::components::SelectElement::new(&state).await.expect("a select");
    app.check("choose agreed", state.select_by_value("agreed").await).await;
    let record = app.check("record button", entry.find(By::Css(r#"[data-testid="decision-record"]"#)).await).await;
    app.check("record", record.click().await).await;

    app.wait_until("the decision in the meeting file", WAIT_TIMEOUT, async || {
        let file = String::from_utf8_lossy(&app.read_project_file(meeting)).into_owned();
        if file.contains("Keep it, measure again in January") && file.contains("Priya Shah") {
            Ok(())
        } else {
            Err("not yet".into())
        }
    })
    .await;
    app.wait_for(r#"[data-testid="agenda-decided"]"#).await;

    // The packet, printed to PDF by a real rendering engine, read back.
    let pdf = app.project_dir.parent().expect("temp root").join("packet.pdf");
    let path = app.wait_for(r#"[data-testid="packet-path"]"#).await;
    app.scroll_to_middle(&path).await;
    app.check("type the packet path", path.send_keys(pdf.to_str().expect("utf-8")).await).await;
    click(&app, r#"[data-testid="packet-write"]"#).await;
    app.wait_until("the packet written", std::time::Duration::from_secs(90), async || {
        if pdf.is_file() && fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0) > 1000 {
            Ok(())
        } else {
            Err("no pdf yet".into())
        }
    })
    .await;
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("run pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Keep it, measure again in January"), "the decision is in the packet: {text}");
    assert!(text.contains(&item), "the agenda item {item} is in the packet");
    app.close().await;
}
