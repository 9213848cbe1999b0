/**
 * The canonical facts that tools/dotnet/GcdumpTruth prints for a .gcdump (it reads the file with
 * Microsoft's own GCHeapDump/MemoryGraph classes), recomputed from our HeapModel so that tests can
 * compare the two: counts, per-type-name rows over defined nodes, and a SHA-256 over one text line
 * per node. The JSON shape and the line format are defined in tools/dotnet/GcdumpTruth/README.md.
 *
 * Used by src/formats/gcdump/truth.test.ts (committed truth files) and
 * tools/generate/traceevent-reads-generator.test.ts (a generated dump, checked live with dotnet).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { formatAddress } from '../heap/address';
import { NodeFlag, type HeapModel } from '../heap/types';
import { PROJECT_ROOT } from './fixtures';

/** Node lines are hashed in batches of about this many characters (never one string per file). */
const HASH_BATCH_CHARS = 1 << 16;
/** How many differing type rows a failure lists. */
const MAX_REPORTED_ROWS = 20;

export const GCDUMP_TRUTH_PROJECT = join(PROJECT_ROOT, 'tools/dotnet/GcdumpTruth');
/** Where `dotnet build -c Release` puts the referee (the target framework of GcdumpTruth.csproj). */
export const GCDUMP_TRUTH_DLL = join(GCDUMP_TRUTH_PROJECT, 'bin/Release/net10.0/GcdumpTruth.dll');

export interface TypeRow {
  readonly name: string;
  readonly count: number;
  readonly bytes: number;
}

/** What GcdumpTruth prints for one file. */
export interface Truth {
  readonly file: string;
  readonly nodeCount: number;
  readonly totalSize: number;
  readonly rootIndex: number;
  readonly typeCount: number;
  readonly types: readonly TypeRow[];
  readonly nodesSha256: string;
}

/** The same facts, computed from our reading of the file. */
export interface HeapFacts {
  readonly nodeCount: number;
  readonly totalSize: number;
  readonly rootIndex: number;
  readonly typeCount: number;
}

export function heapFacts(heap: HeapModel): HeapFacts {
  return {
    nodeCount: heap.nodes.count,
    totalSize: heap.totalSize,
    rootIndex: heap.rootIndex,
    typeCount: heap.types.count,
  };
}

export function truthFacts(truth: Truth): HeapFacts {
  return {
    nodeCount: truth.nodeCount,
    totalSize: truth.totalSize,
    rootIndex: truth.rootIndex,
    typeCount: truth.typeCount,
  };
}

/** Ordinal (UTF-16 code unit) order, as .NET's StringComparer.Ordinal. */
export function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One row per type name over defined nodes (undefined nodes belong to no type), sorted by name. */
export function typeRowsByName(heap: HeapModel): TypeRow[] {
  const rows = new Map<string, { count: number; bytes: number }>();
  const { type, size, flags } = heap.nodes;
  for (let node = 0; node < heap.nodes.count; node++) {
    if ((flags[node] & NodeFlag.Defined) === 0) continue;
    const name = heap.types.names[type[node]];
    const row = rows.get(name);
    if (row) {
      row.count++;
      row.bytes += size.get(node);
    } else {
      rows.set(name, { count: 1, bytes: size.get(node) });
    }
  }
  return [...rows.entries()].sort(([a], [b]) => ordinal(a, b)).map(([name, row]) => ({ name, ...row }));
}

/** SHA-256 over `${i}\t${typeName}\t${size}\t${address}\t${children}\n` for every node, in order. */
export function nodesSha256(heap: HeapModel): string {
  const hash = createHash('sha256');
  const { type, size, addressLo, addressHi } = heap.nodes;
  const { start, target } = heap.edges;
  let batch = '';
  for (let node = 0; node < heap.nodes.count; node++) {
    let children = '';
    for (let edge = start.get(node), rowEnd = start.get(node + 1); edge < rowEnd; edge++) {
      children += (edge === start.get(node) ? '' : ',') + target[edge];
    }
    batch += `${node}\t${heap.types.names[type[node]]}\t${size.get(node)}\t${formatAddress(addressLo[node], addressHi[node])}\t${children}\n`;
    if (batch.length >= HASH_BATCH_CHARS) {
      hash.update(batch, 'utf8');
      batch = '';
    }
  }
  hash.update(batch, 'utf8');
  return hash.digest('hex');
}

/** Rows that differ between the truth and ours, as readable lines (empty when they agree). */
export function rowDifferences(truth: readonly TypeRow[], ours: readonly TypeRow[]): string[] {
  const theirs = new Map(truth.map((row) => [row.name, row]));
  const mine = new Map(ours.map((row) => [row.name, row]));
  const lines: string[] = [];
  for (const name of [...new Set([...theirs.keys(), ...mine.keys()])].sort(ordinal)) {
    const t = theirs.get(name);
    const o = mine.get(name);
    if (t && o && t.count === o.count && t.bytes === o.bytes) continue;
    const show = (row: TypeRow | undefined) => (row ? `${row.count} / ${row.bytes} B` : 'absent');
    lines.push(`${JSON.stringify(name)}: TraceEvent ${show(t)}, ours ${show(o)}`);
  }
  return lines.length > MAX_REPORTED_ROWS
    ? [...lines.slice(0, MAX_REPORTED_ROWS), `… and ${lines.length - MAX_REPORTED_ROWS} more`]
    : lines;
}

/** True when the `dotnet` SDK is on PATH (the live truth tests run only then). */
export function dotnetAvailable(): boolean {
  const probe = spawnSync('dotnet', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Builds GcdumpTruth once (Release); `dotnet build` is incremental, so a second call is quick. */
export function buildGcdumpTruth(): string {
  execFileSync('dotnet', ['build', GCDUMP_TRUTH_PROJECT, '-c', 'Release', '-nologo', '-v', 'quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return GCDUMP_TRUTH_DLL;
}

/** Runs the built referee on a .gcdump and parses its JSON. */
export function runGcdumpTruth(dll: string, gcdumpPath: string): Truth {
  const json = execFileSync('dotnet', [dll, gcdumpPath], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return JSON.parse(json) as Truth;
}
