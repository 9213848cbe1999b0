#!/usr/bin/env bash
# Real cores for reading a .NET 10 core's managed heap (issue #19, stage 2 on): each full core is
# written by the runtime's own createdump, read by ClrMD through the DAC (tools/dotnet/CoreHeapTruth:
# segments, allocation contexts, the histogram per MethodTable, a sample of objects) and reduced by
# tools/cores/reduce-heap-core.ts to the pages heapscope reads. Writes, in sample-dumps/heap-cores/:
#
#   app10-wks.core, app10-svr.core   tools/dotnet/HeapCoreApp with workstation GC, then server GC
#   leaky-service.core               tools/dotnet/LeakyService (leak on) after ORDERS POST /orders
#   leaky-service.gcdump             dotnet-gcdump of the same process just before its core
#   <name>.heap.truth.json           ClrMD's reading of each full core
#   tools/dotnet/truth/leaky-service.gcdump.truth.json   TraceEvent's reading of the gcdump
#
# Usage: bash tools/capture-heap-cores.sh [ORDERS]   (default 50). The full cores are deleted.
# Needs dotnet (SDK 10), node, and the .NET 10 runtime's createdump.
set -euo pipefail
readonly ORDERS="${1:-50}"
LOG_TAG=heap-cores
# shellcheck source=tools/leaky-service.sh
source "$(dirname "${BASH_SOURCE[0]}")/leaky-service.sh"
require_tools dotnet node
out="$root/sample-dumps/heap-cores"
mkdir -p "$out"
cd "$root"
dotnet build tools/dotnet/CoreHeapTruth -c Release -o "$work/referee" -nologo -v quiet >"$work/referee.log" 2>&1 ||
  { cat "$work/referee.log" >&2; die "CoreHeapTruth did not build"; }
dotnet publish tools/dotnet/HeapCoreApp -c Release -o "$work/app" -nologo -v quiet >"$work/app.log" 2>&1 ||
  { cat "$work/app.log" >&2; die "HeapCoreApp did not build"; }

# finish NAME PID: the full core of PID (createdump beside the libcoreclr.so it loaded), its truth,
# its reduction; the full core is then removed.
finish() {
  local name=$1 pid=$2
  local lib; lib=$(grep -m1 -o '/[^ ]*/libcoreclr\.so' "/proc/$pid/maps")
  "$(dirname "$lib")/createdump" --full -f "$work/$name.full" "$pid" >/dev/null
  log "$name: full core $(stat -c %s "$work/$name.full") bytes"
  dotnet "$work/referee/CoreHeapTruth.dll" "$work/$name.full" >"$out/$name.heap.truth.json"
  npx tsx tools/cores/reduce-heap-core.ts "$work/$name.full" "$out/$name.core"
  rm -f "$work/$name.full"
}

app() { # NAME [NAME=VALUE…]
  local name=$1; shift
  env "$@" "$work/app/HeapCoreApp" >"$work/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 50); do grep -q ready "$work/$name.log" && break; sleep 0.2; done
  grep -q ready "$work/$name.log" || die "HeapCoreApp ($name) did not start"
  finish "$name" "$pid"
  kill "$pid"
}
app app10-wks DOTNET_gcServer=0
app app10-svr DOTNET_gcServer=1

restore_tools
build_service
start_service --leak on
node "$load_client" "$service_url/orders" "$ORDERS" 8 POST >"$work/load.log" 2>&1 || { cat "$work/load.log" >&2; die "load failed"; }
fetch_stats
gcdump collect -p "$service_pid" -o "$out/leaky-service.gcdump" >"$work/gcdump.log" 2>&1 ||
  { cat "$work/gcdump.log" >&2; die "dotnet-gcdump failed"; }
finish leaky-service "$service_pid"
# The new .gcdump's TraceEvent truth (tools/dotnet/truth/), which npm run truth -- --check holds it to.
bash "$root/tools/dotnet/truth.sh" >"$work/truth.log" 2>&1 || { cat "$work/truth.log" >&2; die "TraceEvent truth failed"; }
printf '%s\n' "runtime $runtime_version" "orders $ORDERS" "stats $stats" "gcdump $(gcdump --version 2>/dev/null | head -1)" >"$out/versions.txt"
log "done: $(ls -1 "$out" | tr '\n' ' ')"
