//! The static site: the whole project as plain HTML for reviewers without the app — an index of
//! documents by kind with their status and check results, one page per document (structured
//! fields as tables, the rendered body, check findings, links, backlinks, discussions). Pages
//! are self-contained (inline CSS, no script, relative links), so the folder works from file://.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::check::Finding;
use crate::document::{parse_comment, Document, Kind, Severity, Typed};
use crate::project::{write_atomic, Project, WriteError};
use crate::{lint, metrics, render};

/// Marks a folder as a Seam site, so a rebuild may replace its files (and nothing else is overwritten).
pub const MARKER: &str = ".seam-site";

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is not empty and holds no earlier Seam site ({MARKER}); choose a new or empty folder")]
    NotASiteFolder { path: String },
}

/// What a build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteReport {
    /// Pages written, relative to the output folder (`index.html`, `documents/<id>.html`).
    pub pages: Vec<String>,
    pub documents: usize,
    pub comments: usize,
    /// Error and warning findings over all documents.
    pub errors: usize,
    pub warnings: usize,
}

const CSS: &str = r#"
:root { --fg: #1d2430; --muted: #5b6575; --line: #d9dee7; --bg: #fff; --soft: #f4f6f9; --accent: #2455c3;
        --ok: #1f7a3f; --warn: #9a6200; --err: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: var(--soft); border-bottom: 1px solid var(--line); padding: .6rem 1.5rem; }
header.top a { color: var(--accent); text-decoration: none; font-weight: 600; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .6rem 0 .3rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
a { color: var(--accent); }
.meta { color: var(--muted); }
.badge { display: inline-block; border: 1px solid var(--line); border-radius: 999px; padding: 0 .55rem; font-size: .8rem; margin-right: .3rem; background: var(--soft); }
.status-agreed { border-color: var(--ok); color: var(--ok); } .status-proposed { border-color: var(--warn); color: var(--warn); }
.status-retired, .status-superseded { color: var(--muted); }
table { border-collapse: collapse; margin: .3rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
table.kv th { width: 14rem; }
td table { margin: 0; } td table.kv th { width: auto; }
td.long { min-width: 18rem; }
.scroll { overflow-x: auto; max-width: 100%; }
.ok { color: var(--ok); } .warning { color: var(--warn); } .error { color: var(--err); }
ul.findings { padding-left: 1.2rem; } ul.findings li { margin: .15rem 0; }
.body { border-top: 1px solid var(--line); }
.body pre { background: var(--soft); padding: .6rem; overflow: auto; }
.comment { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; margin: .6rem 0; }
.comment.reply { margin-left: 2rem; }
.comment .who { font-weight: 600; } .comment .resolved { color: var(--ok); font-size: .8rem; }
code { background: var(--soft); padding: 0 .2rem; border-radius: 3px; }
"#;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(character),
        }
    }
    out
}

fn page(title: &str, home: &str, project_name: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Seam\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header class=\"top\"><a href=\"{home}\">{}</a></header>\n<main>\n{content}</main>\n</body>\n</html>\n",
        escape(title),
        escape(project_name)
    )
}

/// A file name for each document id (unique; ids of duplicate-id files get `-2`, `-3`…).
fn page_names(documents: &[Document]) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    documents
        .iter()
        .map(|document| {
            let base: String = document
                .id
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' })
                .collect();
            let base = if base.is_empty() || base.starts_with('.') { format!("doc{base}") } else { base };
            let name = (1..)
                .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
                .find(|name| !used.contains(name))
                .unwrap_or(base);
            used.push(name.clone());
            format!("{name}.html")
        })
        .collect()
}

struct Context<'a> {
    /// Document id → page file name (the first file with that id).
    pages: HashMap<&'a str, &'a str>,
}

impl Context<'_> {
    fn link(&self, id: &str, text: &str) -> String {
        match self.pages.get(id) {
            Some(page) => format!("<a href=\"{}\">{}</a>", escape(page), escape(text)),
            None => format!("{} <span class=\"error\">(no such document)</span>", escape(text)),
        }
    }

    /// A value as HTML: scalars as text (a string that is a document id links to it), lists of
    /// mappings as tables with one column per key, mappings as key/value tables.
    fn value(&self, value: &Value) -> String {
        match value {
            Value::Null => "<span class=\"meta\">—</span>".to_string(),
            Value::String(text) if self.pages.contains_key(text.as_str()) => self.link(text, text),
            Value::String(text) => escape(text),
            Value::Bool(_) | Value::Number(_) => escape(&value.to_string()),
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                let mut columns: Vec<&str> = Vec::new();
                for item in items {
                    for key in item.as_object().into_iter().flat_map(|object| object.keys()) {
                        if !columns.contains(&key.as_str()) {
                            columns.push(key);
                        }
                    }
                }
                let mut html = String::from("<div class=\"scroll\"><table><thead><tr>");
                for column in &columns {
                    let _ = write!(html, "<th>{}</th>", escape(column));
                }
                html.push_str("</tr></thead><tbody>");
                for item in items {
                    html.push_str("<tr>");
                    for column in &columns {
                        let value = item.get(*column);
                        let cell = value.map_or_else(String::new, |value| self.value(value));
                        let long = value.and_then(Value::as_str).is_some_and(|text| text.chars().count() > 60);
                        let _ = write!(html, "<td{}>{cell}</td>", if long { " class=\"long\"" } else { "" });
                    }
                    html.push_str("</tr>");
                }
                html.push_str("</tbody></table></div>");
                html
            }
            // A range or a pair of bounds reads as one: `[0, 500]`.
            Value::Array(items)
                if items.iter().any(Value::is_number)
                    && items.iter().all(|item| item.is_number() || item.is_null()) =>
            {
                format!("[{}]", items.iter().map(|item| escape(&item.to_string())).collect::<Vec<_>>().join(", "))
            }
            Value::Array(items) => items.iter().map(|item| self.value(item)).collect::<Vec<_>>().join(", "),
            Value::Object(entries) => {
                let mut html = String::from("<table class=\"kv\"><tbody>");
                for (key, value) in entries {
                    let _ = write!(html, "<tr><th>{}</th><td>{}</td></tr>", escape(key), self.value(value));
                }
                html.push_str("</tbody></table>");
                html
            }
        }
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn check_cell(findings: &[&Finding]) -> String {
    let errors = findings.iter().filter(|finding| finding.severity == Severity::Error).count();
    let warnings = findings.iter().filter(|finding| finding.severity == Severity::Warning).count();
    match (errors, warnings) {
        (0, 0) => "<span class=\"ok\">✓ passes</span>".to_string(),
        (0, w) => format!("<span class=\"warning\">{w} warning{}</span>", if w == 1 { "" } else { "s" }),
        (e, w) => format!(
            "<span class=\"error\">{e} error{}</span>{}",
            if e == 1 { "" } else { "s" },
            if w > 0 {
                format!(", <span class=\"warning\">{w} warning{}</span>", if w == 1 { "" } else { "s" })
            } else {
                String::new()
            }
        ),
    }
}

/// Every finding about the project: lint issues of every file, and each requirement sheet's
/// rows judged against their measured values, budgets and time-box as of `today`.
fn all_findings(documents: &[Document], comments: &[Document], today: i64) -> Vec<Finding> {
    let mut findings: Vec<Finding> =
        lint::lint_documents(documents, comments).issues.iter().map(Finding::from_issue).collect();
    for document in documents {
        if let Some(Typed::Requirements(sheet)) = &document.typed {
            let report = metrics::sheet_report(document, sheet, &[], &BTreeMap::new(), today);
            findings.extend(metrics::findings(&report));
        }
    }
    // What contracts, sheets and datasets say about each other (docs/CHECKS.md, consistency).
    findings.extend(crate::consistency::check(documents));
    findings
}

/// The body's `#doc/ID` links (from `render`) pointed at the site's pages.
fn site_links(html: &str, context: &Context) -> String {
    let pattern = regex::Regex::new(r##"href="#doc/([^"]*)""##).expect("static pattern");
    pattern
        .replace_all(html, |captures: &regex::Captures| {
            let id = captures[1].replace("&amp;", "&");
            match context.pages.get(id.as_str()) {
                Some(page) => format!("href=\"{}\"", escape(page)),
                None => "href=\"#missing\" class=\"error\"".to_string(),
            }
        })
        .into_owned()
}

/// Builds the site into `out` (created if missing; must be empty or hold an earlier site).
pub fn build(project: &Project, out: &Path, today: i64) -> Result<SiteReport, SiteError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source: std::io::Error| SiteError::Io { path: path.clone(), source }
    };
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(io(out))?;
        if entries.next().is_some() && !out.join(MARKER).exists() {
            return Err(SiteError::NotASiteFolder { path: out.display().to_string() });
        }
    }
    std::fs::create_dir_all(out.join("documents")).map_err(io(out))?;

    let mut documents = project.read_all();
    documents.sort_by_key(|document| (document.title().to_lowercase(), document.rel_path.clone()));
    let comments: Vec<Document> = project
        .comment_paths()
        .iter()
        .filter_map(|rel_path| {
            let bytes = std::fs::read(project.root.join(rel_path)).ok()?;
            Some(parse_comment(rel_path, &bytes))
        })
        .collect();
    let names = page_names(&documents);
    let mut pages_by_id: HashMap<&str, &str> = HashMap::new();
    for (document, name) in documents.iter().zip(&names) {
        pages_by_id.entry(document.id.as_str()).or_insert(name.as_str());
    }
    let context = Context { pages: pages_by_id };
    let findings = all_findings(&documents, &comments, today);
    let findings_of =
        |rel_path: &str| findings.iter().filter(|finding| finding.rel_path == rel_path).collect::<Vec<_>>();
    let mut backlinks: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, document) in documents.iter().enumerate() {
        for id in document.linked_ids() {
            if id != document.id {
                backlinks.entry(id).or_default().push(index);
            }
        }
    }
    let project_name = project.name();
    let write = |rel: &str, html: &str| -> Result<(), SiteError> {
        let path = out.join(rel);
        write_atomic(&path, html.as_bytes(), None).map_err(|error| match error {
            WriteError::Io(source) => SiteError::Io { path: path.display().to_string(), source },
            WriteError::Changed { .. } => SiteError::Io {
                path: path.display().to_string(),
                source: std::io::Error::other("changed while written"),
            },
        })
    };
    let mut written = Vec::new();

    for (document, name) in documents.iter().zip(&names) {
        let mut html = String::new();
        let kind = document.kind.map_or("unreadable", Kind::as_str);
        let _ = write!(html, "<h1>{}</h1>\n<p>", escape(&document.title()));
        let _ = write!(html, "<span class=\"badge\">{kind}</span>");
        if let Some(status) = document.status() {
            let _ = write!(html, "<span class=\"badge status-{0}\">{0}</span>", escape(&status));
        }
        if let Some(version) = document.version() {
            let _ = write!(html, "<span class=\"badge\">v{}</span>", escape(&version));
        }
        let _ = writeln!(
            html,
            " <span class=\"meta\">{} · <code>{}</code></span></p>",
            escape(&document.id),
            escape(&document.rel_path)
        );

        let own = findings_of(&document.rel_path);
        let _ = writeln!(html, "<h2>Checks</h2>\n<p>{}</p>", check_cell(&own));
        if !own.is_empty() {
            html.push_str("<ul class=\"findings\">");
            for finding in &own {
                let line = finding.line.map(|line| format!(" (line {line})")).unwrap_or_default();
                let _ = write!(
                    html,
                    "<li><span class=\"{}\">{}</span> <code>{}</code>{line}: {}</li>",
                    severity_class(finding.severity),
                    finding.severity.as_str(),
                    finding.rule.as_str(),
                    escape(&finding.message)
                );
            }
            html.push_str("</ul>\n");
        }

        html.push_str("<h2>Fields</h2>\n");
        match document.json.as_object() {
            Some(front_matter) => {
                let mut summary = String::new();
                let mut blocks = String::new();
                for (key, value) in front_matter {
                    if matches!(key.as_str(), "kind" | "id" | "title") {
                        continue;
                    }
                    let nested = match value {
                        Value::Object(entries) => !entries.is_empty(),
                        Value::Array(items) => items.iter().any(|item| item.is_object() || item.is_array()),
                        _ => false,
                    };
                    if nested {
                        let _ = write!(blocks, "<h3>{}</h3>\n{}\n", escape(key), context.value(value));
                    } else {
                        let _ = write!(summary, "<tr><th>{}</th><td>{}</td></tr>", escape(key), context.value(value));
                    }
                }
                let _ = write!(html, "<table class=\"kv\"><tbody>{summary}</tbody></table>\n{blocks}");
            }
            None => html.push_str("<p class=\"meta\">The front matter could not be read (see Checks).</p>\n"),
        }

        let body = document.body().trim();
        if !body.is_empty() {
            let _ = writeln!(
                html,
                "<h2>Text</h2>\n<div class=\"body\">{}</div>",
                site_links(&render::markdown_to_html(body), &context)
            );
        }

        html.push_str("<h2>Links</h2>\n");
        let links: Vec<String> =
            document.linked_ids().iter().filter(|id| **id != document.id).map(|id| context.link(id, id)).collect();
        let _ = writeln!(
            html,
            "<h3>This document links to</h3>\n<p>{}</p>",
            if links.is_empty() { "<span class=\"meta\">nothing</span>".to_string() } else { links.join(", ") }
        );
        let linking: Vec<String> = backlinks
            .get(&document.id)
            .into_iter()
            .flatten()
            .map(|index| {
                let other = &documents[*index];
                format!("<a href=\"{}\">{}</a>", escape(&names[*index]), escape(&other.title()))
            })
            .collect();
        let _ = writeln!(
            html,
            "<h3>Linked from</h3>\n<p>{}</p>",
            if linking.is_empty() { "<span class=\"meta\">nothing</span>".to_string() } else { linking.join(", ") }
        );

        let mut thread: Vec<&Document> = comments
            .iter()
            .filter(|comment| comment.json.get("document").and_then(Value::as_str) == Some(document.id.as_str()))
            .collect();
        thread.sort_by(|a, b| {
            let at =
                |comment: &Document| comment.json.get("at").and_then(Value::as_str).unwrap_or_default().to_string();
            at(a).cmp(&at(b)).then_with(|| a.rel_path.cmp(&b.rel_path))
        });
        let _ = writeln!(html, "<h2>Discussion ({})</h2>", thread.len());
        if thread.is_empty() {
            html.push_str("<p class=\"meta\">No comments.</p>\n");
        }
        for comment in thread {
            let text = |key: &str| comment.json.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            let reply = comment.json.get("reply_to").is_some_and(|value| !value.is_null());
            let resolved = comment.json.get("resolved").and_then(Value::as_bool) == Some(true);
            let item = text("item");
            let _ = writeln!(
                html,
                "<div class=\"comment{}\"><div><span class=\"who\">{}</span> <span class=\"meta\">{}{}</span>{}</div>{}</div>",
                if reply { " reply" } else { "" },
                escape(&text("author")),
                escape(&text("at")),
                if item.is_empty() { String::new() } else { format!(" · on <code>{}</code>", escape(&item)) },
                if resolved { " <span class=\"resolved\">resolved</span>" } else { "" },
                site_links(&render::markdown_to_html(comment.body()), &context)
            );
        }
        let rel = format!("documents/{name}");
        write(&rel, &page(&document.title(), "../index.html", &project_name, &html))?;
        written.push(rel);
    }

    let mut index = String::new();
    let errors = findings.iter().filter(|finding| finding.severity == Severity::Error).count();
    let _ = writeln!(
        index,
        "<h1>{}</h1>\n<p class=\"meta\">{} documents, {} comments · checks: {} errors, {} warnings</p>",
        escape(&project_name),
        documents.len(),
        comments.len(),
        errors,
        findings.len() - errors
    );
    let groups: [(Option<Kind>, &str); 5] = [
        (Some(Kind::Requirements), "Requirement sheets"),
        (Some(Kind::Contract), "Interface contracts"),
        (Some(Kind::Dataset), "Dataset notes"),
        (Some(Kind::Meeting), "Meetings"),
        (None, "Files that could not be read as documents"),
    ];
    for (kind, heading) in groups {
        let members: Vec<usize> = (0..documents.len()).filter(|index| documents[*index].kind == kind).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(
            index,
            "<h2>{heading}</h2>\n<table><thead><tr><th>title</th><th>id</th><th>status</th><th>version</th><th>owners</th><th>checks</th><th>comments</th></tr></thead><tbody>"
        );
        for member in members {
            let document = &documents[member];
            let comment_count = comments
                .iter()
                .filter(|comment| comment.json.get("document").and_then(Value::as_str) == Some(document.id.as_str()))
                .count();
            let _ = writeln!(
                index,
                "<tr><td><a href=\"documents/{}\">{}</a></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&names[member]),
                escape(&document.title()),
                escape(&document.id),
                document.status().map(|status| format!("<span class=\"badge status-{0}\">{0}</span>", escape(&status))).unwrap_or_default(),
                escape(&document.version().unwrap_or_default()),
                escape(&document.owners().join(", ")),
                check_cell(&findings_of(&document.rel_path)),
                comment_count
            );
        }
        index.push_str("</tbody></table>\n");
    }
    write("index.html", &page(&project_name, "index.html", &project_name, &index))?;
    written.insert(0, "index.html".to_string());
    write(MARKER, "This folder is a static site written by `seam site`; a rebuild replaces its files.\n")?;

    Ok(SiteReport {
        pages: written,
        documents: documents.len(),
        comments: comments.len(),
        errors,
        warnings: findings.len() - errors,
    })
}
