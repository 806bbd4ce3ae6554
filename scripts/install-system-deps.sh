#!/usr/bin/env bash
# Installs the Debian packages snatscope's tests, demo and agent need, only when a tool is missing.
set -euo pipefail

declare -A package_of=(
  [iptables]=iptables [iptables-legacy]=iptables [conntrack]=conntrack [nft]=nftables
  [ipset]=ipset [ip]=iproute2 [prometheus]=prometheus [promtool]=prometheus [bpftrace]=bpftrace
  [chromium]=chromium [clickhouse-server]=clickhouse-server [clickhouse-client]=clickhouse-client
)
missing=()
for tool in "${!package_of[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "snatscope: installing missing Debian packages: ${packages[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  echo "snatscope: not root; run: sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
