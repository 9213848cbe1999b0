#!/usr/bin/env bash
# Regenerates (or, with --check, verifies) sample-dumps/cores/<name>.memory-map.truth.json for every
# sample-dumps/cores/<name>.core, and sample-dumps/minidumps/<name>.memory-map.truth.json for every
# sample-dumps/minidumps/<name>.dmp (hand-written by tools/generate/write-test-minidumps.ts), using
# MemoryMapTruth (ClrMD's region list, threads and modules, named by SOS's maddress rules:
# tools/dotnet/MemoryMapTruth/README.md).
#
#   bash tools/dotnet/memory-map-truth.sh            rewrite the truth files
#   bash tools/dotnet/memory-map-truth.sh --check    regenerate into a temp dir; exit 1 listing every
#                                                    truth file that differs, is missing or has no dump
#
# Both modes also read sample-dumps/cores/full-cores.txt: where a sparse core's full core exists
# locally (they are gitignored), MemoryMapTruth of the full core must equal the sparse core's truth
# (apart from the file name), since a sparse core keeps every header and note.
# Without `dotnet` on PATH it says so and exits 0: the truth is then only checked where .NET is.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cores_dir="$root/sample-dumps/cores"
minidumps_dir="$root/sample-dumps/minidumps"
project="$root/tools/dotnet/MemoryMapTruth"
suffix=".memory-map.truth.json"

check=false
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    *) echo "memory-map-truth.sh: unknown argument $arg (only --check)" >&2; exit 2 ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "memory-map-truth.sh: dotnet is not on PATH; skipping the ClrMD memory-map truth (nothing regenerated or checked)."
  exit 0
fi

cores=()
while IFS= read -r -d '' f; do cores+=("$f"); done < <(find "$cores_dir" -maxdepth 1 -type f -name '*.core' -print0 | sort -z)
if [[ ${#cores[@]} -eq 0 ]]; then
  echo "memory-map-truth.sh: no .core under ${cores_dir#"$root/"}" >&2
  exit 1
fi
minidumps=()
while IFS= read -r -d '' f; do minidumps+=("$f"); done < <(find "$minidumps_dir" -maxdepth 1 -type f -name '*.dmp' -print0 | sort -z)
if [[ ${#minidumps[@]} -eq 0 ]]; then
  echo "memory-map-truth.sh: no .dmp under ${minidumps_dir#"$root/"}" >&2
  exit 1
fi

echo "memory-map-truth.sh: building MemoryMapTruth (Release)…"
build_log="$(mktemp)"
if ! dotnet build "$project" -c Release -nologo -v quiet >"$build_log" 2>&1; then
  cat "$build_log" >&2
  rm -f "$build_log"
  echo "memory-map-truth.sh: build failed" >&2
  exit 1
fi
rm -f "$build_log"
truth_dll="$project/bin/Release/net10.0/MemoryMapTruth.dll"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
problems=()

# truths DIR EXT DUMP...: writes DIR/<name>$suffix for every DIR/<name>EXT (into $work/<dir name>/
# with --check, then compared), and removes or, with --check, reports truth files without a dump.
truths() {
  local dir="$1" ext="$2"
  shift 2
  local rel="${dir#"$root/"}" out="$dir" f name t
  if $check; then
    out="$work/$(basename "$dir")"
    mkdir -p "$out"
  fi
  for f in "$@"; do
    name="$(basename "$f" "$ext")"
    echo "  ${f#"$root/"}"
    dotnet "$truth_dll" "$f" >"$out/$name$suffix"
  done
  if $check; then
    for t in "$out"/*"$suffix"; do
      name="$(basename "$t")"
      if [[ ! -e "$dir/$name" ]]; then
        problems+=("missing: $rel/$name")
      elif ! cmp -s "$t" "$dir/$name"; then
        problems+=("differs: $rel/$name")
      fi
    done
  fi
  for t in "$dir"/*"$suffix"; do
    [[ -e "$t" ]] || continue
    name="$(basename "$t" "$suffix")"
    [[ -e "$dir/$name$ext" ]] && continue
    if $check; then problems+=("stale (no such dump): $rel/$(basename "$t")")
    else echo "  removing stale ${t#"$root/"}"; rm -f "$t"; fi
  done
}
truths "$cores_dir" .core "${cores[@]}"
truths "$minidumps_dir" .dmp "${minidumps[@]}"
out_dir="$cores_dir"
$check && out_dir="$work/$(basename "$cores_dir")"

# Full cores: the same JSON as their sparse core's, file name aside.
while read -r sparse full; do
  [[ -z "$sparse" || "$sparse" == \#* ]] && continue
  truth="$cores_dir/$(basename "$sparse" .core)$suffix"
  if [[ ! -e "$root/$full" ]]; then
    echo "  full core $full absent: its check against ${truth#"$root/"} not run"
    continue
  fi
  echo "  $full (full core of $sparse)"
  dotnet "$truth_dll" "$root/$full" | grep -v '^  "file": ' >"$work/full.json"
  grep -v '^  "file": ' "$out_dir/$(basename "$truth")" >"$work/sparse.json"
  if ! diff -q "$work/sparse.json" "$work/full.json" >/dev/null; then
    diff "$work/sparse.json" "$work/full.json" | head -20 >&2 || true
    problems+=("full core $full disagrees with the truth of its sparse core $sparse")
  fi
done <"$cores_dir/full-cores.txt"

if [[ ${#problems[@]} -gt 0 ]]; then
  echo "memory-map-truth.sh: the ClrMD memory-map truth is out of date or inconsistent; run 'bash tools/dotnet/memory-map-truth.sh' and commit:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 1
fi
if $check; then echo "memory-map-truth.sh --check: all ${#cores[@]} core and ${#minidumps[@]} minidump truth files match ClrMD's reading."
else echo "memory-map-truth.sh: wrote ${#cores[@]} truth files to sample-dumps/cores/ and ${#minidumps[@]} to sample-dumps/minidumps/"; fi
