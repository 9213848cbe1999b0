#!/usr/bin/env bash
# Captures two real .gcdumps of ONE LeakyService process for `heapscope diff`: after 5,000 leaking
# requests (before.gcdump) and after 12,812 more, 17,812 in all (after.gcdump); and a control pair
# of one process with the leak off after the same traffic (control-before.gcdump, control-after.gcdump).
# Writes sample-dumps/diff/ and versions.txt there.   bash tools/capture-diff-pair.sh
set -euo pipefail

readonly FIRST_REQUESTS=5000
readonly MORE_REQUESTS=12812 # 17,812 in all, the incident's chain length
readonly CONCURRENCY=16

LOG_TAG=diff-pair
source "$(dirname "${BASH_SOURCE[0]}")/leaky-service.sh"
out="$root/sample-dumps/diff"

require_tools dotnet node
cd "$root"
restore_tools
build_service
mkdir -p "$out"

# capture PREFIX LEAK EXPECTED_FIRST EXPECTED_ALL: one process, two gcdumps around more traffic.
capture() {
  local prefix="$1" leak="$2" first="$3" all="$4"
  start_service --leak "$leak"
  node "$load_client" "$service_url/orders" "$FIRST_REQUESTS" "$CONCURRENCY" POST
  fetch_stats
  grep -q "\"liveReloadRegistrations\":$first," <<<"$stats" || die "expected $first live registrations after $FIRST_REQUESTS requests"
  log "dotnet-gcdump collect -> ${out#"$root/"}/${prefix}before.gcdump"
  gcdump collect -p "$service_pid" -o "$out/${prefix}before.gcdump" >"$work/gcdump.log" 2>&1 || { cat "$work/gcdump.log" >&2; die "dotnet-gcdump failed"; }
  node "$load_client" "$service_url/orders" "$MORE_REQUESTS" "$CONCURRENCY" POST
  fetch_stats
  grep -q "\"liveReloadRegistrations\":$all," <<<"$stats" || die "expected $all live registrations after $((FIRST_REQUESTS + MORE_REQUESTS)) requests"
  log "dotnet-gcdump collect -> ${out#"$root/"}/${prefix}after.gcdump"
  gcdump collect -p "$service_pid" -o "$out/${prefix}after.gcdump" >"$work/gcdump.log" 2>&1 || { cat "$work/gcdump.log" >&2; die "dotnet-gcdump failed"; }
  stop_service
}

capture "" on "$FIRST_REQUESTS" "$((FIRST_REQUESTS + MORE_REQUESTS))"
capture control- off 0 0

{
  echo "captured: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "runtime: $runtime_version"
  echo "dotnet-gcdump: $(dotnet tool run dotnet-gcdump --version 2>/dev/null | head -1)"
  echo "os: $(uname -srm)"
  echo "requests: $FIRST_REQUESTS before, $((FIRST_REQUESTS + MORE_REQUESTS)) after (POST /orders, concurrency $CONCURRENCY)"
} >"$out/versions.txt"
log "done: $(ls "$out" | tr '\n' ' ')"
