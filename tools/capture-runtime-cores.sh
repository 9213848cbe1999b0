#!/usr/bin/env bash
# Real cores for finding the .NET runtime and its data contract descriptor (issue #19, stage 1):
# tools/dotnet/RuntimeCoreApp built twice — framework-dependent on the machine's .NET 10 runtime, and
# self-contained on .NET 8 from NuGet (a runtime with no descriptor) — each run, its full core written
# by the runtime's own createdump, reduced by sample-dumps/cores/make-runtime-core.py, and the truth
# read from the libcoreclr.so the process loaded with binutils (nm -D, readelf -r/-l, strings) and
# from the full core with ClrMD (tools/dotnet/RuntimeTruth: load base, and the MethodTables of Object,
# String and free space through the DAC) into sample-dumps/cores/<name>.runtime.truth.json.
# Usage: bash tools/capture-runtime-cores.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cores="$root/sample-dumps/cores"
dotnet build "$root/tools/dotnet/RuntimeTruth" -c Release -o "$work/referee" >/dev/null

capture() { # NAME TARGET-FRAMEWORK then dotnet publish arguments
  local name=$1 framework=$2; shift 2
  cp -r "$root/tools/dotnet/RuntimeCoreApp" "$work/$name"
  sed -i "s|<TargetFramework>net10.0</TargetFramework>|<TargetFramework>$framework</TargetFramework>|" "$work/$name/RuntimeCoreApp.csproj"
  dotnet publish "$work/$name/RuntimeCoreApp.csproj" -c Release -o "$work/$name/out" "$@" >/dev/null
  local exe="$work/$name/out/RuntimeCoreApp"
  "$exe" >"$work/$name/run.log" 2>&1 &
  for _ in $(seq 50); do grep -q ready "$work/$name/run.log" && break; sleep 0.2; done
  local pid; pid=$(grep -o '[0-9]*' "$work/$name/run.log" | head -1)
  local lib; lib=$(grep -m1 -o '/[^ ]*/libcoreclr\.so' "/proc/$pid/maps")
  "$(dirname "$lib")/createdump" --full -f "$work/$name.core" "$pid" >/dev/null
  kill "$pid"
  dotnet "$work/referee/RuntimeTruth.dll" "$work/$name.core" >"$work/$name.clrmd.json"
  python3 "$cores/make-runtime-core.py" "$work/$name.core" "$cores/$name.core"
  python3 - "$lib" "$work/$name.core" "$name" "$work/$name.clrmd.json" >"$cores/$name.runtime.truth.json" <<'PY'
import hashlib, json, os, re, subprocess, sys
lib, full, name, clrmd = sys.argv[1:5]
run = lambda *a: subprocess.run(a, check=True, capture_output=True, text=True).stdout
symbols = [l.split() for l in run('nm', '-D', '--defined-only', lib).splitlines() if 'DotNetRuntimeContractDescriptor' in l]
version = re.search(r'@\(#\)Version (\S+) @Commit: ([0-9a-f]+)', run('strings', '-a', lib))
truth = {
    'core': f'sample-dumps/cores/{name}.core',
    'fullCoreBytes': os.path.getsize(full),
    'libcoreclr': lib,
    'fileVersion': version.group(1),
    'commit': version.group(2),
    'descriptorSymbolValue': None,
    'clrmd': json.load(open(clrmd)),
}
if symbols:
    value = int(symbols[0][0], 16)
    data = open(lib, 'rb').read()
    loads = [l.split() for l in run('readelf', '-lW', lib).splitlines() if l.strip().startswith('LOAD')]
    def offset_of(vaddr):  # file offset of a virtual address, by the LOAD that maps it
        for _, off, va, _, filesz, *_ in loads:
            if int(va, 16) <= vaddr < int(va, 16) + int(filesz, 16):
                return vaddr - int(va, 16) + int(off, 16)
    # The JSON pointer (+16) is filled by a relocation: its addend is the JSON's address in the library.
    relocs = {int(l.split()[0], 16): l.split() for l in run('readelf', '-rW', lib).splitlines() if re.match(r'^[0-9a-f]{16} ', l)}
    json_vaddr = int(relocs[value + 16][-1], 16)
    size = int.from_bytes(data[offset_of(value) + 12:offset_of(value) + 16], 'little')
    text = data[offset_of(json_vaddr):offset_of(json_vaddr) + size]
    parsed = json.loads(text.split(b'\0')[0])
    truth.update({
        'descriptorSymbolValue': value,
        'jsonBytes': size,
        'jsonSha256': hashlib.sha256(text.split(b'\0')[0]).hexdigest(),
        'contracts': parsed['contracts'],
        'typeCount': len(parsed['types']),
        'globalCount': len(parsed['globals']),
    })
print(json.dumps(truth, indent=2))
PY
  echo "$name: $(stat -c %s "$cores/$name.core") bytes, truth in $name.runtime.truth.json"
}

capture app10-runtime net10.0
capture app8-runtime net8.0 -r linux-x64 --self-contained
