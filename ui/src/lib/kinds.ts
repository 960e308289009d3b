// Names and ordering for document kinds and statuses, shared by the sidebar, search and views.

export const STATUSES = ["draft", "proposed", "agreed", "superseded", "retired"] as const;

export type KindGroup = { key: string; label: string };

export const KIND_GROUPS: KindGroup[] = [
  { key: "requirements", label: "Requirement sheets" },
  { key: "contract", label: "Interface contracts" },
  { key: "dataset", label: "Dataset notes" },
  { key: "meeting", label: "Meetings" },
];

export const NEEDS_ATTENTION: KindGroup = { key: "__attention", label: "Needs attention" };

const SINGULAR: Record<string, string> = {
  requirements: "Requirement sheet",
  contract: "Interface contract",
  dataset: "Dataset note",
  meeting: "Meeting",
};

/** The folder new documents of a kind go into (as in seam-core's `Kind::folder`). */
export function kindFolder(kind: string): string {
  return kind === "requirements" ? "requirements" : `${kind}s`;
}

export function kindLabel(kind: string | null): string {
  if (kind === null) return "Unknown kind";
  return SINGULAR[kind] ?? kind;
}

/** The sidebar group a document belongs to: its kind, or "Needs attention". */
export function groupKey(kind: string | null, readOnly: boolean): string {
  if (readOnly || kind === null || !(kind in SINGULAR)) return NEEDS_ATTENTION.key;
  return kind;
}

/** `set_by` → "Set by", `latency_p95_ms` → "Latency p95 ms", `timeboxWeeks` → "Timebox weeks". */
export function humanise(key: string): string {
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  if (spaced === "") return key;
  const fixed = spaced.replace(/\b(id|sla|url|api|pii|raci|psi|usd|eur)\b/g, (w) => w.toUpperCase());
  return fixed.charAt(0).toUpperCase() + fixed.slice(1);
}
