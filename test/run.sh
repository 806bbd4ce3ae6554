#!/usr/bin/env bash
# Runs the test suites with node's test runner. Usage: test/run.sh [unit|e2e|all]
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
which="${1:-all}"
files=()
if [[ "$which" == unit || "$which" == all ]]; then files+=(test/unit/**/*.test.ts); fi
if [[ "$which" == e2e || "$which" == all ]]; then files+=(test/e2e/**/*.test.ts); fi
if [[ ${#files[@]} -eq 0 ]]; then
  echo "no test files found for '$which'" >&2
  exit 1
fi
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
