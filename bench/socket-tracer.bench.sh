#!/usr/bin/env bash
# CPU of the agent's socket tracer (bpftrace, the program of agent/sources/socket-tracer.ts) while
# a private network namespace takes RATE new TCP connections/s for SECONDS. Needs root, bpftrace,
# tracefs and a built dist/; run under `flock /tmp/snatscope-lab.lock`. Prints one JSON line.
#   bench/socket-tracer.bench.sh [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${1:-1000}"
seconds="${2:-30}"
ns="snatscope-bpfbench-$$"
work="$(mktemp -d)"
cleanup() {
  [[ -n "${tracer:-}" ]] && kill "$tracer" 2>/dev/null || true
  [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" addr add 10.98.0.1/24 dev lo
program="$(node --input-type=module -e "import { PASSIVE_OPEN_PROGRAM } from './dist/agent/sources/socket-tracer.js'; process.stdout.write(PASSIVE_OPEN_PROGRAM)")"
bpftrace -B line -f json -e "$program" >"$work/out.json" 2>"$work/err.txt" &
tracer=$!
until grep -q attached_probes "$work/out.json" 2>/dev/null; do
  kill -0 "$tracer" || { cat "$work/err.txt" >&2; exit 1; }
  sleep 0.1
done
ip netns exec "$ns" node -e "require('net').createServer((s) => { s.on('error', () => s.destroy()); s.end('x\n'); }).listen(18080, '10.98.0.1')" &
server=$!
until ip netns exec "$ns" bash -c '</dev/tcp/10.98.0.1/18080' 2>/dev/null; do sleep 0.1; done
ticks() { awk '{ print $14 + $15 }' "/proc/$tracer/stat"; }
before="$(ticks)"
load="$(ip netns exec "$ns" node bench/tcp-load.mjs 10.98.0.1 18080 "$rate" "$seconds")"
after="$(ticks)"
hz="$(getconf CLK_TCK)"
events="$(grep -c '"printf"' "$work/out.json" || true)"
printf '{"bench":"socket-tracer","rate":%s,"seconds":%s,"load":%s,"events":%s,"cpuPercentOfCore":%s}\n' \
  "$rate" "$seconds" "$load" "$events" \
  "$(awk -v t=$((after - before)) -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f", 100 * t / hz / s }')"
