//! The real app in a real window: the structured editors of each kind. A requirement's threshold
//! changed in the table changes exactly that value's bytes on disk, and undo puts the file back byte for byte;
//! a contract input field added in the table becomes one new line; answering a datasheet
//! question moves the completeness meter and writes the answer under its heading.
//!
//! Needs a display (`xvfb-run -a`), `tauri-driver`, WebKitWebDriver and a built `seam-app`;
//! `scripts/test.sh` provides all four. Screenshots of each editor go to tests/e2e/artifacts/
//! (and to docs/screenshots/ with SEAM_UPDATE_SCREENSHOTS=1).

use std::fs;

use seam_e2e::{artifacts_dir, lines_with_endings, workspace_root, AppSession, WAIT_TIMEOUT};
use thirtyfour::prelude::*;

/// Opens the document at `rel_path` from the sidebar and waits until it is shown.
async fn open_document(app: &AppSession, rel_path: &str) {
    app.wait_for(r#"body[data-ready="true"]"#).await;
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
    app.check("open the document", item.click().await).await;
    app.wait_for(&format!(r#"body[data-doc-ready="{rel_path}"]"#)).await;
    app.wait_for(r#"[data-testid="structured-editor"]"#).await;
}

/// Replaces the text of an input or textarea the way a user does: select all, type.
async fn retype(app: &AppSession, element: &WebElement, text: &str) {
    app.scroll_to_middle(element).await;
    if element.click().await.is_err() {
        // A row just added can still be settling (WebKitWebDriver then calls it not
        // interactable); focusing it is what the click is for.
        let arg = app.check("pass the field", element.to_json()).await;
        app.check("focus the field", app.driver().execute("arguments[0].focus();", vec![arg]).await).await;
    }
    app.check("select its text", element.send_keys(Key::Control + "a").await).await;
    app.check("type the new text", element.send_keys(text).await).await;
}

/// Saves a screenshot of the window under artifacts/ (and docs/screenshots/ when asked).
async fn keep_screenshot(app: &AppSession, name: &str) {
    let png = app.check("screenshot", app.driver().screenshot_as_png().await).await;
    fs::write(artifacts_dir().join(name), &png).expect("write the screenshot");
    if std::env::var("SEAM_UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        let folder = workspace_root().join("docs/screenshots");
        fs::create_dir_all(&folder).expect("create docs/screenshots");
        fs::write(folder.join(name), &png).expect("write docs/screenshots");
    }
}

/// Waits until the document reads as saved and the file satisfies `done`; returns its bytes.
async fn wait_for_file(app: &AppSession, rel_path: &str, what: &str, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    app.wait_until(&format!("{what} in {rel_path}, saved"), WAIT_TIMEOUT, async || {
        let state = app
            .driver()
            .find(By::Css(r#"[data-testid="save-state"]"#))
            .await
            .map_err(|error| error.to_string())?
            .attr("data-state")
            .await
            .map_err(|error| error.to_string())?;
        let bytes = app.read_project_file(rel_path);
        if state.as_deref() == Some("saved") && done(&bytes) {
            Ok(bytes)
        } else {
            Err(format!("save-state {state:?}, file done: {}", done(&bytes)))
        }
    })
    .await
}

/// The bytes that differ between two texts: (old middle, new middle) after the common prefix and suffix.
fn changed_middle<'a>(before: &'a [u8], after: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let max_suffix = before.len().min(after.len()) - prefix;
    let suffix = before.iter().rev().zip(after.iter().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    (&before[prefix..before.len() - suffix], &after[prefix..after.len() - suffix])
}

/// Presses Ctrl+KEY wherever the focus is, as a user does.
async fn press_with_control(app: &AppSession, key: &str) {
    let chain = app.driver().action_chain().key_down(Key::Control).send_keys(key).key_up(Key::Control);
    app.check(&format!("press Ctrl+{key}"), chain.perform().await).await;
}

async fn value_of(app: &AppSession, css: &str) -> String {
    let element = app.wait_for(css).await;
    app.check("read the value", element.prop("value").await).await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_threshold_edited_in_the_requirement_table_changes_only_its_bytes_and_undo_writes_the_old_value_back() {
    let app = AppSession::start_on_example("editors-requirements").await;
    let rel_path = "requirements/ticket-routing-requirements.md";
    let original = app.read_project_file(rel_path);
    open_document(&app, rel_path).await;

    // The first requirement (queue-macro-f1) has `threshold: 0.80`; the cell shows it as a number.
    let cell_css = r#"[data-testid="req-0-threshold"]"#;
    assert_eq!(value_of(&app, cell_css).await, "0.8");
    keep_screenshot(&app, "editor-requirements.png").await;

    // A threshold above the target with `>=` is flagged at the cell as you type (and still
    // saved: the sheet may record a disputed value)…
    let cell = app.wait_for(cell_css).await;
    retype(&app, &cell, "0.9").await;
    let problem = app.wait_for(r#"[data-row="0"] [data-column="threshold"] [data-testid="cell-problem"]"#).await;
    let message = app.check("read the problem", problem.text().await).await;
    assert!(message.contains("threshold"), "the message speaks of the threshold: {message}");
    keep_screenshot(&app, "editor-requirements-invalid.png").await;
    wait_for_file(&app, rel_path, "threshold 0.9", |bytes| String::from_utf8_lossy(bytes).contains("threshold: 0.9\n"))
        .await;

    // …a consistent one clears the message, and on disk exactly the value's bytes changed.
    retype(&app, &cell, "0.82").await;
    let saved = wait_for_file(&app, rel_path, "threshold 0.82", |bytes| {
        String::from_utf8_lossy(bytes).contains("threshold: 0.82")
    })
    .await;
    assert!(app.find_all(r#"[data-row="0"] [data-column="threshold"] [data-testid="cell-problem"]"#).await.is_empty());
    let (old, new) = changed_middle(&original, &saved);
    assert_eq!((old, new), (&b"0"[..], &b"2"[..]), "only the threshold's last digit differs from the original");

    // Undo (Ctrl+Z, focus outside any field) steps back through the saved edits: 0.9, then 0.8,
    // and the autosave writes each back.
    let heading = app.wait_for("#req-heading").await;
    app.check("click outside the cells", heading.click().await).await;
    for (expected_cell, expected_line) in [("0.9", "threshold: 0.9\n"), ("0.8", "threshold: 0.80\n")] {
        press_with_control(&app, "z").await;
        app.wait_until(&format!("the cell back at {expected_cell}"), WAIT_TIMEOUT, async || {
            let value = app
                .driver()
                .find(By::Css(cell_css))
                .await
                .map_err(|error| error.to_string())?
                .prop("value")
                .await
                .map_err(|error| error.to_string())?
                .unwrap_or_default();
            if value == expected_cell {
                Ok(())
            } else {
                Err(value)
            }
        })
        .await;
        wait_for_file(&app, rel_path, expected_line.trim(), |bytes| {
            String::from_utf8_lossy(bytes).contains(expected_line)
        })
        .await;
    }
    // Back at the values the file had when it was opened, the file is those bytes again
    // (`0.80`, not a reformatted `0.8`).
    let restored = app.read_project_file(rel_path);
    assert!(restored == original, "undo restores the original file byte for byte");

    // Redo with Ctrl+Y brings the last undone edit back.
    press_with_control(&app, "y").await;
    wait_for_file(&app, rel_path, "threshold 0.9 again", |bytes| {
        String::from_utf8_lossy(bytes).contains("threshold: 0.9\n")
    })
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contract_input_field_added_in_the_table_becomes_one_new_line() {
    let app = AppSession::start_on_example("editors-contract").await;
    let rel_path = "contracts/ticket-routing-api.md";
    let original = app.read_project_file(rel_path);
    open_document(&app, rel_path).await;
    keep_screenshot(&app, "editor-contract.png").await;

    let rows_before = app.find_all(r#"[data-testid="input"] tbody tr[data-row]"#).await.len();
    let add = app.wait_for(r#"[data-testid="input-add"]"#).await;
    app.check("scroll to the add button", add.scroll_into_view().await).await;
    app.check("add an input field", add.click().await).await;
    let name_css = format!(r#"[data-testid="input-{rows_before}-name"]"#);
    let name = app.wait_for(&name_css).await;
    retype(&app, &name, "priority_hint").await;
    let select = app.wait_for(&format!(r#"[data-testid="input-{rows_before}-source"]"#)).await;
    app.wait_for(&format!(r#"[data-testid="input-{rows_before}-source"] option[value="support-tickets-2025"]"#)).await;
    app.scroll_to_middle(&select).await;
    // The keyboard way of choosing in a native select: focus it and type the option's start.
    // WebKitWebDriver does not click <option>s of a closed select; the change event is the same.
    let arg = app.check("pass the select", select.to_json()).await;
    app.check(
        "choose the source dataset",
        app.driver()
            .execute(
                r#"const s = arguments[0]; s.focus(); s.value = "support-tickets-2025";
                   s.dispatchEvent(new Event("input", { bubbles: true }));
                   s.dispatchEvent(new Event("change", { bubbles: true }));"#,
                vec![arg],
            )
            .await,
    )
    .await;
    let saved = wait_for_file(&app, rel_path, "the new input field", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        text.contains("name: priority_hint") && text.contains("source: support-tickets-2025}")
    })
    .await;
    keep_screenshot(&app, "editor-contract-added.png").await;

    // One line more; every old line is still there, in order.
    let old_lines = lines_with_endings(&original);
    let new_lines = lines_with_endings(&saved);
    assert_eq!(new_lines.len(), old_lines.len() + 1, "adding a field adds one line");
    let inserted =
        (0..new_lines.len()).find(|&index| old_lines.get(index) != Some(&new_lines[index])).expect("some line differs");
    let mut without_new = new_lines.clone();
    let added = String::from_utf8_lossy(without_new.remove(inserted)).into_owned();
    assert_eq!(without_new, old_lines, "the other lines are untouched");
    assert_eq!(
        added.trim_end(),
        "  - {name: priority_hint, type: string, nullable: false, source: support-tickets-2025}",
        "the new field is written like its neighbours"
    );
    // It went right after the last input field, before `output:`.
    assert!(String::from_utf8_lossy(new_lines[inserted + 1]).starts_with("output:"));
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_a_datasheet_question_moves_the_completeness_meter() {
    let app = AppSession::start_on_example("editors-dataset").await;
    let rel_path = "datasets/ticket-sla-events.md";
    let original = String::from_utf8(app.read_project_file(rel_path)).expect("UTF-8");
    open_document(&app, rel_path).await;

    let meter_done = async || -> Result<String, String> {
        app.driver()
            .find(By::Css(r#"[data-testid="completeness-meter"]"#))
            .await
            .map_err(|error| error.to_string())?
            .attr("data-done")
            .await
            .map_err(|error| error.to_string())?
            .ok_or_else(|| "no data-done".to_string())
    };
    let before: u32 = app
        .wait_until("the completeness meter", WAIT_TIMEOUT, async || meter_done().await)
        .await
        .parse()
        .expect("a count");
    let unanswered = app.find_all(r#"[data-testid="unanswered-item"][data-key="distribution"]"#).await;
    assert_eq!(unanswered.len(), 1, "Distribution is listed as unanswered");
    keep_screenshot(&app, "editor-dataset.png").await;

    let answer = "Internal only, in the analytics warehouse; access through DATA-ACCESS tickets.";
    let textarea = app.wait_for(r#"[data-testid="datasheet-answer"][data-section="distribution"]"#).await;
    app.check("scroll to the question", textarea.scroll_into_view().await).await;
    app.check("focus the answer box", textarea.click().await).await;
    app.check("type the answer", textarea.send_keys(answer).await).await;

    app.wait_until("the meter one step further", WAIT_TIMEOUT, async || {
        let done = meter_done().await?;
        if done == (before + 1).to_string() {
            Ok(())
        } else {
            Err(format!("data-done {done}, was {before}"))
        }
    })
    .await;
    assert!(app.find_all(r#"[data-testid="unanswered-item"][data-key="distribution"]"#).await.is_empty());
    keep_screenshot(&app, "editor-dataset-answered.png").await;

    let saved =
        wait_for_file(&app, rel_path, "the answer", |bytes| String::from_utf8_lossy(bytes).contains(answer)).await;
    let saved = String::from_utf8(saved).expect("UTF-8");
    let prompt = "_Who can get this dataset, where is it stored, and under which terms?_";
    assert_eq!(saved, original.replacen(prompt, answer, 1), "the answer replaced the prompt, nothing else changed");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_attendee_added_in_the_table_is_written_to_the_meeting() {
    let app = AppSession::start_on_example("editors-meeting").await;
    let rel_path = "meetings/routing-v2-negotiation-2026-11-10.md";
    let original = String::from_utf8_lossy(&app.read_project_file(rel_path)).into_owned();
    open_document(&app, rel_path).await;

    let rows_before = app.find_all(r#"[data-testid="attendees"] tbody tr[data-row]"#).await.len();
    assert!(rows_before >= 3, "the example meeting lists its attendees ({rows_before})");
    let add = app.wait_for(r#"[data-testid="attendees-add"]"#).await;
    app.scroll_to_middle(&add).await;
    app.check("add an attendee", add.click().await).await;
    let name = app.wait_for(&format!(r#"[data-testid="attendees-{rows_before}-name"]"#)).await;
    retype(&app, &name, "Noor Haddad").await;
    let role = app.wait_for(&format!(r#"[data-testid="attendees-{rows_before}-role"]"#)).await;
    retype(&app, &role, "engineer").await;
    let saved = wait_for_file(&app, rel_path, "the new attendee", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        text.contains("Noor Haddad") && text.contains("engineer")
    })
    .await;
    let saved = String::from_utf8_lossy(&saved).into_owned();
    // Everything the meeting said before is still there; the decisions are untouched.
    for line in original.lines().filter(|line| line.contains("decision")) {
        assert!(saved.contains(line), "kept: {line}");
    }
    app.close().await;
}
