// Entry point: installs the dev-only IPC mock when running in a plain browser, then mounts the app.
// First: a valid browser language before any module builds an Intl formatter (see lib/locale.ts).
import "./lib/locale";
import { mount } from "svelte";
import "./styles/app.css";
import App from "./App.svelte";
import { initTheme } from "./lib/theme.svelte";

async function start(): Promise<void> {
  // `import.meta.env.DEV` is a compile-time constant, so the mock module is dropped from
  // production builds entirely (checked by grepping dist/ for "seam-dev-mock").
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const mock = await import("./dev/mock");
    mock.installMock();
    mock.driveFromUrl();
  }
  // Before mounting, so the first paint already has the right colours.
  initTheme();
  const target = document.getElementById("app");
  if (target) mount(App, { target });
}

void start();
