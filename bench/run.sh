#!/usr/bin/env bash
# Runs the benchmarks and prints one JSON summary line each. Usage: bench/run.sh [analyze|agent|rules|collector|clickhouse]
# The agent and rules benchmarks need root (network namespaces, under the lab lock) and a built dist/;
# the clickhouse one needs root and Debian's clickhouse-server (it starts its own server).
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
if [[ "$which" == analyze || "$which" == all ]]; then
  node --import tsx bench/analyze.bench.ts
fi
if [[ "$which" == agent || "$which" == all ]]; then
  npm run build >/dev/null
  node --import tsx bench/agent.bench.ts
fi
if [[ "$which" == rules || "$which" == all ]]; then
  npm run build >/dev/null
  flock /tmp/snatscope-lab.lock node --import tsx bench/rules.bench.ts
fi
if [[ "$which" == collector || "$which" == all ]]; then
  node --import tsx bench/correlate.bench.ts
  node --import tsx bench/ingest.bench.ts --agents 10 --flows-per-agent 20000 --runs 3
  node --import tsx bench/store.bench.ts --flows 10000000
fi
if [[ "$which" == clickhouse || "$which" == all ]]; then
  node --import tsx bench/clickhouse.bench.ts --records 1000000 --large 10000000 --queries 200
fi
