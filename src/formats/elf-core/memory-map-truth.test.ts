/**
 * Our ELF core reader and memory map against the referee: for every `sample-dumps/cores/<name>.core`
 * its `<name>.memory-map.truth.json`, written by tools/dotnet/MemoryMapTruth (ClrMD's region list
 * and thread register contexts, named by SOS's maddress rules; tools/dotnet/MemoryMapTruth/README.md).
 * The region list, the thread ids and stack pointers, and every row's count and bytes must be equal.
 *
 * A sparse core keeps every header and note, so the truth of a sparse core is also the truth of the
 * full core it came from (sample-dumps/cores/full-cores.txt). Full cores are gitignored; where one
 * exists locally it is checked too, and where it does not the test says so.
 *
 * `bash tools/dotnet/memory-map-truth.sh` regenerates the JSON (needs dotnet); this test needs only Node.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protectionText } from '../../heap/memory-map';
import { PROJECT_ROOT } from '../../test-support/fixtures';
import { openFileByteSource } from '../../cli/node-byte-source';
import { byteSourceFromBytes, type ByteSource } from '../byte-source';
import { importElfCore } from './index';

const CORES_DIR = join(PROJECT_ROOT, 'sample-dumps/cores');
const TRUTH_SUFFIX = '.memory-map.truth.json';

interface MemoryMapTruth {
  readonly file: string;
  readonly pointerSize: number;
  readonly clrmdRegionCount: number;
  readonly fileMappingCount: number;
  readonly threads: readonly { readonly id: number; readonly sp: string }[];
  readonly rows: readonly { readonly kind: string; readonly count: number; readonly bytes: number }[];
  readonly regions: readonly {
    readonly start: string;
    readonly size: number;
    readonly protection: string;
    readonly kind: string;
    readonly file: string | null;
  }[];
}

const hex = (value: bigint): string => `0x${value.toString(16)}`;
const byKind = <T extends { kind: string }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));

/** Everything the truth JSON states, computed from our reader + memory map in the same shape. */
async function ourMemoryMap(source: ByteSource) {
  const { core, regions, heap } = await importElfCore(source);
  return {
    pointerSize: core.pointerSize,
    // ClrMD's IMemoryRegionReader leaves out PT_LOADs with p_memsz 0 (there are none in these cores).
    clrmdRegionCount: core.loads.filter((load) => load.memSize > 0n).length,
    fileMappingCount: core.files.length,
    threads: core.threads.map((thread) => ({ id: thread.tid, sp: hex(thread.stackPointer) })),
    rows: byKind(heap.memorySummary.map(({ kind, count, bytes }) => ({ kind, count, bytes }))),
    regions: [...regions]
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
      .map((region) => ({
        start: hex(region.start),
        size: Number(region.size),
        protection: protectionText(region.protection, 'private'),
        kind: region.kind,
        file: region.backingFile,
      })),
  };
}

function truthFacts(truth: MemoryMapTruth) {
  return {
    pointerSize: truth.pointerSize,
    clrmdRegionCount: truth.clrmdRegionCount,
    fileMappingCount: truth.fileMappingCount,
    threads: truth.threads,
    rows: byKind(truth.rows),
    regions: [...truth.regions].sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1)),
  };
}

function readTruth(coreName: string): MemoryMapTruth {
  return JSON.parse(readFileSync(join(CORES_DIR, coreName.replace(/\.core$/, TRUTH_SUFFIX)), 'utf8')) as MemoryMapTruth;
}

const cores = readdirSync(CORES_DIR)
  .filter((name) => name.endsWith('.core'))
  .sort();
const truths = readdirSync(CORES_DIR)
  .filter((name) => name.endsWith(TRUTH_SUFFIX))
  .sort();
const fullCores = readFileSync(join(CORES_DIR, 'full-cores.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => line.trim().split(/\s+/) as [string, string]);

describe('ELF core memory map agrees with ClrMD + SOS naming (sample-dumps/cores/*.memory-map.truth.json)', () => {
  it('has a truth file for every sparse core, and a core for every truth file', () => {
    expect(
      cores.map((name) => name.replace(/\.core$/, TRUTH_SUFFIX)),
      'run `bash tools/dotnet/memory-map-truth.sh` (needs dotnet) and commit',
    ).toEqual(truths);
  });

  for (const coreName of cores) {
    it(`reads ${coreName} as ClrMD does: regions, thread stack pointers, every row`, async () => {
      const truth = readTruth(coreName);
      expect(truth.file).toBe(coreName);
      const bytes = new Uint8Array(readFileSync(join(CORES_DIR, coreName)));
      const ours = await ourMemoryMap(byteSourceFromBytes(bytes, coreName));
      const expected = truthFacts(truth);
      expect(ours.threads).toEqual(expected.threads);
      expect(ours.rows).toEqual(expected.rows);
      expect(ours.regions.length).toBe(expected.regions.length);
      expect(ours.regions).toEqual(expected.regions);
      expect(ours).toEqual(expected);
    });
  }

  for (const [sparse, full] of fullCores) {
    const fullPath = join(PROJECT_ROOT, full);
    const present = existsSync(fullPath);
    if (!present)
      console.log(
        `memory-map truth: full core ${full} is absent (gitignored; made by the capture scripts), so only its sparse core ${sparse} is checked`,
      );
    it.runIf(present)(`reads the full core ${full} as ClrMD read its sparse core ${sparse}`, async () => {
      const source = await openFileByteSource(fullPath);
      try {
        expect(await ourMemoryMap(source)).toEqual(truthFacts(readTruth(sparse)));
      } finally {
        await source.close();
      }
    });
  }
});
