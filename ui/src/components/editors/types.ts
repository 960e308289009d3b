// Column types of contract fields and dataset columns, as the templates document them. The model
// keeps `type` as free text (so files with other types stay valid); the editors offer these.
export const FIELD_TYPES = ["number", "integer", "string", "boolean", "timestamp", "category"] as const;
