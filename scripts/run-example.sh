#!/usr/bin/env bash
# Opens the desktop app on the example project (a working copy under ~/Seam, created on first
# use), or on the folder given as the first argument.
set -euo pipefail

# Resolve a relative folder argument before changing directory.
if [ $# -ge 1 ]; then
  project=$(realpath -m -- "$1")
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
cargo build -p seam-app -p seam-cli

if [ $# -eq 0 ]; then
  project="$HOME/Seam/Example project"
  if [ ! -e "$project" ]; then
    mkdir -p "$(dirname "$project")"
    "$CARGO_TARGET_DIR/debug/seam" init "$project" --example
  fi
fi
exec "$CARGO_TARGET_DIR/debug/seam-app" "$project"
