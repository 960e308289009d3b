// Checks the editors run as you type, with a message for the cell each problem concerns.
// They help the writer; the core's schema validation stays the authority on what is saved.

type Row = Record<string, unknown>;
type Problems = Record<string, string>;

const TIME_UNITS = new Set(["ms", "s", "sec", "seconds", "min", "minutes", "h", "hours", "days", "weeks"]);

function isPair(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === "number");
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** A requirement row: metric present, target and threshold consistent with `op`, units sensible. */
export function checkRequirement(row: Row): Problems {
  const problems: Problems = {};
  if (blank(row.id)) problems.id = "Give the requirement an id";
  if (blank(row.metric)) problems.metric = "Which metric? e.g. recall, latency_p95";
  const { op, target, threshold } = row;
  if (op === "between") {
    if (!blank(target) && !isPair(target)) problems.target = "between needs a pair: low, high";
    if (!blank(threshold) && !isPair(threshold)) problems.threshold = "between needs a pair: low, high";
    if (isPair(target) && target[0] > target[1]) problems.target = "low is above high";
    if (isPair(threshold) && threshold[0] > threshold[1]) problems.threshold = "low is above high";
    if (isPair(target) && isPair(threshold) && !problems.threshold && (threshold[0] > target[0] || threshold[1] < target[1])) {
      problems.threshold = "The accepted range should contain the target range";
    }
  } else {
    if (isPair(target)) problems.target = `A pair is only for between; ${op ?? "this op"} takes one number`;
    if (isPair(threshold)) problems.threshold = `A pair is only for between; ${op ?? "this op"} takes one number`;
    if (typeof target === "number" && typeof threshold === "number") {
      if (op === ">=" && threshold > target) problems.threshold = "With >= the threshold (least accepted) must not be above the target";
      if (op === "<=" && threshold < target) problems.threshold = "With <= the threshold (most accepted) must not be below the target";
    }
  }
  if (!blank(target) || !blank(threshold)) {
    if (blank(op)) problems.op = "Choose how to compare: >=, <=, == or between";
  }
  const unit = typeof row.unit === "string" ? row.unit.trim().toLowerCase() : "";
  const numbers = [target, threshold].flatMap((value) => (typeof value === "number" ? [value] : isPair(value) ? value : []));
  if (unit === "ratio" && numbers.some((n) => n < 0 || n > 1)) problems.unit = "A ratio lies between 0 and 1 (use % for percentages)";
  if ((unit === "%" || unit === "percent") && numbers.some((n) => n < 0 || n > 100)) problems.unit = "A percentage lies between 0 and 100";
  if (row.quality === "latency" && unit !== "" && !TIME_UNITS.has(unit)) problems.unit = "Latency needs a time unit (ms, s…)";
  if (row.quality === "latency" && unit === "" && numbers.length > 0) problems.unit = "Latency needs a unit (ms, s…)";
  return problems;
}

/** A contract field or dataset column: a name, a type, a sensible range and enum. */
export function checkField(row: Row): Problems {
  const problems: Problems = {};
  if (blank(row.name)) problems.name = "Name the field";
  else if (typeof row.name === "string" && /\s/.test(row.name)) problems.name = "Field names have no spaces";
  if (blank(row.type)) problems.type = "Choose a type";
  if (Array.isArray(row.range) && !["number", "integer"].includes(String(row.type))) problems.range = "A range is for number or integer fields";
  if (Array.isArray(row.enum) && row.enum.length === 0) problems.enum = "List the allowed values, or leave empty";
  return problems;
}

/** A RACI row: a task, and exactly one accountable team. */
export function checkResponsibility(row: Row): Problems {
  const problems: Problems = {};
  if (blank(row.task)) problems.task = "Name the task";
  if (blank(row.accountable)) problems.accountable = "Someone must be accountable";
  else if (Array.isArray(row.accountable) && row.accountable.length > 1) problems.accountable = "One team is accountable (RACI)";
  if (blank(row.responsible)) problems.responsible = "Who does the work?";
  return problems;
}

export function checkMonitor(row: Row): Problems {
  const problems: Problems = {};
  if (blank(row.metric)) problems.metric = "Which metric is watched?";
  if (blank(row.owner)) problems.owner = "Who watches it?";
  return problems;
}

export function checkAgreement(values: Row): Problems {
  const value = values.value;
  if (typeof value === "number" && (value < -1 || value > 1)) return { value: "Agreement (kappa, alpha) lies between -1 and 1" };
  return {};
}

export function checkSla(values: Row): Problems {
  const availability = values.availability;
  if (typeof availability === "number" && (availability < 0 || availability > 100)) {
    return { availability: "Availability is a percentage between 0 and 100" };
  }
  return {};
}
