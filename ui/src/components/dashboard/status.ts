// Shared words and numbers of the dashboard.

export type RowStatus = "pass" | "warn" | "fail" | "missing";

export const STATUS_ORDER: RowStatus[] = ["fail", "warn", "missing", "pass"];

export function statusLabel(status: string): string {
  switch (status) {
    case "pass":
      return "met";
    case "warn":
      return "at risk";
    case "fail":
      return "not met";
    case "missing":
      return "not measured";
    default:
      return status;
  }
}

/** Numbers as people write them: 0.9, 120, at most 4 decimals. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(4)));
}
