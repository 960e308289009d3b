//! A positioned YAML tree for front matter: every node knows its byte range and line in the
//! file, so validation can name lines and edits can rewrite exactly the bytes of one value.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Quoting style of a scalar, as written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Scalar {
        text: String,
        style: Style,
    },
    Sequence {
        items: Vec<Node>,
        flow: bool,
    },
    Mapping {
        entries: Vec<(Node, Node)>,
        flow: bool,
    },
    /// `*anchor` references are kept as opaque values.
    Alias,
}

/// One YAML node with its position in the *file* (byte offsets and 1-based lines).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    /// 0-based column (in characters) of the node's first character.
    pub column: usize,
    pub value: NodeValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line in the file.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Converts the parser's character indices to byte offsets in the file.
struct Positions {
    /// For each multi-byte char of the front matter, in order: its char index and the extra bytes
    /// (UTF-8 length beyond one) of all multi-byte chars up to and including it. Empty for ASCII.
    multibyte: Vec<(usize, usize)>,
    /// Number of chars of the front matter; None when it is ASCII (char index = byte offset).
    chars: Option<usize>,
    text_len: usize,
    base_offset: usize,
    base_line: usize,
}

impl Positions {
    fn new(text: &str, base_offset: usize, base_line: usize) -> Positions {
        let mut multibyte = Vec::new();
        let chars = if text.is_ascii() {
            None
        } else {
            let mut extra = 0;
            for (byte, &b) in text.as_bytes().iter().enumerate() {
                // Leading bytes only; continuation bytes are 0b10xx_xxxx.
                if b >= 0xC0 {
                    let width = if b >= 0xF0 {
                        4
                    } else if b >= 0xE0 {
                        3
                    } else {
                        2
                    };
                    extra += width - 1;
                    multibyte.push((byte + width - 1 - extra, extra));
                }
            }
            Some(text.len() - extra)
        };
        Positions { multibyte, chars, text_len: text.len(), base_offset, base_line }
    }

    fn byte(&self, char_index: usize) -> usize {
        let local = match self.chars {
            None => char_index,
            // Past the end is the end, as a char-to-byte table would clamp it.
            Some(chars) if char_index >= chars => self.text_len,
            Some(_) => {
                let before = self.multibyte.partition_point(|(index, _)| *index < char_index);
                char_index + if before == 0 { 0 } else { self.multibyte[before - 1].1 }
            }
        };
        local + self.base_offset
    }

    fn line(&self, parser_line: usize) -> usize {
        parser_line + self.base_line - 1
    }
}

enum Building {
    Sequence { start: Span, items: Vec<Node> },
    Mapping { start: Span, entries: Vec<(Node, Node)>, pending_key: Option<Node> },
}

/// Parses `text` (the YAML between the `---` fences) that starts at byte `base_offset` and line
/// `base_line` of the file. Returns the root node (None for an empty document).
pub fn parse(text: &str, base_offset: usize, base_line: usize) -> Result<Option<Node>, YamlError> {
    let positions = Positions::new(text, base_offset, base_line);
    let source = text.as_bytes();
    let mut stack: Vec<Building> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| YamlError {
            line: positions.line(error.marker().line()),
            column: error.marker().col(),
            message: error.info().to_string(),
        })?;
        let finished: Option<Node> = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        line: positions.line(span.start.line()),
                        column: span.start.col(),
                        message: "front matter holds more than one YAML document".to_string(),
                    });
                }
                None
            }
            Event::Scalar(value, style, _, _) => {
                let mut start = positions.byte(span.start.index());
                let mut end = positions.byte(span.end.index());
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                // A block scalar starts at its indicator (`|`, `>-`...), which the span leaves out.
                if matches!(style, Style::Literal | Style::Folded) {
                    let local = source.get(..start - base_offset).unwrap_or_default();
                    if let Some(indicator) = local.iter().rposition(|b| *b == b'|' || *b == b'>') {
                        start = indicator + base_offset;
                    }
                }
                // Plain scalars never end in whitespace; the scanner's span may include it.
                if style == Style::Plain {
                    while end > start && source.get(end - 1 - base_offset).is_some_and(u8::is_ascii_whitespace) {
                        end -= 1;
                    }
                }
                Some(Node {
                    start,
                    end,
                    line: positions.line(span.start.line()),
                    column: span.start.col(),
                    value: NodeValue::Scalar { text: value.into_owned(), style },
                })
            }
            Event::Alias(_) => Some(Node {
                start: positions.byte(span.start.index()),
                end: positions.byte(span.end.index()),
                line: positions.line(span.start.line()),
                column: span.start.col(),
                value: NodeValue::Alias,
            }),
            Event::SequenceStart(_, _) => {
                stack.push(Building::Sequence { start: span, items: Vec::new() });
                None
            }
            Event::MappingStart(_, _) => {
                stack.push(Building::Mapping { start: span, entries: Vec::new(), pending_key: None });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Building::Sequence { start, items }) => {
                    let last_end = items.last().map(|item| item.end);
                    Some(collection_node(&positions, source, start, span, last_end, |flow| NodeValue::Sequence {
                        items,
                        flow,
                    }))
                }
                _ => None,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Building::Mapping { start, entries, .. }) => {
                    let last_end = entries.last().map(|(_, value)| value.end);
                    Some(collection_node(&positions, source, start, span, last_end, |flow| NodeValue::Mapping {
                        entries,
                        flow,
                    }))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(node) = finished {
            match stack.last_mut() {
                Some(Building::Sequence { items, .. }) => items.push(node),
                Some(Building::Mapping { entries, pending_key, .. }) => match pending_key.take() {
                    Some(key) => entries.push((key, node)),
                    None => *pending_key = Some(node),
                },
                None => root = Some(node),
            }
        }
    }
    Ok(root)
}

/// Start of a collection is where its start event is; its end is the closing bracket for flow
/// collections, else the end of its last child (block collections have no end marker).
fn collection_node(
    positions: &Positions,
    source: &[u8],
    start_span: Span,
    end_span: Span,
    last_child_end: Option<usize>,
    make: impl FnOnce(bool) -> NodeValue,
) -> Node {
    let start = positions.byte(start_span.start.index());
    let first_char = source.get(start - positions.base_offset).copied();
    let flow = matches!(first_char, Some(b'[') | Some(b'{'));
    let end = if flow { positions.byte(end_span.end.index()).max(start + 1) } else { last_child_end.unwrap_or(start) };
    Node {
        start,
        end,
        line: positions.line(start_span.start.line()),
        column: start_span.start.col(),
        value: make(flow),
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Value of `key` in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, value)| value)
    }

    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.value {
            NodeValue::Mapping { entries, .. } => entries.iter().find(|(k, _)| k.as_str() == Some(key)),
            _ => None,
        }
    }

    /// Follows a JSON pointer (`/requirements/0/metric`) as far as it goes; returns the deepest
    /// node reached, so an error on a missing key points at its parent.
    pub fn deepest_at_pointer(&self, pointer: &str) -> &Node {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                NodeValue::Mapping { .. } => node.get(&segment),
                NodeValue::Sequence { items, .. } => segment.parse::<usize>().ok().and_then(|index| items.get(index)),
                _ => None,
            };
            match next {
                Some(child) => node = child,
                None => break,
            }
        }
        node
    }

    /// The node as JSON, resolving plain scalars with the YAML 1.2 core schema.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Scalar { text, style: Style::Plain } => resolve_plain_scalar(text),
            NodeValue::Scalar { text, .. } => Value::String(text.clone()),
            NodeValue::Sequence { items, .. } => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Mapping { entries, .. } => Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| {
                        (key.as_str().map_or_else(|| key.to_json().to_string(), str::to_string), value.to_json())
                    })
                    .collect(),
            ),
            NodeValue::Alias => Value::Null,
        }
    }
}

/// YAML 1.2 core schema: null, booleans, integers, floats; everything else is a string.
pub fn resolve_plain_scalar(text: &str) -> serde_json::Value {
    use serde_json::Value;
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(integer) = text.parse::<i64>() {
            return Value::from(integer);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(integer) = i64::from_str_radix(hex, 16) {
            return Value::from(integer);
        }
    }
    if let Some(octal) = text.strip_prefix("0o") {
        if let Ok(integer) = i64::from_str_radix(octal, 8) {
            return Value::from(integer);
        }
    }
    let looks_numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric {
        if let Ok(float) = text.parse::<f64>() {
            if let Some(number) = serde_json::Number::from_f64(float) {
                return Value::Number(number);
            }
        }
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.start..node.end]
    }

    #[test]
    fn spans_cover_exactly_the_value_text() {
        let text = "title: Fraud scoring  # comment\nquoted: \"a: b\"\nsingle: 'x'\nflow: {a: 1, b: [x, y]}\nlist:\n  - one\n  - {id: r1, v: 2}\nblock: |\n  line one\n  line two\nlast: é-value\n";
        let root = parse(text, 0, 1).expect("parses").expect("not empty");
        assert_eq!(slice(text, root.get("title").expect("title")), "Fraud scoring");
        assert_eq!(slice(text, root.get("quoted").expect("quoted")), "\"a: b\"");
        assert_eq!(slice(text, root.get("single").expect("single")), "'x'");
        assert_eq!(slice(text, root.get("flow").expect("flow")), "{a: 1, b: [x, y]}");
        let list = root.get("list").expect("list");
        assert_eq!(list.line, 6);
        assert_eq!(slice(text, list), "- one\n  - {id: r1, v: 2}");
        let block = slice(text, root.get("block").expect("block"));
        assert_eq!(block, "|\n  line one\n  line two\n", "{block:?}");
        assert_eq!(slice(text, root.get("last").expect("last")), "é-value");
        assert_eq!(root.get("last").expect("last").line, 11);
    }

    #[test]
    fn offsets_and_lines_are_relative_to_the_file() {
        let file = "---\nid: x\n---\n";
        let root = parse("id: x\n", 4, 2).expect("parses").expect("root");
        let id = root.get("id").expect("id");
        assert_eq!(&file[id.start..id.end], "x");
        assert_eq!(id.line, 2);
    }

    #[test]
    fn char_indices_map_to_byte_offsets() {
        for text in ["", "abc", "é", "aé—b😀c\n", "😀😀x", "x: \"日本語\"\ny: ü\n"] {
            let positions = Positions::new(text, 7, 1);
            let mut table: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
            table.push(text.len());
            for char_index in 0..table.len() + 3 {
                let expected =
                    if text.is_ascii() { char_index } else { table.get(char_index).copied().unwrap_or(text.len()) };
                assert_eq!(positions.byte(char_index), expected + 7, "{text:?} at {char_index}");
            }
        }
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain_scalar("0.85"), serde_json::json!(0.85));
        assert_eq!(resolve_plain_scalar("12"), serde_json::json!(12));
        assert_eq!(resolve_plain_scalar("2.1.0"), serde_json::json!("2.1.0"));
        assert_eq!(resolve_plain_scalar("2026-11-18"), serde_json::json!("2026-11-18"));
        assert_eq!(resolve_plain_scalar("~"), serde_json::Value::Null);
        assert_eq!(resolve_plain_scalar("yes"), serde_json::json!("yes"));
    }

    #[test]
    fn syntax_errors_name_the_file_line() {
        let error = parse("a: 1\nb: [unclosed\n", 10, 2).expect_err("must fail");
        assert!(error.line >= 3, "{error:?}");
    }
}
