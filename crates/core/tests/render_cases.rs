//! Markdown rendering cases as data: each `tests/render/NAME.md` is rendered and compared with
//! `NAME.html`. Run with `UPDATE_EXPECT=1` to rewrite the expected files after a deliberate change.

use std::path::{Path, PathBuf};

use seam_core::render::markdown_to_html;

#[test]
fn render_cases() {
    let cases_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/render");
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|value| value != "0");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&cases_dir)
        .expect("read tests/render")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no cases in {}", cases_dir.display());

    let mut failures = Vec::new();
    for input_path in &inputs {
        let markdown = std::fs::read_to_string(input_path).expect("read case input");
        let actual = markdown_to_html(&markdown);
        let expected_path = input_path.with_extension("html");
        if update {
            std::fs::write(&expected_path, &actual).expect("write expected output");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|error| {
            panic!("{}: {error}; run with UPDATE_EXPECT=1 to create it", expected_path.display())
        });
        if actual != expected {
            failures.push(format!("{}\n--- expected\n{expected}\n--- actual\n{actual}", input_path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} render cases differ (UPDATE_EXPECT=1 rewrites them):\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
}
