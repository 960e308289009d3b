//! Sign-offs bound to content: who approved which normalized content (`hash`), whether that is
//! still the current content, which required roles are missing, on which stored version a stale
//! sign-off was made and what changed since; and the lint rules that catch contradictions.

use serde_json::Value;

use super::hash::{content_hash, is_well_formed};
use super::{save_edits, yaml_inline, NegotiationError};
use crate::document::edit::{Edit, NewValue};
use crate::document::{Document, Issue, Kind};
use crate::history::{self, Version, VersionDiff};
use crate::project::{Config, Project, Saved};
use crate::store::Store;

/// One sign-off row and what it is worth now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignoffState {
    /// Position in `signoffs`.
    pub index: usize,
    pub name: String,
    pub role: String,
    pub at: String,
    pub hash: String,
    /// The hash is the document's current content hash.
    pub current: bool,
    /// `seam.toml` requires this role for the document's kind.
    pub role_required: bool,
    /// File line of the row.
    pub line: Option<usize>,
}

/// The sign-off situation of one document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignoffReport {
    pub rel_path: String,
    pub content_hash: String,
    /// Roles `seam.toml` `[signoff]` requires for the document's kind.
    pub required_roles: Vec<String>,
    pub signoffs: Vec<SignoffState>,
    /// Required roles without a current sign-off.
    pub missing_roles: Vec<String>,
}

impl SignoffReport {
    pub fn stale(&self) -> impl Iterator<Item = &SignoffState> {
        self.signoffs.iter().filter(|signoff| !signoff.current)
    }
}

/// Roles `seam.toml` requires for `kind`.
pub fn required_roles(config: &Config, kind: Option<Kind>) -> Vec<String> {
    kind.and_then(|kind| config.signoff.get(kind.as_str())).cloned().unwrap_or_default()
}

fn text_of(row: &Value, key: &str) -> String {
    match row.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The sign-offs of `document` judged against its current content and `seam.toml`.
pub fn signoff_report(config: &Config, document: &Document) -> SignoffReport {
    let content_hash = content_hash(document);
    let required_roles = required_roles(config, document.kind);
    let rows = document.json.get("signoffs").and_then(Value::as_array).cloned().unwrap_or_default();
    let signoffs: Vec<SignoffState> = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let hash = text_of(row, "hash");
            let role = text_of(row, "role");
            SignoffState {
                index,
                name: text_of(row, "name"),
                role_required: required_roles.contains(&role),
                role,
                at: text_of(row, "at"),
                current: hash == content_hash,
                hash,
                line: document.tree.as_ref().map(|tree| tree.deepest_at_pointer(&format!("/signoffs/{index}")).line),
            }
        })
        .collect();
    let missing_roles = required_roles
        .iter()
        .filter(|role| !signoffs.iter().any(|signoff| signoff.current && &signoff.role == *role))
        .cloned()
        .collect();
    SignoffReport { rel_path: document.rel_path.clone(), content_hash, required_roles, signoffs, missing_roles }
}

/// Records that `name`, in `role`, approves the current content of `rel_path`: appends a
/// `{name, role, at, hash}` row, or replaces that name's earlier row for the same role. Refused
/// when `seam.toml` does not require the role for the document's kind.
pub fn sign(
    project: &Project,
    store: Option<&mut Store>,
    rel_path: &str,
    name: &str,
    role: &str,
    at: &str,
) -> Result<Saved, NegotiationError> {
    let document = project.read_document(rel_path)?;
    if document.read_only || document.kind.is_none() {
        return Err(NegotiationError::refused(
            rel_path,
            "not-editable",
            "the file is not a readable document; fix the errors `seam lint` reports first",
        ));
    }
    if name.trim().is_empty() {
        return Err(NegotiationError::refused(rel_path, "no-identity", "a sign-off needs a name"));
    }
    let report = signoff_report(&project.config, &document);
    if !report.required_roles.iter().any(|required| required == role) {
        let kind = document.kind.map_or("?", Kind::as_str);
        let message = if report.required_roles.is_empty() {
            format!("seam.toml [signoff] requires no sign-off for {kind} documents")
        } else {
            format!(
                "seam.toml [signoff] does not require the role \"{role}\" for {kind} documents; it requires {}",
                report.required_roles.join(", ")
            )
        };
        return Err(NegotiationError::refused(rel_path, "role-not-required", message));
    }
    let row = serde_json::json!({"name": name, "role": role, "at": at, "hash": report.content_hash});
    let value = NewValue::Yaml(yaml_inline(&row));
    let earlier = report.signoffs.iter().find(|signoff| signoff.name == name && signoff.role == role);
    let edit = match earlier {
        Some(earlier) => Edit::Set { path: format!("signoffs[{}]", earlier.index), value },
        None => Edit::Append { path: "signoffs".to_string(), value },
    };
    save_edits(project, store, &document, vec![edit])
}

/// The stored version (local history or git) whose content hash is `hash`: the version a
/// sign-off was made on. Newest first; None when no kept version matches.
pub fn signed_version(
    project: &Project,
    store: &Store,
    rel_path: &str,
    hash: &str,
) -> Result<Option<Version>, NegotiationError> {
    for version in history::versions(project, store, rel_path)? {
        let Ok(text) = history::content(project, store, rel_path, &version.rev) else { continue };
        let document = crate::document::parse_document(rel_path, text.as_bytes());
        if content_hash(&document) == hash {
            return Ok(Some(version));
        }
    }
    Ok(None)
}

/// A stale sign-off's story: the version it was made on and what changed since then.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangesSinceSignoff {
    pub version: Version,
    pub diff: VersionDiff,
}

/// For a sign-off made on content `hash`: the version it was made on and the diff from that
/// version to the file on disk. None when no kept version matches the hash.
pub fn changes_since(
    project: &Project,
    store: &Store,
    rel_path: &str,
    hash: &str,
) -> Result<Option<ChangesSinceSignoff>, NegotiationError> {
    let Some(version) = signed_version(project, store, rel_path, hash)? else { return Ok(None) };
    let old = history::content(project, store, rel_path, &version.rev)?;
    let new = project.read_document(rel_path)?.text;
    Ok(Some(ChangesSinceSignoff { diff: history::diff(rel_path, &old, &new), version }))
}

/// Lint rules on sign-offs: `signoff-hash` (a hash that is not `sha256:` + 64 hex digits),
/// `signoff-role` (a role `seam.toml` does not require for the kind: warning) and
/// `agreed-without-signoff` (status `agreed`, but a required role has no current sign-off —
/// e.g. the file was edited by hand after agreement).
pub fn lint_issues(config: &Config, document: &Document) -> Vec<Issue> {
    if document.kind.is_none() || document.read_only {
        return Vec::new();
    }
    let report = signoff_report(config, document);
    let mut issues = Vec::new();
    let kind = document.kind.map_or("?", Kind::as_str);
    for signoff in &report.signoffs {
        let field = format!("signoffs[{}]", signoff.index);
        if !is_well_formed(&signoff.hash) {
            issues.push(
                Issue::error(
                    &document.rel_path,
                    "signoff-hash",
                    signoff.line,
                    format!(
                        "sign-off by {} has hash \"{}\", which is not `sha256:` and 64 hex digits; sign again with `seam signoff`",
                        signoff.name, signoff.hash
                    ),
                )
                .with_field(format!("{field}.hash")),
            );
        }
        if !signoff.role_required {
            issues.push(
                Issue::warning(
                    &document.rel_path,
                    "signoff-role",
                    signoff.line,
                    format!(
                        "sign-off by {} as \"{}\": seam.toml [signoff] does not require that role for {kind} documents{}",
                        signoff.name,
                        signoff.role,
                        if report.required_roles.is_empty() {
                            String::new()
                        } else {
                            format!(" (it requires {})", report.required_roles.join(", "))
                        }
                    ),
                )
                .with_field(format!("{field}.role")),
            );
        }
    }
    if document.status().as_deref() == Some("agreed") && !report.missing_roles.is_empty() {
        let line = document.tree.as_ref().and_then(|tree| tree.get("status")).map(|node| node.line);
        let stale: Vec<String> = report
            .stale()
            .filter(|signoff| report.missing_roles.contains(&signoff.role))
            .map(|signoff| format!("{} ({})", signoff.name, signoff.role))
            .collect();
        let detail = if stale.is_empty() {
            String::new()
        } else {
            format!("; the content changed since {} signed", stale.join(", "))
        };
        issues.push(
            Issue::error(
                &document.rel_path,
                "agreed-without-signoff",
                line,
                format!(
                    "status is agreed, but {} {} not signed the current content{detail}; sign again with `seam signoff` or reopen it with `seam status {} proposed`",
                    report.missing_roles.join(", "),
                    if report.missing_roles.len() == 1 { "has" } else { "have" },
                    document.id
                ),
            )
            .with_field("status"),
        );
    }
    issues
}
