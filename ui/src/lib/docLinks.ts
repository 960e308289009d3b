// Links between documents in the body editor: completion of document ids after `[[` or `seam:`,
// and Ctrl+click (⌘+click) on a `[[id]]` / `[[id|text]]` / `(seam:id)` link to open that document.
// The document list comes from the workspace (see `provideDocLinks`), read at the moment of use.
import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import type { Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { kindLabel } from "./kinds";
import type { DocLinks } from "./structured";

/** Characters a document id is made of (as `seam` writes them; ids are file stems otherwise). */
const ID_CHARS = /[^\s\]|)]*/;

/** The link target under `pos` on `line` (offsets within the line), if the position is inside one. */
export function linkTargetAt(line: string, pos: number): string | null {
  const patterns = [/\[\[([^\]|\n]+)(?:\|[^\]\n]*)?\]\]/g, /\]\(seam:([^)\s]+)\)/g];
  for (const pattern of patterns) {
    for (const match of line.matchAll(pattern)) {
      const start = match.index ?? 0;
      if (pos >= start && pos <= start + match[0].length) return match[1].trim();
    }
  }
  return null;
}

function completions(links: DocLinks, context: CompletionContext): CompletionResult | null {
  const line = context.state.doc.lineAt(context.pos);
  const before = line.text.slice(0, context.pos - line.from);
  const opener = /(\[\[|\(seam:)([^\s\]|)]*)$/.exec(before);
  if (!opener) return null;
  const typed = opener[2];
  const from = context.pos - typed.length;
  const after = line.text.slice(context.pos - line.from);
  const rest = ID_CHARS.exec(after)?.[0] ?? "";
  const wiki = opener[1] === "[[";
  // Close the link unless it already is.
  const closing = wiki ? (after.slice(rest.length).startsWith("]]") || after.slice(rest.length).startsWith("|") ? "" : "]]") : "";
  const needle = typed.toLowerCase();
  const options: Completion[] = links
    .list()
    .filter((doc) => needle === "" || doc.id.toLowerCase().includes(needle) || doc.title.toLowerCase().includes(needle))
    // Ids that start with what was typed first, then the rest, each alphabetically.
    .sort((a, b) => Number(!a.id.startsWith(needle)) - Number(!b.id.startsWith(needle)) || a.id.localeCompare(b.id))
    .map((doc) => ({
      label: doc.id,
      detail: `${kindLabel(doc.kind)} · ${doc.title}`,
      type: "text",
      apply: (view, _completion, applyFrom, applyTo) => {
        const insert = doc.id + closing;
        view.dispatch({
          changes: { from: applyFrom, to: applyTo + rest.length, insert },
          selection: { anchor: applyFrom + insert.length },
          userEvent: "input.complete",
        });
      },
    }));
  // Filtered here (ids and titles), so CodeMirror must not filter by label again.
  return { from, options, filter: false };
}

/** Completion and click-through for document links; `links` is read lazily on every use. */
export function docLinkExtension(links: () => DocLinks | undefined): Extension {
  return [
    autocompletion({
      override: [(context) => {
        const current = links();
        return current ? completions(current, context) : null;
      }],
      activateOnTyping: true,
      icons: false,
    }),
    EditorView.domEventHandlers({
      mousedown(event, view) {
        if (!(event.ctrlKey || event.metaKey) || event.button !== 0) return false;
        const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
        if (pos === null) return false;
        const line = view.state.doc.lineAt(pos);
        const id = linkTargetAt(line.text, pos - line.from);
        const current = links();
        if (!id || !current) return false;
        event.preventDefault();
        current.open(id);
        return true;
      },
    }),
    EditorView.theme({
      ".cm-tooltip.cm-tooltip-autocomplete": {
        backgroundColor: "var(--surface)",
        border: "1px solid var(--border)",
        borderRadius: "6px",
        boxShadow: "var(--shadow)",
      },
      ".cm-tooltip-autocomplete > ul > li": { padding: "3px 8px", color: "var(--text)" },
      ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent-soft)", color: "var(--text)" },
      ".cm-completionDetail": { color: "var(--text-muted)", marginLeft: "10px", fontStyle: "normal" },
      ".cm-tooltip.cm-completionInfo": {
        backgroundColor: "var(--surface)",
        border: "1px solid var(--border)",
        color: "var(--text)",
      },
    }),
  ];
}
