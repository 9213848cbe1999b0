/**
 * Our gcdump reader against the referee: for every `tools/dotnet/truth/<file>.truth.json` (written
 * by tools/dotnet/GcdumpTruth, which reads the file with Microsoft's own GCHeapDump/MemoryGraph
 * classes), read the same .gcdump with `readGcdump` and compute the same canonical facts: counts,
 * per-type-name rows over defined nodes, and a SHA-256 over one text line per node. The JSON
 * shape and the line format are defined in tools/dotnet/GcdumpTruth/README.md.
 *
 * `npm run truth` regenerates the JSON (needs dotnet); this test needs only Node.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { readGcdump } from './gcdump-reader';
import { byteSourceFromBytes } from '../byte-source';
import { formatAddress } from '../../heap/address';
import { NodeFlag, type HeapModel } from '../../heap/types';
import { PROJECT_ROOT, fixturePath } from '../../test-support/fixtures';

const TRUTH_DIR = join(PROJECT_ROOT, 'tools/dotnet/truth');
const TRUTH_SUFFIX = '.truth.json';
const SAMPLE_DUMPS = join(PROJECT_ROOT, 'sample-dumps');
const FIXTURE_GCDUMPS = fixturePath('gcdump');
/** Node lines are hashed in batches of about this many characters (never one string per file). */
const HASH_BATCH_CHARS = 1 << 16;
/** How many differing type rows a failure lists. */
const MAX_REPORTED_ROWS = 20;

interface TypeRow {
  readonly name: string;
  readonly count: number;
  readonly bytes: number;
}

interface Truth {
  readonly file: string;
  readonly nodeCount: number;
  readonly totalSize: number;
  readonly rootIndex: number;
  readonly typeCount: number;
  readonly types: readonly TypeRow[];
  readonly nodesSha256: string;
}

/** Every .gcdump the truth must cover: the shared fixtures and sample-dumps/ (recursively). */
function gcdumpPaths(): string[] {
  const fixtures = existsSync(FIXTURE_GCDUMPS)
    ? readdirSync(FIXTURE_GCDUMPS)
        .filter((name) => name.endsWith('.gcdump'))
        .map((name) => join(FIXTURE_GCDUMPS, name))
    : [];
  const samples = existsSync(SAMPLE_DUMPS)
    ? readdirSync(SAMPLE_DUMPS, { recursive: true, encoding: 'utf8' })
        .filter((path) => path.endsWith('.gcdump'))
        .map((path) => join(SAMPLE_DUMPS, path))
    : [];
  return [...fixtures, ...samples].sort();
}

function truthFiles(): string[] {
  return existsSync(TRUTH_DIR)
    ? readdirSync(TRUTH_DIR)
        .filter((name) => name.endsWith(TRUTH_SUFFIX))
        .sort()
    : [];
}

/** Ordinal (UTF-16 code unit) order, as .NET's StringComparer.Ordinal. */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One row per type name over defined nodes (undefined nodes belong to no type), sorted by name. */
function typeRowsByName(heap: HeapModel): TypeRow[] {
  const rows = new Map<string, { count: number; bytes: number }>();
  const { type, size, flags } = heap.nodes;
  for (let node = 0; node < heap.nodes.count; node++) {
    if ((flags[node] & NodeFlag.Defined) === 0) continue;
    const name = heap.types.names[type[node]];
    const row = rows.get(name);
    if (row) {
      row.count++;
      row.bytes += size[node];
    } else {
      rows.set(name, { count: 1, bytes: size[node] });
    }
  }
  return [...rows.entries()].sort(([a], [b]) => ordinal(a, b)).map(([name, row]) => ({ name, ...row }));
}

/** SHA-256 over `${i}\t${typeName}\t${size}\t${address}\t${children}\n` for every node, in order. */
function nodesSha256(heap: HeapModel): string {
  const hash = createHash('sha256');
  const { type, size, addressLo, addressHi } = heap.nodes;
  const { start, target } = heap.edges;
  let batch = '';
  for (let node = 0; node < heap.nodes.count; node++) {
    let children = '';
    for (let edge = start[node]; edge < start[node + 1]; edge++) {
      children += (edge === start[node] ? '' : ',') + target[edge];
    }
    batch += `${node}\t${heap.types.names[type[node]]}\t${size[node]}\t${formatAddress(addressLo[node], addressHi[node])}\t${children}\n`;
    if (batch.length >= HASH_BATCH_CHARS) {
      hash.update(batch, 'utf8');
      batch = '';
    }
  }
  hash.update(batch, 'utf8');
  return hash.digest('hex');
}

/** Rows that differ between the truth and ours, as readable lines (empty when they agree). */
function rowDifferences(truth: readonly TypeRow[], ours: readonly TypeRow[]): string[] {
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

const gcdumps = gcdumpPaths();
const truths = truthFiles();

describe('gcdump reader agrees with TraceEvent (tools/dotnet/truth)', () => {
  it('has a truth file for every .gcdump in ../shared/fixtures/gcdump and sample-dumps', () => {
    const missing = gcdumps
      .filter((path) => !truths.includes(basename(path) + TRUTH_SUFFIX))
      .map((path) => relative(PROJECT_ROOT, path));
    expect(missing, 'run `npm run truth` (needs dotnet) and commit tools/dotnet/truth/').toEqual([]);
  });

  it('finds the .gcdump of every truth file', () => {
    const orphans = truths.filter((truth) => !gcdumps.some((path) => basename(path) + TRUTH_SUFFIX === truth));
    expect(orphans, 'truth files whose .gcdump is gone').toEqual([]);
  });

  for (const truthName of truths) {
    const gcdumpName = truthName.slice(0, -TRUTH_SUFFIX.length);
    const path = gcdumps.find((candidate) => basename(candidate) === gcdumpName);

    it.runIf(path !== undefined)(`reads ${gcdumpName} as TraceEvent does`, async () => {
      const truth = JSON.parse(readFileSync(join(TRUTH_DIR, truthName), 'utf8')) as Truth;
      const bytes = new Uint8Array(readFileSync(path!));
      const { heap } = await readGcdump(byteSourceFromBytes(bytes, gcdumpName));

      expect(truth.file).toBe(gcdumpName);
      expect({
        nodeCount: heap.nodes.count,
        totalSize: heap.totalSize,
        rootIndex: heap.rootIndex,
        typeCount: heap.types.count,
      }).toEqual({
        nodeCount: truth.nodeCount,
        totalSize: truth.totalSize,
        rootIndex: truth.rootIndex,
        typeCount: truth.typeCount,
      });

      const ours = typeRowsByName(heap);
      expect(rowDifferences(truth.types, ours), 'type-name rows (count / bytes) that differ').toEqual([]);
      expect(ours).toEqual(truth.types);

      expect(
        nodesSha256(heap),
        `per-node lines differ; compare with: dotnet run --project tools/dotnet/GcdumpTruth -c Release -- ${relative(PROJECT_ROOT, path!)} --nodes-out /tmp/truth-nodes.txt`,
      ).toBe(truth.nodesSha256);
    });
  }
});
