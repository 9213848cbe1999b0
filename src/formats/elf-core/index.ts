/**
 * ELF core → memory map → HeapModel with memory-summary rows and, for a .NET 10+ core holding the
 * GC's pages, the managed heap: objects, references, roots and a value reader (managed-heap.ts, gc-roots.ts).
 * Region rules (docs/specs/core-dumps.md §3.2): PT_LOAD parts covered by NT_FILE are Image
 * (split at NT_FILE boundaries); the PT_LOAD holding a thread's SP is Stack; createdump's DIAGINFO page
 * is labelled apart (§1.2); the rest is named by
 * protection. p_memsz is the region size (bytes past p_filesz are "not in dump", still mapped).
 */
import { gcHeapNote, labelGcHeap } from '../../heap/gc-heap-labels';
import { dumpFacts } from '../../heap/dump-facts';
import { HeapBuilder, UNKNOWN_PRODUCER } from '../../heap/heap-builder';
import {
  DIAGINFO_KIND,
  PAGE_READONLY,
  protectionFromElfFlags,
  regionKindName,
  summarizeMemoryMap,
  type MemoryRegion,
} from '../../heap/memory-map';
import {
  NodeFlag,
  type AddressHighColumn,
  type HeapModel,
  type ManagedHeapFacts,
  type NodeIndex,
  type TypeIndex,
} from '../../heap/types';
import type { ByteSource, LoadOptions } from '../byte-source';
import { coreMemory } from './core-memory';
import { scanStacks, type HandleRootKind, type HandleRoots } from './gc-roots';
import { readManagedHeap, type ManagedHeapRead } from './managed-heap';
import { targetMemory } from './target-memory';
import { discoverRuntime, runtimeFacts, type RuntimeDiscovery } from './runtime-descriptor';
import { readElfCore, type ElfCore } from './elf-core-reader';

export { readElfCore } from './elf-core-reader';
export type { ElfCore, ElfLoadSegment, ElfThread, ElfFileMapping } from './elf-core-reader';

export function elfMemoryMap(core: ElfCore): MemoryRegion[] {
  const files = [...core.files].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const regions: MemoryRegion[] = [];
  for (const load of core.loads) {
    const protection = protectionFromElfFlags(load.flags);
    const end = load.vaddr + load.memSize;
    const holdsStack = core.threads.some((t) => t.stackPointer >= load.vaddr && t.stackPointer < end);
    // createdump's DIAGINFO page (core-dumps.md §1.2): one read-only 4 KB page at a fixed address
    // that is not process memory; labelled apart so it is not counted as the process's PAGE_READONLY.
    const diagInfo =
      load.vaddr === (core.pointerSize === 8 ? 0x7ffffff10000n : 0x7fff1000n) &&
      load.memSize === 0x1000n &&
      protection === PAGE_READONLY &&
      !files.some((file) => file.start < end && file.end > load.vaddr);
    if (holdsStack || diagInfo) {
      regions.push({
        start: load.vaddr,
        size: load.memSize,
        protection,
        state: 'commit',
        type: 'private',
        backingFile: null,
        kind: holdsStack ? 'Stack' : DIAGINFO_KIND,
      });
      continue;
    }
    let cursor = load.vaddr;
    const push = (from: bigint, to: bigint, path: string | null): void => {
      if (to <= from) return;
      const type = path !== null ? 'image' : 'private';
      regions.push({
        start: from,
        size: to - from,
        protection,
        state: 'commit',
        type,
        backingFile: path,
        kind: regionKindName(null, 'commit', type, path, protection),
      });
    };
    for (const file of files) {
      if (file.end <= cursor || file.start >= end) continue;
      const from = file.start > cursor ? file.start : cursor;
      const to = file.end < end ? file.end : end;
      push(cursor, from, null);
      push(from, to, file.path);
      cursor = to;
    }
    push(cursor, end, null);
  }
  return regions;
}

export interface ElfCoreImport {
  readonly core: ElfCore;
  readonly regions: readonly MemoryRegion[];
  readonly heap: HeapModel;
  /** The .NET runtime and its data contract descriptor, or why there is none (runtime-descriptor.ts). */
  readonly runtime: RuntimeDiscovery;
}

export async function importElfCore(source: ByteSource, options: LoadOptions = {}): Promise<ElfCoreImport> {
  const core = await readElfCore(source);
  // The runtime and its descriptor: a few slices of libcoreclr's pages, never the heap.
  const memory = coreMemory(source, core.loads);
  const runtime = await discoverRuntime(core.files, memory);
  const found = await runtimeFacts(runtime, memory);
  const labelling = options.gcHeapFrom ? labelGcHeap(elfMemoryMap(core), options.gcHeapFrom.ranges) : null;
  const regions = labelling ? labelling.regions : elfMemoryMap(core);
  const builder = new HeapBuilder('elf-core');
  // The managed heap, where the runtime describes itself: its objects into the columns, by slices of
  // the GC's regions (managed-heap.ts); then their references, the roots (gc-roots.ts) and a reader of
  // values on request.
  let managedHeap: ManagedHeapFacts | null = null;
  // The model the value reader finds an object's address in, once built.
  let built: HeapModel | null = null;
  if (runtime.status === 'found' && options.managedHeap !== false) {
    const typeByName = new Map<string, TypeIndex>();
    const references = new PendingReferences();
    let current = -1;
    const walk = await readManagedHeap(
      runtime.runtime,
      runtime.descriptor,
      memory,
      {
        object(address, typeName, size) {
          let type = typeByName.get(typeName);
          if (type === undefined) typeByName.set(typeName, (type = builder.internType(typeName)));
          current = builder.addNode(type, size, address % 2 ** 32, Math.floor(address / 2 ** 32), NodeFlag.Defined);
        },
        reference(target) {
          references.add(current, target);
        },
      },
      (fraction) =>
        options.onProgress?.({
          stage: 'walk the managed heap',
          bytesRead: core.bytesRead + memory.bytesRead,
          totalBytes: source.size,
          fraction,
        }),
    );
    managedHeap = managedHeapFacts(walk);
    if (walk.status === 'read') {
      const edge = (from: number, to: number) => builder.addEdge(from as NodeIndex, to as NodeIndex);
      const objects = new ObjectIndex(builder);
      const resolved = references.resolve(objects, edge);
      const roots = await rootsOf(walk.handles, core, targetMemory(memory), objects, builder, edge);
      builder.setValues(walk.values((node) => objectAddress(built, node)));
      managedHeap = {
        ...managedHeap,
        references: resolved.edges,
        referencesOutsideHeap: resolved.dropped,
        roots: roots.counts,
        missing: roots.missing,
      };
    }
  }
  const runtimeFactsRead = { ...found, managedHeap };
  const walked = managedHeap?.status === 'read';
  const bytesRead = core.bytesRead + memory.bytesRead;
  builder.setCapabilities({ objects: walked, edges: walked, roots: walked, addresses: walked });
  for (const row of summarizeMemoryMap(regions)) builder.addMemoryRow(row);
  for (const warning of managedHeap?.warnings ?? []) builder.warn(`managed heap: ${warning}`);
  builder.setDumpFacts(
    dumpFacts({
      regions,
      threads: core.threads,
      processName: core.processName,
      processId: core.pid,
      pointerSize: core.pointerSize,
      architecture: core.machine,
      bytesRead,
      fileBytes: source.size,
      runtime: runtimeFactsRead,
    }),
  );
  builder.setProducer({
    ...UNKNOWN_PRODUCER,
    description: `ELF core (${core.machine}), ${core.threads.length} threads, ${core.pointerSize}-byte pointers${runtimeFactsRead.description ? `, ${runtimeFactsRead.description}` : ''}${walked && managedHeap ? `, managed heap ${managedHeap.objects} objects` : ''}; read ${bytesRead} of ${source.size} bytes`,
    pointerSize: core.pointerSize,
    processName: core.processName,
    processId: core.pid,
  });
  builder.warn(gcHeapNote(labelling, options.gcHeapFrom?.from ?? null, 'a core'));
  options.onProgress?.({
    stage: 'read ELF core headers and notes',
    bytesRead,
    totalBytes: source.size,
    fraction: 1,
  });
  const heap = builder.build();
  built = heap;
  return { core, regions, heap, runtime };
}

/** The walk as facts for the Summary and the CLI (references and roots are added once resolved). */
function managedHeapFacts(walk: ManagedHeapRead): ManagedHeapFacts {
  const resolvedLater = { warnings: [], missing: [], references: 0, referencesOutsideHeap: 0, roots: {} };
  if (walk.status !== 'read') {
    return {
      ...resolvedLater,
      status: 'unreadable',
      message: walk.message,
      gcVersion: null,
      server: null,
      heaps: 0,
      regions: 0,
      regionBytes: 0,
      allocationContexts: 0,
      objects: 0,
      bytes: 0,
    };
  }
  return {
    ...resolvedLater,
    status: 'read',
    message: null,
    gcVersion: walk.gcVersion,
    server: walk.server,
    heaps: walk.heaps,
    regions: walk.regions.length,
    regionBytes: walk.regions.reduce((sum, r) => sum + (r.end - r.start), 0),
    allocationContexts: walk.allocationContexts,
    objects: walk.objects,
    bytes: walk.bytes,
    warnings: walk.warnings,
  };
}

/** The root categories as a gcdump names them, under one root node. */
const ROOT_CATEGORY: Record<HandleRootKind | 'stack', string> = {
  strong: '[strong Handles]',
  pinning: '[pinning Handles]',
  'async pinned': '[async pinned Handles]',
  'sized-ref': '[sized-ref Handles]',
  'ref-counted': '[ref-counted Handles]',
  variable: '[variable Handles]',
  stack: '[local vars (conservative)]', // every stack word and saved register that is an object
};
/** How far past a thread's stack pointer its stack is scanned, at most. */
const MAX_STACK_BYTES = 16 * 1024 * 1024;

/**
 * The roots into the model: a "[.NET Roots]" node, one node per kind of root found, an edge from it
 * to each object held; dependent handles as edges from primary to secondary. Returns the count per
 * kind and what could not be read.
 */
async function rootsOf(
  handles: HandleRoots,
  core: ElfCore,
  memory: ReturnType<typeof targetMemory>,
  objects: ObjectIndex,
  builder: HeapBuilder,
  edge: (from: number, to: number) => void,
): Promise<{ counts: Record<string, number>; missing: string[] }> {
  const pseudo = (name: string) =>
    builder.addNode(builder.internType(name), 0, 0, 0, NodeFlag.Defined | NodeFlag.Pseudo) as number;
  const root = pseudo('[.NET Roots]');
  builder.setRoot(root as NodeIndex);
  const categories = new Map<string, { node: number; held: Set<number> }>();
  const hold = (kind: HandleRootKind | 'stack', target: number) => {
    // A handle holds an object's start; a stack slot or register may hold a pointer into an object
    // (a `ref` or a Span over an array), which keeps the whole object alive.
    const node = kind === 'stack' ? objects.nodeContaining(target) : objects.nodeAt(target);
    if (node < 0) return;
    let category = categories.get(kind);
    if (!category) {
      category = { node: pseudo(ROOT_CATEGORY[kind]), held: new Set() };
      categories.set(kind, category);
      edge(root, category.node);
    }
    if (category.held.has(node)) return;
    category.held.add(node);
    edge(category.node, node);
  };
  for (const handle of handles.roots) hold(handle.kind, handle.target);
  for (const pair of handles.dependent) {
    const primary = objects.nodeAt(pair.primary);
    const secondary = objects.nodeAt(pair.secondary);
    if (primary >= 0 && secondary >= 0) edge(primary, secondary);
  }
  // Each thread's stack: from its stack pointer to the end of the memory holding it (adjacent segments
  // of the same protection joined), at most MAX_STACK_BYTES.
  const loads = [...core.loads].sort((a, b) => (a.vaddr < b.vaddr ? -1 : 1));
  const stacks: { pointer: number; end: number }[] = [];
  for (const thread of core.threads) {
    const sp = thread.stackPointer;
    let index = loads.findIndex((load) => sp >= load.vaddr && sp < load.vaddr + load.memSize);
    if (index < 0) continue;
    let end = loads[index].vaddr + loads[index].memSize;
    while (
      index + 1 < loads.length &&
      loads[index + 1].vaddr === end &&
      loads[index + 1].flags === loads[index].flags
    ) {
      end = loads[++index].vaddr + loads[index].memSize;
    }
    const pointer = Number(sp);
    stacks.push({ pointer, end: Math.min(Number(end), pointer + MAX_STACK_BYTES) });
  }
  const scan = await scanStacks(memory, stacks, (word) => hold('stack', word));
  // And each thread's registers as saved in the core: a frame may hold an object in a register only.
  for (const thread of core.threads) {
    for (const register of thread.registers) if (register < 2n ** 53n) hold('stack', Number(register));
  }
  const counts: Record<string, number> = {};
  for (const [kind, category] of categories) counts[kind] = category.held.size;
  const missing = [
    ...handles.problems,
    ...(stacks.length < core.threads.length ? [`the stacks of ${core.threads.length - stacks.length} threads`] : []),
    ...(scan.complete ? [] : [`thread stacks past the first ${scan.scanned.toLocaleString('en-US')} bytes`]),
    'the finalizer queue',
  ];
  return { counts, missing };
}

/**
 * The references the walk found, as (node, target address) pairs: a target is known to be an object
 * only once every object is, so they wait here and are resolved by the object index afterwards.
 */
class PendingReferences {
  private from = new Uint32Array(1024);
  private to = new Float64Array(1024);
  private length = 0;

  add(node: number, target: number): void {
    if (this.length === this.from.length) {
      this.from = grow(this.from);
      this.to = grow(this.to);
    }
    this.from[this.length] = node;
    this.to[this.length++] = target;
  }

  /** Each reference whose target is an object's start, to `edge`; the others are counted. */
  resolve(objects: ObjectIndex, edge: (from: number, to: number) => void): { edges: number; dropped: number } {
    let edges = 0;
    for (let i = 0; i < this.length; i++) {
      const to = objects.nodeAt(this.to[i]);
      if (to < 0) continue;
      edge(this.from[i], to);
      edges++;
    }
    return { edges, dropped: this.length - edges };
  }
}

/**
 * The objects the walk added, found by address: they come in address order, so a binary search over
 * the builder's own address and size columns (no second copy of them).
 */
class ObjectIndex {
  private readonly lo: Uint32Array;
  private readonly hi: AddressHighColumn;
  /** The builder's sizes: 4 bytes per node while nodes are added one by one (incremental mode). */
  private readonly size: Uint16Array | Uint32Array;
  private readonly count: number;

  constructor(builder: HeapBuilder) {
    const { columns, count } = builder.nodesSoFar();
    this.lo = columns.addressLo;
    this.hi = columns.addressHi;
    this.size = columns.size;
    this.count = count;
  }

  private addressOf(node: number): number {
    return this.hi[node] * 2 ** 32 + this.lo[node];
  }

  /** The last object starting at or below `address`, or −1. */
  private floor(address: number): number {
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.addressOf(middle) <= address) low = middle + 1;
      else high = middle - 1;
    }
    return high;
  }

  /** The object starting at this address, or −1. */
  nodeAt(address: number): number {
    const node = this.floor(address);
    return node >= 0 && this.addressOf(node) === address ? node : -1;
  }

  /** The object whose bytes hold this address (its start or inside it: an interior pointer), or −1. */
  nodeContaining(address: number): number {
    const node = this.floor(address);
    return node >= 0 && address < this.addressOf(node) + Math.max(this.size[node], 1) ? node : -1;
  }
}

/** An object node's address in the built model, or null (a root node, no node, or not built yet). */
function objectAddress(heap: HeapModel | null, node: number): number | null {
  if (!heap || !Number.isInteger(node) || node < 0 || node >= heap.nodes.count) return null;
  if (heap.nodes.flags[node] & NodeFlag.Pseudo) return null;
  return heap.nodes.addressHi[node] * 2 ** 32 + heap.nodes.addressLo[node];
}

function grow<T extends Float64Array | Uint32Array>(array: T): T {
  const grown = new (array.constructor as new (length: number) => T)(array.length * 2);
  grown.set(array);
  return grown;
}
