#!/usr/bin/env bash
# Makes a real ELF core of several GB for the browser check tools/bench/big-core.browser-bench.ts:
# gdb's gcore of a Python process that holds a 3 GiB buffer with every page touched (so the core
# holds them). Not a .NET process: what is measured is how much of a multi-GB core the page reads
# (headers and notes only), which does not depend on what the memory holds.
#
#   bash tools/make-big-core.sh [OUT]      (default bench/big.core; needs python3 and gdb)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench/big.core}"
command -v gcore >/dev/null || { echo "make-big-core.sh: gcore (Debian package gdb) is not installed" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 -c '
import os, sys, time
buffer = bytearray(3 * 1024**3)
for i in range(0, len(buffer), 4096): buffer[i] = 1
open(sys.argv[1], "w").write("ready")
time.sleep(600)
' "$work/ready" &
pid=$!
for _ in $(seq 1 120); do [[ -s "$work/ready" ]] && break; sleep 1; done
[[ -s "$work/ready" ]] || { echo "make-big-core.sh: the process did not get its 3 GiB" >&2; exit 1; }
gcore -o "$work/core" "$pid" >/dev/null 2>"$work/gcore.log" || { cat "$work/gcore.log" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$work/core.$pid" "$out"
echo "make-big-core.sh: $(stat -c %s "$out") bytes in $out"
