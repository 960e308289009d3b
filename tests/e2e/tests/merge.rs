//! The real app in a real window: another process edits the document the user is changing,
//! on the same line; the merge view appears with both sides intact, and the user's resolution
//! is what ends up on disk.

use std::fs;

use seam_e2e::{AppSession, WAIT_TIMEOUT};
use thirtyfour::prelude::*;

const MY_TITLE: &str = "Mine: ticket routing";
const THEIR_TITLE: &str = "Theirs: ticket routing";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_external_edit_on_the_same_line_opens_the_merge_view_with_both_sides() {
    let app = AppSession::start_on_example("merge").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    let rel_path = "contracts/ticket-routing-api.md";
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
    app.check("open the contract", item.click().await).await;
    app.wait_for(&format!(r#"body[data-doc-ready="{rel_path}"]"#)).await;

    // The user starts typing a new title...
    let title = app.wait_for(r#"[data-testid="field-title"]"#).await;
    app.check("focus the title", title.click().await).await;
    app.check("select the title", title.send_keys(Key::Control + "a").await).await;
    app.check("type my title", title.send_keys(MY_TITLE).await).await;
    // ...while a teammate's sync tool rewrites the same line on disk.
    let path = app.project_file(rel_path);
    let original = fs::read_to_string(&path).expect("read the contract");
    let title_line = original.lines().find(|line| line.starts_with("title:")).expect("a title line").to_string();
    let theirs = original.replacen(&title_line, &format!("title: \"{THEIR_TITLE}\""), 1);
    fs::write(&path, &theirs).expect("their write");

    // Autosave (or Save) meets the conflict: nothing is written, the merge view opens.
    let merge = app.wait_for(r#"[data-testid="merge-view"]"#).await;
    let merge_text = app.check("read the merge view", merge.text().await).await;
    assert!(merge_text.contains(MY_TITLE), "the merge view shows my side: {merge_text}");
    assert!(merge_text.contains(THEIR_TITLE), "the merge view shows their side: {merge_text}");
    assert_eq!(fs::read_to_string(&path).expect("read"), theirs, "their version is untouched until I resolve");
    app.screenshot("merge-view.png").await.ok();

    // Keep mine and save the result: my title, everything else as it was.
    let keep_mine = app.wait_for(r#"[data-testid="merge-keep-mine"]"#).await;
    app.check("keep mine", keep_mine.click().await).await;
    let save = app.wait_for(r#"[data-testid="merge-save"]"#).await;
    app.check("save the result", save.click().await).await;
    app.wait_until("the resolution on disk", WAIT_TIMEOUT, async || {
        let text = fs::read_to_string(&path).map_err(|error| error.to_string())?;
        if text.contains(MY_TITLE) && !text.contains(THEIR_TITLE) {
            Ok(text)
        } else {
            Err(text.lines().find(|line| line.starts_with("title:")).unwrap_or_default().to_string())
        }
    })
    .await;
    let resolved = fs::read_to_string(&path).expect("read");
    let differing: Vec<(&str, &str)> = original.lines().zip(resolved.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(differing.len(), 1, "only the title line differs from the original: {differing:?}");
    app.wait_for(r#"[data-testid="save-state"][data-state="saved"]"#).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teammates_change_appears_live_in_the_open_document() {
    let app = AppSession::start_on_example("live").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    let rel_path = "datasets/support-tickets-2025.md";
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
    app.check("open the dataset", item.click().await).await;
    app.wait_for(&format!(r#"body[data-doc-ready="{rel_path}"]"#)).await;

    // A teammate's edit arrives through the shared folder while the document is open and clean.
    let path = app.project_file(rel_path);
    let original = fs::read_to_string(&path).expect("read");
    let title_line = original.lines().find(|line| line.starts_with("title:")).expect("a title line").to_string();
    fs::write(&path, original.replacen(&title_line, "title: Retitled by a teammate", 1)).expect("their write");

    app.wait_until("the new title in the open document", WAIT_TIMEOUT, async || {
        let title =
            app.driver().find(By::Css(r#"[data-testid="field-title"]"#)).await.map_err(|error| error.to_string())?;
        let value = title.prop("value").await.map_err(|error| error.to_string())?.unwrap_or_default();
        if value == "Retitled by a teammate" {
            Ok(())
        } else {
            Err(value)
        }
    })
    .await;
    // The sidebar follows too, and nothing was written back.
    app.wait_until("the new title in the sidebar", WAIT_TIMEOUT, async || {
        // textContent: WebKit's visible-text algorithm leaves out the ellipsised title span.
        let item = app
            .driver()
            .find(By::Css(format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)))
            .await
            .map_err(|error| error.to_string())?;
        let text = item.prop("textContent").await.map_err(|error| error.to_string())?.unwrap_or_default();
        if text.contains("Retitled by a teammate") {
            Ok(())
        } else {
            Err(text)
        }
    })
    .await;
    assert!(fs::read_to_string(&path).expect("read").contains("title: Retitled by a teammate"));
    app.close().await;
}
