// Helpers for showing arbitrary front matter readably: shape detection and compact text.
import { getContext, setContext } from "svelte";

export type Plain = string | number | boolean | null;
export type Obj = Record<string, unknown>;

export const HEADER_KEYS = new Set(["kind", "id", "title", "status", "version", "tags", "owners"]);

export function isScalar(value: unknown): value is Plain {
  return value === null || value === undefined || ["string", "number", "boolean"].includes(typeof value);
}

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** One-line text for a value inside a table cell: `k: v, k: v`, `a, b`. */
export function compact(value: unknown): string {
  if (isScalar(value)) return scalarText(value);
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return value.map(scalarText).join(", ");
    return value.map((item) => (isObject(item) ? `{${compact(item)}}` : compact(item))).join("; ");
  }
  if (isObject(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${Array.isArray(v) && v.every(isScalar) ? `[${compact(v)}]` : isObject(v) ? `{${compact(v)}}` : compact(v)}`)
      .join(", ");
  }
  return String(value);
}

/** Union of keys over a list of objects, in first-seen order. */
export function columnsOf(rows: Obj[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Lets structured views turn document ids into links without knowing the document list. */
export type DocLinks = {
  has: (id: string) => boolean;
  open: (id: string) => void;
  /** The project's documents, for completing links (read when needed, so it is always current). */
  list: () => { id: string; title: string; kind: string | null }[];
};
const DOC_LINKS = Symbol("doc-links");
export function provideDocLinks(links: DocLinks): void {
  setContext(DOC_LINKS, links);
}
export function docLinks(): DocLinks | undefined {
  return getContext<DocLinks | undefined>(DOC_LINKS);
}

/** What the structured editors read and change: the working copy of the open document's front
 *  matter (see lib/edits.ts). Provided by the document view. */
export type EditorApi = {
  readonly readOnly: boolean;
  get(path: (string | number)[]): unknown;
  /** Sets a value; `undefined` removes the key. `group` merges quick successive changes of one
   *  field into one undo step. */
  set(path: (string | number)[], value: unknown): void;
  addRow(list: string, row: unknown): void;
  removeRow(list: string, index: number): void;
  moveRow(list: string, from: number, to: number): void;
  /** Stable keys of a list's rows, for keyed rendering. */
  rowKeys(list: string): string[];
  /** Ids and titles of the project's documents of one kind (for choosers). */
  documentsOf(kind: string): { id: string; title: string }[];
};
const EDITOR = Symbol("editor");
export function provideEditor(api: EditorApi): void {
  setContext(EDITOR, api);
}
export function editor(): EditorApi {
  const api = getContext<EditorApi | undefined>(EDITOR);
  if (!api) throw new Error("structured editors need provideEditor() in the document view");
  return api;
}
