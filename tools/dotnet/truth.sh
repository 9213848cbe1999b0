#!/usr/bin/env bash
# Regenerates (or, with --check, verifies) tools/dotnet/truth/<basename>.truth.json for every
# .gcdump in test-data/gcdump/ and sample-dumps/ (recursively), using GcdumpTruth, which
# reads them with Microsoft's own GCHeapDump/MemoryGraph classes (tools/dotnet/GcdumpTruth/README.md).
#
#   npm run truth              rewrite the truth files
#   npm run truth -- --check   regenerate into a temp dir; exit 1 listing every committed truth
#                              file that differs, is missing, or has no .gcdump any more
#
# Without `dotnet` on PATH it says so and exits 0: the truth is then only checked where .NET is.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
truth_dir="$root/tools/dotnet/truth"
fixtures_dir="$root/test-data/gcdump"
samples_dir="$root/sample-dumps"
project="$root/tools/dotnet/GcdumpTruth"

check=false
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    *) echo "truth.sh: unknown argument $arg (only --check)" >&2; exit 2 ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "truth.sh: dotnet is not on PATH; skipping the TraceEvent truth (nothing regenerated or checked)."
  exit 0
fi

gcdumps=()
[[ -d "$fixtures_dir" ]] && while IFS= read -r -d '' f; do gcdumps+=("$f"); done \
  < <(find "$fixtures_dir" -maxdepth 1 -type f -name '*.gcdump' -print0 | sort -z)
[[ -d "$samples_dir" ]] && while IFS= read -r -d '' f; do gcdumps+=("$f"); done \
  < <(find "$samples_dir" -type f -name '*.gcdump' -print0 | sort -z)
if [[ ${#gcdumps[@]} -eq 0 ]]; then
  echo "truth.sh: no .gcdump found under $fixtures_dir or $samples_dir" >&2
  exit 1
fi

# Truth files are named by basename, so two inputs with one basename would overwrite each other.
duplicates="$(for f in "${gcdumps[@]}"; do basename "$f"; done | sort | uniq -d)"
if [[ -n "$duplicates" ]]; then
  echo "truth.sh: several .gcdump files share a basename: $duplicates" >&2
  exit 1
fi

echo "truth.sh: building GcdumpTruth (Release)…"
build_log="$(mktemp)"
if ! dotnet build "$project" -c Release -nologo -v quiet >"$build_log" 2>&1; then
  cat "$build_log" >&2
  rm -f "$build_log"
  echo "truth.sh: build failed" >&2
  exit 1
fi
rm -f "$build_log"
truth_dll="$project/bin/Release/net10.0/GcdumpTruth.dll"

out_dir="$truth_dir"
if $check; then
  out_dir="$(mktemp -d)"
  trap 'rm -rf "$out_dir"' EXIT
fi
mkdir -p "$out_dir"

for f in "${gcdumps[@]}"; do
  name="$(basename "$f")"
  echo "  ${f#"$root/"}"
  dotnet "$truth_dll" "$f" >"$out_dir/$name.truth.json"
done

if ! $check; then
  # A truth file whose .gcdump is gone would make the Vitest truth test fail to find its input.
  for t in "$truth_dir"/*.truth.json; do
    [[ -e "$t" ]] || continue
    [[ -e "$out_dir/$(basename "$t")" ]] || { echo "  removing stale ${t#"$root/"}"; rm -f "$t"; }
  done
  echo "truth.sh: wrote ${#gcdumps[@]} truth files to ${truth_dir#"$root/"}/"
  exit 0
fi

problems=()
for t in "$out_dir"/*.truth.json; do
  name="$(basename "$t")"
  if [[ ! -e "$truth_dir/$name" ]]; then
    problems+=("missing: tools/dotnet/truth/$name")
  elif ! cmp -s "$t" "$truth_dir/$name"; then
    problems+=("differs: tools/dotnet/truth/$name")
  fi
done
for t in "$truth_dir"/*.truth.json; do
  [[ -e "$t" ]] || continue
  name="$(basename "$t")"
  [[ -e "$out_dir/$name" ]] || problems+=("stale (no such .gcdump): tools/dotnet/truth/$name")
done
if [[ ${#problems[@]} -gt 0 ]]; then
  echo "truth.sh --check: the committed truth is out of date; run 'npm run truth' and commit:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "truth.sh --check: all ${#gcdumps[@]} truth files match TraceEvent's reading."
