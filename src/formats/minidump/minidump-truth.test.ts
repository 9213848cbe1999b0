/**
 * Our minidump reader and memory map against the referee: for every `sample-dumps/minidumps/<name>.dmp`
 * its `<name>.memory-map.truth.json`, written by tools/dotnet/MemoryMapTruth (ClrMD 4.2's minidump
 * reader: MemoryInfoList regions, threads with their contexts, TEBs and stack memory, modules; named
 * by SOS's maddress rules; tools/dotnet/MemoryMapTruth/README.md).
 *
 * The minidumps are hand-written by our own writer (no Windows here), so reader and writer could share
 * a misreading of a MINIDUMP_* layout; ClrMD decodes the same bytes with its own structures, which
 * catches that. The files must also be exactly what the writer writes today, so the truth never
 * describes a stale file.
 *
 * `npx tsx tools/generate/write-test-minidumps.ts` rewrites the dumps, `bash tools/dotnet/memory-map-truth.sh`
 * the JSON (needs dotnet); this test needs only Node.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protectionText } from '../../heap/memory-map';
import { PROJECT_ROOT } from '../../test-support/fixtures';
import { byteSourceFromBytes } from '../byte-source';
import { importMinidump } from './index';
import { minidumpMemoryMap, readMinidump, type Minidump } from './minidump-reader';
import { writeTestMinidump } from './minidump-writer.test-helper';
import { SAMPLE_MINIDUMPS } from './sample-minidumps.test-helper';

const MINIDUMPS_DIR = join(PROJECT_ROOT, 'sample-dumps/minidumps');
const TRUTH_SUFFIX = '.memory-map.truth.json';

interface MinidumpTruth {
  readonly file: string;
  readonly format: 'minidump';
  readonly architecture: string;
  readonly pointerSize: number;
  readonly clrmdRegionCount: number;
  readonly threads: readonly {
    readonly id: number;
    readonly sp: string;
    readonly teb: string;
    readonly stackStart: string;
    readonly stackSize: number;
    readonly tibStackBase: string | null;
    readonly tibStackLimit: string | null;
    readonly wordAtSp: string | null;
    readonly stackBytesRead: number;
    readonly stackSha256: string;
  }[];
  readonly modules: readonly { readonly base: string; readonly size: number; readonly name: string }[];
  readonly rows: readonly { readonly kind: string; readonly count: number; readonly bytes: number }[];
  readonly memoryInfo: readonly {
    readonly base: string;
    readonly allocationBase: string;
    readonly size: number;
    readonly state: string;
    readonly protection: string;
    readonly type: string;
  }[];
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
/** ClrMD's Architecture, MemoryRegionState and MemoryRegionType names for the minidump codes. */
const CLRMD_ARCHITECTURE = { x64: 'X64', arm64: 'Arm64', x86: 'X86', arm: 'Arm', unknown: 'unknown' } as const;
const CLRMD_STATE: Record<number, string> = { 0x1000: 'Commit', 0x2000: 'Reserve', 0x10000: 'Free' };
const CLRMD_TYPE: Record<number, string> = { 0x20000: 'Private', 0x40000: 'Mapped', 0x1000000: 'Image' };
/** x64 NT_TIB in the TEB (core-dumps.md §2). */
const TIB_STACK_BASE = 0x08n;
const TIB_STACK_LIMIT = 0x10n;

/** Bytes at a virtual address through our reader's Memory64List (file offsets as a running sum). */
function readVirtual(dump: Minidump, file: Uint8Array, address: bigint, length: number): Uint8Array {
  const parts: number[] = [];
  let at = address;
  while (parts.length < length) {
    const range = dump.memory64.find((r) => at >= r.start && at < r.start + r.size);
    if (!range) break;
    const take = Math.min(length - parts.length, Number(range.start + range.size - at));
    const offset = Number(range.fileOffset + (at - range.start));
    parts.push(...file.subarray(offset, offset + take));
    at += BigInt(take);
  }
  return Uint8Array.from(parts);
}

function pointerAt(dump: Minidump, file: Uint8Array, address: bigint): string | null {
  const bytes = readVirtual(dump, file, address, 8);
  return bytes.length === 8 ? hex(new DataView(bytes.buffer).getBigUint64(0, true)) : null;
}

/** Everything the truth JSON states, computed from our reader and memory map in the same shape. */
async function ourReading(file: Uint8Array, name: string) {
  const dump = await readMinidump(byteSourceFromBytes(file, name));
  const { heap } = await importMinidump(byteSourceFromBytes(file, name));
  return {
    architecture: CLRMD_ARCHITECTURE[dump.architecture],
    pointerSize: dump.pointerSize,
    clrmdRegionCount: dump.memoryInfo.length,
    threads: dump.threads.map((thread) => {
      const stack = readVirtual(dump, file, thread.stackStart, thread.stackSize);
      return {
        id: thread.tid,
        sp: thread.stackPointer === null ? null : hex(thread.stackPointer),
        teb: hex(thread.teb),
        stackStart: hex(thread.stackStart),
        stackSize: thread.stackSize,
        tibStackBase: pointerAt(dump, file, thread.teb + TIB_STACK_BASE),
        tibStackLimit: pointerAt(dump, file, thread.teb + TIB_STACK_LIMIT),
        wordAtSp: thread.stackPointer === null ? null : pointerAt(dump, file, thread.stackPointer),
        stackBytesRead: stack.length,
        stackSha256: createHash('sha256').update(stack).digest('hex'),
      };
    }),
    modules: [...dump.modules]
      .sort((a, b) => (a.base < b.base ? -1 : 1))
      .map((module) => ({ base: hex(module.base), size: module.size, name: module.name })),
    rows: byKind(heap.memorySummary.map(({ kind, count, bytes }) => ({ kind, count, bytes }))),
    memoryInfo: dump.memoryInfo.map((info) => ({
      base: hex(info.base),
      allocationBase: hex(info.allocationBase),
      size: Number(info.size),
      state: CLRMD_STATE[info.state] ?? 'Unknown',
      protection: protectionText(info.protect, 'private'),
      type: CLRMD_TYPE[info.type] ?? 'Unknown',
    })),
    regions: minidumpMemoryMap(dump).map((region) => ({
      start: hex(region.start),
      size: Number(region.size),
      protection: protectionText(region.protection, region.type),
      kind: region.kind,
      file: region.backingFile,
    })),
  };
}

function truthFacts(truth: MinidumpTruth) {
  const { architecture, pointerSize, clrmdRegionCount, threads, modules, memoryInfo, regions } = truth;
  return {
    architecture,
    pointerSize,
    clrmdRegionCount,
    threads,
    modules,
    rows: byKind(truth.rows),
    memoryInfo,
    regions,
  };
}

const dumps = readdirSync(MINIDUMPS_DIR)
  .filter((name) => name.endsWith('.dmp'))
  .sort();
const truths = readdirSync(MINIDUMPS_DIR)
  .filter((name) => name.endsWith(TRUTH_SUFFIX))
  .sort();

describe('minidump reader agrees with ClrMD + SOS naming (sample-dumps/minidumps/*.memory-map.truth.json)', () => {
  it('has a truth file for every minidump, a minidump for every truth file, and every sample written', () => {
    expect(
      dumps.map((name) => name.replace(/\.dmp$/, TRUTH_SUFFIX)),
      'run `bash tools/dotnet/memory-map-truth.sh` (needs dotnet) and commit',
    ).toEqual(truths);
    expect(dumps).toEqual(SAMPLE_MINIDUMPS.map((sample) => sample.name).sort());
  });

  for (const sample of SAMPLE_MINIDUMPS) {
    it(`${sample.name} is what our writer writes today`, () => {
      const committed = new Uint8Array(readFileSync(join(MINIDUMPS_DIR, sample.name)));
      expect(
        Buffer.from(committed).equals(Buffer.from(writeTestMinidump(sample.dump()))),
        'run `npx tsx tools/generate/write-test-minidumps.ts`, then `bash tools/dotnet/memory-map-truth.sh`, and commit',
      ).toBe(true);
    });
  }

  for (const name of dumps) {
    it(`reads ${name} as ClrMD does: regions, threads and their stacks, modules, every row`, async () => {
      const truth = JSON.parse(
        readFileSync(join(MINIDUMPS_DIR, name.replace(/\.dmp$/, TRUTH_SUFFIX)), 'utf8'),
      ) as MinidumpTruth;
      expect(truth.file).toBe(name);
      expect(truth.format).toBe('minidump');
      const ours = await ourReading(new Uint8Array(readFileSync(join(MINIDUMPS_DIR, name))), name);
      const expected = truthFacts(truth);
      expect(ours.memoryInfo).toEqual(expected.memoryInfo);
      expect(ours.threads).toEqual(expected.threads);
      expect(ours.modules).toEqual(expected.modules);
      expect(ours.regions).toEqual(expected.regions);
      expect(ours.rows).toEqual(expected.rows);
      expect(ours).toEqual(expected);
    });
  }
});
