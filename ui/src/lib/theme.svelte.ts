// Light and dark themes: follow the OS (prefers-color-scheme) unless the user picked one, which
// is kept in this machine's web storage (never in a project). The resolved theme is set as
// `data-theme` on <html>; app.css keys its colours on it.

export type ThemeMode = "system" | "light" | "dark";
export type Theme = "light" | "dark";

const STORAGE_KEY = "seam.theme";
const darkQuery = typeof window !== "undefined" ? window.matchMedia("(prefers-color-scheme: dark)") : null;

function storedMode(): ThemeMode {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

export const theme = $state<{ mode: ThemeMode; resolved: Theme }>({ mode: "system", resolved: "light" });

function apply() {
  theme.resolved = theme.mode === "system" ? (darkQuery?.matches ? "dark" : "light") : theme.mode;
  document.documentElement.dataset.theme = theme.resolved;
  document.documentElement.dataset.themeMode = theme.mode;
}

/** Reads the stored choice and starts following the OS; call once before mounting the app. */
export function initTheme(): void {
  theme.mode = storedMode();
  apply();
  darkQuery?.addEventListener("change", apply);
}

export function setThemeMode(mode: ThemeMode): void {
  theme.mode = mode;
  try {
    if (mode === "system") localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, mode);
  } catch {
    // Storage refused: the choice holds until the app closes.
  }
  apply();
}

/** Switches to the other theme and keeps that choice. */
export function toggleTheme(): void {
  setThemeMode(theme.resolved === "dark" ? "light" : "dark");
}
