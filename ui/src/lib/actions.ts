// The app's actions by id: one implementation each, run from keyboard shortcuts, the native menu
// (`menu-action` events carry the same ids) and the command palette. Components register the
// actions they can perform while they are mounted; the last registration of an id wins.
import type { MenuActionId } from "../bindings/events";

export type ActionId = MenuActionId | "follow-os-theme";

type Handler = () => unknown;
const handlers = new Map<ActionId, Handler[]>();

/** Registers `handler` for `id` until the returned function is called (use in onMount). */
export function registerActions(entries: Partial<Record<ActionId, Handler>>): () => void {
  const added: [ActionId, Handler][] = Object.entries(entries).filter((entry): entry is [ActionId, Handler] => !!entry[1]);
  for (const [id, handler] of added) handlers.set(id, [...(handlers.get(id) ?? []), handler]);
  return () => {
    for (const [id, handler] of added) handlers.set(id, (handlers.get(id) ?? []).filter((h) => h !== handler));
  };
}

export function canRun(id: ActionId): boolean {
  return (handlers.get(id)?.length ?? 0) > 0;
}

/** Runs the most recently registered handler of `id`; false when nothing handles it now. */
export function runAction(id: string): boolean {
  const list = handlers.get(id as ActionId);
  const handler = list?.[list.length - 1];
  if (!handler) return false;
  void handler();
  return true;
}

/** A keyboard shortcut: `mod` is Ctrl (or ⌘ on macOS). */
export type Shortcut = { key: string; mod?: boolean; shift?: boolean; alt?: boolean };

export type ShortcutEntry = { keys: string; what: string; action?: ActionId; shortcut?: Shortcut[] };

/** Every shortcut, for the help dialog and the key handler. Entries without `action` are handled
 * where they apply (the editor, lists) and are listed for reference. */
export const SHORTCUTS: { group: string; entries: ShortcutEntry[] }[] = [
  {
    group: "Anywhere",
    entries: [
      { keys: "Ctrl+K", what: "Quick open: find a document or run a command", action: "quick-open", shortcut: [{ key: "k", mod: true }] },
      { keys: "Ctrl+O", what: "Open a project folder", action: "open-folder", shortcut: [{ key: "o", mod: true }] },
      { keys: "Ctrl+Shift+L", what: "Toggle light / dark theme", action: "toggle-theme", shortcut: [{ key: "l", mod: true, shift: true }] },
      { keys: "Ctrl+Shift+M", what: "Show or hide the project's issues", action: "toggle-issues", shortcut: [{ key: "m", mod: true, shift: true }] },
      { keys: "F1 or Ctrl+/", what: "This list of shortcuts", action: "shortcuts", shortcut: [{ key: "F1" }, { key: "/", mod: true }] },
    ],
  },
  {
    group: "Document",
    entries: [
      { keys: "Ctrl+S", what: "Save now (Seam also saves by itself after a pause)" },
      { keys: "Ctrl+click", what: "On a [[document-id]] link in the editor: open that document" },
      { keys: "[[ or Ctrl+Space", what: "In the editor: complete a link to another document" },
      { keys: "Tab / Shift+Tab", what: "In the editor: indent / outdent (Esc then Tab leaves the editor)" },
    ],
  },
  {
    group: "Lists and quick open",
    entries: [
      { keys: "↑ / ↓", what: "Move through documents, results and commands" },
      { keys: "Enter", what: "Open the selected result or run the selected command" },
      { keys: "Esc", what: "Close quick open or a dialog" },
    ],
  },
];

function matches(event: KeyboardEvent, shortcut: Shortcut): boolean {
  const mod = event.ctrlKey || event.metaKey;
  return (
    event.key.toLowerCase() === shortcut.key.toLowerCase() &&
    mod === !!shortcut.mod &&
    event.shiftKey === !!shortcut.shift &&
    event.altKey === !!shortcut.alt
  );
}

/** The action a key press asks for, if any. */
export function actionForKey(event: KeyboardEvent): ActionId | null {
  for (const group of SHORTCUTS) {
    for (const entry of group.entries) {
      if (entry.action && entry.shortcut?.some((shortcut) => matches(event, shortcut))) return entry.action;
    }
  }
  return null;
}
