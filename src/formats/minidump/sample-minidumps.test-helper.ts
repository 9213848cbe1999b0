/**
 * The hand-written minidumps committed under sample-dumps/minidumps/ (written by
 * tools/generate/write-test-minidumps.ts with our writer, not by Windows): an x64 process laid out as
 * a real one is (docs/specs/core-dumps.md §2) — two thread stacks (reserve, guard pages, committed
 * top), PEB and TEBs, three PE images with their sections, two file mappings, a GC-style
 * commit+reserve and a code heap, free gaps between, and a Memory64List with the used part of each
 * stack and the NT_TIB head of each TEB. ClrMD reads them in tools/dotnet/MemoryMapTruth.
 */
import type { TestMemoryRange, TestMinidump, TestRegion } from './minidump-writer.test-helper';

const MEM_COMMIT = 0x1000;
const MEM_RESERVE = 0x2000;
const MEM_FREE = 0x10000;
const MEM_PRIVATE = 0x20000;
const MEM_MAPPED = 0x40000;
const MEM_IMAGE = 0x1000000;
const PAGE_NOACCESS = 0x01;
const PAGE_READONLY = 0x02;
const PAGE_READWRITE = 0x04;
const PAGE_WRITECOPY = 0x08;
const PAGE_EXECUTE_READ = 0x20;
const PAGE_EXECUTE_WRITECOPY = 0x80;
const PAGE_GUARD = 0x100;
/** MINIDUMP_TYPE: MiniDumpWithFullMemory | MiniDumpWithFullMemoryInfo (minidumpapiset.h). */
const FULL_MEMORY_WITH_INFO = 0x2n | 0x800n;
/** The highest user-mode address + 1 on x64 Windows: the MemoryInfoList ends there. */
const USER_SPACE_END = 0x7ffffffe0000n;

/** One allocation (VirtualAlloc / section view): its regions share AllocationBase and AllocationProtect. */
function allocation(
  base: bigint,
  allocationProtect: number,
  parts: [size: bigint, state: number, protect: number][],
  type: number,
): TestRegion[] {
  let at = base;
  return parts.map(([size, state, protect]) => {
    const region = {
      base: at,
      allocationBase: base,
      allocationProtect,
      size,
      state,
      protect: state === MEM_RESERVE ? 0 : protect,
      type,
    };
    at += size;
    return region;
  });
}

const image = (base: bigint, sections: [size: bigint, protect: number][]) =>
  allocation(
    base,
    PAGE_EXECUTE_WRITECOPY,
    sections.map(([size, protect]) => [size, MEM_COMMIT, protect]),
    MEM_IMAGE,
  );

/** A thread stack as Windows lays it out: reserved bottom, guard page(s), committed top; StackBase at the end. */
const stack = (base: bigint, reserved: bigint, guard: bigint, committed: bigint) =>
  allocation(
    base,
    PAGE_READWRITE,
    [
      [reserved, MEM_RESERVE, 0],
      [guard, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD],
      [committed, MEM_COMMIT, PAGE_READWRITE],
    ],
    MEM_PRIVATE,
  );

/** Sorts the allocations and fills every gap (and the ends of user space) with MEM_FREE, as VirtualQuery walks it. */
function withFreeGaps(regions: TestRegion[]): TestRegion[] {
  const sorted = [...regions].sort((a, b) => (a.base < b.base ? -1 : 1));
  const result: TestRegion[] = [];
  let cursor = 0n;
  const free = (from: bigint, to: bigint) => {
    if (to > from)
      result.push({
        base: from,
        allocationBase: 0n,
        allocationProtect: 0,
        size: to - from,
        state: MEM_FREE,
        protect: PAGE_NOACCESS,
        type: 0,
      });
  };
  for (const region of sorted) {
    if (region.base < cursor)
      throw new Error(`sample minidump: region 0x${region.base.toString(16)} overlaps the one before`);
    free(cursor, region.base);
    result.push(region);
    cursor = region.base + region.size;
  }
  free(cursor, USER_SPACE_END);
  return result;
}

const le64 = (bytes: Uint8Array, at: number, value: bigint) => new DataView(bytes.buffer).setBigUint64(at, value, true);

/** The used part of a stack, [sp, stackBase): every 4th slot a return address into coreclr's .text. */
function stackBytes(sp: bigint, stackBase: bigint, returnAddress: bigint): TestMemoryRange {
  const bytes = new Uint8Array(Number(stackBase - sp));
  for (let slot = 0; slot * 8 < bytes.length; slot++)
    le64(bytes, slot * 8, slot % 4 === 0 ? returnAddress + BigInt(slot * 0x10) : BigInt(slot));
  return { start: sp, bytes };
}

/** The NT_TIB head of an x64 TEB up to ProcessEnvironmentBlock (+0x60): StackBase +0x08, StackLimit +0x10, Self +0x30. */
function tebHead(
  teb: bigint,
  stackBase: bigint,
  stackLimit: bigint,
  pid: number,
  tid: number,
  peb: bigint,
): TestMemoryRange {
  const bytes = new Uint8Array(0x68);
  le64(bytes, 0x08, stackBase);
  le64(bytes, 0x10, stackLimit);
  le64(bytes, 0x30, teb);
  le64(bytes, 0x40, BigInt(pid));
  le64(bytes, 0x48, BigInt(tid));
  le64(bytes, 0x60, peb);
  return { start: teb, bytes };
}

function handWrittenX64(): TestMinidump {
  const pid = 0x1f40;
  const peb = 0x245aa00000n;
  const coreclr = 0x7ffa1c000000n;
  const main = {
    tid: 0x1a2c,
    teb: 0x245aa01000n,
    sp: 0x245a97fc40n,
    stackBase: 0x245a980000n,
    stackLimit: 0x245a97e000n,
  };
  const worker = {
    tid: 0x2f10,
    teb: 0x245aa03000n,
    sp: 0x245ac3f5a8n,
    stackBase: 0x245ac40000n,
    stackLimit: 0x245ac3d000n,
  };
  const regions = withFreeGaps([
    // KUSER_SHARED_DATA
    ...allocation(0x7ffe0000n, PAGE_READONLY, [[0x1000n, MEM_COMMIT, PAGE_READONLY]], MEM_PRIVATE),
    ...stack(0x245a800000n, 0x17b000n, 0x3000n, 0x2000n), // main thread, 1.5 MB
    ...allocation(peb, PAGE_READWRITE, [[0x1000n, MEM_COMMIT, PAGE_READWRITE]], MEM_PRIVATE),
    ...allocation(main.teb, PAGE_READWRITE, [[0x2000n, MEM_COMMIT, PAGE_READWRITE]], MEM_PRIVATE),
    ...allocation(worker.teb, PAGE_READWRITE, [[0x2000n, MEM_COMMIT, PAGE_READWRITE]], MEM_PRIVATE),
    ...stack(0x245ac00000n, 0x3c000n, 0x1000n, 0x3000n), // worker thread, 256 KB
    // a read-only file view (locale.nls) and a read/write shared section
    ...allocation(0x1f6a3b00000n, PAGE_READONLY, [[0x3000n, MEM_COMMIT, PAGE_READONLY]], MEM_MAPPED),
    ...allocation(0x1f6a3c00000n, PAGE_READWRITE, [[0x10000n, MEM_COMMIT, PAGE_READWRITE]], MEM_MAPPED),
    // a GC region: committed start, reserved rest
    ...allocation(
      0x1f6c0000000n,
      PAGE_READWRITE,
      [
        [0x200000n, MEM_COMMIT, PAGE_READWRITE],
        [0x3fe00000n, MEM_RESERVE, 0],
      ],
      MEM_PRIVATE,
    ),
    ...image(0x7ff61a2b0000n, [
      [0x1000n, PAGE_READONLY],
      [0x3000n, PAGE_EXECUTE_READ],
      [0x2000n, PAGE_READONLY],
      [0x1000n, PAGE_WRITECOPY],
      [0x1000n, PAGE_READWRITE],
    ]),
    // a code heap next to coreclr: code, its data, a no-access page, reserved rest
    ...allocation(
      0x7ff89fe00000n,
      PAGE_READWRITE,
      [
        [0x10000n, MEM_COMMIT, PAGE_EXECUTE_READ],
        [0x4000n, MEM_COMMIT, PAGE_READWRITE],
        [0x1000n, MEM_COMMIT, PAGE_NOACCESS],
        [0x1eb000n, MEM_RESERVE, 0],
      ],
      MEM_PRIVATE,
    ),
    ...image(coreclr, [
      [0x1000n, PAGE_READONLY],
      [0x3a0000n, PAGE_EXECUTE_READ],
      [0xa0000n, PAGE_READONLY],
      [0x10000n, PAGE_READWRITE],
      [0x4000n, PAGE_WRITECOPY],
      [0x4b000n, PAGE_READONLY],
    ]),
    ...image(0x7ffa5f6d0000n, [
      [0x1000n, PAGE_READONLY],
      [0x130000n, PAGE_EXECUTE_READ],
      [0x3c000n, PAGE_READONLY],
      [0xb000n, PAGE_READWRITE],
      [0x80000n, PAGE_READONLY],
    ]),
  ]);
  const threads = [main, worker];
  const memory = [
    ...threads.map((t) => stackBytes(t.sp, t.stackBase, coreclr + 0x1234n)),
    ...threads.map((t) => tebHead(t.teb, t.stackBase, t.stackLimit, pid, t.tid, peb)),
  ].sort((a, b) => (a.start < b.start ? -1 : 1));
  return {
    regions,
    threads: threads.map((t) => ({
      tid: t.tid,
      sp: t.sp,
      teb: t.teb,
      stack: { start: t.sp, size: Number(t.stackBase - t.sp) },
    })),
    modules: [
      { base: 0x7ff61a2b0000n, size: 0x8000, name: 'C:\\app\\LeakyService.exe', timeDateStamp: 0x67a1c0de },
      {
        base: coreclr,
        size: 0x4a0000,
        name: 'C:\\Program Files\\dotnet\\shared\\Microsoft.NETCore.App\\10.0.12\\coreclr.dll',
        timeDateStamp: 0x6812ab34,
      },
      { base: 0x7ffa5f6d0000n, size: 0x1f8000, name: 'C:\\Windows\\SYSTEM32\\ntdll.dll', timeDateStamp: 0x5d8e3a11 },
    ],
    memory,
    flags: FULL_MEMORY_WITH_INFO,
    timeDateStamp: 0x68a0c3f0,
  };
}

/**
 * A smaller arm64 process: the CONTEXT's Sp at +0x100 instead of x64's Rsp at +0x98. The second
 * thread's TEB is not in the Memory64List, so ClrMD finds its stack by SP, as our reader always does.
 */
function handWrittenArm64(): TestMinidump {
  const pid = 0x2a10;
  const peb = 0xd7f4a00000n;
  const coreclr = 0x7ffc30000000n;
  const main = {
    tid: 0x2a14,
    teb: 0xd7f4a01000n,
    sp: 0xd7f49ffd10n,
    stackBase: 0xd7f4a00000n,
    stackLimit: 0xd7f49fd000n,
  };
  const worker = {
    tid: 0x3b08,
    teb: 0xd7f4a03000n,
    sp: 0xd7f4bff880n,
    stackBase: 0xd7f4c00000n,
    stackLimit: 0xd7f4bfe000n,
  };
  const regions = withFreeGaps([
    ...stack(0xd7f4900000n, 0xfc000n, 0x1000n, 0x3000n), // main thread, 1 MB
    ...allocation(peb, PAGE_READWRITE, [[0x1000n, MEM_COMMIT, PAGE_READWRITE]], MEM_PRIVATE),
    ...allocation(main.teb, PAGE_READWRITE, [[0x2000n, MEM_COMMIT, PAGE_READWRITE]], MEM_PRIVATE),
    ...allocation(worker.teb, PAGE_READWRITE, [[0x2000n, MEM_COMMIT, PAGE_READWRITE]], MEM_PRIVATE),
    ...stack(0xd7f4b00000n, 0xfd000n, 0x1000n, 0x2000n), // worker thread, 1 MB
    ...allocation(
      0x2286e000000n,
      PAGE_READWRITE,
      [
        [0x40000n, MEM_COMMIT, PAGE_READWRITE],
        [0xfc0000n, MEM_RESERVE, 0],
      ],
      MEM_PRIVATE,
    ),
    ...image(coreclr, [
      [0x1000n, PAGE_READONLY],
      [0x2f0000n, PAGE_EXECUTE_READ],
      [0x90000n, PAGE_READONLY],
      [0xe000n, PAGE_READWRITE],
      [0x11000n, PAGE_READONLY],
    ]),
  ]);
  const threads = [main, worker];
  const memory = [
    ...threads.map((t) => stackBytes(t.sp, t.stackBase, coreclr + 0x2468n)),
    tebHead(main.teb, main.stackBase, main.stackLimit, pid, main.tid, peb),
  ].sort((a, b) => (a.start < b.start ? -1 : 1));
  return {
    architecture: 'arm64',
    regions,
    threads: threads.map((t) => ({
      tid: t.tid,
      sp: t.sp,
      teb: t.teb,
      stack: { start: t.sp, size: Number(t.stackBase - t.sp) },
    })),
    modules: [
      {
        base: coreclr,
        size: 0x390000,
        name: 'C:\\Program Files\\dotnet\\shared\\Microsoft.NETCore.App\\10.0.12\\coreclr.dll',
        timeDateStamp: 0x6812ab35,
      },
    ],
    memory,
    flags: FULL_MEMORY_WITH_INFO,
    timeDateStamp: 0x68a0c4a2,
  };
}

/** File name under sample-dumps/minidumps/ → what the writer is given. */
export const SAMPLE_MINIDUMPS: readonly { readonly name: string; readonly dump: () => TestMinidump }[] = [
  { name: 'hand-written-arm64.dmp', dump: handWrittenArm64 },
  { name: 'hand-written-x64.dmp', dump: handWrittenX64 },
];
