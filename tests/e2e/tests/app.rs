//! The real app in a real window: open the example project, edit a contract's title and body,
//! save, and check the file on disk changed exactly as intended; then search.
//!
//! Needs a display (`xvfb-run -a`), `tauri-driver`, WebKitWebDriver and a built `seam-app`;
//! `scripts/test.sh` provides all four.

use std::fs;
use std::path::Path;

use seam_e2e::{
    artifacts_dir, front_matter_len, front_matter_value, lines_with_endings, without_line_ending, workspace_root,
    AppSession, WAIT_TIMEOUT,
};
use thirtyfour::prelude::*;

/// Contains a colon, so a correct save must quote it.
const NEW_TITLE: &str = "Edited: ETA API";
/// Plain words only, so no editor auto-pairing or Markdown continuation can change it.
const APPENDED_SENTENCE: &str = "The end-to-end test appended this sentence.";

/// A CSS attribute value, quoted.
fn css_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Relative paths (with `/`) of the Markdown files directly inside `project/folder`, sorted.
fn markdown_files_in(project: &Path, folder: &str) -> Vec<String> {
    let dir = project.join(folder);
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("{folder}/{name}"))
        .collect();
    names.sort();
    names
}

/// All Markdown files of the project, read, lowercased.
fn all_documents_lowercase(project: &Path) -> Vec<String> {
    let mut contents = Vec::new();
    let mut pending = vec![project.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "md") {
                let text = fs::read(&path).unwrap_or_default();
                contents.push(String::from_utf8_lossy(&text).to_lowercase());
            }
        }
    }
    contents
}

/// The word of `body` that occurs in the fewest project documents (longest, then alphabetical,
/// on ties), so a search for it should find this document among the first hits.
fn rarest_word(body: &str, documents: &[String]) -> Option<String> {
    let mut candidates: Vec<String> = body
        .split(|character: char| !character.is_ascii_alphabetic())
        .filter(|word| word.len() >= 7)
        .map(str::to_lowercase)
        .collect();
    candidates.sort();
    candidates.dedup();
    candidates.into_iter().min_by_key(|word| {
        let occurrences = documents.iter().filter(|document| document.contains(word.as_str())).count();
        (occurrences, std::cmp::Reverse(word.len()), word.clone())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_edit_save_and_search_the_example_project() {
    let app = AppSession::start_on_example("app").await;

    // -- The project loads and the sidebar lists its documents; the whole-project check runs
    // after the window shows the project, and then the issues button has its count.
    app.wait_for(r#"body[data-ready="true"]"#).await;
    app.wait_for(r#"[data-testid="project-issues"][data-count]:not([data-count=""])"#).await;
    let items = app
        .wait_until("at least 8 `[data-testid=\"doc-item\"]`", WAIT_TIMEOUT, async || {
            let items = app
                .driver()
                .find_all(By::Css(r#"[data-testid="doc-item"]"#))
                .await
                .map_err(|error| error.to_string())?;
            if items.len() >= 8 {
                Ok(items)
            } else {
                Err(format!("{} doc-items", items.len()))
            }
        })
        .await;

    // -- Open a contract.
    let mut contract = None;
    for item in &items {
        let rel_path = app.check("read data-rel-path", item.attr("data-rel-path").await).await;
        if let Some(rel_path) = rel_path.filter(|path| path.starts_with("contracts/")) {
            contract = Some((item.clone(), rel_path));
            break;
        }
    }
    let Some((contract_item, contract_path)) = contract else {
        app.fail("no `[data-testid=\"doc-item\"]` has a data-rel-path starting with `contracts/`").await
    };
    app.check("click the contract in the sidebar", contract_item.click().await).await;
    app.wait_for(&format!("body[data-doc-ready={}]", css_string(&contract_path))).await;

    // The screenshot for the docs: the main window with a document open.
    let screenshot = app.check("screenshot", app.driver().screenshot_as_png().await).await;
    fs::write(artifacts_dir().join("main.png"), &screenshot).expect("write artifacts/main.png");
    if std::env::var("SEAM_UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        let docs_screenshots = workspace_root().join("docs/screenshots");
        fs::create_dir_all(&docs_screenshots).expect("create docs/screenshots");
        fs::write(docs_screenshots.join("main.png"), &screenshot).expect("write docs/screenshots/main.png");
    }

    // -- Edit the title: exactly the `title:` line changes, and the colon forces quoting.
    let before_title_edit = app.read_project_file(&contract_path);
    let title_field = app.wait_for(r#"[data-testid="field-title"]"#).await;
    app.check("click the title field", title_field.click().await).await;
    app.check("clear the title field", title_field.clear().await).await;
    // `clear` may not fire `input`; select-all + delete does, whatever is left.
    app.check("select the title", title_field.send_keys(Key::Control + "a").await).await;
    app.check("delete the title", title_field.send_keys(Key::Backspace).await).await;
    app.check("type the new title", title_field.send_keys(NEW_TITLE).await).await;
    let typed = app.check("read the title field", title_field.prop("value").await).await;
    if typed.as_deref() != Some(NEW_TITLE) {
        app.fail(&format!("the title field holds {typed:?} after typing {NEW_TITLE:?}")).await;
    }
    click_save(&app).await;
    let after_title_edit = wait_for_saved_file(&app, &contract_path, "the new title", |bytes| {
        front_matter_value(bytes, "title").as_deref() == Some(NEW_TITLE)
    })
    .await;

    let lines_before = lines_with_endings(&before_title_edit);
    let lines_after = lines_with_endings(&after_title_edit);
    assert_eq!(
        lines_before.len(),
        lines_after.len(),
        "saving a new title changed the number of lines of {contract_path}"
    );
    let changed: Vec<usize> =
        (0..lines_before.len()).filter(|&index| lines_before[index] != lines_after[index]).collect();
    assert_eq!(changed.len(), 1, "exactly one line of {contract_path} should change; lines {changed:?} did");
    let old_line = lines_before[changed[0]];
    let new_line = lines_after[changed[0]];
    let new_line_text = String::from_utf8_lossy(without_line_ending(new_line));
    assert!(
        String::from_utf8_lossy(old_line).starts_with("title:"),
        "the changed line should be the `title:` line, was {:?}",
        String::from_utf8_lossy(old_line)
    );
    assert_eq!(
        &old_line[without_line_ending(old_line).len()..],
        &new_line[without_line_ending(new_line).len()..],
        "the title line's line ending changed"
    );
    let new_value = new_line_text.strip_prefix("title:").map(str::trim);
    assert!(
        new_value.is_some_and(|value| seam_e2e::decode_quoted_yaml_scalar(value).as_deref() == Some(NEW_TITLE)),
        "the new title line should hold {NEW_TITLE:?} as a quoted YAML string, was {new_line_text:?}"
    );

    // -- Edit the body: append a sentence at the end; the front matter stays byte-identical.
    let editor = app.wait_for(r#"[data-testid="body-editor"] .cm-content"#).await;
    app.check("click into the body editor", editor.click().await).await;
    app.check("go to the end of the body", editor.send_keys(Key::Control + Key::End).await).await;
    app.check("type into the body", editor.send_keys(APPENDED_SENTENCE).await).await;
    click_save(&app).await;
    let after_body_edit = wait_for_saved_file(&app, &contract_path, "the appended sentence", |bytes| {
        String::from_utf8_lossy(bytes).contains(APPENDED_SENTENCE)
    })
    .await;

    let front_matter_end = front_matter_len(&after_title_edit)
        .unwrap_or_else(|| panic!("{contract_path} has no front matter after the title edit"));
    assert_eq!(
        after_body_edit.get(..front_matter_end),
        Some(&after_title_edit[..front_matter_end]),
        "editing the body changed the front matter bytes of {contract_path}"
    );
    let old_body = String::from_utf8_lossy(&after_title_edit[front_matter_end..]).replace("\r\n", "\n");
    let new_body = String::from_utf8_lossy(&after_body_edit[front_matter_end..]).replace("\r\n", "\n");
    assert!(
        new_body.trim_end_matches('\n').ends_with(APPENDED_SENTENCE),
        "the body should end with the typed sentence; it ends with {:?}",
        &new_body[new_body.len().saturating_sub(120)..]
    );
    assert!(new_body.starts_with(old_body.trim_end_matches('\n')), "the text before the appended sentence changed");

    // -- Search for a word of another document.
    let dataset_path =
        markdown_files_in(&app.project_dir, "datasets").into_iter().next().expect("the example project has datasets");
    let dataset_bytes = app.read_project_file(&dataset_path);
    let dataset_title = front_matter_value(&dataset_bytes, "title").unwrap_or_default();
    let dataset_body =
        String::from_utf8_lossy(&dataset_bytes[front_matter_len(&dataset_bytes).unwrap_or(0)..]).into_owned();
    let documents = all_documents_lowercase(&app.project_dir);
    let word = rarest_word(&dataset_body, &documents)
        .or_else(|| rarest_word(&dataset_title, &documents))
        .unwrap_or_else(|| panic!("{dataset_path} has no word of 7+ letters to search for"));

    let search = app.wait_for(r#"[data-testid="search"]"#).await;
    app.check("click the search box", search.click().await).await;
    app.check("type the search", search.send_keys(word.as_str()).await).await;
    app.wait_until(
        &format!("a `[data-testid=\"search-hit\"]` for {dataset_path} after searching {word:?}"),
        WAIT_TIMEOUT,
        async || {
            let hits = app
                .driver()
                .find_all(By::Css(r#"[data-testid="search-hit"]"#))
                .await
                .map_err(|error| error.to_string())?;
            let mut seen = Vec::new();
            for hit in hits {
                let rel_path = hit.attr("data-rel-path").await.map_err(|error| error.to_string())?;
                let text = hit.text().await.map_err(|error| error.to_string())?;
                let matches = match &rel_path {
                    Some(rel_path) => *rel_path == dataset_path,
                    None => !dataset_title.is_empty() && text.contains(&dataset_title),
                };
                if matches {
                    return Ok(());
                }
                seen.push(format!("{rel_path:?} {:?}", text.lines().next().unwrap_or("")));
            }
            Err(format!("hits: [{}]", seen.join(", ")))
        },
    )
    .await;

    app.close().await;
}

/// Clicks Save. The UI also autosaves and disables Save when nothing is pending, so a disabled
/// button means the edit is already being saved; `wait_for_saved_file` checks the outcome.
async fn click_save(app: &AppSession) {
    let save = app.wait_for(r#"[data-testid="save"]"#).await;
    if !app.check("is Save enabled", save.is_enabled().await).await {
        return;
    }
    if let Err(error) = save.click().await {
        if app.check("is Save enabled", save.is_enabled().await).await {
            app.fail(&format!("click Save: {error}")).await;
        }
    }
}

/// Waits until the save state says saved and the file on disk shows the edit, then returns
/// the file's bytes. Both, because the state may already read "saved" before the click lands.
async fn wait_for_saved_file(
    app: &AppSession,
    rel_path: &str,
    what: &str,
    shows_edit: impl Fn(&[u8]) -> bool,
) -> Vec<u8> {
    app.wait_until(
        &format!("`[data-testid=\"save-state\"][data-state=\"saved\"]` and {what} in {rel_path}"),
        WAIT_TIMEOUT,
        async || {
            let state = match app.driver().find_all(By::Css(r#"[data-testid="save-state"]"#)).await {
                Ok(elements) => match elements.first() {
                    Some(element) => element.attr("data-state").await.map_err(|error| error.to_string())?,
                    None => return Err("no save-state element".to_owned()),
                },
                Err(error) => return Err(error.to_string()),
            };
            let bytes = app.read_project_file(rel_path);
            if state.as_deref() == Some("saved") && shows_edit(&bytes) {
                Ok(bytes)
            } else {
                Err(format!(
                    "save-state {state:?}; file has the edit: {}; title line: {:?}",
                    shows_edit(&bytes),
                    front_matter_value(&bytes, "title")
                ))
            }
        },
    )
    .await
}
