//! The real app in a real window: a document's history shows the versions Seam kept, what
//! changed between two of them field by field, and restores one as a new save; a sync tool's
//! conflict copy is merged into its original and leaves the folder.

use std::fs;

use seam_e2e::{AppSession, WAIT_TIMEOUT};
use thirtyfour::prelude::*;

const CONTRACT: &str = "contracts/ticket-routing-api.md";

async fn open_document(app: &AppSession, rel_path: &str) {
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
    app.check("open the document", item.click().await).await;
    app.wait_for(&format!(r#"body[data-doc-ready="{rel_path}"]"#)).await;
}

/// Waits until the document list shows the live indicator's change count move, i.e. the app has
/// indexed an external change.
async fn wait_for_text_on_disk(app: &AppSession, rel_path: &str, wanted: &str) -> String {
    let path = app.project_file(rel_path);
    app.wait_until(&format!("{wanted} in {rel_path}"), WAIT_TIMEOUT, async || {
        let text = fs::read_to_string(&path).map_err(|error| error.to_string())?;
        if text.contains(wanted) {
            Ok(text)
        } else {
            Err("not yet".to_string())
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_compares_two_versions_and_restores_one() {
    let app = AppSession::start_on_example("history").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    open_document(&app, CONTRACT).await;

    // A teammate tightens the latency SLA on disk; the open document reloads.
    let path = app.project_file(CONTRACT);
    let original = fs::read_to_string(&path).expect("read");
    let tightened = original.replacen("latency_p95_ms: 150", "latency_p95_ms: 120", 1);
    fs::write(&path, &tightened).expect("their write");
    app.wait_for(r#"[data-testid="external-change"][data-state="reloaded"]"#).await;

    let history = app.wait_for(r#"[data-testid="history-open"]"#).await;
    app.check("open the history", history.click().await).await;
    app.wait_for(r#"[data-testid="history-view"]"#).await;
    let versions = app.find_all(r#"[data-testid="history-version"]"#).await;
    assert_eq!(versions.len(), 2, "the version first seen and the teammate's");

    // The older version is selected and compared with the current file: one field changed.
    let field = app.wait_for(r#"[data-testid="history-field"][data-path="sla.latency_p95_ms"]"#).await;
    let row = app.check("read the changed field", field.attr("textContent").await).await.unwrap_or_default();
    assert!(row.contains("150") && row.contains("120"), "old and new value side by side: {row}");
    assert_eq!(app.find_all(r#"[data-testid="history-field"]"#).await.len(), 1, "nothing else changed");
    app.screenshot("history-view.png").await.ok();

    // Restore the older version: asked once, then written as a new save.
    let restore = app.wait_for(r#"[data-testid="history-restore"]"#).await;
    app.check("ask to restore", restore.click().await).await;
    let restore = app.wait_for(r#"[data-testid="history-restore"]"#).await;
    app.check("confirm the restore", restore.click().await).await;
    wait_for_text_on_disk(&app, CONTRACT, "latency_p95_ms: 150").await;
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        original,
        "the restored file is the old version, byte for byte"
    );
    app.wait_until("the history closed", WAIT_TIMEOUT, async || {
        let open =
            app.driver().find_all(By::Css(r#"[data-testid="history-view"]"#)).await.map_err(|e| e.to_string())?;
        if open.is_empty() {
            Ok(())
        } else {
            Err("still open".to_string())
        }
    })
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_tools_conflict_copy_is_merged_and_leaves_the_folder() {
    let app = AppSession::start_on_example("conflict-copy").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;

    // Dropbox kept a teammate's version (an on-call action reworded) next to ours (latency changed).
    let path = app.project_file(CONTRACT);
    let base = fs::read_to_string(&path).expect("read");
    let copy_rel = "contracts/ticket-routing-api (Ana Ruiz's conflicted copy 2026-11-21).md";
    let copy_path = app.project_file(copy_rel);
    fs::write(&copy_path, base.replacen("action: page on-call", "action: page the on-call engineer", 1))
        .expect("the copy");
    fs::write(&path, base.replacen("latency_p95_ms: 150", "latency_p95_ms: 120", 1)).expect("our change");

    let merge = app.wait_for(&format!(r#"[data-testid="merge-copy"][data-copy="{copy_rel}"]"#)).await;
    app.check("merge the copy", merge.click().await).await;
    let view = app.wait_for(r#"[data-testid="merge-view"]"#).await;
    let text = app.check("read the merge view", view.attr("textContent").await).await.unwrap_or_default();
    assert!(text.contains("Conflict copy"), "the sides are named for a conflict copy");
    // Both edits merged cleanly against the version both started from.
    app.wait_for(r#"[data-testid="merge-view"][data-conflicts="0"]"#).await;
    app.screenshot("conflict-copy-merge.png").await.ok();
    let save = app.wait_for(r#"[data-testid="merge-save"]"#).await;
    app.check("save the merge", save.click().await).await;

    let merged = wait_for_text_on_disk(&app, CONTRACT, "page the on-call engineer").await;
    assert!(merged.contains("latency_p95_ms: 120"), "our change is kept too");
    app.wait_until("the copy gone from the folder", WAIT_TIMEOUT, async || {
        if copy_path.exists() {
            Err("still there".to_string())
        } else {
            Ok(())
        }
    })
    .await;
    // The open document shows the merged text.
    app.wait_for(&format!(r#"body[data-doc-ready="{CONTRACT}"]"#)).await;
    app.close().await;
}
