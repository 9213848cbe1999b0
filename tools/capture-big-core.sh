#!/usr/bin/env bash
# Makes a real ELF core of several GB of tools/dotnet/LeakyService for the browser check
# tools/bench/big-core.browser-bench.ts (issue #9: "a core of several GB opens in the browser while
# reading under 1% of its bytes"). The service runs in leak mode; every POST /orders keeps its
# request's trace context, and with it a 32 KiB body snapshot, alive for the life of the process
# (about 33 KB a request), so 100,000 requests hold about 3.3 GB. Then
# `dotnet-dump collect --type Full` (the tool pinned in .config/dotnet-tools.json) writes
#
#   sample-dumps/big/leaky-service-big.core   (gitignored: several GB; never commit it)
#
# Usage: bash tools/capture-big-core.sh [REQUESTS] [OUT]   (default 100,000 requests)
# Needs dotnet (SDK 10) and node; about as much free memory and disk as the core's size. The
# service listens on 127.0.0.1 only and is killed on exit, on failure too.
set -euo pipefail

readonly REQUESTS="${1:-100000}"
readonly CONCURRENCY=16 # as tools/capture-real-samples.sh: enough to keep both cores of a small machine busy
readonly BYTES_KEPT_PER_REQUEST=33000 # byte[32768] (32,792 bytes) plus the trace context's small objects

LOG_TAG=big-core
# shellcheck source=tools/leaky-service.sh
source "$(dirname "${BASH_SOURCE[0]}")/leaky-service.sh"
out="${2:-$root/sample-dumps/big/leaky-service-big.core}"

require_tools dotnet node
[[ "$REQUESTS" =~ ^[1-9][0-9]*$ ]] || die "REQUESTS must be a positive number, not '$REQUESTS'"
cd "$root"

# The process holds the leak, and the core is written while it runs: both need room.
needed_bytes=$((REQUESTS * BYTES_KEPT_PER_REQUEST))
available_bytes=$(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) * 1024))
((available_bytes > needed_bytes * 3 / 2)) ||
  die "$REQUESTS requests keep about $((needed_bytes / 1000000)) MB; only $((available_bytes / 1000000)) MB of memory is available"
mkdir -p "$(dirname "$out")"
free_disk_bytes=$(($(df -Pk "$(dirname "$out")" | awk 'NR == 2 { print $4 }') * 1024))
((free_disk_bytes > needed_bytes * 2)) ||
  die "the core will be larger than $((needed_bytes / 1000000)) MB; only $((free_disk_bytes / 1000000)) MB free beside $out"

restore_tools

build_service
start_service --leak on

log "sending $REQUESTS POST /orders, $CONCURRENCY at a time"
node "$load_client" "$service_url/orders" "$REQUESTS" "$CONCURRENCY" POST
fetch_stats
grep -q "\"liveReloadRegistrations\":$REQUESTS," <<<"$stats" || die "expected $REQUESTS live registrations"
log "service RSS: $(awk '/^VmRSS:/ { print $2, $3 }' "/proc/$service_pid/status")"

log "dotnet-dump collect --type Full -> ${out#"$root/"}"
rm -f "$out"
started=$(date +%s)
dotnet_dump collect -p "$service_pid" --type Full -o "$out" >"$work/dump.log" 2>&1 || { cat "$work/dump.log" >&2; die "dotnet-dump collect failed"; }
log "dotnet-dump took $(($(date +%s) - started)) s"

size=$(stat -c %s "$out")
log "done: $out: $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.2f", b / 1e9 }') GB)"
echo "$size $out"
