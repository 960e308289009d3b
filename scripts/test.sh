#!/usr/bin/env bash
# The one test command: sets up the machine (scripts/setup.sh), builds the app, checks
# formatting, lints, type-checks the UI, and runs every test, the end-to-end test included
# (under Xvfb). Prints a summary with the time each phase took; exits non-zero if any failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
if [ -t 1 ]; then bold=$'\033[1m' red=$'\033[31m' green=$'\033[32m' reset=$'\033[0m'; else bold='' red='' green='' reset=''; fi
phase_names=()
phase_results=()

# run_phase NAME COMMAND...: runs one phase, records its result and duration, carries on.
run_phase() {
  local name=$1 start=$SECONDS status=0
  shift
  printf '\n%s==> %s%s\n' "$bold" "$name" "$reset"
  "$@" || status=$?
  local took=$((SECONDS - start))
  phase_names+=("$name")
  if [ "$status" -eq 0 ]; then
    phase_results+=("ok      ${took}s")
  else
    phase_results+=("FAILED  ${took}s (exit $status)")
  fi
  return 0
}

summary() {
  local failed=0 index
  printf '\n%s==> Summary%s\n' "$bold" "$reset"
  for index in "${!phase_names[@]}"; do
    printf '  %-38s %s\n' "${phase_names[$index]}" "${phase_results[$index]}"
    case "${phase_results[$index]}" in FAILED*) failed=1 ;; esac
  done
  printf '  %-38s %ss\n' "total" "$((SECONDS - started))"
  if [ "$failed" -ne 0 ]; then
    printf '%sFAILED%s (end-to-end failure screenshots and logs: tests/e2e/artifacts/)\n' "$red" "$reset"
    return 1
  fi
  printf '%sall passed%s\n' "$green" "$reset"
}

setup_start=$SECONDS
printf '%s==> setup%s\n' "$bold" "$reset"
# Sourced, so CARGO_TARGET_DIR and PATH carry over. A setup failure stops everything.
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
phase_names+=("setup (scripts/setup.sh)")
phase_results+=("ok      $((SECONDS - setup_start))s")

# The end-to-end test drives the app binary, so build it (and the CLI) first.
# The whole workspace, so features unify as in `cargo test --workspace` and nothing is built twice.
run_phase "cargo build --workspace" cargo build --workspace
run_phase "cargo fmt --check" cargo fmt --all -- --check
run_phase "cargo clippy -D warnings" cargo clippy --workspace --all-targets -- -D warnings
run_phase "ui: npm run check" bash -c 'cd ui && npm run check'
# A display for the end-to-end test; a hung test must not eat the whole CI budget.
test_log=$(mktemp)
run_phase "cargo test (under xvfb-run)" bash -c '
  set -o pipefail
  timeout --signal=TERM --kill-after=60 2400 \
    xvfb-run -a -s "-screen 0 1920x1080x24" cargo test --workspace --no-fail-fast 2>&1 | tee "$0"' "$test_log"

summary_status=0
summary || summary_status=$?
# One closing line with the totals of every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed/) p += $(i-1); if ($(i) ~ /^failed/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$test_log"
rm -f "$test_log"
exit "$summary_status"
