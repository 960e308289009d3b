// Shared CodeMirror look: colours are CSS variables, so editors follow light/dark with the app.
// Every editor must also get `cspExtension()` so its <style> element carries Tauri's nonce.
import { EditorView } from "@codemirror/view";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import type { Extension } from "@codemirror/state";
import { tags } from "@lezer/highlight";
import { styleNonce } from "./csp";

export const editorTheme = EditorView.theme({
  "&": { height: "100%", backgroundColor: "var(--surface)", color: "var(--text)", fontSize: "13.5px" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.6", overflow: "auto" },
  ".cm-content": { padding: "12px 4px", caretColor: "var(--text)" },
  ".cm-line": { padding: "0 12px" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--accent-soft) !important",
  },
  ".cm-activeLine": { backgroundColor: "var(--surface-2)" },
  ".cm-placeholder": { color: "var(--text-faint)" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--text-faint)", borderRight: "1px solid var(--border)" },
});

export const markdownHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.heading1, color: "var(--md-heading)", fontWeight: "700", fontSize: "1.15em" },
    { tag: tags.heading2, color: "var(--md-heading)", fontWeight: "700", fontSize: "1.07em" },
    { tag: [tags.heading3, tags.heading4, tags.heading5, tags.heading6], color: "var(--md-heading)", fontWeight: "700" },
    { tag: tags.emphasis, fontStyle: "italic", color: "var(--md-emphasis)" },
    { tag: tags.strong, fontWeight: "700" },
    { tag: tags.strikethrough, textDecoration: "line-through" },
    { tag: [tags.link, tags.url], color: "var(--md-link)" },
    { tag: tags.monospace, color: "var(--md-code)" },
    { tag: [tags.processingInstruction, tags.meta, tags.contentSeparator], color: "var(--md-meta)" },
    { tag: tags.quote, color: "var(--text-muted)", fontStyle: "italic" },
  ]),
);

export function cspExtension(): Extension {
  const nonce = styleNonce();
  return nonce ? EditorView.cspNonce.of(nonce) : [];
}
