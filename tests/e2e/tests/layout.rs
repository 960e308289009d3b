//! The real app in a real window: wide tables (requirement rows, contract fields, a dataset's
//! schema, the dashboard's traffic lights) scroll inside their own frame; the document pane itself
//! never scrolls sideways.

use seam_e2e::AppSession;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_tables_scroll_in_their_frame_not_the_page() {
    let app = AppSession::start_on_example("layout").await;
    app.wait_for(r#"body[data-ready="true"]"#).await;
    for rel_path in [
        "requirements/ticket-routing-requirements.md",
        "contracts/ticket-routing-api.md",
        "datasets/customer-accounts.md",
        "meetings/routing-v2-negotiation-2026-11-10.md",
    ] {
        let item = app.wait_for(&format!(r#"[data-testid="doc-item"][data-rel-path="{rel_path}"]"#)).await;
        app.check("open the document", item.click().await).await;
        app.wait_for(&format!(r#"body[data-doc-ready="{rel_path}"]"#)).await;
        let measured = app
            .check(
                "measure the document pane",
                app.driver()
                    .execute(
                        r#"const main = document.querySelector('main.content');
                           const frames = [...document.querySelectorAll('.table-wrap')].filter((f) => f.scrollWidth > f.clientWidth).length;
                           return [main.scrollWidth, main.clientWidth, frames];"#,
                        Vec::new(),
                    )
                    .await,
            )
            .await;
        let [scroll, client, frames]: [u64; 3] =
            serde_json::from_value(measured.json().clone()).expect("three numbers from the page");
        assert!(scroll <= client + 1, "{rel_path}: the pane scrolls sideways ({scroll} px of content in {client} px)");
        if !rel_path.starts_with("meetings/") {
            assert!(frames > 0, "{rel_path}: some table is wider than the pane and scrolls in its frame");
        }
    }
    let open = app.wait_for(r#"[data-testid="open-dashboard"]"#).await;
    app.check("open the dashboard", open.click().await).await;
    app.wait_for(r#"body[data-dashboard-ready="true"] [data-testid="traffic-table"]"#).await;
    let measured = app
        .check(
            "measure the dashboard",
            app.driver()
                .execute(
                    "const main = document.querySelector('main.content'); return [main.scrollWidth, main.clientWidth];",
                    Vec::new(),
                )
                .await,
        )
        .await;
    let [scroll, client]: [u64; 2] = serde_json::from_value(measured.json().clone()).expect("two numbers");
    assert!(scroll <= client + 1, "the dashboard scrolls sideways ({scroll} px of content in {client} px)");
    app.close().await;
}
