//! The datasheet checklist of a dataset note: which datasheet sections its body has, and whether
//! each is answered, still unanswered, or marked not applicable with a reason. Also writes one
//! section's answer back into the body, touching no other section.
//!
//! The convention (docs/DATASHEET.md): each section is a level-2 heading (`## Motivation`) with
//! the section's text below it, up to the next level-1 or level-2 heading. The template puts the
//! section's prompt under the heading as one italic paragraph (`_Why was this dataset created?…_`).
//! A section whose text is empty or only its prompt is unanswered; one that starts with
//! `Not applicable:` (or `N/A:`) followed by a reason is answered as not applicable; anything else
//! is an answer.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// One datasheet section: its stable key, its heading, and the prompt that says what to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub key: &'static str,
    pub title: &'static str,
    pub prompt: &'static str,
    /// Other headings that name the same section (compared ignoring case and punctuation).
    pub aliases: &'static [&'static str],
}

/// The sections in the order the template writes them (after Gebru et al., "Datasheets for Datasets").
pub const SECTIONS: [Section; 7] = [
    Section {
        key: "motivation",
        title: "Motivation",
        prompt: "Why was this dataset created? For which task? Who created it, and who funded it?",
        aliases: &[],
    },
    Section {
        key: "composition",
        title: "Composition",
        prompt: "What does one row represent? How many rows are there? Is anything missing, and is there a label?",
        aliases: &[],
    },
    Section {
        key: "collection",
        title: "Collection process",
        prompt: "How was the data collected, by whom, over what period? Were people aware that their data was collected?",
        aliases: &["collection"],
    },
    Section {
        key: "preprocessing",
        title: "Preprocessing and labelling",
        prompt: "What was cleaned, removed or transformed? Who labelled it, following which guideline, and how consistent were they?",
        aliases: &["preprocessing and labeling", "preprocessing", "preprocessing cleaning and labelling", "labelling"],
    },
    Section {
        key: "uses",
        title: "Uses",
        prompt: "What has it been used for? What should it not be used for?",
        aliases: &[],
    },
    Section {
        key: "distribution",
        title: "Distribution",
        prompt: "Who can get this dataset, where is it stored, and under which terms?",
        aliases: &[],
    },
    Section {
        key: "maintenance",
        title: "Maintenance",
        prompt: "Who maintains it, how are errors reported, and when will it be updated or deleted?",
        aliases: &[],
    },
];

/// Words that mark a section as not applicable when its text starts with them.
const NOT_APPLICABLE_MARKERS: [&str; 3] = ["not applicable", "n/a", "n.a."];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Answered,
    /// `Not applicable: <reason>`.
    NotApplicable {
        reason: String,
    },
    /// The heading is there, but below it only the prompt, nothing, or `Not applicable` without a reason.
    Unanswered {
        why: String,
    },
    /// No heading for this section.
    Missing,
}

impl Answer {
    /// `answered`, `not-applicable`, `unanswered` or `missing`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Answer::Answered => "answered",
            Answer::NotApplicable { .. } => "not-applicable",
            Answer::Unanswered { .. } => "unanswered",
            Answer::Missing => "missing",
        }
    }

    /// Answered, or not applicable with a reason.
    pub fn is_done(&self) -> bool {
        matches!(self, Answer::Answered | Answer::NotApplicable { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionState {
    pub section: Section,
    pub answer: Answer,
    /// 1-based line of the heading in the body, when present.
    pub line: Option<usize>,
    /// The section's text without its heading and prompt, trimmed (what a form shows as the answer).
    pub text: String,
    /// Byte range in the body of everything below the heading up to the next section; for a
    /// missing section, the empty range where it would be inserted.
    pub content: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub sections: Vec<SectionState>,
}

impl Checklist {
    pub fn done(&self) -> usize {
        self.sections.iter().filter(|state| state.answer.is_done()).count()
    }

    pub fn total(&self) -> usize {
        self.sections.len()
    }

    /// The sections still to write, in order.
    pub fn open(&self) -> impl Iterator<Item = &SectionState> {
        self.sections.iter().filter(|state| !state.answer.is_done())
    }
}

fn normalise(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some(' ')
            } else {
                None
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn section_for_heading(heading: &str) -> Option<usize> {
    let wanted = normalise(heading);
    SECTIONS.iter().position(|section| {
        normalise(section.title) == wanted || section.aliases.iter().any(|alias| normalise(alias) == wanted)
    })
}

/// A level-1 or level-2 heading: its byte range (whole lines) and its text.
struct Heading {
    lines: Range<usize>,
    text: String,
    line: usize,
}

fn top_headings(body: &str) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut current: Option<(Range<usize>, String)> = None;
    for (event, range) in Parser::new_ext(body, crate::render::parser_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1 | HeadingLevel::H2, .. }) => {
                current = Some((range, String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, heading_text)) = current.as_mut() {
                    heading_text.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1 | HeadingLevel::H2)) => {
                if let Some((range, text)) = current.take() {
                    let line_start = body[..range.start].rfind('\n').map_or(0, |at| at + 1);
                    let line_end = body[range.end.saturating_sub(1)..]
                        .find('\n')
                        .map_or(body.len(), |at| range.end.saturating_sub(1) + at + 1);
                    let line = body[..line_start].matches('\n').count() + 1;
                    headings.push(Heading { lines: line_start..line_end.max(range.end), text, line });
                }
            }
            _ => {}
        }
    }
    headings
}

/// The paragraphs of a section's text with their byte ranges (relative to `content`).
fn paragraphs(content: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut start: Option<usize> = None;
    let mut position = 0;
    for line in content.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(position),
            (true, Some(begin)) => {
                found.push(begin..position);
                start = None;
            }
            _ => {}
        }
        position += line.len();
    }
    if let Some(begin) = start {
        found.push(begin..content.len());
    }
    found
}

/// Whether a paragraph is a prompt: one italic paragraph (`_…_` or `*…*`) holding a section's prompt.
fn is_prompt(paragraph: &str) -> bool {
    let trimmed = paragraph.trim();
    let inner =
        ['_', '*'].iter().find_map(|mark| trimmed.strip_prefix(*mark).and_then(|rest| rest.strip_suffix(*mark)));
    inner.is_some_and(|inner| {
        let inner = normalise(inner);
        SECTIONS.iter().any(|section| normalise(section.prompt) == inner)
    })
}

/// `Not applicable: reason` → Some(reason) ("" when no reason is given); None for an answer.
fn not_applicable_reason(text: &str) -> Option<String> {
    let stripped = text.trim_start_matches(['*', '_', ' ']);
    let lower = stripped.to_lowercase();
    let marker = NOT_APPLICABLE_MARKERS.iter().find(|marker| lower.starts_with(*marker))?;
    let rest = &stripped[marker.len()..];
    // `Not applicable` must stand alone: `N/Apple` is an answer.
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let reason = rest.trim_start_matches(['*', '_', ':', '.', '-', '—', '–', ' ', '\n', '\r', '\t']).trim();
    Some(reason.to_string())
}

fn classify(text: &str, had_prompt: bool) -> Answer {
    if text.is_empty() {
        let why = if had_prompt { "only the prompt is there" } else { "the section is empty" };
        return Answer::Unanswered { why: why.to_string() };
    }
    match not_applicable_reason(text) {
        Some(reason) if reason.is_empty() => Answer::Unanswered {
            why: "marked not applicable without a reason; write `Not applicable: <why>`".to_string(),
        },
        Some(reason) => Answer::NotApplicable { reason },
        None => Answer::Answered,
    }
}

/// The checklist of a dataset note's body.
pub fn checklist(body: &str) -> Checklist {
    let headings = top_headings(body);
    let mut states: Vec<Option<SectionState>> = vec![None; SECTIONS.len()];
    for (index, heading) in headings.iter().enumerate() {
        let Some(which) = section_for_heading(&heading.text) else { continue };
        if states[which].is_some() {
            continue; // A repeated heading: the first one counts.
        }
        let end = headings.get(index + 1).map_or(body.len(), |next| next.lines.start);
        let content = heading.lines.end.min(end)..end;
        let text_of_section = &body[content.clone()];
        let mut had_prompt = false;
        let mut kept = Vec::new();
        for paragraph in paragraphs(text_of_section) {
            if is_prompt(&text_of_section[paragraph.clone()]) {
                had_prompt = true;
            } else {
                kept.push(text_of_section[paragraph].trim_end().to_string());
            }
        }
        let text = kept.join("\n\n");
        states[which] = Some(SectionState {
            section: SECTIONS[which],
            answer: classify(&text, had_prompt),
            line: Some(heading.line),
            text,
            content,
        });
    }
    // A missing section goes after the nearest present section before it, else before the first
    // present section after it, else at the end of the body.
    let mut sections = Vec::with_capacity(SECTIONS.len());
    for (which, state) in states.iter().enumerate() {
        let state = state.clone().unwrap_or_else(|| {
            let before = states[..which].iter().rev().flatten().next().map(|state| state.content.end);
            let after = || states[which + 1..].iter().flatten().find_map(|state| state.line);
            let at = before.unwrap_or_else(|| {
                after()
                    .and_then(|line| headings.iter().find(|heading| heading.line == line))
                    .map_or(body.len(), |heading| heading.lines.start)
            });
            SectionState {
                section: SECTIONS[which],
                answer: Answer::Missing,
                line: None,
                text: String::new(),
                content: at..at,
            }
        });
        sections.push(state);
    }
    Checklist { sections }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("no datasheet section `{key}`; the sections are {known}")]
    UnknownSection { key: String, known: String },
}

/// Writes `answer` as the text of section `key` and returns the new body. The rest of the body
/// keeps its bytes. An empty answer puts the section's prompt back, so it reads as unanswered; a
/// missing section is added with its heading where the template would have it.
pub fn write_answer(body: &str, key: &str, answer: &str) -> Result<String, AnswerError> {
    let Some(which) = SECTIONS.iter().position(|section| section.key == key) else {
        let known = SECTIONS.iter().map(|section| section.key).collect::<Vec<_>>().join(", ");
        return Err(AnswerError::UnknownSection { key: key.to_string(), known });
    };
    let eol = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let section = SECTIONS[which];
    let answer = answer.trim().replace("\r\n", "\n").replace('\n', eol);
    let text = if answer.is_empty() { format!("_{}_", section.prompt) } else { answer };
    let list = checklist(body);
    let state = &list.sections[which];
    let content = state.content.clone();
    let at_end = content.end == body.len();
    let mut out = String::with_capacity(body.len() + text.len() + 32);
    out.push_str(&body[..content.start]);
    if state.answer == Answer::Missing {
        // A new section: a blank line before the heading unless the body is empty there.
        let before = &body[..content.start];
        if !before.is_empty() && !before.ends_with('\n') {
            out.push_str(eol);
        }
        if !before.trim_end().is_empty() && !before.ends_with(&format!("{eol}{eol}")) {
            out.push_str(eol);
        }
        out.push_str(&format!("## {}{eol}{eol}{text}{eol}", section.title));
        if !at_end {
            out.push_str(eol);
        }
    } else {
        // Keep the whitespace around the old text; an empty section gets the usual blank lines.
        let old = &body[content.clone()];
        let leading = &old[..old.len() - old.trim_start().len()];
        let trailing = &old[old.trim_end().len().max(leading.len())..];
        let leading =
            if leading.contains('\n') || content.start == 0 { leading.to_string() } else { format!("{eol}{leading}") };
        let trailing = if old.trim().is_empty() {
            if at_end {
                eol.to_string()
            } else {
                format!("{eol}{eol}")
            }
        } else if trailing.is_empty() && !at_end {
            format!("{eol}{eol}")
        } else if trailing.is_empty() {
            eol.to_string()
        } else {
            trailing.to_string()
        };
        // An all-whitespace section: its whitespace was all "leading"; rebuild it.
        let leading = match (old.trim().is_empty(), body[..content.start].ends_with('\n')) {
            (true, true) => eol.to_string(),
            (true, false) => format!("{eol}{eol}"),
            (false, _) => leading,
        };
        out.push_str(&leading);
        out.push_str(&text);
        out.push_str(&trailing);
    }
    out.push_str(&body[content.end..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{parse_document, Kind};

    #[test]
    fn the_template_asks_every_question_with_the_same_prompts() {
        let template = crate::example::template(Kind::Dataset, "d", "D").expect("dataset template");
        let document = parse_document("datasets/d.md", template.as_bytes());
        let list = checklist(document.body());
        assert_eq!(list.done(), 0);
        for state in &list.sections {
            assert_eq!(
                state.answer,
                Answer::Unanswered { why: "only the prompt is there".to_string() },
                "{}: the template's prompt differs from datasheet::SECTIONS",
                state.section.key
            );
        }
    }

    #[test]
    fn answering_every_template_section_completes_the_checklist() {
        let template = crate::example::template(Kind::Dataset, "d", "D").expect("dataset template");
        let mut body = parse_document("datasets/d.md", template.as_bytes()).body().to_string();
        for (count, section) in SECTIONS.iter().enumerate() {
            body = write_answer(&body, section.key, &format!("Answer for {}.", section.title)).expect("known key");
            let list = checklist(&body);
            assert_eq!(list.done(), count + 1, "{body}");
            assert_eq!(list.sections[count].text, format!("Answer for {}.", section.title));
        }
        for section in SECTIONS {
            body = write_answer(&body, section.key, "").expect("known key");
        }
        let template_body = parse_document("datasets/d.md", template.as_bytes()).body().to_string();
        assert_eq!(body, template_body, "clearing every answer gives the template back");
    }

    #[test]
    fn unknown_section_is_an_error_naming_the_known_ones() {
        let error = write_answer("", "motive", "x").expect_err("unknown");
        assert!(error.to_string().contains("motivation, composition"), "{error}");
    }
}
