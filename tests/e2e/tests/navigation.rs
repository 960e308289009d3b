//! Finding and moving between documents in the real window: quick open with a filter, links
//! completed in the editor and followed from the preview and by Ctrl+click, backlinks, the theme
//! toggle, the shortcuts help, a new document from a menu action, and the screenshots of each main
//! view in both themes (written to docs/screenshots/ with SEAM_UPDATE_SCREENSHOTS=1).
//!
//! Needs a display (`xvfb-run -a`), `tauri-driver`, WebKitWebDriver and a built `seam-app`;
//! `scripts/test.sh` provides all four.

use std::fs;

use seam_e2e::{artifacts_dir, workspace_root, AppSession, WAIT_TIMEOUT};
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

/// A CSS attribute value, quoted.
fn css_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

async fn wait_for_doc(app: &AppSession, rel_path: &str) {
    app.wait_for(&format!("body[data-doc-ready={}]", css_string(rel_path))).await;
}

/// Sends keys to whatever has focus (as a person typing would).
async fn press(app: &AppSession, keys: impl Into<TypingData>) {
    let focused = app.check("find the focused element", app.driver().active_element().await).await;
    app.check("press keys", focused.send_keys(keys).await).await;
}

/// The `data-rel-path` of every element matching `css`, in page order.
async fn rel_paths(app: &AppSession, css: &str) -> Result<Vec<String>, String> {
    let mut paths = Vec::new();
    for element in app.driver().find_all(By::Css(css)).await.map_err(|error| error.to_string())? {
        if let Some(path) = element.attr("data-rel-path").await.map_err(|error| error.to_string())? {
            paths.push(path);
        }
    }
    Ok(paths)
}

/// Opens quick open with Ctrl+K and returns its input.
async fn open_palette(app: &AppSession) -> WebElement {
    press(app, Key::Control + "k").await;
    app.wait_for(r#"[data-testid="palette"]"#).await;
    app.wait_for(r#"[data-testid="palette-input"]"#).await
}

async fn open_from_sidebar(app: &AppSession, rel_path: &str) {
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path={}]"#, css_string(rel_path))).await;
    app.check("click the sidebar item", item.click().await).await;
    wait_for_doc(app, rel_path).await;
}

async fn current_theme(app: &AppSession) -> (String, String) {
    let result = app
        .check(
            "read the theme",
            app.driver()
                .execute(
                    "return [document.documentElement.dataset.theme || '', getComputedStyle(document.body).backgroundColor];",
                    Vec::new(),
                )
                .await,
        )
        .await;
    app.check("theme as a pair", result.convert::<(String, String)>()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_open_with_a_filter_opens_the_right_document() {
    let app = AppSession::start_on_example("quick-open").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;

    // Without a filter, "tickets" finds documents of several kinds.
    let input = open_palette(&app).await;
    app.check("type the query", input.send_keys("tickets").await).await;
    let unfiltered = app
        .wait_until("hits of several kinds for `tickets`", WAIT_TIMEOUT, async || {
            let paths = rel_paths(&app, r#"[data-testid="palette-hit"]"#).await?;
            let folders: std::collections::BTreeSet<&str> =
                paths.iter().filter_map(|path| path.split('/').next()).collect();
            if folders.len() >= 2 {
                Ok(paths)
            } else {
                Err(format!("hits {paths:?}"))
            }
        })
        .await;

    // The kind filter narrows the hits to dataset notes (applied by the store, before the limit).
    let kind = app.wait_for(r#"[data-testid="palette-filter-kind"]"#).await;
    let select = app.check("wrap the kind select", SelectElement::new(&kind).await).await;
    app.check("choose dataset notes", select.select_by_value("dataset").await).await;
    let datasets = app
        .wait_until("only dataset hits after filtering by kind", WAIT_TIMEOUT, async || {
            let paths = rel_paths(&app, r#"[data-testid="palette-hit"]"#).await?;
            if paths.len() >= 2 && paths.iter().all(|path| path.starts_with("datasets/")) {
                Ok(paths)
            } else {
                Err(format!("hits {paths:?}"))
            }
        })
        .await;
    assert!(unfiltered.iter().any(|path| !path.starts_with("datasets/")), "{unfiltered:?}");

    // Keyboard: down once, Enter opens the second hit.
    let input = app.wait_for(r#"[data-testid="palette-input"]"#).await;
    app.check("focus the query", input.click().await).await;
    app.check("move down", input.send_keys(Key::Down).await).await;
    app.wait_for(&format!(
        r#"[data-testid="palette-hit"][aria-selected="true"][data-rel-path={}]"#,
        css_string(&datasets[1])
    ))
    .await;
    app.check("open it", input.send_keys(Key::Enter).await).await;
    wait_for_doc(&app, &datasets[1]).await;
    assert!(app.find_all(r#"[data-testid="palette"]"#).await.is_empty(), "quick open closes after opening");

    // An owner filter with no text lists that owner's documents.
    let _ = open_palette(&app).await;
    let owner = app.wait_for(r#"[data-testid="palette-filter-owner"]"#).await;
    let select = app.check("wrap the owner select", SelectElement::new(&owner).await).await;
    app.check("choose Dana Brooks", select.select_by_value("Dana Brooks").await).await;
    let hits = app
        .wait_until("Dana Brooks's documents", WAIT_TIMEOUT, async || {
            let paths = rel_paths(&app, r#"[data-testid="palette-hit"]"#).await?;
            // Ordered by kind, then title; only documents whose owners list names her.
            if paths == ["meetings/escalation-kickoff-2026-10-05.md", "requirements/escalation-risk-requirements.md"] {
                Ok(paths)
            } else {
                Err(format!("hits {paths:?}"))
            }
        })
        .await;
    press(&app, Key::Escape).await;
    assert_eq!(hits.len(), 2);
    app.wait_until("quick open to close on Esc", WAIT_TIMEOUT, async || {
        if app.find_all(r#"[data-testid="palette"]"#).await.is_empty() {
            Ok(())
        } else {
            Err("still open".to_owned())
        }
    })
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_complete_click_through_and_show_as_backlinks() {
    let app = AppSession::start_on_example("links").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    let contract = "contracts/escalation-risk-feed.md";
    let target = "datasets/support-tickets-2023.md";
    let target_id = "support-tickets-2023";
    open_from_sidebar(&app, contract).await;

    // The dataset has no backlink from this contract yet.
    open_from_sidebar(&app, target).await;
    let before = app
        .wait_until("the backlinks of the dataset", WAIT_TIMEOUT, async || {
            let panel =
                app.driver().find_all(By::Css(r#"[data-testid="backlinks"]"#)).await.map_err(|e| e.to_string())?;
            match panel.first() {
                Some(panel)
                    if panel.attr("data-count").await.map_err(|e| e.to_string())?.is_some_and(|c| !c.is_empty()) =>
                {
                    rel_paths(&app, r#"[data-testid="backlink"]"#).await
                }
                _ => Err("backlinks not loaded".to_owned()),
            }
        })
        .await;
    assert!(!before.iter().any(|path| path == contract), "{before:?}");
    open_from_sidebar(&app, contract).await;

    // Type `[[support-tickets-20` on a line of its own: completion offers the ids; pick 2023.
    let editor = app.wait_for(r#"[data-testid="body-editor"] .cm-content"#).await;
    app.check("click into the body", editor.click().await).await;
    app.check("go to the end", editor.send_keys(Key::Control + Key::End).await).await;
    app.check("new paragraph", editor.send_keys(Key::Enter + Key::Enter).await).await;
    app.check("start a link", editor.send_keys("[[support-tickets-20").await).await;
    // Pick the 2023 option with the mouse: CodeMirror applies an option on mousedown. (Accepting
    // with Enter raced here: the list closes when the editor loses focus — other tests' windows
    // open on the same display — and an Enter that arrives after that inserts a newline instead.)
    // The labels and element ids are read in one script (the list may re-render between finding
    // an option and reading it); a closed list is opened again by retyping the last character.
    app.wait_until(&format!("{target_id} picked from the completion list"), WAIT_TIMEOUT, async || {
        let read = app
            .driver()
            .execute(
                "const options = Array.from(document.querySelectorAll('.cm-tooltip-autocomplete li[role=option]'));
                 return options.map((li) => [li.textContent, li.id]);",
                Vec::new(),
            )
            .await
            .map_err(|error| error.to_string())?;
        let options: Vec<(String, String)> =
            serde_json::from_value(read.json().clone()).map_err(|error| error.to_string())?;
        if options.is_empty() {
            app.driver()
                .execute("document.querySelector('[data-testid=\"body-editor\"] .cm-content').focus();", Vec::new())
                .await
                .map_err(|error| error.to_string())?;
            editor.send_keys(Key::Backspace + "0").await.map_err(|error| error.to_string())?;
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            return Err("the completion list closed; typed the last character again".to_string());
        }
        let Some((_, option_id)) = options.iter().find(|(label, _)| label.starts_with(target_id)) else {
            panic!("the completion list should offer {target_id}; it offers {options:?}");
        };
        let option = app.driver().find(By::Id(option_id)).await.map_err(|error| error.to_string())?;
        option.click().await.map_err(|error| format!("clicking {option_id}: {error}"))?;
        Ok(())
    })
    .await;
    app.wait_until("the completed link in the editor", WAIT_TIMEOUT, async || {
        let lines = app
            .driver()
            .find_all(By::Css(r#"[data-testid="body-editor"] .cm-line"#))
            .await
            .map_err(|e| e.to_string())?;
        for line in lines {
            if line.text().await.map_err(|e| e.to_string())? == format!("[[{target_id}]]") {
                return Ok(());
            }
        }
        Err("no line reads the completed link".to_owned())
    })
    .await;

    // The preview shows it as a document link; clicking it opens the dataset (after the
    // contract saved, so its link is in the index).
    let preview_link =
        app.wait_for(&format!(r#"[data-testid="body-preview"] a[data-doc-link={}]"#, css_string(target_id))).await;
    app.wait_until("the contract to be saved on disk", WAIT_TIMEOUT, async || {
        let text = String::from_utf8_lossy(&app.read_project_file(contract)).into_owned();
        if text.contains(&format!("[[{target_id}]]")) {
            Ok(())
        } else {
            Err("not saved yet".to_owned())
        }
    })
    .await;
    app.check("click the link in the preview", preview_link.click().await).await;
    wait_for_doc(&app, target).await;

    // The dataset's backlinks now include the contract; clicking it goes back.
    let backlink = app.wait_for(&format!(r#"[data-testid="backlink"][data-rel-path={}]"#, css_string(contract))).await;
    app.scroll_to_middle(&backlink).await;
    app.check("open the backlink", backlink.click().await).await;
    wait_for_doc(&app, contract).await;

    // Ctrl+click on the link in the editor opens the dataset too.
    let line = app
        .wait_until("the link line after reopening", WAIT_TIMEOUT, async || {
            let lines = app
                .driver()
                .find_all(By::Css(r#"[data-testid="body-editor"] .cm-line"#))
                .await
                .map_err(|e| e.to_string())?;
            for line in lines {
                if line.text().await.map_err(|e| e.to_string())? == format!("[[{target_id}]]") {
                    return Ok(line);
                }
            }
            Err("no line reads the link".to_owned())
        })
        .await;
    app.check("scroll the link into view", line.scroll_into_view().await).await;
    app.check(
        "Ctrl+click the link",
        app.driver().action_chain().key_down(Key::Control).click_element(&line).key_up(Key::Control).perform().await,
    )
    .await;
    wait_for_doc(&app, target).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn theme_toggle_shortcuts_help_and_new_document_action() {
    let app = AppSession::start_on_example("desktop").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;

    // Ctrl+Shift+L switches the theme of the whole document, and the choice is kept locally.
    let (theme_before, background_before) = current_theme(&app).await;
    assert!(theme_before == "light" || theme_before == "dark", "data-theme is {theme_before:?}");
    press(&app, Key::Control + Key::Shift + "l").await;
    let (theme_after, background_after) = app
        .wait_until("the other theme", WAIT_TIMEOUT, async || {
            let (theme, background) = current_theme(&app).await;
            if theme != theme_before {
                Ok((theme, background))
            } else {
                Err(format!("still {theme}"))
            }
        })
        .await;
    assert_ne!(background_before, background_after, "the page background should change with the theme");
    let stored = app
        .check(
            "read the stored theme",
            app.driver().execute("return localStorage.getItem('seam.theme');", Vec::new()).await,
        )
        .await;
    assert_eq!(stored.json().as_str(), Some(theme_after.as_str()));
    press(&app, Key::Control + Key::Shift + "l").await;
    app.wait_until("the first theme again", WAIT_TIMEOUT, async || {
        let (theme, _) = current_theme(&app).await;
        if theme == theme_before {
            Ok(())
        } else {
            Err(format!("still {theme}"))
        }
    })
    .await;

    // F1 shows the shortcuts; Esc closes them.
    press(&app, Key::F1).await;
    let dialog = app.wait_for(r#"[data-testid="shortcuts-dialog"]"#).await;
    let text = app.check("read the shortcuts", dialog.text().await).await;
    assert!(text.contains("Ctrl+K") && text.contains("Quick open"), "{text}");
    // Tab and Shift+Tab stay inside the dialog: the page behind it is out of reach.
    let inside =
        r#"return document.querySelector('[data-testid="shortcuts-dialog"]').contains(document.activeElement);"#;
    for step in 0..8 {
        let keys = if step < 5 { TypingData::from(Key::Tab) } else { Key::Shift + Key::Tab };
        press(&app, keys).await;
        let focus_inside = app.check("where focus is", app.driver().execute(inside, Vec::new()).await).await;
        assert_eq!(focus_inside.json().as_bool(), Some(true), "Tab number {step} left the dialog");
    }
    press(&app, Key::Escape).await;
    app.wait_until("the shortcuts dialog to close", WAIT_TIMEOUT, async || {
        if app.find_all(r#"[data-testid="shortcuts-dialog"]"#).await.is_empty() {
            Ok(())
        } else {
            Err("open".to_owned())
        }
    })
    .await;

    // "New requirement sheet" (the File menu's first item runs the same action): asks for a
    // title, writes the template to requirements/, and opens it.
    let input = open_palette(&app).await;
    app.check("look for the command", input.send_keys("> new requirement").await).await;
    let command = app.wait_for(r#"[data-testid="palette-command"][data-action="new-requirements"]"#).await;
    app.check("run it", command.click().await).await;
    app.wait_for(r#"[data-testid="palette"][data-mode="new"]"#).await;
    let input = app.wait_for(r#"[data-testid="palette-input"]"#).await;
    app.check("type the title", input.send_keys("Churn model").await).await;
    app.check("create", input.send_keys(Key::Enter).await).await;
    let created = "requirements/churn-model.md";
    wait_for_doc(&app, created).await;
    let text = String::from_utf8_lossy(&app.read_project_file(created)).into_owned();
    assert!(
        text.contains("kind: requirements")
            && text.contains("id: \"churn-model\"")
            && text.contains("title: \"Churn model\""),
        "{text}"
    );
    app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path={}]"#, css_string(created))).await;
    app.close().await;
}

/// Each main view in the light and the dark theme. Always written to tests/e2e/artifacts/; with
/// SEAM_UPDATE_SCREENSHOTS=1 also to docs/screenshots/ (scripts/screenshots.sh).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_each_main_view() {
    let update = std::env::var("SEAM_UPDATE_SCREENSHOTS").as_deref() == Ok("1");
    let save = async |app: &AppSession, name: &str| {
        let png = app.check("screenshot", app.driver().screenshot_as_png().await).await;
        fs::write(artifacts_dir().join(format!("{name}.png")), &png).expect("write the screenshot artifact");
        if update {
            let folder = workspace_root().join("docs/screenshots");
            fs::create_dir_all(&folder).expect("create docs/screenshots");
            fs::write(folder.join(format!("{name}.png")), &png).expect("write docs/screenshots");
        }
    };

    // First run: the welcome screen.
    let welcome = AppSession::start_on_welcome("screens-welcome").await;
    welcome.wait_for(r#"[data-testid="welcome"]"#).await;
    for theme in ["light", "dark"] {
        set_theme(&welcome, theme).await;
        save(&welcome, &format!("welcome-{theme}")).await;
    }
    welcome.close().await;

    let app = AppSession::start_on_example("screens").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    let requirements = "requirements/ticket-routing-requirements.md";
    open_from_sidebar(&app, requirements).await;
    app.wait_for(r#"[data-testid="backlink"]"#).await;
    for theme in ["light", "dark"] {
        set_theme(&app, theme).await;
        app.check(
            "scroll to the top",
            app.driver().execute("document.querySelector('main.content').scrollTo(0, 0);", Vec::new()).await,
        )
        .await;
        save(&app, &format!("document-{theme}")).await;
        app.check(
            "scroll to the backlinks",
            app.driver()
                .execute(
                    "document.querySelector('[data-testid=\"backlinks\"]').scrollIntoView({ block: 'end' });",
                    Vec::new(),
                )
                .await,
        )
        .await;
        save(&app, &format!("backlinks-{theme}")).await;
        app.check(
            "scroll back up",
            app.driver().execute("document.querySelector('main.content').scrollTo(0, 0);", Vec::new()).await,
        )
        .await;

        let input = open_palette(&app).await;
        app.check("type a query", input.send_keys("routing").await).await;
        app.wait_for(r#"[data-testid="palette-hit"]"#).await;
        save(&app, &format!("quick-open-{theme}")).await;
        press(&app, Key::Escape).await;

        press(&app, Key::F1).await;
        app.wait_for(r#"[data-testid="shortcuts-dialog"]"#).await;
        save(&app, &format!("shortcuts-{theme}")).await;
        press(&app, Key::Escape).await;
        app.wait_until("dialogs closed", WAIT_TIMEOUT, async || {
            if app.find_all(r#"[data-testid="shortcuts-dialog"], [data-testid="palette"]"#).await.is_empty() {
                Ok(())
            } else {
                Err("a dialog is open".to_owned())
            }
        })
        .await;
    }

    // The editor of every kind, and the dashboard, in both themes.
    for theme in ["light", "dark"] {
        set_theme(&app, theme).await;
        for (name, rel_path) in [
            ("contract", "contracts/ticket-routing-api.md"),
            ("dataset", "datasets/customer-accounts.md"),
            ("meeting", "meetings/routing-v2-negotiation-2026-11-10.md"),
        ] {
            open_from_sidebar(&app, rel_path).await;
            app.check(
                "scroll to the top",
                app.driver().execute("document.querySelector('main.content').scrollTo(0, 0);", Vec::new()).await,
            )
            .await;
            save(&app, &format!("{name}-{theme}")).await;
        }
        let open = app.wait_for(r#"[data-testid="open-dashboard"]"#).await;
        app.check("open the dashboard", open.click().await).await;
        app.wait_for(r#"body[data-dashboard-ready="true"] [data-testid="metric-chart"]"#).await;
        save(&app, &format!("dashboard-{theme}")).await;
        let close = app.wait_for(r#"[data-testid="open-dashboard"]"#).await;
        app.check("close the dashboard", close.click().await).await;
        app.wait_until("the dashboard closed", WAIT_TIMEOUT, async || {
            if app.find_all(r#"[data-testid="dashboard"]"#).await.is_empty() {
                Ok(())
            } else {
                Err("still open".to_owned())
            }
        })
        .await;
    }
    app.close().await;
}

/// Sets the theme through the app's own toggle (Ctrl+Shift+L) until `data-theme` is `theme`.
async fn set_theme(app: &AppSession, theme: &str) {
    if current_theme(app).await.0 != theme {
        press(app, Key::Control + Key::Shift + "l").await;
    }
    app.wait_until(&format!("the {theme} theme"), WAIT_TIMEOUT, async || {
        let (current, _) = current_theme(app).await;
        if current == theme {
            Ok(())
        } else {
            Err(format!("data-theme is {current:?}"))
        }
    })
    .await;
}
