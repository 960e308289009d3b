// App-wide error and info messages, shown by Toasts.svelte.
import { errorMessage } from "./errors";

export type Toast = { id: number; kind: "error" | "info"; message: string };

let nextId = 1;
export const toasts = $state<Toast[]>([]);

export function dismissToast(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

export function showError(error: unknown, context?: string): void {
  const message = errorMessage(error);
  push("error", context ? `${context}: ${message}` : message, 10000);
}

export function showInfo(message: string): void {
  push("info", message, 4000);
}

function push(kind: Toast["kind"], message: string, timeoutMs: number): void {
  const id = nextId++;
  toasts.push({ id, kind, message });
  if (toasts.length > 4) toasts.shift();
  setTimeout(() => dismissToast(id), timeoutMs);
}
