#!/usr/bin/env bash
# Regenerates the screenshots in docs/screenshots/ from the real app in a real window (under
# Xvfb): the welcome screen, an open document with its backlinks, quick open, the shortcuts
# help, the contract, dataset and meeting editors and the dashboard, each in the light and the
# dark theme, plus main.png for the README. Look at them before
# committing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
cargo build -p seam-app
SEAM_UPDATE_SCREENSHOTS=1 xvfb-run -a -s "-screen 0 1920x1080x24" \
  cargo test -p seam-e2e --test navigation --test app -- screenshots_of_each_main_view open_edit_save_and_search_the_example_project
ls -l docs/screenshots/
