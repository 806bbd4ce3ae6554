#!/usr/bin/env bash
# Runs every benchmark and prints one JSON summary line each. Usage: bench/run.sh [analyze]
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
if [[ "$which" == analyze || "$which" == all ]]; then
  node --import tsx bench/analyze.bench.ts
fi
