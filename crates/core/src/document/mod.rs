//! Documents: splitting a file into front matter and body, the positioned YAML tree, the typed
//! model of each kind with field-level validation, and lossless in-place edits.

pub mod edit;
pub mod model;
mod validate;
pub mod yaml;

use std::borrow::Cow;

use sha2::{Digest, Sha256};

pub use model::{Kind, Typed};
pub use validate::validate;

/// Files larger than this are reported, never parsed.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Reported, never fails a check (`seam check` rules set to `info` in seam.toml).
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A finding about one file: what is wrong, where, and (in the message) what to do.
/// `code` is a stable rule id (documented in docs/CLI.md).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Issue {
    pub rel_path: String,
    pub line: Option<usize>,
    pub severity: Severity,
    pub code: &'static str,
    /// The field in path syntax (`requirements[0].metric`), when the issue is about one.
    pub field: Option<String>,
    pub message: String,
}

impl Issue {
    pub fn error(rel_path: &str, code: &'static str, line: Option<usize>, message: impl Into<String>) -> Issue {
        Issue {
            rel_path: rel_path.to_string(),
            line,
            severity: Severity::Error,
            code,
            field: None,
            message: message.into(),
        }
    }

    pub fn warning(rel_path: &str, code: &'static str, line: Option<usize>, message: impl Into<String>) -> Issue {
        Issue { severity: Severity::Warning, ..Issue::error(rel_path, code, line, message) }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Issue {
        self.field = Some(field.into());
        self
    }

    /// `path:line: severity[code]: message`, the form editors and CI logs understand.
    pub fn display(&self) -> String {
        let location = match self.line {
            Some(line) => format!("{}:{}", self.rel_path, line),
            None => self.rel_path.clone(),
        };
        format!("{location}: {}[{}]: {}", self.severity.as_str(), self.code, self.message)
    }
}

/// Where the front matter sits in the file text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontMatterSpan {
    /// Byte range of the YAML between the fences.
    pub yaml_start: usize,
    pub yaml_end: usize,
    /// 1-based file line of the first YAML line.
    pub first_line: usize,
}

/// A document file, read and understood as far as it could be.
#[derive(Debug, Clone)]
pub struct Document {
    pub rel_path: String,
    pub text: String,
    /// `sha256:<hex>` of the file bytes.
    pub hash: String,
    pub front_matter: Option<FrontMatterSpan>,
    pub tree: Option<yaml::Node>,
    /// The front matter as JSON (Null when absent or unparsable).
    pub json: serde_json::Value,
    pub kind: Option<Kind>,
    pub id: String,
    pub typed: Option<Typed>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
    pub issues: Vec<Issue>,
    /// The file is listed but never rewritten: its front matter does not parse, it has none,
    /// or it is not text.
    pub read_only: bool,
}

pub fn content_hash(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

fn file_stem(rel_path: &str) -> String {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}

fn line_of_byte(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// Line of the first `<<<<<<<` marker when the text also has a closing `>>>>>>>` marker.
pub fn git_conflict_marker_line(text: &str) -> Option<usize> {
    // Every marker line holds `<<<<<<<`; one substring search spares splitting most files into lines.
    if !text.contains("<<<<<<<") {
        return None;
    }
    let mut start = None;
    for (index, line) in text.lines().enumerate() {
        if start.is_none() && (line == "<<<<<<<" || line.starts_with("<<<<<<< ")) {
            start = Some(index + 1);
        } else if start.is_some() && (line == ">>>>>>>" || line.starts_with(">>>>>>> ")) {
            return start;
        }
    }
    None
}

/// Finds the `---` fenced front matter at the top of `text`.
pub fn split_front_matter(text: &str) -> Result<Option<(FrontMatterSpan, usize)>, (usize, String)> {
    let after_bom = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let rest = &text[after_bom..];
    let first_line_end = if rest.starts_with("---\n") {
        4
    } else if rest.starts_with("---\r\n") {
        5
    } else {
        return Ok(None);
    };
    let yaml_start = after_bom + first_line_end;
    let mut line_start = yaml_start;
    while line_start <= text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |offset| line_start + offset);
        let line = text[line_start..line_end].trim_end_matches('\r');
        if line == "---" || line == "..." {
            let body_start = if line_end < text.len() { line_end + 1 } else { text.len() };
            return Ok(Some((FrontMatterSpan { yaml_start, yaml_end: line_start, first_line: 2 }, body_start)));
        }
        if line_end >= text.len() {
            break;
        }
        line_start = line_end + 1;
    }
    Err((1, "the front matter opened with `---` on line 1 is never closed: add a line with `---` after it".to_string()))
}

/// Reads and understands one file. Never fails: every problem becomes an [`Issue`] and the
/// document is marked read-only where Seam cannot safely edit it.
pub fn parse_document(rel_path: &str, bytes: &[u8]) -> Document {
    parse_with(rel_path, Cow::Borrowed(bytes), false)
}

/// [`parse_document`] taking the bytes, so a UTF-8 file becomes the document's text uncopied.
pub fn parse_document_owned(rel_path: &str, bytes: Vec<u8>) -> Document {
    parse_with(rel_path, Cow::Owned(bytes), false)
}

/// Reads one comment file (`discussions/<doc-id>/<time>-<author>.md`), validated against the
/// comment front matter instead of a document kind.
pub fn parse_comment(rel_path: &str, bytes: &[u8]) -> Document {
    parse_with(rel_path, Cow::Borrowed(bytes), true)
}

fn parse_with(rel_path: &str, bytes: Cow<'_, [u8]>, comment: bool) -> Document {
    let hash = content_hash(&bytes);
    let mut document = Document {
        rel_path: rel_path.to_string(),
        text: String::new(),
        hash,
        front_matter: None,
        tree: None,
        json: serde_json::Value::Null,
        kind: None,
        id: file_stem(rel_path),
        typed: None,
        body_start: 0,
        issues: Vec::new(),
        read_only: true,
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        document.issues.push(Issue::error(
            rel_path,
            "too-large",
            None,
            format!(
                "file is {} bytes; Seam reads documents up to 10 MB — split it or move data out of it",
                bytes.len()
            ),
        ));
        return document;
    }
    if bytes.contains(&0) {
        document.issues.push(Issue::error(
            rel_path,
            "binary-file",
            None,
            "file holds binary data (NUL bytes), not Markdown text",
        ));
        return document;
    }
    let text = match bytes {
        Cow::Borrowed(bytes) => {
            std::str::from_utf8(bytes).map(str::to_string).map_err(|error| (error, Cow::Borrowed(bytes)))
        }
        Cow::Owned(bytes) => {
            String::from_utf8(bytes).map_err(|error| (error.utf8_error(), Cow::Owned(error.into_bytes())))
        }
    };
    let text = match text {
        Ok(text) => text,
        Err((error, bytes)) => {
            let offset = error.valid_up_to();
            let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
            document.issues.push(Issue::error(
                rel_path,
                "not-utf8",
                Some(line),
                format!("invalid UTF-8 at byte {offset}: save the file as UTF-8"),
            ));
            return document;
        }
    };
    document.text = text;
    let text = document.text.as_str();
    if let Some(line) = git_conflict_marker_line(text) {
        document.issues.push(Issue::error(
            rel_path,
            "merge-conflict",
            Some(line),
            "the file holds unresolved merge conflict markers (<<<<<<< … >>>>>>>): keep the right side of each and delete the markers; Seam will not edit it until then",
        ));
        return document;
    }
    if text.trim().is_empty() {
        document.issues.push(Issue::error(
            rel_path,
            "empty-file",
            Some(1),
            "file is empty: start from a template (`seam init` writes them) or delete it",
        ));
        return document;
    }
    let (span, body_start) = match split_front_matter(text) {
        Ok(Some(found)) => found,
        Ok(None) => {
            document.issues.push(Issue::error(
                rel_path,
                "no-front-matter",
                Some(1),
                "no front matter: a Seam document starts with a `---` line, YAML with at least `kind` and `title`, and another `---` line",
            ));
            return document;
        }
        Err((line, message)) => {
            document.issues.push(Issue::error(rel_path, "unterminated-front-matter", Some(line), message));
            return document;
        }
    };
    document.front_matter = Some(span);
    document.body_start = body_start;
    let yaml_text = &text[span.yaml_start..span.yaml_end];
    let tree = match yaml::parse(yaml_text, span.yaml_start, line_of_byte(text, span.yaml_start)) {
        Ok(tree) => tree,
        Err(error) => {
            document.issues.push(Issue::error(
                rel_path,
                "yaml-syntax",
                Some(error.line),
                format!(
                    "front matter is not valid YAML: {} (column {}); Seam will not edit this file until it is fixed",
                    error.message,
                    error.column + 1
                ),
            ));
            return document;
        }
    };
    let Some(tree) = tree else {
        document.issues.push(Issue::error(
            rel_path,
            "missing-kind",
            Some(span.first_line),
            "front matter is empty: add at least `kind` and `title`",
        ));
        return document;
    };
    if !matches!(tree.value, yaml::NodeValue::Mapping { .. }) {
        document.issues.push(Issue::error(
            rel_path,
            "field-shape",
            Some(tree.line),
            "front matter must be a mapping of `key: value` lines",
        ));
        return document;
    }
    document.read_only = false;
    document.json = tree.to_json();
    if let Some(id) = document.json.get("id").and_then(serde_json::Value::as_str) {
        if !id.trim().is_empty() {
            document.id = id.to_string();
        }
    }
    let (kind, typed, issues) = if comment {
        (None, None, validate::validate_comment(rel_path, &tree, &document.json))
    } else {
        validate(rel_path, &tree, &document.json)
    };
    document.kind = kind;
    document.typed = typed;
    document.issues.extend(issues);
    document.tree = Some(tree);
    document
}

impl Document {
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }

    fn json_str(&self, key: &str) -> Option<String> {
        match self.json.get(key)? {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    pub fn title(&self) -> String {
        self.json_str("title").unwrap_or_else(|| self.id.clone())
    }

    pub fn status(&self) -> Option<String> {
        self.json_str("status")
    }

    pub fn version(&self) -> Option<String> {
        self.json_str("version")
    }

    fn json_list(&self, key: &str, item_key: Option<&str>) -> Vec<String> {
        let Some(serde_json::Value::Array(items)) = self.json.get(key) else {
            return match self.json.get(key) {
                Some(serde_json::Value::String(one)) => vec![one.clone()],
                _ => Vec::new(),
            };
        };
        items
            .iter()
            .filter_map(|item| match (item, item_key) {
                (serde_json::Value::String(text), _) => Some(text.clone()),
                (serde_json::Value::Object(map), Some(key)) => {
                    map.get(key).and_then(|v| v.as_str()).map(str::to_string)
                }
                _ => None,
            })
            .collect()
    }

    pub fn tags(&self) -> Vec<String> {
        self.json_list("tags", None)
    }

    pub fn owners(&self) -> Vec<String> {
        self.json_list("owners", Some("name"))
    }

    /// Every document id this document refers to, with the field and line it is named on.
    pub fn references(&self) -> Vec<(String, String, Option<usize>)> {
        let mut found = Vec::new();
        let Some(tree) = &self.tree else { return found };
        let mut push = |field: String, node: &yaml::Node| {
            // A plain `null` (the template's `requirements: null`) names no document.
            if let (Some(id), serde_json::Value::String(_)) = (node.as_str(), node.to_json()) {
                found.push((id.to_string(), field, Some(node.line)));
            }
        };
        let list = |key: &str| -> Vec<&yaml::Node> {
            match tree.get(key).map(|node| &node.value) {
                Some(yaml::NodeValue::Sequence { items, .. }) => items.iter().collect(),
                _ => tree.get(key).into_iter().collect(),
            }
        };
        for (index, node) in list("links").into_iter().enumerate() {
            push(format!("links[{index}]"), node);
        }
        match self.kind {
            Some(Kind::Contract) => {
                for node in list("requirements") {
                    push("requirements".to_string(), node);
                }
                for (index, node) in list("datasets").into_iter().enumerate() {
                    push(format!("datasets[{index}]"), node);
                }
                for side in ["input", "output"] {
                    for (index, field) in list(side).into_iter().enumerate() {
                        if let Some(source) = field.get("source") {
                            push(format!("{side}[{index}].source"), source);
                        }
                    }
                }
            }
            Some(Kind::Meeting) => {
                for key in ["agenda", "decisions"] {
                    for (index, item) in list(key).into_iter().enumerate() {
                        if let Some(document) = item.get("document") {
                            push(format!("{key}[{index}].document"), document);
                        }
                    }
                }
            }
            _ => {}
        }
        found
    }

    /// Every document id this document links to, each once: the front matter references, then
    /// the links in the body (`[[id]]`, `seam:id`). What the index stores for backlinks.
    pub fn linked_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let front_matter = self.references().into_iter().map(|(id, _, _)| id);
        for id in front_matter.chain(crate::render::body_link_ids(self.body())) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// Text of the structured fields worth finding by search.
    pub fn field_text(&self) -> String {
        let mut text = String::new();
        collect_strings(&self.json, &mut text);
        text
    }
}

/// Appends the strings longer than two bytes to `out`, one per line (no trailing newline).
fn collect_strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(text) if text.len() > 2 => {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(text);
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect_strings(item, out)),
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                if !matches!(key.as_str(), "hash" | "kind" | "id" | "title" | "status") {
                    collect_strings(item, out);
                }
            }
        }
        _ => {}
    }
}
