//! A document's history: the versions in Seam's local store and, when the project is inside a
//! git repository, the commits that touched the file (read-only). Any two versions can be
//! compared field by field and in the body, and any version restored as a new save.
//!
//! A revision reference (`rev`) is one of:
//! - `current` — the file on disk now;
//! - `sha256:<hex>` or at least 6 hex characters of it — a version in the local store;
//! - `git:<commit>` — the file as of a git commit (any revision git understands: a hash, `HEAD~2`, a tag).

use std::path::Path;
use std::process::Command;

use crate::document::{parse_document, Document};
use crate::project::{self, Project, ProjectError, Saved};
use crate::store::Store;

/// Where a version comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionSource {
    /// Seam's local store: seen on disk or written by Seam on this machine.
    Local,
    /// A git commit that changed the file.
    Git,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Version {
    /// What to pass back as `rev`: `sha256:<hex>` or `git:<commit>`.
    pub rev: String,
    pub source: VersionSource,
    /// Unix time in milliseconds: when Seam saw or wrote it, or the commit time.
    pub at_ms: i64,
    /// `seen`, `written` or `conflict-copy` (local); `commit` (git).
    pub origin: String,
    /// Size in bytes (local versions).
    pub size: Option<u64>,
    /// Commit author and subject (git versions).
    pub author: Option<String>,
    pub summary: Option<String>,
    /// The path of the file in that version, when it differs (git history across a rename).
    pub path: Option<String>,
}

/// The versions of `rel_path`, newest first: local ones and git commits merged by time.
/// A project outside git, or a machine without git, simply has no git versions.
pub fn versions(project: &Project, store: &Store, rel_path: &str) -> Result<Vec<Version>, ProjectError> {
    project.resolve(rel_path)?;
    let mut versions: Vec<Version> = store
        .revisions(rel_path)?
        .into_iter()
        .map(|revision| Version {
            rev: revision.hash,
            source: VersionSource::Local,
            at_ms: revision.seen_at_ms,
            origin: revision.origin,
            size: Some(revision.size),
            author: None,
            summary: None,
            path: None,
        })
        .collect();
    versions.extend(git_versions(&project.root, rel_path));
    versions.sort_by_key(|version| std::cmp::Reverse(version.at_ms));
    Ok(versions)
}

/// The text of `rel_path` at `rev` (see the module documentation for the forms of `rev`).
pub fn content(project: &Project, store: &Store, rel_path: &str, rev: &str) -> Result<String, ProjectError> {
    let not_found = || ProjectError::NotFound { what: format!("version {rev} of {rel_path}") };
    if rev == "current" {
        return Ok(project.read_document(rel_path)?.text);
    }
    if let Some(commit) = rev.strip_prefix("git:") {
        let version = git_versions(&project.root, rel_path).into_iter().find(|v| v.rev == rev);
        let path = version.and_then(|v| v.path).unwrap_or_else(|| rel_path.to_string());
        return git_show(&project.root, commit, &path).ok_or_else(not_found);
    }
    let wanted = rev.trim_start_matches("sha256:");
    if wanted.len() < 6 || !wanted.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ProjectError::Invalid {
            rel_path: rel_path.to_string(),
            message: format!(
                "`{rev}` is not a version: give `current`, `git:<commit>` or at least 6 hex characters of a hash"
            ),
        });
    }
    let matching: Vec<_> = store
        .revisions(rel_path)?
        .into_iter()
        .filter(|revision| revision.hash.trim_start_matches("sha256:").starts_with(wanted))
        .collect();
    let revision = match matching.as_slice() {
        [one] => one,
        [] => return Err(not_found()),
        _ => {
            return Err(ProjectError::Invalid {
                rel_path: rel_path.to_string(),
                message: format!("version {rev} is ambiguous: give more characters"),
            })
        }
    };
    store.revision_content(rel_path, &revision.hash)?.ok_or_else(not_found)
}

/// Writes the text of `rev` back to `rel_path` as a new save, if the file on disk is still the
/// version the caller saw (`disk_hash`, or whatever is on disk when None).
pub fn restore(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    rev: &str,
    disk_hash: Option<&str>,
) -> Result<Saved, ProjectError> {
    let text = match store.as_deref() {
        Some(store) => content(project, store, rel_path, rev)?,
        None => return Err(ProjectError::NotFound { what: format!("version {rev} of {rel_path}") }),
    };
    let current = project.read_document(rel_path)?;
    let expected = disk_hash.unwrap_or(&current.hash).to_string();
    project::save_resolved(project, store, rel_path, &expected, &text)
}

/// One front-matter value that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    /// In the path syntax of `seam set` (docs/PATHS.md): `sla.latency_p95_ms`, `input[name=amount].range`.
    pub path: String,
    /// The value as compact JSON; None when the field is absent on that side.
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What changed between two versions of a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VersionDiff {
    pub fields: Vec<FieldChange>,
    pub body_changed: bool,
    /// A unified diff of the whole file (empty when identical).
    pub unified: String,
}

/// Compares two texts of the same document: field by field in the front matter, and the body.
pub fn diff(rel_path: &str, old: &str, new: &str) -> VersionDiff {
    let old_doc = parse_document(rel_path, old.as_bytes());
    let new_doc = parse_document(rel_path, new.as_bytes());
    let mut fields = Vec::new();
    diff_values("", &old_doc.json, &new_doc.json, &mut fields);
    let unified = if old == new { String::new() } else { diffy::create_patch(old, new).to_string() };
    VersionDiff { fields, body_changed: body(&old_doc) != body(&new_doc), unified }
}

fn body(document: &Document) -> &str {
    document.text.get(document.body_start..).unwrap_or("")
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The key naming a row of a list: its `id`, else its `name`, else its `metric`.
fn row_key(value: &serde_json::Value) -> Option<(&'static str, String)> {
    ["id", "name", "metric"].into_iter().find_map(|key| match value.get(key) {
        Some(serde_json::Value::String(text)) => Some((key, text.clone())),
        _ => None,
    })
}

fn diff_values(path: &str, old: &serde_json::Value, new: &serde_json::Value, out: &mut Vec<FieldChange>) {
    use serde_json::Value;
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, old_value) in a {
                match b.get(key) {
                    Some(new_value) => diff_values(&join(path, key), old_value, new_value, out),
                    None => out.push(change(join(path, key), Some(old_value), None)),
                }
            }
            for (key, new_value) in b {
                if !a.contains_key(key) {
                    out.push(change(join(path, key), None, Some(new_value)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if keyed_rows(a) && keyed_rows(b) => {
            let keys = |rows: &Vec<Value>| rows.iter().filter_map(row_key).collect::<Vec<_>>();
            let (old_keys, new_keys) = (keys(a), keys(b));
            for (index, (field, key)) in old_keys.iter().enumerate() {
                let row_path = format!("{path}[{field}={key}]");
                match new_keys.iter().position(|(f, k)| f == field && k == key) {
                    Some(position) => diff_values(&row_path, &a[index], &b[position], out),
                    None => out.push(change(row_path, Some(&a[index]), None)),
                }
            }
            for (index, (field, key)) in new_keys.iter().enumerate() {
                if !old_keys.iter().any(|(f, k)| f == field && k == key) {
                    out.push(change(format!("{path}[{field}={key}]"), None, Some(&b[index])));
                }
            }
        }
        _ => out.push(change(path.to_string(), Some(old), Some(new))),
    }
}

/// Every element is an object with a distinct row key.
fn keyed_rows(rows: &[serde_json::Value]) -> bool {
    let keys: Vec<_> = rows.iter().map(row_key).collect();
    keys.iter().all(Option::is_some) && {
        let mut unique: Vec<_> = keys.iter().flatten().collect();
        unique.sort();
        unique.dedup();
        unique.len() == rows.len()
    }
}

fn change(path: String, old: Option<&serde_json::Value>, new: Option<&serde_json::Value>) -> FieldChange {
    let show = |value: &serde_json::Value| serde_json::to_string(value).unwrap_or_default();
    FieldChange { path, old: old.map(show), new: new.map(show) }
}

// ---- git (read-only) ------------------------------------------------------------------------

/// Runs git in `dir` and returns its standard output, or None if git is missing, the folder is
/// not in a repository, or the command fails.
fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

/// The full commit hash `rev` names in the project's git repository (`HEAD~1`, a tag, a branch,
/// a hash prefix), or None when it names no commit or there is no repository.
pub fn git_commit(root: &Path, rev: &str) -> Option<String> {
    if rev.starts_with('-') {
        return None;
    }
    let out = git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
    let hash = String::from_utf8_lossy(&out).trim().to_string();
    (!hash.is_empty()).then_some(hash)
}

/// The text of each of `rel_paths` (relative to the project root) as of `commit`, read with one
/// `git cat-file --batch` for all of them; None for a file that did not exist then (or is not
/// UTF-8). An empty list when git cannot be run.
pub fn git_contents(root: &Path, commit: &str, rel_paths: &[String]) -> Vec<Option<String>> {
    use std::io::{BufRead, BufReader, Read, Write};
    if commit.starts_with('-') {
        return Vec::new();
    }
    let child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return Vec::new() };
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else { return Vec::new() };
    // Write every request from another thread so a large answer cannot block the pipe.
    let requests: String = rel_paths.iter().map(|rel_path| format!("{commit}:./{rel_path}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut reader = BufReader::new(stdout);
    let mut contents = Vec::with_capacity(rel_paths.len());
    for _ in rel_paths {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            break;
        }
        // `<object> blob <size>`, or `<request> missing` / `ambiguous`.
        let mut parts = header.split_whitespace();
        let size = match (parts.next(), parts.next(), parts.next()) {
            (Some(_), Some("blob"), Some(size)) => size.parse::<usize>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            contents.push(None);
            continue;
        };
        let mut bytes = vec![0; size + 1];
        if reader.read_exact(&mut bytes).is_err() {
            break;
        }
        bytes.pop();
        contents.push(String::from_utf8(bytes).ok());
    }
    let _ = writer.join();
    let _ = child.wait();
    if contents.len() != rel_paths.len() {
        return Vec::new();
    }
    contents
}

/// The commits that changed `rel_path`, following renames, newest first.
fn git_versions(root: &Path, rel_path: &str) -> Vec<Version> {
    const RECORD: char = '\u{1e}';
    const UNIT: char = '\u{1f}';
    let Some(prefix) = git(root, &["rev-parse", "--show-prefix"]) else { return Vec::new() };
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let Some(log) =
        git(root, &["log", "--follow", "--name-only", "--format=%x1e%H%x1f%ct%x1f%an%x1f%s", "-z", "--", rel_path])
    else {
        return Vec::new();
    };
    let log = String::from_utf8_lossy(&log);
    log.split(RECORD)
        .filter(|record| !record.trim_matches('\0').trim().is_empty())
        .filter_map(|record| {
            let mut parts = record.splitn(4, UNIT);
            let commit = parts.next()?.trim().to_string();
            let time: i64 = parts.next()?.trim().parse().ok()?;
            let author = parts.next()?.to_string();
            let rest = parts.next()?;
            // With -z: the subject, NUL, newline, then the NUL-separated file names.
            let (summary, names) = rest.split_once('\n').unwrap_or((rest, ""));
            let summary = summary.trim_end_matches('\0');
            let repo_path = names.split('\0').map(str::trim).find(|name| !name.is_empty()).map(str::to_string);
            let path = repo_path
                .and_then(|path| path.strip_prefix(&prefix).map(str::to_string))
                .filter(|path| path != rel_path);
            Some(Version {
                rev: format!("git:{commit}"),
                source: VersionSource::Git,
                at_ms: time * 1000,
                origin: "commit".to_string(),
                size: None,
                author: Some(author),
                summary: Some(summary.to_string()),
                path,
            })
        })
        .collect()
}

/// The file at `rel_path` (relative to the project root) as of `commit`.
fn git_show(root: &Path, commit: &str, rel_path: &str) -> Option<String> {
    if commit.starts_with('-') {
        return None;
    }
    let bytes = git(root, &["show", &format!("{commit}:./{rel_path}")])?;
    String::from_utf8(bytes).ok()
}
