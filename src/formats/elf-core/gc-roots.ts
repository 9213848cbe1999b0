/**
 * The roots of a .NET 10 core's managed heap (issue #19 stage 3; docs/specs/core-dumps.md §6.5):
 *
 * - **GC handles**, from the GC's handle table map (`GcDacVars.handle_table_map`): its buckets, each
 *   bucket's table per heap, each table's segments (64 KB: a 4 KB header, then 7,680 handles in 120
 *   blocks of 64; the header's `rgBlockType` gives each block's handle type, `rgUserData` the block
 *   holding its extra data). Strong, pinning, async-pinned, sized-ref and ref-counted handles are roots;
 *   a dependent handle keeps its secondary alive through its primary (an edge, not a root); weak
 *   handles keep nothing. The header's layout depends on the number of handle types the GC was built
 *   with (12 or 13): both are tried, and the one whose segment points back to its table is used.
 * - **Thread stacks**, conservatively: each thread's stack from its stack pointer (NT_PRSTATUS) to the
 *   end of the memory holding it, every aligned word that is an object's address. A conservative scan
 *   can keep a dead object alive; it never misses a live one on the stack.
 *
 * Static fields need no reading of their own: the runtime keeps them in object arrays held by
 * pinning handles. Every count and pointer is bounded; what cannot be read is left out and said.
 */
import { readNumber, type TargetMemory } from './target-memory';

export type HandleRootKind = 'strong' | 'pinning' | 'async pinned' | 'sized-ref' | 'ref-counted' | 'variable';

export interface HandleRoots {
  /** Each root handle's kind and the object it holds. */
  readonly roots: { readonly kind: HandleRootKind; readonly target: number }[];
  /** Dependent handles: the secondary is kept alive by the primary. */
  readonly dependent: { readonly primary: number; readonly secondary: number }[];
  readonly tables: number;
  readonly segments: number;
  readonly problems: readonly string[];
}

const POINTER = 8;
const SEGMENT_HEADER = 0x1000;
const HANDLES_PER_BLOCK = 64;
const BLOCKS_PER_SEGMENT = (0x10000 - SEGMENT_HEADER) / POINTER / HANDLES_PER_BLOCK; // 120
const MASKS_PER_SEGMENT = (BLOCKS_PER_SEGMENT * HANDLES_PER_BLOCK) / 32; // 240
const FREE_MASK_OFFSET = BLOCKS_PER_SEGMENT * 4 + BLOCKS_PER_SEGMENT; // 600
const BLOCK_TYPE_OFFSET = BLOCKS_PER_SEGMENT * 4 + BLOCKS_PER_SEGMENT + MASKS_PER_SEGMENT * 4; // 1560
const USER_DATA_OFFSET = BLOCK_TYPE_OFFSET + BLOCKS_PER_SEGMENT; // 1680
const CHAINS_OFFSET = USER_DATA_OFFSET + 2 * BLOCKS_PER_SEGMENT; // 1920: rgTail, rgHint, rgFreeCount
const BUCKETS_PER_MAP = 10; // INITIAL_HANDLE_TABLE_ARRAY_SIZE
const MAX_MAPS = 64;
const MAX_SLOTS = 1024;
/** Handle table segments read in all (64 KB each; a process has a few dozen). */
const MAX_SEGMENTS = 1 << 14;
/** Stack bytes scanned in all: a hostile core's thousands of threads on one huge stack stop here. */
const MAX_STACK_BYTES_SCANNED = 1024 * 1024 * 1024;
const BLOCK_FREE = 0xff;

const ROOT_KINDS: Record<number, HandleRootKind> = {
  2: 'strong',
  3: 'pinning',
  4: 'variable',
  5: 'ref-counted',
  7: 'async pinned',
  8: 'sized-ref',
};
const DEPENDENT = 6;

/**
 * The handles of every table reachable from the map at `mapAddress`. Each bucket holds one table per
 * heap: `expected` of them must be there (a problem is said for each that is not); up to `tried` are
 * looked at (server GC may keep tables for more heaps than it uses now), each validated.
 */
export async function readHandleRoots(
  memory: TargetMemory,
  mapAddress: number,
  expected: number,
  tried: number,
): Promise<HandleRoots> {
  const roots: { kind: HandleRootKind; target: number }[] = [];
  const dependent: { primary: number; secondary: number }[] = [];
  const problems: string[] = [];
  const seenTables = new Set<number>();
  const seenSegments = new Set<number>();
  let segments = 0;
  let map: number | null = mapAddress;
  for (let maps = 0; map && maps < MAX_MAPS; maps++) {
    const buckets = await memory.pointer(map);
    const next = await memory.pointer(map + POINTER);
    const bucketList = buckets ? await memory.bytes(buckets, BUCKETS_PER_MAP * POINTER) : null;
    if (!bucketList) {
      problems.push(`the handle table map at 0x${map.toString(16)} is not in the core`);
      break;
    }
    for (let b = 0; b < BUCKETS_PER_MAP; b++) {
      const bucket = readNumber(bucketList, b * POINTER);
      if (!bucket) continue;
      const tables = await memory.pointer(bucket);
      if (!tables) continue;
      for (let slot = 0; slot < Math.min(Math.max(expected, tried), MAX_SLOTS); slot++) {
        const table = await memory.pointer(tables + slot * POINTER);
        if (!table || seenTables.has(table)) continue;
        const tableProblems: string[] = [];
        const read = await readTable(memory, table, roots, dependent, tableProblems, seenSegments);
        if (read > 0) seenTables.add(table);
        segments += read;
        if (slot < expected) problems.push(...tableProblems);
        else if (read === 0) break; // past the tables in use
      }
    }
    map = next;
  }
  return { roots, dependent, tables: seenTables.size, segments, problems };
}

async function readTable(
  memory: TargetMemory,
  table: number,
  roots: { kind: HandleRootKind; target: number }[],
  dependent: { primary: number; secondary: number }[],
  problems: string[],
  seen: Set<number>,
): Promise<number> {
  // The layout that fits: the number of handle types decides where the segment list and the
  // segment's own links are; the segment's pHandleTable must lead back to this table.
  for (const types of [13, 12]) {
    const listAt = Math.ceil((types * 4) / POINTER) * POINTER;
    const first = await memory.pointer(table + listAt);
    if (!first) continue;
    const nextAt = CHAINS_OFFSET + 2 * types + 4 * types;
    if ((await memory.pointer(first + nextAt + POINTER)) !== table) continue;
    let segment: number | null = first;
    let count = 0;
    // A segment belongs to one table: one seen anywhere ends the chain (a cycle, or a damaged link).
    for (; segment && !seen.has(segment) && seen.size < MAX_SEGMENTS; count++) {
      seen.add(segment);
      // After the links: flags, bFreeList, bEmptyLine, bCommitLine (the first uncommitted block).
      const header = await memory.bytes(segment, nextAt + 2 * POINTER + 6);
      const committed = header ? Math.min(header[nextAt + 2 * POINTER + 3], BLOCKS_PER_SEGMENT) : 0;
      const values = header
        ? await memory.bytes(segment + SEGMENT_HEADER, Math.max(1, committed) * HANDLES_PER_BLOCK * POINTER)
        : null;
      if (!header || !values) {
        problems.push(`handle table segment 0x${segment.toString(16)} is not in the core`);
        break;
      }
      for (let block = 0; block < committed; block++) {
        const type = header[BLOCK_TYPE_OFFSET + block];
        if (type === BLOCK_FREE) continue;
        const kind = ROOT_KINDS[type];
        if (!kind && type !== DEPENDENT) continue;
        const userBlock = header[USER_DATA_OFFSET + block];
        for (let i = 0; i < HANDLES_PER_BLOCK; i++) {
          const handle = block * HANDLES_PER_BLOCK + i;
          // rgFreeMask: one bit per handle, set when the handle is free (its old value may remain).
          const mask = header[FREE_MASK_OFFSET + (handle >> 5) * 4 + ((handle >> 3) & 3)];
          if (mask & (1 << (handle & 7))) continue;
          const target = readNumber(values, handle * POINTER);
          if (!target) continue;
          if (kind) roots.push({ kind, target });
          else if (userBlock !== BLOCK_FREE && userBlock < committed) {
            const secondary = readNumber(values, (userBlock * HANDLES_PER_BLOCK + i) * POINTER);
            if (secondary) dependent.push({ primary: target, secondary });
          }
        }
      }
      segment = readNumber(header, nextAt) || null;
    }
    return count;
  }
  problems.push(`handle table 0x${table.toString(16)}: no segment points back to it (an unknown layout)`);
  return 0;
}

/**
 * Every aligned word of each thread's stack, from its stack pointer to the end of the memory that
 * holds it (read in slices), given to `word`; the caller keeps those that are objects.
 */
export async function scanStacks(
  memory: TargetMemory,
  stacks: readonly { readonly pointer: number; readonly end: number }[],
  word: (value: number) => void,
): Promise<{ scanned: number; complete: boolean }> {
  const SLICE = 1 << 20;
  let scanned = 0;
  const seen = new Set<string>();
  for (const stack of stacks) {
    const start = stack.pointer - (stack.pointer % POINTER);
    const key = `${start}:${stack.end}`;
    if (seen.has(key)) continue; // two threads' notes naming one stack
    seen.add(key);
    for (let at = start; at < stack.end; at += SLICE) {
      if (scanned >= MAX_STACK_BYTES_SCANNED) return { scanned, complete: false };
      const length = Math.min(SLICE, stack.end - at);
      const bytes = await memory.slice(at, length);
      if (!bytes) break;
      for (let i = 0; i + POINTER <= bytes.length; i += POINTER) {
        const value = readNumber(bytes, i);
        if (value) word(value);
      }
      scanned += bytes.length;
    }
  }
  return { scanned, complete: true };
}
