//! `site::build` on a real copy of the example project: every document has a page, every
//! relative link and anchor target of every page resolves, pages carry no script, and the key
//! content (fields as tables, the rendered body, checks, links, backlinks, discussions) is there.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use seam_core::project::Project;
use seam_core::site;

fn example_site() -> (tempfile::TempDir, Project, PathBuf, site::SiteReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let project = Project::open(&root).expect("open");
    let out = dir.path().join("site");
    let today = seam_core::metrics::date::parse_day("2026-11-28").expect("day");
    let report = site::build(&project, &out, today).expect("build");
    (dir, project, out, report)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Every `href="…"` and `src="…"` value of a page.
fn references(html: &str) -> Vec<String> {
    let pattern = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).expect("pattern");
    pattern.captures_iter(html).map(|captures| captures[1].replace("&amp;", "&")).collect()
}

#[test]
fn every_document_has_a_page_and_every_relative_link_resolves() {
    let (_dir, project, out, report) = example_site();
    let documents = project.read_all();
    assert_eq!(report.documents, documents.len());
    assert_eq!(report.pages.len(), documents.len() + 1, "an index and one page per document");
    assert!(out.join(site::MARKER).is_file());
    let index = read(&out.join("index.html"));
    for document in &documents {
        let page = out.join(format!("documents/{}.html", document.id));
        assert!(page.is_file(), "{} has a page", document.id);
        assert!(index.contains(&format!("href=\"documents/{}.html\"", document.id)), "the index links {}", document.id);
    }
    let mut checked = 0;
    let id_pattern = regex::Regex::new(r#"id="([^"]*)""#).expect("pattern");
    for rel in &report.pages {
        let page = out.join(rel);
        let html = read(&page);
        assert!(html.starts_with("<!DOCTYPE html>"), "{rel}");
        assert!(!html.to_lowercase().contains("<script"), "{rel} has no script");
        assert!(html.contains("<style>"), "{rel} has its CSS inline");
        let ids: HashSet<String> = id_pattern.captures_iter(&html).map(|captures| captures[1].to_string()).collect();
        for target in references(&html) {
            if target.starts_with("http://") || target.starts_with("https://") || target.starts_with("mailto:") {
                continue;
            }
            assert!(!target.starts_with('/') && !target.contains("://"), "{rel}: {target} is relative");
            let (file, fragment) = target.split_once('#').unwrap_or((&target, ""));
            if file.is_empty() {
                assert!(ids.contains(fragment), "{rel}: anchor #{fragment} exists on the page");
            } else {
                let resolved = page.parent().expect("parent").join(file);
                assert!(resolved.is_file(), "{rel}: {target} resolves to {}", resolved.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "links checked: {checked}");
}

#[test]
fn pages_show_fields_body_checks_links_and_discussions() {
    let (_dir, _project, out, report) = example_site();
    let index = read(&out.join("index.html"));
    for heading in ["Requirement sheets", "Interface contracts", "Dataset notes", "Meetings"] {
        assert!(index.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
    assert!(index.contains("Ticket routing API</a>") && index.contains("status-agreed"));

    let api = read(&out.join("documents/ticket-routing-api.html"));
    assert!(
        api.contains("<h3>input</h3>\n<div class=\"scroll\"><table><thead><tr><th>name</th><th>type</th>"),
        "fields as a table"
    );
    assert!(api.contains("<td>account_age_days</td>") && api.contains("<td>[0, 5000]</td>"));
    assert!(
        api.contains("<a href=\"support-tickets-2025.html\">support-tickets-2025</a>"),
        "a source links its dataset"
    );
    assert!(api.contains("<span class=\"ok\">✓ passes</span>"));
    assert!(api.contains("Discussion (2)"));
    assert!(api.contains("Is the 150 ms p95 measured at the router"), "the comment's text");
    assert!(api.contains("class=\"comment reply\""), "a reply is indented");
    assert!(api.contains("<h3>Linked from</h3>\n<p><a href="), "backlinks");

    let sheet = read(&out.join("documents/ticket-routing-requirements.html"));
    assert!(
        sheet.contains("<code>metric-failed</code>") || sheet.contains("<code>metric-below-target</code>"),
        "metric checks appear"
    );
    assert!(report.errors + report.warnings > 0);

    let dataset = read(&out.join("documents/support-tickets-2025.html"));
    assert!(dataset.contains("<h2>Motivation</h2>"), "the body is rendered");
    assert!(dataset.contains("<td>workspace_id</td>"));
    assert!(dataset.contains("Discussion (1)"));
}

#[test]
fn a_rebuild_replaces_an_earlier_site_but_never_fills_a_foreign_folder() {
    let (dir, project, out, report) = example_site();
    let today = seam_core::metrics::date::parse_day("2026-11-28").expect("day");
    let again = site::build(&project, &out, today).expect("rebuild over an earlier site");
    assert_eq!(again.pages, report.pages);
    let foreign = dir.path().join("notes");
    fs::create_dir_all(&foreign).expect("dir");
    fs::write(foreign.join("index.html"), "mine").expect("write");
    let error = site::build(&project, &foreign, today).expect_err("refused");
    assert!(error.to_string().contains("is not empty and holds no earlier Seam site"), "{error}");
    assert_eq!(read(&foreign.join("index.html")), "mine", "nothing overwritten");
}

#[test]
fn unreadable_files_and_body_links_are_shown_not_hidden() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    fs::write(root.join("contracts/broken.md"), "---\nkind: contract\ntitle: [unclosed\n---\nBody\n").expect("write");
    fs::write(
        root.join("datasets/linked.md"),
        "---\nkind: dataset\ntitle: Linked <note>\nstatus: draft\nowner: {name: A}\nschema: []\n---\n\nSee [[ticket-routing-api]] and [[nowhere]].\n\n<script>alert(1)</script>\n",
    )
    .expect("write");
    let project = Project::open(&root).expect("open");
    let out = dir.path().join("site");
    let report =
        site::build(&project, &out, seam_core::metrics::date::parse_day("2026-11-28").expect("day")).expect("build");
    assert!(report.pages.contains(&"documents/broken.html".to_string()), "{:?}", report.pages);
    let index = read(&out.join("index.html"));
    assert!(index.contains("<h2>Files that could not be read as documents</h2>"), "{index}");
    let broken = read(&out.join("documents/broken.html"));
    assert!(broken.contains("<code>yaml-syntax</code>") && broken.contains("(line 4)"), "{broken}");
    assert!(broken.contains("The front matter could not be read"));
    let linked = read(&out.join("documents/linked.html"));
    assert!(linked.contains("<h1>Linked &lt;note&gt;</h1>"), "titles are escaped");
    assert!(linked.contains("href=\"ticket-routing-api.html\""), "a body link points at the page: {linked}");
    assert!(linked.contains("href=\"#missing\""), "a link to no document is marked");
    assert!(!linked.contains("<script>"), "the body is sanitized");
    let api = read(&out.join("documents/ticket-routing-api.html"));
    assert!(api.contains("<a href=\"linked.html\">Linked &lt;note&gt;</a>"), "the backlink from the body link");
}

#[test]
fn a_contract_page_shows_what_other_documents_say_about_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("project");
    seam_core::example::init_project(&root, true).expect("init example");
    let contract = root.join("contracts/ticket-routing-api.md");
    let text = read(&contract);
    fs::write(&contract, text.replace("sla: {latency_p95_ms: 150,", "sla: {latency_p95_ms: 200,"))
        .expect("raise the SLA");
    let project = seam_core::project::Project::open(&root).expect("open");
    let out = dir.path().join("site");
    let today = seam_core::metrics::date::parse_day("2026-11-28").expect("day");
    site::build(&project, &out, today).expect("build");
    let api = read(&out.join("documents/ticket-routing-api.html"));
    assert!(api.contains("sla-over-budget"), "the consistency finding on the contract's page");
}
