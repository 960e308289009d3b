// Turns anything a command rejects with into a sentence a person can read.
import type { ErrorDto } from "../bindings/ErrorDto";

export function isErrorDto(value: unknown): value is ErrorDto {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

export function errorCode(value: unknown): string | null {
  return isErrorDto(value) ? value.code : null;
}

export function errorMessage(value: unknown): string {
  if (isErrorDto(value)) return value.message;
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return "Unknown error";
  }
}
