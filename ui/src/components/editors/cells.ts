// How an editor cell shows a value as text and reads it back, by column type.

export type CellType =
  | "text"
  | "longtext"
  | "number"
  | "integer"
  | "date"
  | "select"
  | "bool"
  | "list"
  | "teams"
  | "bound"
  | "range"
  | "pair";

export type Column = {
  key: string;
  label: string;
  type: CellType;
  /** Choices of a select (values as written in the file). */
  options?: readonly string[];
  /** Labels for the choices, when they differ from the values. */
  optionLabels?: Record<string, string>;
  /** Empty text is kept as "" (and flagged) rather than removing the key. */
  required?: boolean;
  placeholder?: string;
  /** Width hint in ch for table columns. */
  width?: number;
  hint?: string;
};

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseNumber(text: string): number | null {
  const trimmed = text.trim().replace(/_/g, "");
  return NUMBER.test(trimmed) ? Number(trimmed) : null;
}

function listItems(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export function formatCell(value: unknown, type: CellType): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((item) => (item === null ? "" : String(item))).join(", ");
  if (type === "bool") return value === true ? "true" : value === false ? "false" : "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function parseCell(text: string, column: Column): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: column.required ? "" : undefined };
  switch (column.type) {
    case "number":
    case "integer": {
      const number = parseNumber(trimmed);
      if (number === null) return { ok: false, message: "Enter a number" };
      if (column.type === "integer" && !Number.isInteger(number)) return { ok: false, message: "Enter a whole number" };
      return { ok: true, value: number };
    }
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
        ? { ok: true, value: trimmed }
        : { ok: false, message: "Write the date as YYYY-MM-DD" };
    case "bool":
      return { ok: true, value: trimmed === "true" };
    case "list":
      return { ok: true, value: listItems(trimmed).map((item) => (parseNumber(item) !== null && !/^0\d/.test(item) ? parseNumber(item) : item)) };
    case "teams": {
      // One team stays a plain value; several become a list (the RACI model takes either).
      const items = listItems(trimmed);
      return { ok: true, value: items.length === 1 ? items[0] : items };
    }
    case "bound": {
      const parts = trimmed.split(/\s*(?:,|–|\.\.)\s*/).filter((p) => p !== "");
      const numbers = parts.map(parseNumber);
      if (numbers.some((n) => n === null)) return { ok: false, message: "Enter a number, or two for between (low, high)" };
      if (numbers.length === 1) return { ok: true, value: numbers[0] };
      if (numbers.length === 2) return { ok: true, value: numbers };
      return { ok: false, message: "One number, or two for between (low, high)" };
    }
    case "range": {
      const parts = trimmed.split(",").map((p) => p.trim());
      if (parts.length !== 2) return { ok: false, message: "Write min, max (leave one empty for an open end)" };
      const values = parts.map((p) => (p === "" ? null : parseNumber(p)));
      if (parts.some((p, i) => p !== "" && values[i] === null)) return { ok: false, message: "Both ends must be numbers or empty" };
      const [low, high] = values;
      if (low !== null && high !== null && low > high) return { ok: false, message: "The minimum is above the maximum" };
      return { ok: true, value: values };
    }
    case "pair": {
      const parts = trimmed.split(",").map((p) => p.trim());
      if (parts.length !== 2) return { ok: false, message: "Write from, to (leave one empty if open)" };
      if (parts.some((p) => p !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(p))) return { ok: false, message: "Dates as YYYY-MM-DD" };
      return { ok: true, value: parts.map((p) => (p === "" ? null : p)) };
    }
    default:
      return { ok: true, value: text.replace(/\s+$/, "") };
  }
}
