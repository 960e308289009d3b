//! Markdown to sanitized HTML for the webview, and search snippets to highlighted HTML.
//! Rendering is a chain of small event transforms; ammonia sanitizes the result last, always.

use std::borrow::Cow;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::store::{SNIPPET_MATCH_END, SNIPPET_MATCH_START};

/// URL scheme of explicit document links: `[text](seam:DOC-ID)`.
const SEAM_LINK_SCHEME: &str = "seam:";
/// Prefix of footnote ids, so footnotes cannot take ids the app's own page uses.
const FOOTNOTE_ID_PREFIX: &str = "fn-";

/// Markdown -> sanitized HTML safe to insert into the webview. `[text](seam:DOC-ID)` and
/// `[[doc-id]]` / `[[doc-id|text]]` become `<a href="#doc/DOC-ID" data-doc-link="DOC-ID">`.
/// Raw HTML in the Markdown is kept only as far as the sanitizer allows.
pub fn markdown_to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, parser_options());
    let events = doc_links(events);
    let events = prefixed_footnotes(events);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut unsafe_html, events);
    SANITIZER.clean(&unsafe_html).to_string()
}

/// Ids of the documents the Markdown `body` links to (`[[id]]`, `[[id|text]]`, `[text](seam:id)`),
/// in order of first appearance, each once. Parsed with the same options as `markdown_to_html`, so
/// a link counts exactly when the preview shows it as one (not inside code, for instance).
pub fn body_link_ids(body: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for event in Parser::new_ext(body, parser_options()) {
        if let Event::Start(Tag::Link { link_type, dest_url, .. }) = event {
            if is_doc_link(link_type, &dest_url) {
                let id = dest_url.strip_prefix(SEAM_LINK_SCHEME).unwrap_or(&dest_url).trim();
                if !id.is_empty() && !ids.iter().any(|known| known == id) {
                    ids.push(id.to_string());
                }
            }
        }
    }
    ids
}

/// Search snippet (matches between U+0002 and U+0003) -> HTML-escaped text with `<mark>`.
/// Unbalanced markers are tolerated: a stray end is dropped, an open mark is closed.
pub fn snippet_html(snippet: &str) -> String {
    let mut html = String::with_capacity(snippet.len() + 16);
    let mut mark_open = false;
    for character in snippet.chars() {
        match character {
            SNIPPET_MATCH_START if !mark_open => {
                html.push_str("<mark>");
                mark_open = true;
            }
            SNIPPET_MATCH_END if mark_open => {
                html.push_str("</mark>");
                mark_open = false;
            }
            SNIPPET_MATCH_START | SNIPPET_MATCH_END => {}
            other => push_escaped(&mut html, other),
        }
    }
    if mark_open {
        html.push_str("</mark>");
    }
    html
}

/// The one set of Markdown options Seam renders with.
pub(crate) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_WIKILINKS
}

/// Rewrites `seam:` links and wiki links into in-app document links. Links cannot nest in
/// Markdown, so one flag is enough to pair each start with its end.
fn doc_links<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut inside_doc_link = false;
    events.map(move |event| match event {
        Event::Start(Tag::Link { link_type, dest_url, .. }) if is_doc_link(link_type, &dest_url) => {
            inside_doc_link = true;
            let doc_id = dest_url.strip_prefix(SEAM_LINK_SCHEME).unwrap_or(&dest_url).trim();
            let mut html = String::from("<a href=\"#doc/");
            push_escaped_str(&mut html, doc_id);
            html.push_str("\" data-doc-link=\"");
            push_escaped_str(&mut html, doc_id);
            html.push_str("\">");
            Event::InlineHtml(CowStr::from(html))
        }
        Event::End(TagEnd::Link) if inside_doc_link => {
            inside_doc_link = false;
            Event::InlineHtml(CowStr::Borrowed("</a>"))
        }
        other => other,
    })
}

fn is_doc_link(link_type: LinkType, dest_url: &str) -> bool {
    matches!(link_type, LinkType::WikiLink { .. }) || dest_url.starts_with(SEAM_LINK_SCHEME)
}

/// Prefixes footnote names so their anchors are `#fn-NAME` / `id="fn-NAME"`, the only ids the
/// sanitizer lets through.
fn prefixed_footnotes<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    events.map(|event| match event {
        Event::FootnoteReference(name) => Event::FootnoteReference(CowStr::from(format!("{FOOTNOTE_ID_PREFIX}{name}"))),
        Event::Start(Tag::FootnoteDefinition(name)) => {
            Event::Start(Tag::FootnoteDefinition(CowStr::from(format!("{FOOTNOTE_ID_PREFIX}{name}"))))
        }
        other => other,
    })
}

/// Ammonia's defaults (no script/style, no event handlers, no `style` attributes, only safe URL
/// schemes) plus what the Markdown renderer legitimately emits: task list checkboxes, footnote
/// classes and ids, code language classes, and the document-link data attribute.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("a", ["data-doc-link"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("div", ["class", "id"])
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(allowed_attribute_value);
    builder
});

/// Narrows the attributes added to the sanitizer's allow-list to the values the renderer emits.
fn allowed_attribute_value<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let allowed = match (element, attribute) {
        ("input", "type") => value == "checkbox",
        ("code", "class") => {
            value.starts_with("language-")
                && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.'))
        }
        ("sup", "class") => matches!(value, "footnote-reference" | "footnote-definition-label"),
        ("div", "class") => value == "footnote-definition",
        ("div", "id") => value.starts_with(FOOTNOTE_ID_PREFIX),
        _ => true,
    };
    allowed.then_some(Cow::Borrowed(value))
}

fn push_escaped_str(html: &mut String, text: &str) {
    for character in text.chars() {
        push_escaped(html, character);
    }
}

fn push_escaped(html: &mut String, character: char) {
    match character {
        '&' => html.push_str("&amp;"),
        '<' => html.push_str("&lt;"),
        '>' => html.push_str("&gt;"),
        '"' => html.push_str("&quot;"),
        '\'' => html.push_str("&#39;"),
        other => html.push(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_are_balanced_and_text_is_escaped() {
        assert_eq!(snippet_html("a \u{2}<b>\u{3} & \u{3}c\u{2}d"), "a <mark>&lt;b&gt;</mark> &amp; c<mark>d</mark>");
    }

    #[test]
    fn body_link_ids_are_the_links_the_preview_shows() {
        let body = "See [[a-doc]], [[b-doc|the B doc]] and [again](seam:a-doc).\n\n`[[not-code]]`\n\n    [[not-indented]]\n\n[web](https://example.com)";
        assert_eq!(body_link_ids(body), vec!["a-doc".to_string(), "b-doc".to_string()]);
        assert!(body_link_ids("no links here").is_empty());
    }

    #[test]
    fn doc_link_ids_are_escaped() {
        let html = markdown_to_html("[x](seam:a\"b)");
        assert!(!html.contains("a\"b"), "{html}");
    }
}
