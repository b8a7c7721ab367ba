#!/usr/bin/env bash
# `npm test`: every test, in order of cost. Installs what the machine lacks
# (Chromium, PHP CLI, nginx, PostgreSQL, Redis) first, builds if sources
# changed, and ends with one summary line counting every test that ran.
set -uo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
fail=0
step() { echo; echo "▶ $1"; }

step "system packages" && bash scripts/ensure-system-deps.sh || exit 1
step "type check (tsc --noEmit, strict)" && npx tsc --noEmit -p tsconfig.json || fail=1
step "PHP syntax (php -l)" && bash scripts/lint-php.sh || fail=1
step "build" && node scripts/build-if-needed.mjs || exit 1
step "unit and integration tests (jest)" && npx jest --json --outputFile="$results/jest.json" || fail=1
step "end-to-end tests (Playwright, Chromium, WordPress, service)" &&
  PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" npx playwright test --reporter=list,json || fail=1

node scripts/test-summary.mjs "$results/jest.json" "$results/e2e.json" || fail=1
exit $fail
