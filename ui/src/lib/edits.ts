// What a save sends: one FieldEdit per changed header field, and the body only when it changed.
import type { DocumentView } from "../bindings/DocumentView";
import type { FieldEdit } from "../bindings/FieldEdit";
import { parseTags, yamlFlowList, yamlScalar } from "./yaml";

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
