//! Lossless in-place edits of front matter: `set` rewrites the bytes of exactly one value (or
//! inserts one key line), so comments, key order, quoting, line endings and unknown keys survive.
//! The path syntax is documented in docs/PATHS.md.

use super::yaml::{self, Node, NodeValue, Style};
use super::{parse_document, Document};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
    /// `[key=value]`: the list item (a mapping) whose `key` is `value`.
    Select {
        key: String,
        value: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("bad field path `{path}`: {reason}")]
    BadPath { path: String, reason: String },
    #[error("{path}: {reason}")]
    NotFound { path: String, reason: String },
    #[error("{rel_path} is read-only until its front matter is fixed: {reason}")]
    ReadOnly { rel_path: String, reason: String },
    #[error("value `{value}` for {path} is not a single-line YAML value: {reason}")]
    BadValue { path: String, value: String, reason: String },
}

/// The new value of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewValue {
    /// YAML text written as given (`0.9`, `agreed`, `[a, b]`, `"quoted"`, `{value: 1}`).
    Yaml(String),
    /// A string; Seam chooses the quoting, keeping the existing value's style when it can.
    Text(String),
}

impl NewValue {
    /// How the command line reads VALUE: YAML when it is a single-line YAML value, else text
    /// (so `seam set doc title Edited: ETA API` sets that text).
    pub fn from_cli(text: &str) -> NewValue {
        if !text.contains('\n') {
            if let Ok(Some(node)) = yaml::parse(text, 0, 1) {
                let whole = node.start == 0 && node.end == text.trim_end().len();
                let flow_or_scalar = match &node.value {
                    NodeValue::Scalar { style, .. } => !matches!(style, Style::Literal | Style::Folded),
                    NodeValue::Sequence { flow, .. } | NodeValue::Mapping { flow, .. } => *flow,
                    NodeValue::Alias => false,
                };
                if whole && flow_or_scalar {
                    return NewValue::Yaml(text.trim().to_string());
                }
            }
        }
        NewValue::Text(text.to_string())
    }
}

pub fn parse_path(path: &str) -> Result<Vec<Segment>, EditError> {
    let bad = |reason: &str| EditError::BadPath { path: path.to_string(), reason: reason.to_string() };
    let mut segments = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut position = 0;
    let mut expect_key = true;
    while position < chars.len() {
        let character = chars[position];
        if character == '[' {
            let close =
                chars[position..].iter().position(|c| *c == ']').ok_or_else(|| bad("`[` without `]`"))? + position;
            let inner: String = chars[position + 1..close].iter().collect();
            let inner = inner.trim();
            if let Ok(index) = inner.parse::<usize>() {
                segments.push(Segment::Index(index));
            } else if let Some((key, value)) = inner.split_once('=') {
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                segments.push(Segment::Select { key: key.trim().to_string(), value: value.to_string() });
            } else if inner.len() >= 2 && (inner.starts_with('"') && inner.ends_with('"')) {
                segments.push(Segment::Key(inner[1..inner.len() - 1].to_string()));
            } else {
                return Err(bad("brackets take an index `[0]`, a selector `[id=recall]` or a quoted key `[\"a.b\"]`"));
            }
            position = close + 1;
            expect_key = false;
        } else if character == '.' {
            if expect_key {
                return Err(bad("empty key"));
            }
            expect_key = true;
            position += 1;
        } else {
            let end = chars[position..]
                .iter()
                .position(|c| *c == '.' || *c == '[')
                .map_or(chars.len(), |offset| position + offset);
            let key: String = chars[position..end].iter().collect();
            segments.push(Segment::Key(key.trim().to_string()));
            position = end;
            expect_key = false;
        }
    }
    if segments.is_empty() || expect_key {
        return Err(bad("empty path"));
    }
    Ok(segments)
}

fn render_segments(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
            Segment::Select { key, value } => out.push_str(&format!("[{key}={value}]")),
        }
    }
    out
}

/// Top-level keys in the order Seam writes them; a new key goes after its predecessors.
const KEY_ORDER: &[&str] = &[
    "kind",
    "id",
    "title",
    "status",
    "version",
    "owners",
    "links",
    "tags",
    "component",
    "provider",
    "consumers",
    "owner",
    "access",
    "privacy",
    "license",
    "collection",
    "date",
    "attendees",
    "input",
    "output",
    "schema",
    "requirements",
    "budgets",
    "sla",
    "behavior",
    "lifecycle",
    "monitoring",
    "responsibilities",
    "datasets",
    "quality",
    "annotation",
    "biases",
    "drift",
    "agenda",
    "decisions",
    "signoffs",
];

fn is_plain_safe(text: &str, in_flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text || text.contains('\n') || text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if in_flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    matches!(yaml::resolve_plain_scalar(text), serde_json::Value::String(_))
}

fn double_quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace('"', "\\\"")))
}

fn render_text(text: &str, style: Option<Style>, in_flow: bool) -> String {
    match style {
        Some(Style::SingleQuoted) if !text.contains('\n') => {
            format!("'{}'", text.replace('\'', "''"))
        }
        Some(Style::DoubleQuoted) => double_quoted(text),
        _ if is_plain_safe(text, in_flow) => text.to_string(),
        _ => double_quoted(text),
    }
}

/// The text to write for `value` where a node of `old_style` was (None when inserting).
fn render_value(value: &NewValue, old_style: Option<Style>, in_flow: bool, path: &str) -> Result<String, EditError> {
    match value {
        NewValue::Text(text) => Ok(render_text(text, old_style, in_flow)),
        NewValue::Yaml(text) => {
            let node = yaml::parse(text, 0, 1).map_err(|error| EditError::BadValue {
                path: path.to_string(),
                value: text.clone(),
                reason: error.message,
            })?;
            match node.map(|node| node.value) {
                // A plain string replacing a quoted one keeps the file's quoting style.
                Some(NodeValue::Scalar { text: scalar, style: Style::Plain })
                    if matches!(yaml::resolve_plain_scalar(&scalar), serde_json::Value::String(_))
                        && matches!(old_style, Some(Style::SingleQuoted | Style::DoubleQuoted)) =>
                {
                    Ok(render_text(&scalar, old_style, in_flow))
                }
                Some(NodeValue::Sequence { flow: false, .. } | NodeValue::Mapping { flow: false, .. })
                | Some(NodeValue::Scalar { style: Style::Literal | Style::Folded, .. }) => Err(EditError::BadValue {
                    path: path.to_string(),
                    value: text.clone(),
                    reason: "write lists as `[a, b]` and mappings as `{key: value}`".to_string(),
                }),
                None => Ok("null".to_string()),
                _ => Ok(text.trim().to_string()),
            }
        }
    }
}

struct Located<'a> {
    node: &'a Node,
    /// The mapping entry's key when the node is a mapping value.
    key: Option<&'a Node>,
    /// Whether the node sits inside a flow collection.
    in_flow: bool,
}

enum Found<'a> {
    Existing(Located<'a>),
    /// The path stops at `map`; `rest` (keys only) must be created in it.
    Missing {
        map: &'a Node,
        map_in_flow: bool,
        rest: Vec<String>,
    },
}

fn locate<'a>(root: &'a Node, segments: &[Segment], path: &str) -> Result<Found<'a>, EditError> {
    let not_found = |reason: String| EditError::NotFound { path: path.to_string(), reason };
    let mut current = Located { node: root, key: None, in_flow: false };
    for (index, segment) in segments.iter().enumerate() {
        let node = current.node;
        let in_flow = current.in_flow
            || matches!(node.value, NodeValue::Sequence { flow: true, .. } | NodeValue::Mapping { flow: true, .. });
        let so_far = render_segments(&segments[..index]);
        current = match (segment, &node.value) {
            (Segment::Key(key), NodeValue::Mapping { .. }) => match node.entry(key) {
                Some((key_node, value)) => Located { node: value, key: Some(key_node), in_flow },
                None => {
                    let mut rest = Vec::new();
                    for later in &segments[index..] {
                        match later {
                            Segment::Key(key) => rest.push(key.clone()),
                            _ => {
                                return Err(not_found(format!(
                                    "`{}` does not exist, so `{}` cannot be reached",
                                    render_segments(&segments[..=index]),
                                    render_segments(segments)
                                )))
                            }
                        }
                    }
                    return Ok(Found::Missing { map: node, map_in_flow: current.in_flow, rest });
                }
            },
            (Segment::Index(position), NodeValue::Sequence { items, .. }) => match items.get(*position) {
                Some(item) => Located { node: item, key: None, in_flow },
                None => {
                    return Err(not_found(format!(
                        "`{so_far}` (line {}) has {} items, no item {position}",
                        node.line,
                        items.len()
                    )))
                }
            },
            (Segment::Select { key, value }, NodeValue::Sequence { items, .. }) => {
                match items.iter().find(|item| item.get(key).and_then(Node::as_str) == Some(value.as_str())) {
                    Some(item) => Located { node: item, key: None, in_flow },
                    None => {
                        return Err(not_found(format!(
                            "`{so_far}` (line {}) has no item whose {key} is \"{value}\"",
                            node.line
                        )))
                    }
                }
            }
            (segment, _) => {
                let wanted = match segment {
                    Segment::Key(_) => "a mapping",
                    _ => "a list",
                };
                let here = if so_far.is_empty() { "the front matter".to_string() } else { format!("`{so_far}`") };
                return Err(not_found(format!("{here} (line {}) is not {wanted}", node.line)));
            }
        };
    }
    Ok(Found::Existing(current))
}

fn line_end_after(text: &str, position: usize) -> usize {
    if position > 0 && text.as_bytes().get(position - 1) == Some(&b'\n') {
        return position;
    }
    text[position..].find('\n').map_or(text.len(), |offset| position + offset + 1)
}

fn line_start_before(text: &str, position: usize) -> usize {
    text[..position].rfind('\n').map_or(0, |offset| offset + 1)
}

/// Sets the front matter value at `path` and returns the new file text. The document must be
/// editable (parsed front matter); nothing outside the value's bytes changes.
pub fn set_value(document: &Document, path: &str, value: &NewValue) -> Result<String, EditError> {
    let Some(root) = &document.tree else {
        let reason =
            document.issues.first().map_or_else(|| "it has no front matter".to_string(), |issue| issue.display());
        return Err(EditError::ReadOnly { rel_path: document.rel_path.clone(), reason });
    };
    let segments = parse_path(path)?;
    let text = &document.text;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let (start, end, replacement) = match locate(root, &segments, path)? {
        Found::Existing(located) => {
            let node = located.node;
            match &node.value {
                NodeValue::Scalar { style: style @ (Style::Literal | Style::Folded), .. } => {
                    let new = render_value(value, Some(*style), located.in_flow, path)?;
                    let keeps_newline = text[node.start..node.end].ends_with('\n');
                    (node.start, node.end, if keeps_newline { format!("{new}{eol}") } else { new })
                }
                NodeValue::Scalar { style, .. } => {
                    (node.start, node.end, render_value(value, Some(*style), located.in_flow, path)?)
                }
                NodeValue::Sequence { flow: true, .. } | NodeValue::Mapping { flow: true, .. } | NodeValue::Alias => {
                    (node.start, node.end, render_value(value, None, located.in_flow, path)?)
                }
                NodeValue::Sequence { flow: false, .. } | NodeValue::Mapping { flow: false, .. } => {
                    let new = render_value(value, None, located.in_flow, path)?;
                    match located.key {
                        // `key:\n  - a\n  - b` becomes `key: [a, b]`; the text after the last
                        // item's line (comments, next keys) stays.
                        Some(key) => (key.end, node.end, format!(": {new}")),
                        None => {
                            return Err(EditError::NotFound {
                                path: path.to_string(),
                                reason: format!(
                                    "a block list item (line {}) can only be edited field by field",
                                    node.line
                                ),
                            })
                        }
                    }
                }
            }
        }
        Found::Missing { map, map_in_flow, rest } => insert_key(text, map, map_in_flow, &rest, value, path, eol, root)?,
    };
    let mut new_text = String::with_capacity(text.len() + replacement.len());
    new_text.push_str(&text[..start]);
    new_text.push_str(&replacement);
    new_text.push_str(&text[end..]);

    // The edit must leave a file that parses and holds the new value where it was asked.
    let check = parse_document(&document.rel_path, new_text.as_bytes());
    if check.tree.is_none() {
        let reason = check.issues.first().map_or_else(String::new, |issue| issue.message.clone());
        let value_text = match value {
            NewValue::Yaml(text) | NewValue::Text(text) => text.clone(),
        };
        return Err(EditError::BadValue { path: path.to_string(), value: value_text, reason });
    }
    Ok(new_text)
}

#[allow(clippy::too_many_arguments)]
fn insert_key(
    text: &str,
    map: &Node,
    map_in_flow: bool,
    rest: &[String],
    value: &NewValue,
    path: &str,
    eol: &str,
    root: &Node,
) -> Result<(usize, usize, String), EditError> {
    let NodeValue::Mapping { entries, flow } = &map.value else {
        return Err(EditError::NotFound { path: path.to_string(), reason: "not a mapping".to_string() });
    };
    let in_flow = *flow || map_in_flow;
    let leaf = render_value(value, None, in_flow, path)?;
    let key_text = |key: &str| render_text(key, None, true);
    if in_flow || entries.is_empty() && map.start == map.end {
        // `{a: 1}` → `{a: 1, key: value}`; nested missing keys become nested flow maps.
        let mut inner = leaf;
        for key in rest[1..].iter().rev() {
            inner = format!("{{{}: {inner}}}", key_text(key));
        }
        let entry = format!("{}: {inner}", key_text(&rest[0]));
        let close = map.end.saturating_sub(1);
        let before = text[..close].trim_end();
        let addition = if entries.is_empty() || before.ends_with('{') { entry } else { format!(", {entry}") };
        return Ok((close, close, addition));
    }
    // Block mapping: a new line at the entries' indentation.
    let indent = entries.first().map_or(0, |(key, _)| key.column);
    let mut lines = String::new();
    for (depth, key) in rest.iter().enumerate() {
        let pad = " ".repeat(indent + 2 * depth);
        if depth + 1 == rest.len() {
            lines.push_str(&format!("{pad}{}: {leaf}{eol}", key_text(key)));
        } else {
            lines.push_str(&format!("{pad}{}:{eol}", key_text(key)));
        }
    }
    let is_root = std::ptr::eq(map, root);
    let order_of = |key: &str| KEY_ORDER.iter().position(|known| *known == key);
    let after = if is_root {
        match order_of(&rest[0]) {
            Some(new_rank) => {
                let predecessor = entries
                    .iter()
                    .rev()
                    .find(|(key, _)| key.as_str().and_then(order_of).is_some_and(|rank| rank < new_rank));
                match predecessor {
                    Some(entry) => Some(entry),
                    None => {
                        // Goes before every known key: insert above the first entry.
                        let first = entries.first().map_or(map.start, |(key, _)| key.start);
                        let at = line_start_before(text, first);
                        return Ok((at, at, lines));
                    }
                }
            }
            None => entries.last(),
        }
    } else {
        entries.last()
    };
    let at = match after {
        Some((_, value_node)) => line_end_after(text, value_node.end),
        None => line_end_after(text, map.end),
    };
    // A file whose last front matter line lacks a newline gets one before the new line.
    let prefix = if at > 0 && !text[..at].ends_with('\n') { eol } else { "" };
    Ok((at, at, format!("{prefix}{lines}")))
}

/// Replaces the Markdown body, keeping the front matter bytes as they are.
pub fn set_body(document: &Document, body: &str) -> Result<String, EditError> {
    if document.front_matter.is_none() || document.read_only {
        let reason =
            document.issues.first().map_or_else(|| "it has no front matter".to_string(), |issue| issue.display());
        return Err(EditError::ReadOnly { rel_path: document.rel_path.clone(), reason });
    }
    let mut text = String::with_capacity(document.body_start + body.len());
    text.push_str(&document.text[..document.body_start]);
    if document.body_start == document.text.len() && !document.text.ends_with('\n') && !body.is_empty() {
        text.push_str(if document.text.contains("\r\n") { "\r\n" } else { "\n" });
    }
    text.push_str(body);
    Ok(text)
}
