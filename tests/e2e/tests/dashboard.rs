//! The real app in a real window: open the dashboard on the example project, import a metrics
//! file into the router's requirement sheet, and see the new point on its chart, the row's
//! `measured` written in the sheet and the run added under `metrics/`.
//!
//! Needs a display (`xvfb-run -a`), `tauri-driver`, WebKitWebDriver and a built `seam-app`;
//! `scripts/test.sh` provides all four.

use std::fs;

use seam_e2e::{AppSession, WAIT_TIMEOUT};
use thirtyfour::prelude::*;

const SHEET: &str = "ticket-routing-requirements";
const CHART: &str = r#"[data-testid="metric-chart"][data-row="queue-macro-f1"]"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_a_metrics_file_adds_a_point_to_the_chart() {
    let app = AppSession::start_on_example("dashboard").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;

    let open = app.wait_for(r#"[data-testid="open-dashboard"]"#).await;
    app.check("open the dashboard", open.click().await).await;
    app.wait_for(r#"body[data-dashboard-ready="true"]"#).await;
    let card = app.wait_for(&format!(r#"[data-testid="sheet-card"][data-sheet="{SHEET}"]"#)).await;
    app.check("choose the router sheet", card.click().await).await;
    app.wait_for(&format!(r#"[data-testid="sheet-detail"][data-sheet="{SHEET}"]"#)).await;

    let chart = app.wait_for(CHART).await;
    let before: usize = app
        .check("read the chart's points", chart.attr("data-points").await)
        .await
        .and_then(|points| points.parse().ok())
        .unwrap_or_default();
    assert!(before >= 4, "the example's recorded runs give the chart {before} points");
    app.screenshot("dashboard-before-import.png").await.ok();

    // An evaluation run outside the project, as a data scientist would hand it over.
    let file = app.project_dir.parent().expect("temp root").join("router-eval-latest.json");
    fs::write(&file, r#"{"test": {"macro_f1": 0.893, "loss": 0.37}}"#).expect("write the metrics file");
    let path = app.wait_for(r#"[data-testid="metrics-path"]"#).await;
    app.check("type the file path", path.send_keys(file.to_str().expect("utf-8 path")).await).await;
    let import = app.wait_for(r#"[data-testid="metrics-import-button"]"#).await;
    app.check("import", import.click().await).await;

    let driver = app.driver();
    app.wait_until("the new point on the chart", WAIT_TIMEOUT, async || {
        let chart = driver.find(By::Css(CHART)).await.map_err(|error| error.to_string())?;
        let points = chart.attr("data-points").await.map_err(|error| error.to_string())?.unwrap_or_default();
        let last = chart.attr("data-last-value").await.map_err(|error| error.to_string())?.unwrap_or_default();
        if points == (before + 1).to_string() && last == "0.893" {
            Ok(())
        } else {
            Err(format!("{points} points, last value {last}"))
        }
    })
    .await;
    let row = app.wait_for(r#"[data-testid="traffic-row"][data-row="queue-macro-f1"]"#).await;
    let status = app.check("read the row status", row.attr("data-status").await).await;
    assert_eq!(status.as_deref(), Some("pass"));
    app.wait_for(r#"[data-testid="metrics-import-done"]"#).await;
    app.screenshot("dashboard-after-import.png").await.ok();

    let sheet = String::from_utf8_lossy(&app.read_project_file(&format!("requirements/{SHEET}.md"))).into_owned();
    assert!(sheet.contains("value: 0.893"), "measured written into the sheet");
    assert!(sheet.contains("source: router-eval-latest.json"), "only the file name is recorded");
    let runs: Vec<String> = fs::read_dir(app.project_file(&format!("metrics/{SHEET}")))
        .expect("the sheet's run folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with("-router-eval-latest.json"))
        .collect();
    assert_eq!(runs.len(), 1, "one new run file");

    // A teammate's import arrives through the shared folder (git pull, a synced drive): the open
    // dashboard redraws with the new point, nobody clicks anything.
    let teammate = r#"{
  "sheet": "ticket-routing-requirements",
  "imported_at": "2026-12-01T09:30:00Z",
  "source": "router-v2-eval-2026-12-01.json",
  "format": "json",
  "points": [
    {"requirement": "queue-macro-f1", "metric": "macro_f1", "slice": null, "name": "macro_f1", "value": 0.905, "at": "2026-12-01"}
  ]
}
"#;
    fs::write(app.project_file(&format!("metrics/{SHEET}/20261201T093000Z-router-v2-eval-2026-12-01.json")), teammate)
        .expect("a teammate's run");
    app.wait_until("the teammate's point on the chart", WAIT_TIMEOUT, async || {
        let chart = driver.find(By::Css(CHART)).await.map_err(|error| error.to_string())?;
        let points = chart.attr("data-points").await.map_err(|error| error.to_string())?.unwrap_or_default();
        let last = chart.attr("data-last-value").await.map_err(|error| error.to_string())?.unwrap_or_default();
        if points == (before + 2).to_string() && last == "0.905" {
            Ok(())
        } else {
            Err(format!("{points} points, last value {last}"))
        }
    })
    .await;
    app.close().await;
}
