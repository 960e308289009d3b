//! The real app in a real window: the dataset view of a note shows its schema with the documented
//! profile and the latest validation result, with the failing samples, taken by the `seam` CLI on
//! the same device (same local store) while the app is open.

use std::path::{Path, PathBuf};
use std::process::Command;

use seam_e2e::{find_app_binary, AppSession, WAIT_TIMEOUT};
use thirtyfour::prelude::*;

/// The `seam` CLI built next to the app.
fn seam_binary() -> PathBuf {
    let cli = find_app_binary().with_file_name("seam");
    assert!(cli.is_file(), "{} is missing; build it with `cargo build -p seam-cli`", cli.display());
    cli
}

fn seam(project: &Path, seam_data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(seam_binary())
        .arg("-C")
        .arg(project)
        .args(args)
        .env("SEAM_DATA_DIR", seam_data)
        .output()
        .expect("run seam")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dataset_view_shows_the_profile_and_the_latest_validation_with_samples() {
    let app = AppSession::start_on_example("dataset").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    let project = app.project_dir.clone();
    // The app's isolated data folder (AppSession keeps it beside the project copy).
    let seam_data = project.parent().expect("temp root").join("seam-data");
    let data = project.join("data/customer-accounts-2026-11.csv");
    let data_arg = data.to_str().expect("utf-8 path");

    let profiled = seam(&project, &seam_data, &["dataset", "profile", "customer-accounts", data_arg]);
    assert!(profiled.status.success(), "{}", String::from_utf8_lossy(&profiled.stderr));
    let validated = seam(&project, &seam_data, &["dataset", "validate", "customer-accounts", data_arg]);
    assert_eq!(validated.status.code(), Some(1), "{}", String::from_utf8_lossy(&validated.stdout));

    let rel_path = "datasets/customer-accounts.md";
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
    app.check("open the dataset note", item.click().await).await;
    app.wait_for(&format!(r#"body[data-doc-ready="{rel_path}"]"#)).await;

    let result = app.wait_for(r#"[data-testid="dataset-validation"]"#).await;
    assert_eq!(app.check("passed attribute", result.attr("data-passed").await).await.as_deref(), Some("false"));
    let result_text = app.check("result text", result.text().await).await;
    assert!(result_text.contains("customer-accounts-2026-11.csv") && result_text.contains("240 rows"), "{result_text}");

    let seats = app.wait_for(r#"[data-testid="dataset-check"][data-check="range"][data-column="seats"]"#).await;
    let seats_text = app.check("seats check text", seats.text().await).await;
    assert!(seats_text.contains("1 failing row") && !seats_text.contains("failing rows"), "{seats_text}");
    let sample = app.check("the seats sample", seats.find(By::Css(r#"[data-testid="dataset-sample"]"#)).await).await;
    let sample_text = app.check("sample text", sample.text().await).await;
    assert!(sample_text.starts_with("57") && sample_text.contains("58"), "row 57, line 58: {sample_text}");
    let region = app.wait_for(r#"[data-testid="dataset-check"][data-check="enum"][data-column="region"]"#).await;
    assert!(app.check("region text", region.text().await).await.contains("Apac"));

    // The schema rows carry the profile: a histogram per column and the null rate.
    let industry = app.wait_for(r#"[data-testid="dataset-column"][data-column="industry"]"#).await;
    let industry_text = app.check("industry row", industry.text().await).await;
    assert!(industry_text.contains('%'), "a null rate: {industry_text}");
    let bars = app.find_all(r#"[data-testid="dataset-column"][data-column="seats"] .bar"#).await;
    assert_eq!(bars.len(), 20, "the seats histogram has 20 bars");

    let panel = app.wait_for(r#"[data-testid="dataset-panel"]"#).await;
    app.check("scroll to the panel", panel.scroll_into_view().await).await;
    app.screenshot("dataset-view.png").await.ok();

    // A new validation (here: the fixed file) replaces the shown result when the note is reopened.
    let fixed = project.join("fixed.csv");
    let original = std::fs::read_to_string(&data).expect("read the data");
    std::fs::write(&fixed, original.replace(",EMEA,0,retail,", ",EMEA,1,retail,").replace(",Apac,", ",APAC,"))
        .expect("write the fixed data");
    let validated =
        seam(&project, &seam_data, &["dataset", "validate", "customer-accounts", fixed.to_str().expect("utf-8")]);
    assert_eq!(validated.status.code(), Some(0), "{}", String::from_utf8_lossy(&validated.stdout));
    let other = app.wait_for(r#"[data-testid="doc-item"][data-rel-path="datasets/ticket-sla-events.md"]"#).await;
    app.check("open another note", other.click().await).await;
    app.wait_for(r#"body[data-doc-ready="datasets/ticket-sla-events.md"]"#).await;
    let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
    app.check("reopen the accounts note", item.click().await).await;
    app.wait_until("the passing result", WAIT_TIMEOUT, async || {
        let result = app
            .driver()
            .find(By::Css(r#"[data-testid="dataset-validation"][data-passed="true"]"#))
            .await
            .map_err(|error| error.to_string())?;
        result.text().await.map_err(|error| error.to_string())
    })
    .await;
    app.close().await;
}
