import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri loads ../ui/dist (src-tauri/tauri.conf.json frontendDist). The CSP forbids inline
// styles and scripts, so CSS must be emitted as files (emitCss is the plugin default).
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5199, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    // Vite would inline small assets as data: URLs; keep everything as files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // CodeMirror with Markdown (and the languages it embeds) is most of the bundle; fine for a desktop app.
    chunkSizeWarningLimit: 1200,
  },
});
