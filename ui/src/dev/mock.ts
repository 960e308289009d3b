// seam-dev-mock: a stand-in for the Rust shell when the UI runs in a plain browser (`npx vite`).
// Imported only under `import.meta.env.DEV`, so it never reaches a production build.
import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { Change } from "../bindings/Change";
import type { ConflictSides } from "../bindings/ConflictSides";
import type { DocumentSummary } from "../bindings/DocumentSummary";
import type { DocumentView } from "../bindings/DocumentView";
import type { Issue } from "../bindings/Issue";
import type { ProjectInfo } from "../bindings/ProjectInfo";
import type { RecentProject } from "../bindings/RecentProject";
import type { SaveRequest } from "../bindings/SaveRequest";
import type { SearchHit } from "../bindings/SearchHit";
import type { Dashboard } from "../bindings/Dashboard";
// The example project as `seam check --json` reports it, in the dashboard's shape.
import dashboardPreview from "./dashboard.json";

type MockDoc = { relPath: string; frontMatter: Record<string, unknown> | null; body: string; hash: number; issues: Issue[] };

const docs: MockDoc[] = [
  {
    relPath: "requirements/ticket-routing.md",
    hash: 1,
    issues: [],
    frontMatter: {
      kind: "requirements",
      id: "ticket-routing-requirements",
      title: "Ticket routing model: requirements",
      status: "proposed",
      version: "1.2.0",
      owners: [
        { name: "Priya Shah", role: "product-owner" },
        { name: "Ana Ruiz", role: "data-scientist" },
      ],
      tags: ["routing", "helpdesk"],
      links: ["ticket-routing-api", "tickets-2025"],
      component: "ticket-router",
      requirements: [
        { id: "top1-accuracy", quality: "accuracy", metric: "top-1 accuracy", op: ">=", target: 0.9, threshold: 0.85, unit: "ratio", state: "agreed", measured: { value: 0.87, at: "2026-11-18" } },
        { id: "latency-p95", quality: "latency", metric: "p95 latency", op: "<=", target: 40, threshold: 80, unit: "ms", state: "proposed" },
        { id: "fairness-lang", quality: "fairness", metric: "accuracy gap by language", op: "<=", target: 0.03, threshold: 0.05, unit: "ratio", slice: "language", state: "disputed" },
      ],
      budgets: {
        research: { timebox_weeks: 6, started: "2026-10-01", fallback: "keyword rules" },
        training: { max_hours: 8, max_cost_usd: 300 },
        inference: { latency_p95_ms: 50, cost_per_1k_usd: 0.02 },
      },
    },
    body: "# Why\n\nAgents lose **20 minutes** per misrouted ticket. See [[ticket-routing-api]] for the interface.\n\n## Open questions\n\n- Which languages count as supported?\n- Do we measure on the holdout or on live traffic?\n",
  },
  {
    relPath: "contracts/ticket-routing-api.md",
    hash: 1,
    issues: [{ severity: "warning", code: "missing-field", relPath: "contracts/ticket-routing-api.md", line: 4, field: "lifecycle", message: "contracts/ticket-routing-api.md:4: no `lifecycle` section: say how often the model is retrained" }],
    frontMatter: {
      kind: "contract",
      id: "ticket-routing-api",
      title: "Ticket routing API",
      status: "agreed",
      version: "2.1.0",
      owners: [{ name: "Ben Okafor", role: "engineer" }],
      tags: ["routing"],
      provider: { component: "ticket-router", team: "support-ml" },
      consumers: [{ component: "helpdesk-core", team: "helpdesk-eng" }],
      input: [
        { name: "subject", type: "string", nullable: false, source: "tickets-2025" },
        { name: "language", type: "string", enum: ["en", "de", "fr"], nullable: false },
      ],
      output: [{ name: "queue", type: "string", description: "one of the 14 queues" }, { name: "confidence", type: "number", range: [0, 1] }],
      sla: { latency_p95_ms: 50, throughput_rps: 200, availability: 99.9 },
      responsibilities: [
        { task: "monitoring", responsible: "helpdesk-eng", accountable: "support-ml" },
        { task: "retraining", responsible: "support-ml", accountable: "support-ml" },
      ],
    },
    body: "The router answers within the SLA or the caller falls back to the **default queue**.\n",
  },
  {
    relPath: "datasets/tickets-2025.md",
    hash: 1,
    issues: [],
    frontMatter: {
      kind: "dataset",
      id: "tickets-2025",
      title: "Helpdesk tickets 2025",
      status: "draft",
      version: "2025.1",
      owners: [{ name: "Data Platform", role: "data-owner" }],
      tags: [],
      privacy: { pii: true, fields: ["customer_email"], retention_days: 365 },
      schema: [
        { name: "subject", type: "string", nullable: false },
        { name: "queue", type: "string", label: true },
      ],
    },
    body: "## Motivation\n\nTickets from the EU inbox.\n",
  },
  {
    relPath: "meetings/2026-11-20-routing.md",
    hash: 1,
    issues: [],
    frontMatter: { kind: "meeting", id: "2026-11-20-routing", title: "Routing negotiation, 20 Nov", status: "agreed", date: "2026-11-20", attendees: ["Priya Shah", "Ben Okafor", "Ana Ruiz"] },
    body: "Agreed the latency budget.\n",
  },
  {
    relPath: "contracts/broken.md",
    hash: 1,
    issues: [{ severity: "error", code: "yaml", relPath: "contracts/broken.md", line: 3, field: null, message: "contracts/broken.md:3: mapping values are not allowed here (a `:` inside an unquoted title?)" }],
    frontMatter: null,
    body: "---\nkind: contract\ntitle: Escalation: risk API\n---\nBody.\n",
  },
];

function str(value: unknown): string | null {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
}

function summary(doc: MockDoc): DocumentSummary {
  const fm = doc.frontMatter ?? {};
  const stem = doc.relPath.replace(/^.*\//, "").replace(/\.md$/, "");
  const owners = Array.isArray(fm.owners) ? fm.owners.map((o) => String((o as { name?: string }).name ?? o)) : [];
  return {
    relPath: doc.relPath,
    id: str(fm.id) ?? stem,
    kind: str(fm.kind),
    title: str(fm.title) ?? stem,
    status: str(fm.status),
    version: str(fm.version),
    owners,
    tags: Array.isArray(fm.tags) ? fm.tags.map(String) : [],
    issueCount: doc.issues.length,
    readOnly: doc.frontMatter === null,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function render(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((block) => {
      let html = escapeHtml(block.trim())
        .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
        .replace(/\[\[([\w-]+)\]\]/g, '<a href="#" data-doc-link="$1">$1</a>');
      const heading = /^(#{1,6}) (.*)$/.exec(html);
      if (heading) return `<h${heading[1].length}>${heading[2]}</h${heading[1].length}>`;
      if (html.startsWith("- ")) return `<ul>${html.split("\n").map((l) => `<li>${l.slice(2)}</li>`).join("")}</ul>`;
      return html ? `<p>${html}</p>` : "";
    })
    .join("\n");
}

function view(doc: MockDoc): DocumentView {
  return {
    summary: summary(doc),
    frontMatter: doc.frontMatter,
    body: doc.body,
    bodyHtml: render(doc.body),
    baseHash: `sha256:${doc.hash}`,
    issues: doc.issues,
    readOnly: doc.frontMatter === null,
    notice: null,
  };
}

// ---- whole-file text, for the merge view --------------------------------------------------

function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${yamlValue(v)}`).join(", ")}}`;
  const text = String(value);
  return /[:#]/.test(text) ? JSON.stringify(text) : text;
}

function fileText(fm: Record<string, unknown> | null, body: string): string {
  if (fm === null) return body;
  const lines = Object.entries(fm).map(([k, v]) => `${k}: ${yamlValue(v)}`);
  return `---\n${lines.join("\n")}\n---\n${body}`;
}

/** Line-by-line three-way merge, good enough for the mock (same line counts, or one big conflict). */
function merge3(base: string, mine: string, theirs: string): string {
  const [b, m, t] = [base, mine, theirs].map((x) => x.split("\n"));
  const block = (ours: string[], other: string[]) => ["<<<<<<< yours", ...ours, "=======", ...other, ">>>>>>> on disk"];
  if (b.length !== m.length || b.length !== t.length) return block(m, t).join("\n");
  const out: string[] = [];
  b.forEach((line, i) => {
    if (m[i] === t[i] || t[i] === line) out.push(m[i]);
    else if (m[i] === line) out.push(t[i]);
    else out.push(...block([m[i]], [t[i]]));
  });
  return out.join("\n");
}

function parseFile(doc: MockDoc, text: string): void {
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text);
  if (!match || doc.frontMatter === null) {
    doc.body = text;
    return;
  }
  for (const line of match[1].split("\n")) {
    const kv = /^(title|status|version): (.*)$/.exec(line);
    if (kv) doc.frontMatter[kv[1]] = unyaml(kv[2]);
  }
  doc.body = match[2];
}

// Switches for screenshots and manual checks (also on window.seamMock).
const flags = { conflictNextSave: false, mergeNextSave: false };
const bases = new Map<string, { fm: Record<string, unknown> | null; body: string; hash: number }>();

function snapshot(doc: MockDoc) {
  return { fm: doc.frontMatter ? structuredClone(doc.frontMatter) : null, body: doc.body, hash: doc.hash };
}

/** A teammate's edit on disk: retitles the document and rewords its first body line. */
function teammateEdit(doc: MockDoc): void {
  if (!bases.has(`${doc.relPath}#${doc.hash}`)) bases.set(`${doc.relPath}#${doc.hash}`, snapshot(doc));
  if (doc.frontMatter) doc.frontMatter.title = `${String(doc.frontMatter.title)} (reviewed)`;
  const lines = doc.body.split("\n");
  const at = lines.findIndex((l) => l.trim() !== "" && !l.startsWith("#"));
  if (at >= 0) lines[at] = lines[at].replace(/\.$/, "") + " (measured on the Q3 holdout).";
  doc.body = lines.join("\n");
  doc.hash += 1;
}

function applyRequest(fm: Record<string, unknown> | null, body: string, request: SaveRequest) {
  const next = fm ? structuredClone(fm) : null;
  for (const edit of request.edits) if (next) next[edit.path] = unyaml(edit.value);
  return fileText(next, request.body ?? body);
}

export async function emitChanges(changes: Change[]): Promise<void> {
  await emit("project-changed", { changes });
}

export function change(kind: string, relPath: string, extra: Partial<Change> = {}): Change {
  return { kind, relPath, id: null, from: null, message: null, ...extra };
}

function unyaml(value: string): unknown {
  const v = value.trim();
  if (v.startsWith("[")) return v.slice(1, -1).split(",").map((s) => s.trim()).filter(Boolean).map((s) => String(unyaml(s)));
  if (v.startsWith('"')) return JSON.parse(v);
  return v;
}

const project: ProjectInfo = {
  root: "/home/ana/larkdesk",
  name: "Larkdesk ticket triage",
  databasePath: "/home/ana/.local/share/seam/larkdesk.sqlite",
  documentCount: docs.length,
  indexMillis: 12,
  polling: false,
  watchNote: null,
};

const recent: RecentProject[] = [
  { root: "/home/ana/larkdesk", name: "Larkdesk ticket triage", openedAtMs: Date.now() - 3600_000, exists: true },
  { root: "/home/ana/old/fraud", name: "Fraud detection", openedAtMs: Date.now() - 86400_000 * 12, exists: false },
];

function fail(code: string, message: string): never {
  throw { code, message };
}

function find(relPath: string): MockDoc {
  return docs.find((d) => d.relPath === relPath) ?? fail("not_found", `${relPath}: no such document`);
}

let opened = new URLSearchParams(location.search).has("project");

async function handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
  await new Promise((r) => setTimeout(r, 60));
  switch (cmd) {
    case "current_project":
      return opened ? project : null;
    case "recent_projects":
      return recent;
    case "open_project":
      if (String(args.path).includes("old")) fail("not_a_project", `${String(args.path)} is not a Seam project (no seam.toml). Choose its project folder or create a new project.`);
      opened = true;
      return project;
    case "create_project":
    case "open_example":
      opened = true;
      return project;
    case "list_documents":
      return docs.map(summary);
    case "get_document":
      return view(find(String(args.relPath)));
    case "save_document": {
      const request = args.request as SaveRequest;
      console.debug("save_document", JSON.stringify(request));
      const doc = find(request.relPath);
      if (doc.frontMatter === null) fail("read_only", `${doc.relPath}:3: front matter does not parse; fix it in a text editor`);
      if (flags.conflictNextSave) {
        flags.conflictNextSave = false;
        teammateEdit(doc);
        fail("conflict", `${doc.relPath}: your edits overlap with changes made on disk; nothing was written`);
      }
      if (request.baseHash !== `sha256:${doc.hash}`) fail("conflict", `${doc.relPath} changed on disk since you opened it`);
      const merged = flags.mergeNextSave;
      flags.mergeNextSave = false;
      for (const edit of request.edits) {
        if (edit.path === "title" && edit.value.includes("conflict")) fail("conflict", `${doc.relPath} changed on disk since you opened it (a teammate saved it 10 s ago)`);
        doc.frontMatter[edit.path] = unyaml(edit.value);
      }
      if (request.body !== null) doc.body = request.body;
      if (merged) doc.body = doc.body.replace(/\n*$/, "\n\n> Ben: added the EU languages list to the appendix.\n");
      doc.hash += 1;
      return merged ? { ...view(doc), notice: "Merged with changes made on disk since you opened it" } : view(doc);
    }
    case "conflict_sides": {
      const request = args.request as SaveRequest;
      const doc = find(request.relPath);
      const base = [...bases.entries()].find(([key]) => key === `${doc.relPath}#${request.baseHash.replace("sha256:", "")}`)?.[1];
      const theirs = fileText(doc.frontMatter, doc.body);
      const baseText = base ? fileText(base.fm, base.body) : null;
      const mine = applyRequest(base?.fm ?? doc.frontMatter, base?.body ?? doc.body, request);
      const sides: ConflictSides = {
        relPath: doc.relPath,
        base: new URLSearchParams(location.search).has("nobase") ? null : baseText,
        mine,
        theirs,
        theirsHash: `sha256:${doc.hash}`,
        merged: merge3(baseText ?? theirs, mine, theirs),
      };
      return sides;
    }
    case "save_resolved": {
      const doc = find(String(args.relPath));
      if (args.theirsHash !== `sha256:${doc.hash}`) fail("conflict", `${doc.relPath} changed on disk again`);
      parseFile(doc, String(args.text));
      doc.hash += 1;
      return view(doc);
    }
    case "search": {
      const q = String(args.query).toLowerCase();
      const hits: SearchHit[] = [];
      for (const doc of docs) {
        const s = summary(doc);
        const text = `${s.title} ${doc.body}`;
        const at = text.toLowerCase().indexOf(q);
        const filter = (args.filter ?? {}) as { kind?: string | null; status?: string | null; owner?: string | null; tag?: string | null };
        const passes =
          (!filter.kind || s.kind === filter.kind) &&
          (!filter.status || s.status === filter.status) &&
          (!filter.owner || s.owners.some((o) => o.toLowerCase() === filter.owner?.toLowerCase())) &&
          (!filter.tag || s.tags.some((t) => t.toLowerCase() === filter.tag?.toLowerCase()));
        if (!passes) continue;
        if (!q && (filter.kind || filter.status || filter.owner || filter.tag)) {
          hits.push({ relPath: s.relPath, id: s.id, kind: s.kind, title: s.title, snippetHtml: "" });
        } else if (q && at >= 0) {
          const start = Math.max(0, at - 30);
          const snippet = escapeHtml(text.slice(start, at)) + "<mark>" + escapeHtml(text.slice(at, at + q.length)) + "</mark>" + escapeHtml(text.slice(at + q.length, at + 60));
          hits.push({ relPath: s.relPath, id: s.id, kind: s.kind, title: s.title, snippetHtml: snippet });
        }
      }
      return hits.slice(0, Number(args.limit));
    }
    case "backlinks": {
      const id = String(args.id);
      return docs
        .filter((doc) => {
          const links = doc.frontMatter?.links;
          const linked = Array.isArray(links) && links.includes(id);
          return summary(doc).id !== id && (linked || doc.body.includes(`[[${id}]]`) || doc.body.includes(`[[${id}|`));
        })
        .map(summary);
    }
    case "create_document":
      return fail("invalid", "mock: creating documents needs the real app");
    case "render_markdown":
      return render(String(args.text));
    case "dashboard":
      return dashboardPreview as Dashboard;
    case "import_metrics":
      return fail("invalid", `${String((args.request as { path?: string })?.path)}: metrics import needs the desktop shell`);
    case "project_issues":
      return docs.flatMap((d) => d.issues);
    case "plugin:dialog|open":
      return "/home/ana/chosen-folder";
    default:
      return fail("internal", `mock: unknown command ${cmd}`);
  }
}

export function installMock(): void {
  mockIPC((cmd, args) => handle(cmd, (args ?? {}) as Record<string, unknown>), { shouldMockEvents: true });
  (window as unknown as { seamMock: unknown }).seamMock = { flags, docs, emitChanges, change, teammateEdit: (relPath: string) => teammateEdit(find(relPath)) };
}

/** `&external=<kind>` (changed | removed | renamed | held | sync-conflict) emits one batch about the
 *  open document once it has loaded (after `&title` typing, if any); `&conflict` makes the next save
 *  fail with `conflict` (a teammate edited the same lines); `&merged` makes it merge with a notice. */
function driveExternal(params: URLSearchParams, relPath: string): void {
  const kind = params.get("external");
  if (!kind) return;
  const doc = find(relPath);
  setTimeout(() => {
    const others = docs.filter((d) => d.relPath !== relPath);
    switch (kind) {
      case "changed":
        teammateEdit(doc);
        void emitChanges([change("changed", relPath, { id: str(doc.frontMatter?.id) })]);
        break;
      case "removed":
        docs.splice(docs.indexOf(doc), 1);
        void emitChanges([change("removed", relPath)]);
        break;
      case "renamed": {
        const to = relPath.replace(/\.md$/, "-v2.md");
        doc.relPath = to;
        void emitChanges([change("renamed", to, { from: relPath })]);
        break;
      }
      case "held":
        void emitChanges([change("deletions-held", "datasets/", { message: `${others.length + 11} files disappeared at once (datasets/, meetings/). Seam kept them in its index and did not apply the deletions; check your sync tool.` })]);
        break;
      case "sync-conflict":
        void emitChanges([change("conflict", "contracts/ticket-routing-api (conflicted copy 2026-11-21).md", { from: "contracts/ticket-routing-api.md", message: "contracts/ticket-routing-api (conflicted copy 2026-11-21).md: Dropbox made a conflict copy of the contract" })]);
        break;
    }
  }, params.has("title") ? 400 : 150);
}

/** For screenshots: `?project&open=<relPath>` clicks that document once the list is shown,
 *  `&type=<text>` then types into the search box, `&title=<text>` edits the title, `&dashboard`
 *  opens the dashboard. */
export function driveFromUrl(): void {
  const params = new URLSearchParams(location.search);
  const open = params.get("open");
  const query = params.get("type");
  const title = params.get("title");
  const theme = params.get("theme");
  if (theme === "light" || theme === "dark") localStorage.setItem("seam.theme", theme);
  const palette = params.get("palette");
  let paletteDone = false;
  if (params.has("conflict")) flags.conflictNextSave = true;
  if (params.has("merged")) flags.mergeNextSave = true;
  let externalDone = false;
  const observer = new MutationObserver(() => {
    if (params.has("dashboard") && document.body.dataset.ready === "true") {
      const button = document.querySelector<HTMLElement>('[data-testid="open-dashboard"]');
      if (button && !button.dataset.clicked) {
        button.dataset.clicked = "1";
        button.click();
      }
    }
    if (open && document.body.dataset.ready === "true") {
      const item = document.querySelector<HTMLElement>(`[data-testid="doc-item"][data-rel-path="${open}"]`);
      if (item && !item.dataset.clicked) {
        item.dataset.clicked = "1";
        item.click();
      }
    }
    if (title && document.body.dataset.docReady) {
      const input = document.querySelector<HTMLInputElement>('[data-testid="field-title"]');
      if (input && !input.dataset.typed) {
        input.dataset.typed = "1";
        input.value = title;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    if (open && !externalDone && document.body.dataset.docReady === open) {
      externalDone = true;
      driveExternal(params, open);
    }
    if (palette !== null && !paletteDone && document.body.dataset.ready === "true" && (!open || document.body.dataset.docReady === open)) {
      paletteDone = true;
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "k", ctrlKey: true, bubbles: true }));
      setTimeout(() => {
        const input = document.querySelector<HTMLInputElement>('[data-testid="palette-input"]');
        if (!input) return;
        input.value = palette;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }, 50);
    }
    if (query && document.body.dataset.ready === "true") {
      const input = document.querySelector<HTMLInputElement>('[data-testid="search"]');
      if (input && !input.dataset.typed) {
        input.dataset.typed = "1";
        input.focus();
        input.value = query;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
}
