// Builds the YAML text of FieldEdit values: plain scalars when YAML reads them back unchanged,
// double-quoted otherwise, and flow lists for tags.

const RESERVED_WORDS = /^(true|false|yes|no|on|off|null|~|y|n)$/i;
const NUMBER_LIKE = /^[-+]?(\.?\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i;
const LEADING_SPECIAL = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

export function needsQuotes(text: string, inFlow: boolean): boolean {
  if (text === "") return true;
  if (text !== text.trim()) return true;
  if (LEADING_SPECIAL.test(text)) return true;
  if (text.includes(":") || text.includes("#")) return true;
  if (RESERVED_WORDS.test(text) || NUMBER_LIKE.test(text)) return true;
  if (inFlow && /[,[\]{}]/.test(text)) return true;
  return false;
}

export function quoteYaml(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t");
  return `"${escaped}"`;
}

/** A scalar in block context (title, status, version). */
export function yamlScalar(text: string): string {
  return needsQuotes(text, false) ? quoteYaml(text) : text;
}

/** A flow list such as `[payments, "needs: review"]`. */
export function yamlFlowList(items: string[]): string {
  return `[${items.map((item) => (needsQuotes(item, true) ? quoteYaml(item) : item)).join(", ")}]`;
}

/** "a, b ,, c" → ["a", "b", "c"] */
export function parseTags(text: string): string[] {
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}
