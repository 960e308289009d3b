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

/// Where a node's text really ends: a block scalar's span runs on over the blank lines and the
/// indentation that follow it, which belong to what comes next.
fn content_end(text: &str, node: &Node) -> usize {
    node.start + text[node.start..node.end].trim_end().len()
}

/// The end of the line holding the node's last character (after its line break).
fn node_line_end(text: &str, node: &Node) -> usize {
    line_end_after(text, content_end(text, node))
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
                    // Replace up to the end of the scalar's last line; blank lines after it stay.
                    let new = render_value(value, Some(*style), located.in_flow, path)?;
                    let end = node_line_end(text, node);
                    let keeps_newline = text[node.start..end].ends_with('\n');
                    (node.start, end, if keeps_newline { format!("{new}{eol}") } else { new })
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

    let value_text = match value {
        NewValue::Yaml(text) | NewValue::Text(text) => text.clone(),
    };
    must_parse(document, new_text, path, &value_text)
}

/// The edit must leave a file that parses; otherwise nothing is written and the value is blamed.
fn must_parse(document: &Document, new_text: String, path: &str, value_text: &str) -> Result<String, EditError> {
    let check = parse_document(&document.rel_path, new_text.as_bytes());
    if check.tree.is_none() {
        let reason = check.issues.first().map_or_else(String::new, |issue| issue.message.clone());
        return Err(EditError::BadValue { path: path.to_string(), value: value_text.to_string(), reason });
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
        Some((_, value_node)) => node_line_end(text, value_node),
        None => node_line_end(text, map),
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

// ---------------------------------------------------------------- list rows and keys
//
// Adding, removing and reordering rows rewrites only the lines (block lists) or the bytes
// between the brackets (flow lists) of the rows involved; every other row keeps its text,
// comments and formatting.

/// One change to the front matter, as a save applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Sets the value at `path` (see `set_value`).
    Set { path: String, value: NewValue },
    /// Appends an item to the list at `path` (the list is created when the key is missing or null).
    Append { path: String, value: NewValue },
    /// Removes a list item (`input[2]`, `requirements[id=x]`) or a mapping key (`sla.availability`).
    Remove { path: String },
    /// Moves a list item to position `to` (0-based, counted after taking it out).
    Move { path: String, to: usize },
}

impl Edit {
    pub fn path(&self) -> &str {
        match self {
            Edit::Set { path, .. } | Edit::Append { path, .. } | Edit::Remove { path } | Edit::Move { path, .. } => {
                path
            }
        }
    }

    /// How the edit reads in a message: `set input[0].unit`, `remove requirements[id=x]`.
    pub fn describe(&self) -> String {
        match self {
            Edit::Set { path, .. } => format!("setting {path}"),
            Edit::Append { path, .. } => format!("adding an item to {path}"),
            Edit::Remove { path } => format!("removing {path}"),
            Edit::Move { path, to } => format!("moving {path} to position {to}"),
        }
    }
}

/// Applies one edit and returns the new file text.
pub fn apply(document: &Document, edit: &Edit) -> Result<String, EditError> {
    match edit {
        Edit::Set { path, value } => set_value(document, path, value),
        Edit::Append { path, value } => append_item(document, path, value),
        Edit::Remove { path } => remove(document, path),
        Edit::Move { path, to } => move_item(document, path, *to),
    }
}

fn editable_root(document: &Document) -> Result<&Node, EditError> {
    document.tree.as_ref().ok_or_else(|| {
        let reason =
            document.issues.first().map_or_else(|| "it has no front matter".to_string(), |issue| issue.display());
        EditError::ReadOnly { rel_path: document.rel_path.clone(), reason }
    })
}

fn splice(text: &str, start: usize, end: usize, replacement: &str) -> String {
    let mut out = String::with_capacity(text.len() + replacement.len());
    out.push_str(&text[..start]);
    out.push_str(replacement);
    out.push_str(&text[end..]);
    out
}

fn is_null_node(node: &Node) -> bool {
    matches!(&node.value, NodeValue::Scalar { text, style: Style::Plain } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
}

/// Byte offset of the `- ` indicator of a block list item (the item's node starts after it).
fn dash_of(text: &str, item: &Node) -> usize {
    let before = &text[..item.start];
    let trimmed = before.trim_end_matches([' ', '\t', '\r', '\n']);
    if trimmed.ends_with('-') {
        trimmed.len() - 1
    } else {
        item.start
    }
}

/// The lines of each item of a block list: from the start of its `-` line up to the next item's
/// line, leaving out blank lines just before it (they separate items and stay where they are);
/// the last item ends with its own last line.
fn block_chunks(text: &str, items: &[Node]) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = items.iter().map(|item| line_start_before(text, dash_of(text, item))).collect();
    (0..items.len())
        .map(|index| {
            let end = match starts.get(index + 1) {
                Some(next) => {
                    let mut end = *next;
                    let floor = node_line_end(text, &items[index]);
                    while end > floor {
                        let line_start = line_start_before(text, end - 1);
                        if !text[line_start..end].trim().is_empty() {
                            break;
                        }
                        end = line_start;
                    }
                    end
                }
                None => node_line_end(text, &items[index]),
            };
            (starts[index], end)
        })
        .collect()
}

fn value_text(value: &NewValue) -> String {
    match value {
        NewValue::Yaml(text) | NewValue::Text(text) => text.clone(),
    }
}

/// The list at `path`, with its mapping key when it has one.
fn locate_existing<'a>(root: &'a Node, segments: &[Segment], path: &str) -> Result<Located<'a>, EditError> {
    match locate(root, segments, path)? {
        Found::Existing(located) => Ok(located),
        Found::Missing { .. } => Err(EditError::NotFound {
            path: path.to_string(),
            reason: format!("`{}` does not exist", render_segments(segments)),
        }),
    }
}

/// Appends `value` to the list at `path`; a missing or null list becomes `[value]`.
pub fn append_item(document: &Document, path: &str, value: &NewValue) -> Result<String, EditError> {
    let root = editable_root(document)?;
    let segments = parse_path(path)?;
    let text = &document.text;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let list = match locate(root, &segments, path)? {
        Found::Missing { .. } => None,
        Found::Existing(located) if is_null_node(located.node) => None,
        Found::Existing(located) => Some(located),
    };
    let Some(list) = list else {
        let item = render_value(value, None, true, path)?;
        return set_value(document, path, &NewValue::Yaml(format!("[{item}]")));
    };
    let node = list.node;
    let new_text = match &node.value {
        NodeValue::Sequence { items, flow: true } => {
            let item = render_value(value, None, true, path)?;
            let close = node.end.saturating_sub(1);
            let addition = if items.is_empty() { item } else { format!(", {item}") };
            let at = items.last().map_or(close, |last| last.end);
            splice(text, at, at, &addition)
        }
        NodeValue::Sequence { items, flow: false } => {
            let Some(last) = items.last() else {
                return Err(EditError::NotFound { path: path.to_string(), reason: "empty block list".to_string() });
            };
            let dash = dash_of(text, &items[0]);
            let indent = &text[line_start_before(text, dash)..dash];
            let item = render_value(value, None, false, path)?;
            let block_rows = matches!(items[0].value, NodeValue::Mapping { flow: false, .. });
            let lines = match (block_rows, block_mapping_lines(&item)) {
                (true, Some(entries)) if !entries.is_empty() => {
                    // `  - id: x` then `    metric: y`: the keys line up at the first row's key column.
                    let inner_width = items[0].column.saturating_sub(indent.chars().count()).max(2);
                    let after_dash = " ".repeat(inner_width - 1);
                    let inner = " ".repeat(inner_width);
                    let mut lines = String::new();
                    for (position, entry) in entries.iter().enumerate() {
                        let lead = if position == 0 { format!("-{after_dash}") } else { inner.clone() };
                        lines.push_str(&format!("{indent}{lead}{entry}{eol}"));
                    }
                    lines
                }
                _ => format!("{indent}- {item}{eol}"),
            };
            let at = node_line_end(text, last);
            let mut prefix = if !text[..at].ends_with('\n') { eol.to_string() } else { String::new() };
            // Rows kept apart by blank lines get the same separation before the new row.
            let chunks = block_chunks(text, items);
            if chunks.len() >= 2 {
                prefix.push_str(&text[chunks[0].1..chunks[1].0]);
            }
            splice(text, at, at, &format!("{prefix}{lines}"))
        }
        _ => {
            return Err(EditError::NotFound {
                path: path.to_string(),
                reason: format!("`{path}` (line {}) is not a list", node.line),
            })
        }
    };
    must_parse(document, new_text, path, &value_text(value))
}

/// `{a: 1, b: [x]}` → `["a: 1", "b: [x]"]`, the entries of a one-line flow mapping as written.
fn block_mapping_lines(item: &str) -> Option<Vec<String>> {
    let node = yaml::parse(item, 0, 1).ok()??;
    let NodeValue::Mapping { entries, flow: true } = &node.value else { return None };
    Some(
        entries
            .iter()
            .map(|(key, value)| format!("{}: {}", &item[key.start..key.end], &item[value.start..value.end]))
            .collect(),
    )
}

/// The list holding the item `path` names, and the item's position in it.
fn locate_item<'a>(root: &'a Node, segments: &[Segment], path: &str) -> Result<(Located<'a>, usize), EditError> {
    let (last, parent_segments) = segments
        .split_last()
        .ok_or_else(|| EditError::BadPath { path: path.to_string(), reason: "empty path".to_string() })?;
    let parent = locate_existing(root, parent_segments, path)?;
    let NodeValue::Sequence { items, .. } = &parent.node.value else {
        return Err(EditError::NotFound {
            path: path.to_string(),
            reason: format!("`{}` (line {}) is not a list", render_segments(parent_segments), parent.node.line),
        });
    };
    let index = match last {
        Segment::Index(index) if *index < items.len() => *index,
        Segment::Select { key, value } => items
            .iter()
            .position(|item| item.get(key).and_then(Node::as_str) == Some(value.as_str()))
            .ok_or_else(|| EditError::NotFound {
                path: path.to_string(),
                reason: format!(
                    "`{}` (line {}) has no item whose {key} is \"{value}\"",
                    render_segments(parent_segments),
                    parent.node.line
                ),
            })?,
        Segment::Index(index) => {
            return Err(EditError::NotFound {
                path: path.to_string(),
                reason: format!(
                    "`{}` (line {}) has {} items, no item {index}",
                    render_segments(parent_segments),
                    parent.node.line,
                    items.len()
                ),
            })
        }
        Segment::Key(_) => {
            return Err(EditError::BadPath { path: path.to_string(), reason: "name a list item".to_string() })
        }
    };
    Ok((parent, index))
}

/// Removes a list item or a mapping key with its value.
pub fn remove(document: &Document, path: &str) -> Result<String, EditError> {
    let root = editable_root(document)?;
    let segments = parse_path(path)?;
    let text = &document.text;
    let new_text = if matches!(segments.last(), Some(Segment::Key(_))) {
        remove_key(text, root, &segments, path)?
    } else {
        let (list, index) = locate_item(root, &segments, path)?;
        let NodeValue::Sequence { items, flow } = &list.node.value else {
            return Err(EditError::NotFound { path: path.to_string(), reason: "not a list".to_string() });
        };
        if *flow {
            let (start, end) = flow_removal(items.iter().map(|item| (item.start, item.end)).collect(), index);
            splice(text, start, end, "")
        } else if items.len() == 1 {
            // The last row: the list stays, empty, so the key keeps its type.
            match list.key {
                Some(key) => splice(text, key.end, list.node.end, ": []"),
                None => {
                    return Err(EditError::NotFound {
                        path: path.to_string(),
                        reason: format!("the list (line {}) has no key to keep empty", list.node.line),
                    })
                }
            }
        } else {
            // The item and the separator after it; the last item takes the one before it.
            let chunks = block_chunks(text, items);
            let (start, end) = match chunks.get(index + 1) {
                Some(next) => (chunks[index].0, next.0),
                None => (chunks[index - 1].1, chunks[index].1),
            };
            splice(text, start, end, "")
        }
    };
    must_parse(document, new_text, path, "")
}

/// The bytes to cut from a flow collection to drop element `index` and one separator.
fn flow_removal(spans: Vec<(usize, usize)>, index: usize) -> (usize, usize) {
    let (start, end) = spans[index];
    match (spans.get(index + 1), index.checked_sub(1).and_then(|before| spans.get(before))) {
        (Some(next), _) => (start, next.0),
        (None, Some(previous)) => (previous.1, end),
        (None, None) => (start, end),
    }
}

fn remove_key(text: &str, root: &Node, segments: &[Segment], path: &str) -> Result<String, EditError> {
    let Some((Segment::Key(key), parent_segments)) = segments.split_last() else {
        return Err(EditError::BadPath { path: path.to_string(), reason: "name a key".to_string() });
    };
    let parent = locate_existing(root, parent_segments, path)?;
    let NodeValue::Mapping { entries, flow } = &parent.node.value else {
        return Err(EditError::NotFound {
            path: path.to_string(),
            reason: format!("`{}` (line {}) is not a mapping", render_segments(parent_segments), parent.node.line),
        });
    };
    let Some(index) = entries.iter().position(|(entry_key, _)| entry_key.as_str() == Some(key.as_str())) else {
        return Err(EditError::NotFound { path: path.to_string(), reason: format!("`{path}` does not exist") });
    };
    let (key_node, value_node) = &entries[index];
    if *flow {
        let spans = entries.iter().map(|(key, value)| (key.start, value.end)).collect();
        let (start, end) = flow_removal(spans, index);
        return Ok(splice(text, start, end, ""));
    }
    let is_root = std::ptr::eq(parent.node, root);
    if entries.len() == 1 && !is_root {
        // The only key of a nested mapping: the mapping stays, empty.
        return Ok(match parent.key {
            Some(parent_key) => splice(text, parent_key.end, parent.node.end, ": {}"),
            None => splice(text, key_node.start, value_node.end, "{}"),
        });
    }
    let line_start = line_start_before(text, key_node.start);
    let starts_item_line = text[line_start..key_node.start].trim_start().starts_with('-');
    if starts_item_line && index == 0 {
        // `- id: x` followed by `  metric: y`: the next key moves up behind the dash.
        return Ok(splice(text, key_node.start, entries[1].0.start, ""));
    }
    Ok(splice(text, line_start, node_line_end(text, value_node), ""))
}

/// Moves the list item `path` names to position `to`.
pub fn move_item(document: &Document, path: &str, to: usize) -> Result<String, EditError> {
    let root = editable_root(document)?;
    let segments = parse_path(path)?;
    let text = &document.text;
    let (list, from) = locate_item(root, &segments, path)?;
    let NodeValue::Sequence { items, flow } = &list.node.value else {
        return Err(EditError::NotFound { path: path.to_string(), reason: "not a list".to_string() });
    };
    if to >= items.len() {
        return Err(EditError::NotFound {
            path: path.to_string(),
            reason: format!("the list (line {}) has {} items, no position {to}", list.node.line, items.len()),
        });
    }
    if to == from {
        return Ok(text.clone());
    }
    let spans: Vec<(usize, usize)> =
        if *flow { items.iter().map(|item| (item.start, item.end)).collect() } else { block_chunks(text, items) };
    let mut order: Vec<usize> = (0..items.len()).collect();
    let moved = order.remove(from);
    order.insert(to, moved);
    // Each slot receives the text of the item that now belongs there; what lies between slots
    // (flow separators) stays.
    let region_start = spans[0].0;
    let region_end = spans[spans.len() - 1].1;
    let mut region = String::with_capacity(region_end - region_start);
    for (slot, source) in order.iter().enumerate() {
        let slot_end = spans[slot].1;
        let (source_start, source_end) = spans[*source];
        let mut piece = &text[source_start..source_end];
        let trailing;
        if !*flow && !piece.ends_with('\n') {
            // Only the file's last item can lack a line end; give it one when it moves up.
            trailing = format!("{piece}\n");
            piece = &trailing;
        }
        region.push_str(piece);
        if let Some(next) = spans.get(slot + 1) {
            region.push_str(&text[slot_end..next.0]);
        }
    }
    must_parse(document, splice(text, region_start, region_end, &region), path, "")
}
