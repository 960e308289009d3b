// What a save sends: one FieldEdit per changed header field, and the body only when it changed.
import type { DocumentView } from "../bindings/DocumentView";
import type { FieldEdit } from "../bindings/FieldEdit";
import { needsQuotes, parseTags, quoteYaml, yamlFlowList, yamlScalar } from "./yaml";

export type SaveState = "saved" | "dirty" | "saving" | "error";

export type HeaderDraft = { title: string; status: string; version: string; tags: string };

export function draftFromView(view: DocumentView): HeaderDraft {
  return {
    title: view.summary.title,
    status: view.summary.status ?? "",
    version: view.summary.version ?? "",
    tags: view.summary.tags.join(", "),
  };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

export function headerEdits(view: DocumentView, draft: HeaderDraft): FieldEdit[] {
  const edits: FieldEdit[] = [];
  const saved = draftFromView(view);
  if (draft.title !== saved.title) edits.push({ path: "title", value: yamlScalar(draft.title) });
  if (draft.status !== saved.status && draft.status !== "") edits.push({ path: "status", value: yamlScalar(draft.status) });
  if (draft.version.trim() !== saved.version) edits.push({ path: "version", value: yamlScalar(draft.version.trim()) });
  const tags = parseTags(draft.tags);
  if (!sameList(tags, view.summary.tags)) edits.push({ path: "tags", value: yamlFlowList(tags) });
  return edits;
}

// ---- structured front matter ------------------------------------------------------------------
//
// The editors change a working copy of the front matter. Rows of the lists they edit carry a
// key (kept beside the data, never written), so that a save can tell added, removed and moved
// rows apart from edited ones. A save sends the difference between the saved front matter and
// the working copy as FieldEdits: `set` for changed values, `remove` for cleared keys and
// removed rows, `append` for new rows, `move` to reorder — each applied in order by the core.

export type Obj = Record<string, unknown>;
/** A path into the front matter: keys and list positions. */
export type Seg = string | number;
/** Row keys of each tracked list, by list path (`requirements`, `budgets.research.checkpoints`). */
export type RowKeys = Record<string, string[]>;
export type Work = { fm: Obj; keys: RowKeys };

/** Lists whose rows the editors add, remove and reorder. */
export const TRACKED_LISTS = [
  "requirements",
  "budgets.research.checkpoints",
  "consumers",
  "input",
  "output",
  "monitoring",
  "responsibilities",
  "datasets",
  "schema",
  "biases",
  "quality.known_issues",
  "quality.cleaning",
  "access.granted_to",
  "privacy.fields",
  "attendees",
  "agenda",
  "decisions",
];

let nextRowKey = 0;
export function newRowKey(): string {
  nextRowKey += 1;
  return `r${nextRowKey}`;
}

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function getAt(root: unknown, path: Seg[]): unknown {
  let node: unknown = root;
  for (const seg of path) {
    if (typeof seg === "number") node = Array.isArray(node) ? node[seg] : undefined;
    else node = isObj(node) ? node[seg] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** The working copy of a saved front matter, with fresh keys for every tracked list. */
export function workFrom(frontMatter: unknown): Work {
  const fm = isObj(frontMatter) ? (structuredClone(frontMatter) as Obj) : {};
  const keys: RowKeys = {};
  for (const list of TRACKED_LISTS) {
    const value = getAt(fm, list.split("."));
    if (Array.isArray(value)) keys[list] = value.map(() => newRowKey());
  }
  return { fm, keys };
}

/** `["requirements", 2, "threshold"]` → `requirements[2].threshold` (docs/PATHS.md). */
export function pathText(path: Seg[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/[.[\]]/.test(seg)) out += `["${seg}"]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** One-line YAML for a value. Strings are quoted whenever they could mean something else,
 *  also inside a flow mapping, since the UI does not know how the file writes the parent. */
export function toYaml(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "string") return needsQuotes(value, true) ? quoteYaml(value) : value;
  if (Array.isArray(value)) return `[${value.map(toYaml).join(", ")}]`;
  if (isObj(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${needsQuotes(k, true) ? quoteYaml(k) : k}: ${toYaml(v)}`).join(", ")}}`;
  }
  return quoteYaml(String(value));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The edits that turn `saved` (rows keyed by `savedKeys`) into `work`. */
export function structuredEdits(saved: unknown, savedKeys: RowKeys, work: Work, skip: Set<string>): FieldEdit[] {
  const edits: FieldEdit[] = [];
  const savedRoot = isObj(saved) ? saved : {};
  for (const key of new Set([...Object.keys(savedRoot), ...Object.keys(work.fm)])) {
    if (skip.has(key)) continue;
    diffValue(savedRoot[key], work.fm[key], [key], savedKeys, work.keys, edits);
  }
  return edits;
}

function diffValue(before: unknown, after: unknown, path: Seg[], savedKeys: RowKeys, keys: RowKeys, edits: FieldEdit[]) {
  const listName = path.every((seg) => typeof seg === "string") ? path.join(".") : null;
  if (after === undefined) {
    if (before !== undefined) edits.push({ path: pathText(path), value: "", op: "remove" });
    return;
  }
  if (listName && Array.isArray(after) && keys[listName] && Array.isArray(before) && savedKeys[listName]) {
    diffRows(before, savedKeys[listName], after, keys[listName], path, savedKeys, keys, edits);
    return;
  }
  if (isObj(before) && isObj(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      diffValue(before[key], after[key], [...path, key], savedKeys, keys, edits);
    }
    return;
  }
  if (!sameValue(before, after)) edits.push({ path: pathText(path), value: toYaml(after) });
}

function diffRows(
  before: unknown[],
  beforeKeys: string[],
  after: unknown[],
  afterKeys: string[],
  path: Seg[],
  savedKeys: RowKeys,
  keys: RowKeys,
  edits: FieldEdit[],
) {
  const list = pathText(path);
  const current = [...beforeKeys];
  // Removed rows, from the end so earlier positions stay valid.
  for (let index = beforeKeys.length - 1; index >= 0; index--) {
    if (!afterKeys.includes(beforeKeys[index])) {
      edits.push({ path: `${list}[${index}]`, value: "", op: "remove" });
      current.splice(index, 1);
    }
  }
  // New rows go to the end with all their values…
  afterKeys.forEach((key, index) => {
    if (!current.includes(key)) {
      edits.push({ path: list, value: toYaml(after[index]), op: "append" });
      current.push(key);
    }
  });
  // …then every row moves to its place.
  afterKeys.forEach((key, target) => {
    const from = current.indexOf(key);
    if (from !== target) {
      edits.push({ path: `${list}[${from}]`, value: "", op: "move", to: target });
      current.splice(from, 1);
      current.splice(target, 0, key);
    }
  });
  // Rows that were there before: their changed values.
  afterKeys.forEach((key, index) => {
    const old = beforeKeys.indexOf(key);
    if (old >= 0) diffValue(before[old], after[index], [...path, index], savedKeys, keys, edits);
  });
}
