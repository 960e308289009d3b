// Conflict markers in a merge result (`<<<<<<<`, `=======`, `>>>>>>>` at the start of a line).

const START_ANY = /^<<<<<<</m;

/** True while the text still has a line starting with `<<<<<<<`. */
export function hasConflictMarkers(text: string): boolean {
  return START_ANY.test(text);
}

/** Number of unresolved conflict regions (lines starting with `<<<<<<<`). */
export function countConflicts(text: string): number {
  let count = 0;
  for (const line of text.split("\n")) if (line.startsWith("<<<<<<<")) count++;
  return count;
}

export type MarkerRole = "start" | "base-start" | "middle" | "end" | "ours" | "base" | "theirs";
export type MarkerLine = { line: number; role: MarkerRole };

/** Classifies lines (1-based) inside conflict regions, for highlighting in the result editor. */
export function markerLines(lines: readonly string[]): MarkerLine[] {
  const out: MarkerLine[] = [];
  let section: "none" | "ours" | "base" | "theirs" = "none";
  lines.forEach((text, index) => {
    const line = index + 1;
    if (text.startsWith("<<<<<<<")) {
      section = "ours";
      out.push({ line, role: "start" });
    } else if (section === "ours" && text.startsWith("|||||||")) {
      section = "base";
      out.push({ line, role: "base-start" });
    } else if (section !== "none" && text.startsWith("=======")) {
      section = "theirs";
      out.push({ line, role: "middle" });
    } else if (section !== "none" && text.startsWith(">>>>>>>")) {
      section = "none";
      out.push({ line, role: "end" });
    } else if (section !== "none") {
      out.push({ line, role: section });
    }
  });
  return out;
}
