/**
 * ELF core → memory map → HeapModel with memory-summary rows only (no objects, edges or roots).
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
import { NodeFlag, type HeapModel, type ManagedHeapFacts, type TypeIndex } from '../../heap/types';
import type { ByteSource, LoadOptions } from '../byte-source';
import { coreMemory } from './core-memory';
import { readManagedHeap, type ManagedHeapRead } from './managed-heap';
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
  // the GC's regions (managed-heap.ts). References and roots are not read yet (issue #19 stage 3).
  let managedHeap: ManagedHeapFacts | null = null;
  if (runtime.status === 'found' && options.managedHeap !== false) {
    const typeByName = new Map<string, TypeIndex>();
    const walk = await readManagedHeap(
      runtime.runtime,
      runtime.descriptor,
      memory,
      {
        object(address, typeName, size) {
          let type = typeByName.get(typeName);
          if (type === undefined) typeByName.set(typeName, (type = builder.internType(typeName)));
          builder.addNode(
            type,
            size,
            address % 2 ** 32,
            Math.floor(address / 2 ** 32),
            NodeFlag.Defined,
          );
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
  }
  const runtimeFactsRead = { ...found, managedHeap };
  const walked = managedHeap?.status === 'read';
  const bytesRead = core.bytesRead + memory.bytesRead;
  builder.setCapabilities({ objects: walked, edges: false, roots: false, addresses: walked });
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
  return { core, regions, heap: builder.build(), runtime };
}

/** The walk as facts for the Summary and the CLI. */
function managedHeapFacts(walk: ManagedHeapRead): ManagedHeapFacts {
  const missing = ['references between objects', 'roots (thread stacks, statics, handles)'];
  if (walk.status !== 'read') {
    return {
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
      warnings: [],
      missing,
    };
  }
  return {
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
    missing,
  };
}
