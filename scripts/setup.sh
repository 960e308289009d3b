#!/usr/bin/env bash
# Installs what building and testing Seam needs on Debian 12 (system packages, tauri-driver,
# the UI's npm packages) and builds the UI into ui/dist. Idempotent, and quick when everything
# is already there. Run it, or source it to also get CARGO_TARGET_DIR and PATH in your shell.
set -euo pipefail

SEAM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A target dir outside the clone, so fresh clones (CI) reuse earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/seam-target}"
# Where `cargo install` puts tauri-driver.
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac

seam_setup_log() {
  if [ -t 1 ]; then printf '\033[1m[setup]\033[0m %s\n' "$*"; else printf '[setup] %s\n' "$*"; fi
}

seam_setup_apt() {
  local packages=(libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
                  libsoup-3.0-dev xvfb xauth webkit2gtk-driver libxml2-utils
                  chromium poppler-utils  # the meeting packet's PDF (headless Chromium) and its test (pdftotext)
                  # The Hugging Face card test makes a venv and pip-installs huggingface_hub into it.
                  python3 python3-venv)
  local missing=() package
  for package in "${packages[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)" != installed ]; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    seam_setup_log "system packages: all installed"
    return
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  seam_setup_log "system packages: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

seam_setup_rust_components() {
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
}

seam_setup_tauri_driver() {
  if command -v tauri-driver >/dev/null 2>&1; then
    seam_setup_log "tauri-driver: $(command -v tauri-driver)"
    return
  fi
  seam_setup_log "tauri-driver: installing (about 80 s)"
  cargo install tauri-driver --locked
}

# A hash of the files a step depends on, to skip it when nothing changed.
seam_setup_hash() { cat "$@" | sha256sum | cut -d" " -f1; }

seam_setup_ui() {
  local ui="$SEAM_ROOT/ui"
  if [ ! -f "$ui/package-lock.json" ]; then
    echo "error: $ui/package-lock.json is missing; run \`npm install\` in ui/ and commit the lock file" >&2
    return 1
  fi
  local deps_stamp="$ui/node_modules/.seam-npm-ci-stamp"
  local deps_hash
  deps_hash="$(node --version | sha256sum | cut -d' ' -f1)-$(seam_setup_hash "$ui/package.json" "$ui/package-lock.json")"
  if [ -f "$deps_stamp" ] && [ "$(cat "$deps_stamp")" = "$deps_hash" ]; then
    seam_setup_log "ui dependencies: up to date"
  else
    seam_setup_log "ui dependencies: npm ci"
    if ! (cd "$ui" && npm ci --no-audit --no-fund); then
      echo "error: \`npm ci\` failed in ui/. If it says the lock file is out of sync, regenerate" \
           "ui/package-lock.json with \`npm install\` (every package it names must exist in the registry) and commit it." >&2
      return 1
    fi
    echo "$deps_hash" >"$deps_stamp"
  fi

  # Rebuild ui/dist only when a source file changed (the stamp lives outside dist, which
  # Tauri embeds whole).
  local build_stamp="$ui/node_modules/.seam-ui-build-stamp"
  local build_hash
  build_hash="$(cd "$ui" && find . \( -path ./node_modules -o -path ./dist \) -prune -o -type f -print0 \
                 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  if [ -f "$ui/dist/index.html" ] && [ -f "$build_stamp" ] && [ "$(cat "$build_stamp")" = "$build_hash" ]; then
    seam_setup_log "ui build: up to date"
  else
    seam_setup_log "ui build: npm run build"
    (cd "$ui" && npm run build)
    echo "$build_hash" >"$build_stamp"
  fi
}

seam_setup_main() {
  seam_setup_apt
  seam_setup_rust_components
  seam_setup_tauri_driver
  seam_setup_ui
  seam_setup_log "CARGO_TARGET_DIR=$CARGO_TARGET_DIR"
}

seam_setup_main
