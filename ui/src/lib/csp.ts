// The CSP nonce Tauri grants for <style> elements, read from the carrier <meta> in index.html.
// CodeMirror puts its theme into one <style> element (style-mod uses constructed stylesheets only
// inside shadow roots), so under `style-src 'self'` it needs this nonce or the editor is unstyled.

const TOKEN_PREFIX = "__TAURI_";

export function styleNonce(): string | null {
  const value = document.querySelector('meta[name="seam-style-nonce"]')?.getAttribute("content") ?? "";
  // `vite dev` and plain browsers serve the token unreplaced; there is no CSP to satisfy there.
  return value !== "" && !value.startsWith(TOKEN_PREFIX) ? value : null;
}
